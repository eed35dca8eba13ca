"""Reads a DomainPackages resource's properties, which CloudFormation delivers as strings.

Wire format (written by the DomainPackages construct):

    DomainName:     "my-domain"
    Packages:       [{"PackageID": "pkg-0a1b", "Prerequisites": ["pkg-99ff"],
                      "KeyStoreAccessEnabled": "true", "KeyAccessRoleArn": "arn:...",
                      "PackageVersion": "v2", "Alias": "c8a1f0"}, ...]
                    (PackageVersion and Alias come with packages managed by a Package construct)
    TimeoutSeconds: "3600"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.names import DOMAIN_NAME_PATTERN, PACKAGE_ID_PATTERN
from ..core.properties import (
    InvalidProperties,
    parse_bool,
    parse_timeout,
    read_name,
    require_properties,
)
from .model import DesiredPackage


@dataclass(frozen=True)
class ResourceSpec:
    """One DomainPackages resource as declared."""

    domain_name: str
    packages: tuple[DesiredPackage, ...]
    timeout_seconds: int

    @property
    def package_ids(self) -> tuple[str, ...]:
        return tuple(p.package_id for p in self.packages)


def _parse_package(raw: Any, index: int) -> DesiredPackage:
    if isinstance(raw, str):
        raw = {"PackageID": raw}
    if not isinstance(raw, Mapping):
        raise InvalidProperties(f"Packages[{index}] must be an object, got {raw!r}")
    package_id = str(raw.get("PackageID", "")).strip()
    if not PACKAGE_ID_PATTERN.match(package_id):
        raise InvalidProperties(
            f"Packages[{index}].PackageID {package_id!r} is not a package ID "
            "(expected F123…, G123… or pkg-<hex>)"
        )
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
    version = raw.get("PackageVersion")
    alias = raw.get("Alias")
    return DesiredPackage(
        package_id=package_id,
        prerequisites=prerequisites,
        key_store_access_enabled=parse_bool(
            raw.get("KeyStoreAccessEnabled"), f"KeyStoreAccessEnabled of package {package_id}"
        ),
        key_access_role_arn=str(role) if role else None,
        package_version=str(version) if version else None,
        alias=str(alias) if alias else None,
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
        if package.package_id in seen:
            raise InvalidProperties(
                f"package {package.package_id} is listed twice for domain {domain_name}"
            )
        seen.add(package.package_id)
    return ResourceSpec(
        domain_name=domain_name,
        packages=packages,
        timeout_seconds=parse_timeout(properties.get("TimeoutSeconds")),
    )
