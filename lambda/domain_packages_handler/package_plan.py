"""The pure decisions of a `Package` resource (Custom::OpenSearchPackage).

Wire format (written by the Package construct):

    PackageName:   "synonyms-1a2b3c4d"
    PackageType:   "TXT-DICTIONARY" | "ZIP-PLUGIN" | "PACKAGE-LICENSE" | "PACKAGE-CONFIG"
    PackageSource: {"S3BucketName": "...", "S3Key": "<asset hash>.txt"}
    EngineVersion: "OpenSearch_2.19"         (ZIP-PLUGIN only)
    PackageDescription: "..."                (optional)
    TimeoutSeconds: "3600"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .model import PackageAvailability, PackageFailure, Pending
from .plan import Done, Fail, Wait
from .properties import (
    DOMAIN_NAME_PATTERN,
    PACKAGE_ID_PATTERN,
    InvalidProperties,
    parse_timeout,
)

# The service gives package names the same rule as domain names.
PACKAGE_NAME_PATTERN = DOMAIN_NAME_PATTERN
PACKAGE_TYPES = frozenset({"TXT-DICTIONARY", "ZIP-PLUGIN", "PACKAGE-LICENSE", "PACKAGE-CONFIG"})
GONE_STATUSES = frozenset({"DELETED"})
BROKEN_STATUSES = frozenset({"COPY_FAILED", "VALIDATION_FAILED", "DELETE_FAILED"})


@dataclass(frozen=True)
class PackageSpec:
    """One Package resource as declared."""

    name: str
    package_type: str
    bucket: str
    key: str
    engine_version: str | None
    description: str | None
    timeout_seconds: int


def parse_package_properties(properties: Mapping[str, Any] | None) -> PackageSpec:
    if not properties:
        raise InvalidProperties("the resource has no properties")
    name = str(properties.get("PackageName", "")).strip()
    if not PACKAGE_NAME_PATTERN.match(name):
        raise InvalidProperties(
            f"PackageName {name!r} is not a package name (3-28 characters, lower-case letters, "
            "digits and hyphens, starting with a letter)"
        )
    package_type = str(properties.get("PackageType", "TXT-DICTIONARY"))
    if package_type not in PACKAGE_TYPES:
        raise InvalidProperties(
            f"PackageType {package_type!r} of package {name} is not one of "
            f"{', '.join(sorted(PACKAGE_TYPES))}"
        )
    source = properties.get("PackageSource")
    if not isinstance(source, Mapping) or not source.get("S3BucketName") or not source.get("S3Key"):
        raise InvalidProperties(f"PackageSource of package {name} needs S3BucketName and S3Key")
    engine_version = str(properties.get("EngineVersion") or "") or None
    if package_type == "ZIP-PLUGIN" and not engine_version:
        raise InvalidProperties(f"package {name} is a ZIP-PLUGIN: EngineVersion is required")
    return PackageSpec(
        name=name,
        package_type=package_type,
        bucket=str(source["S3BucketName"]),
        key=str(source["S3Key"]),
        engine_version=engine_version,
        description=str(properties.get("PackageDescription") or "") or None,
        timeout_seconds=parse_timeout(properties.get("TimeoutSeconds")),
    )


def change_kind(old: PackageSpec, new: PackageSpec) -> Literal["none", "update", "replace"]:
    """What an Update must do: new content is a new version; a new identity a new package."""
    if (old.name, old.package_type, old.engine_version) != (
        new.name,
        new.package_type,
        new.engine_version,
    ):
        return "replace"
    if (old.bucket, old.key, old.description) != (new.bucket, new.key, new.description):
        return "update"
    return "none"


def is_package_id(value: str) -> bool:
    return bool(PACKAGE_ID_PATTERN.match(value))


def available_decision(
    package: PackageAvailability | None, previous_version: str | None
) -> Done | Wait | Fail:
    """Created or updated: done once AVAILABLE, on a version other than `previous_version`."""
    if package is None:
        return Wait((Pending("package", "not described yet"),))
    if package.status in BROKEN_STATUSES or package.status in GONE_STATUSES:
        return Fail((package.failure(f"the package is {package.status}"),))
    if package.status == "AVAILABLE":
        if previous_version and package.available_version == previous_version:
            return Wait(
                (Pending(package.package_id, f"AVAILABLE at {previous_version}, not updated yet"),)
            )
        return Done()
    return Wait((Pending(package.package_id, package.status or "?"),))


def domains_in_use(domains: Mapping[str, str]) -> list[str]:
    """The domains (name → association status) that use the package and are not letting go."""
    return sorted(d for d, status in domains.items() if status != "DISSOCIATING")


def in_use_decision(domains: Mapping[str, str]) -> Fail | Wait | None:
    """Before deleting: a package some domain still uses cannot go; a dissociation can finish."""
    using = domains_in_use(domains)
    if using:
        return Fail(
            tuple(
                PackageFailure("", domains[d], "InUse", f"still associated with domain {d}")
                for d in using
            )
        )
    if domains:
        return Wait(tuple(Pending(f"domain {d}", "DISSOCIATING") for d in sorted(domains)))
    return None


def gone_decision(package: PackageAvailability | None) -> Done | Wait | Fail:
    if package is None or package.status in GONE_STATUSES:
        return Done()
    if package.status == "DELETE_FAILED":
        return Fail((package.failure(f"the package is {package.status}"),))
    return Wait((Pending(package.package_id, package.status),))


def package_data(package: PackageAvailability) -> dict[str, str]:
    return {
        "PackageID": package.package_id,
        "PackageVersion": package.available_version,
        "PackageName": package.name,
    }
