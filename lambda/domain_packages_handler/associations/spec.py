"""Reads a DomainPackages resource's properties, which CloudFormation delivers as strings.

Wire format (written by the DomainPackages construct):

    DomainName:     "my-domain"
    Packages:       [{"PackageID": "pkg-0a1b", "Prerequisites": ["pkg-99ff"],
                      "KeyStoreAccessEnabled": "true", "KeyAccessRoleArn": "arn:...",
                      "PackageVersion": "v2", "Alias": "c8a1f0"}, ...]
                    (PackageVersion and Alias come with packages managed by a Package construct)
                    An entry may name its package instead of giving its ID:
                    {"PackageName": "analysis-sudachi", "PackageOwner": "AWS",
                     "Alias": "a1b2c3", "Prerequisites": [...], "KeyStoreAccessEnabled": ...}
                    PackageName follows the service's pattern (3-256 of [a-z0-9-], a letter
                    first); PackageOwner ("AWS" or a 12-digit account ID) is optional; Alias is
                    required. The handler resolves the name when it runs, against the domain's
                    EngineVersion (DescribeDomain) in its Region (DescribePackages by name):
                    the one package of that name (and owner) built for that engine version, or
                    with no engine version at all (dictionaries). Prerequisites are IDs.
    TimeoutSeconds: "3600"
    EngineVersion:  "OpenSearch_2.19"  (only with entries by name and a domain of the stack:
                    the version the template declares, there so that an upgrade sends an
                    Update; the handler reads the domain's actual version from DescribeDomain)

Response Data, per declared package: `ReferencePath.<key>` and `PackageVersion.<key>`, the key
being the Alias when there is one, else the ID; entries by name also get `PackageID.<alias>`,
the ID the name resolved to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..core.names import DOMAIN_NAME_PATTERN, PACKAGE_ID_PATTERN, PACKAGE_NAME_PATTERN
from ..core.properties import (
    MAX_TIMEOUT_SECONDS,
    SERVICE_TIMEOUT_SECONDS,
    InvalidProperties,
    parse_bool,
    parse_timeout,
    read_name,
    read_wait_handle,
    require_properties,
)
from .model import DesiredPackage

#: PackageOwner of a named entry: AWS's packages, or an account's (12 digits).
PACKAGE_OWNER_PATTERN = re.compile(r"^(AWS|[0-9]{12})$")


@dataclass(frozen=True)
class ResourceSpec:
    """One DomainPackages resource as declared."""

    domain_name: str
    packages: tuple[DesiredPackage, ...]
    timeout_seconds: int

    @property
    def package_ids(self) -> tuple[str, ...]:
        """The IDs of the entries declared by ID (named ones have none until resolved)."""
        return tuple(p.package_id for p in self.packages if p.package_id)

    @property
    def package_names(self) -> tuple[str, ...]:
        """The names of the entries declared by name."""
        return tuple(p.package_name for p in self.packages if p.package_name)


def _parse_name(raw: Mapping[str, Any], index: int) -> tuple[str, str | None, str]:
    """PackageName, PackageOwner and Alias of an entry declared by name."""
    name = str(raw.get("PackageName", "")).strip()
    if not PACKAGE_NAME_PATTERN.match(name):
        raise InvalidProperties(
            f"Packages[{index}].PackageName {name!r} is not a package name "
            "(3-256 lower-case letters, digits and hyphens, starting with a letter)"
        )
    owner = str(raw.get("PackageOwner") or "").strip() or None
    if owner is not None and not PACKAGE_OWNER_PATTERN.match(owner):
        raise InvalidProperties(
            f"Packages[{index}].PackageOwner {owner!r} of {name} must be AWS or a 12-digit "
            "account ID"
        )
    alias = str(raw.get("Alias") or "").strip()
    if not alias:
        raise InvalidProperties(f"Packages[{index}] names package {name} but has no Alias")
    if "PackageID" in raw:
        raise InvalidProperties(
            f"Packages[{index}] has both PackageID and PackageName {name}: give one"
        )
    return name, owner, alias


def _parse_package(raw: Any, index: int) -> DesiredPackage:
    if isinstance(raw, str):
        raw = {"PackageID": raw}
    if not isinstance(raw, Mapping):
        raise InvalidProperties(f"Packages[{index}] must be an object, got {raw!r}")
    if raw.get("PackageName"):
        name, owner, alias = _parse_name(raw, index)
        return _with_options(
            DesiredPackage("", package_name=name, package_owner=owner, alias=alias),
            raw,
            index,
            name,
        )
    package_id = str(raw.get("PackageID", "")).strip()
    if not PACKAGE_ID_PATTERN.match(package_id):
        raise InvalidProperties(
            f"Packages[{index}].PackageID {package_id!r} is not a package ID "
            "(expected F123…, G123… or pkg-<hex>)"
        )
    version = raw.get("PackageVersion")
    given_alias = raw.get("Alias")
    return _with_options(
        DesiredPackage(
            package_id,
            package_version=str(version) if version else None,
            alias=str(given_alias) if given_alias else None,
        ),
        raw,
        index,
        package_id,
    )


def _with_options(
    package: DesiredPackage, raw: Mapping[str, Any], index: int, package_id: str
) -> DesiredPackage:
    """Prerequisites and key store options, which entries by ID and by name share
    (`package_id`: the ID or name that reasons give)."""
    prerequisites_raw = raw.get("Prerequisites") or []
    if isinstance(prerequisites_raw, str):
        prerequisites_raw = [p for p in prerequisites_raw.split(",") if p]
    if not isinstance(prerequisites_raw, list):
        raise InvalidProperties(f"Packages[{index}].Prerequisites must be a list of package IDs")
    prerequisites = tuple(str(p).strip() for p in prerequisites_raw)
    for prerequisite in prerequisites:
        if not PACKAGE_ID_PATTERN.match(prerequisite):
            raise InvalidProperties(
                f"prerequisite {prerequisite!r} of package {package_id} is not a package ID"
            )
    role = raw.get("KeyAccessRoleArn")
    return replace(
        package,
        prerequisites=prerequisites,
        key_store_access_enabled=parse_bool(
            raw.get("KeyStoreAccessEnabled"), f"KeyStoreAccessEnabled of package {package_id}"
        ),
        key_access_role_arn=str(role) if role else None,
    )


def parse_properties(properties: Mapping[str, Any] | None) -> ResourceSpec:
    """Validate and normalise ResourceProperties (or OldResourceProperties)."""
    properties = require_properties(properties)
    domain_name = read_name(properties, "DomainName", DOMAIN_NAME_PATTERN, "domain name")
    raw_packages = properties.get("Packages")
    if not isinstance(raw_packages, list) or not raw_packages:
        raise InvalidProperties(f"Packages must be a non-empty list for domain {domain_name}")
    packages = tuple(_parse_package(raw, i) for i, raw in enumerate(raw_packages))
    seen: set[str] = set()
    for package in packages:
        if package.key in seen:
            raise InvalidProperties(
                f"package {package.package_name or package.package_id} is listed twice for "
                f"domain {domain_name}"
            )
        seen.add(package.key)
    return ResourceSpec(
        domain_name=domain_name,
        packages=packages,
        # Longer than CloudFormation lets a custom resource wait only with a WaitCondition's
        # handle to signal at the end.
        timeout_seconds=parse_timeout(
            properties.get("TimeoutSeconds"),
            MAX_TIMEOUT_SECONDS if read_wait_handle(properties) else SERVICE_TIMEOUT_SECONDS,
        ),
    )
