"""Reads a Package resource's properties (Custom::OpenSearchPackage).

Wire format (written by the Package construct):

    PackageName:   "synonyms-1a2b3c4d"
    PackageType:   "TXT-DICTIONARY" | "ZIP-PLUGIN" | "PACKAGE-LICENSE" | "PACKAGE-CONFIG"
    PackageSource: {"S3BucketName": "...", "S3Key": "<asset hash>.txt"}
    EngineVersion: "OpenSearch_2.19"         (ZIP-PLUGIN only)
    PackageDescription: "..."                (optional)
    TimeoutSeconds: "3600"
    PackageConfiguration, PackageEncryptionOptions, PackageVendingOptions, PackageScope
                                             (optional; see options.py)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..core.names import PACKAGE_NAME_PATTERN
from ..core.properties import InvalidProperties, parse_timeout, read_name, require_properties
from .options import (
    EncryptionOptions,
    PackageConfiguration,
    parse_configuration,
    parse_encryption,
    parse_scope,
    parse_vending,
)

PACKAGE_TYPES = frozenset({"TXT-DICTIONARY", "ZIP-PLUGIN", "PACKAGE-LICENSE", "PACKAGE-CONFIG"})


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
    configuration: PackageConfiguration | None = None
    encryption: EncryptionOptions | None = None
    vending_enabled: bool | None = None
    #: Accounts the package is shared with (UpdatePackageScope), sorted; () for none.
    scope: tuple[str, ...] = ()


def parse_package_properties(properties: Mapping[str, Any] | None) -> PackageSpec:
    """Validate and normalise ResourceProperties (or OldResourceProperties)."""
    properties = require_properties(properties)
    name = read_name(properties, "PackageName", PACKAGE_NAME_PATTERN, "package name")
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
        configuration=parse_configuration(properties.get("PackageConfiguration"), name),
        encryption=parse_encryption(properties.get("PackageEncryptionOptions"), name),
        vending_enabled=parse_vending(properties.get("PackageVendingOptions"), name),
        scope=parse_scope(properties.get("PackageScope"), name),
    )


def change_kind(old: PackageSpec, new: PackageSpec) -> Literal["none", "update", "replace"]:
    """What an Update must do: what UpdatePackage takes (content, description, configuration,
    encryption) is a new version; what only CreatePackage takes (name, type, engine version,
    vending) a new package. The scope is kept in step separately (UpdatePackageScope)."""
    if _identity(old) != _identity(new):
        return "replace"
    if _content(old) != _content(new):
        return "update"
    return "none"


def is_engine_upgrade(old: PackageSpec, new: PackageSpec) -> bool:
    """A plugin rebuilt for another engine version: a new package under the same name, which
    is what a domain's engine upgrade moves to (guide: custom-plugins, upgrading)."""
    return (
        old.package_type == new.package_type == "ZIP-PLUGIN"
        and old.name == new.name
        and old.engine_version != new.engine_version
        and old.vending_enabled == new.vending_enabled
    )


def _identity(spec: PackageSpec) -> tuple[object, ...]:
    return (spec.name, spec.package_type, spec.engine_version, spec.vending_enabled)


def _content(spec: PackageSpec) -> tuple[object, ...]:
    return (spec.bucket, spec.key, spec.description, spec.configuration, spec.encryption)
