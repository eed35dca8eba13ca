"""A package's options beyond its file, as CreatePackage and UpdatePackage take them.

Wire format (written by the Package construct; CloudFormation turns booleans into strings):

    PackageConfiguration:     {"LicenseRequirement": "REQUIRED", "ConfigurationRequirement":
                               "NONE", "LicenseFilepath": "license.json",
                               "RequiresRestartForConfigurationUpdate": "true"}
    PackageEncryptionOptions: {"EncryptionEnabled": "true", "KmsKeyIdentifier": "arn:aws:kms:..."}
    PackageVendingOptions:    {"VendingEnabled": "true"}
    PackageScope:             ["123456789012", ...] or ["GLOBAL"]  (UpdatePackageScope's users)

Limits are botocore's model (opensearch 2021-01-01): RequirementLevel REQUIRED|OPTIONAL|NONE,
LicenseFilepath at most 256 relative characters without "..", KmsKeyId 1-500 characters,
PackageUser a 12-digit account ID or GLOBAL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.properties import InvalidProperties, parse_bool

REQUIREMENT_LEVELS = ("REQUIRED", "OPTIONAL", "NONE")
LICENSE_FILEPATH = re.compile(r"^(?!.*\/\.{2,})(?!.*\.\.)[a-zA-Z0-9_.-]+(?:\/[a-zA-Z0-9_.-]+)*$")
PACKAGE_USER = re.compile(r"^[0-9]{12}$|^GLOBAL$")
MAX_LICENSE_FILEPATH = 256
MAX_KMS_KEY = 500


@dataclass(frozen=True)
class PackageConfiguration:
    """`PackageConfiguration`: what a plugin needs besides itself (licence, configuration)."""

    license_requirement: str
    configuration_requirement: str
    license_filepath: str | None = None
    requires_restart: bool | None = None

    def to_api(self) -> dict[str, Any]:
        api: dict[str, Any] = {
            "LicenseRequirement": self.license_requirement,
            "ConfigurationRequirement": self.configuration_requirement,
        }
        if self.license_filepath:
            api["LicenseFilepath"] = self.license_filepath
        if self.requires_restart is not None:
            api["RequiresRestartForConfigurationUpdate"] = self.requires_restart
        return api


@dataclass(frozen=True)
class EncryptionOptions:
    """`PackageEncryptionOptions`: a customer managed KMS key instead of an AWS owned one."""

    enabled: bool
    kms_key: str | None = None

    def to_api(self) -> dict[str, Any]:
        api: dict[str, Any] = {"EncryptionEnabled": self.enabled}
        if self.kms_key:
            api["KmsKeyIdentifier"] = self.kms_key
        return api


def _mapping(raw: Any, what: str) -> Mapping[str, Any] | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, Mapping):
        raise InvalidProperties(f"{what} must be an object, got {raw!r}")
    return raw


def parse_configuration(raw: Any, name: str) -> PackageConfiguration | None:
    what = f"PackageConfiguration of package {name}"
    given = _mapping(raw, what)
    if given is None:
        return None
    levels = {}
    for key in ("LicenseRequirement", "ConfigurationRequirement"):
        level = str(given.get(key, ""))
        if level not in REQUIREMENT_LEVELS:
            raise InvalidProperties(
                f"{what}: {key} {level!r} is not one of {', '.join(REQUIREMENT_LEVELS)}"
            )
        levels[key] = level
    path = str(given.get("LicenseFilepath") or "") or None
    if path is not None and (len(path) > MAX_LICENSE_FILEPATH or not LICENSE_FILEPATH.match(path)):
        raise InvalidProperties(
            f"{what}: LicenseFilepath {path!r} must be a relative path of at most "
            f"{MAX_LICENSE_FILEPATH} characters without '..'"
        )
    return PackageConfiguration(
        levels["LicenseRequirement"],
        levels["ConfigurationRequirement"],
        path,
        parse_bool(given.get("RequiresRestartForConfigurationUpdate"), f"{what}: restart"),
    )


def parse_encryption(raw: Any, name: str) -> EncryptionOptions | None:
    what = f"PackageEncryptionOptions of package {name}"
    given = _mapping(raw, what)
    if given is None:
        return None
    enabled = parse_bool(given.get("EncryptionEnabled"), f"{what}: EncryptionEnabled")
    if enabled is None:
        raise InvalidProperties(f"{what}: EncryptionEnabled is required")
    key = str(given.get("KmsKeyIdentifier") or "") or None
    if key is not None and len(key) > MAX_KMS_KEY:
        raise InvalidProperties(f"{what}: KmsKeyIdentifier is over {MAX_KMS_KEY} characters")
    return EncryptionOptions(enabled, key)


def parse_vending(raw: Any, name: str) -> bool | None:
    what = f"PackageVendingOptions of package {name}"
    given = _mapping(raw, what)
    if given is None:
        return None
    return parse_bool(given.get("VendingEnabled"), f"{what}: VendingEnabled")


def parse_scope(raw: Any, name: str) -> tuple[str, ...]:
    """The accounts the package is shared with (UpdatePackageScope's PackageUserList)."""
    if raw is None or raw == "":
        return ()
    users = [u for u in raw.split(",") if u] if isinstance(raw, str) else raw
    if not isinstance(users, list):
        raise InvalidProperties(f"PackageScope of package {name} must be a list of account IDs")
    for user in users:
        if not PACKAGE_USER.match(str(user)):
            raise InvalidProperties(
                f"PackageScope of package {name}: {user!r} is not a 12-digit account ID or GLOBAL"
            )
    return tuple(sorted(str(u) for u in users))
