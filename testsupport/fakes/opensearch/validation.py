"""Request checks the service makes: patterns and lengths from the model, answered as it does.

botocore checks only lengths and required members client-side; the service checks the patterns, so
a request the model forbids must come back from the fake as a ValidationException.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from testsupport.fakes.opensearch.model import PACKAGE_TYPES, ApiError

__all__ = [
    "commit_message",
    "description",
    "matches_package_id",
    "new_package",
    "validate_configuration",
    "validate_domain_name",
    "validate_package_id",
]

# Model: DomainName, 3 to 28 characters, [a-z][a-z0-9\-]+.
_DOMAIN_NAME_RE = re.compile(r"^[a-z][a-z0-9\-]{2,27}$")
# Model: PackageID.
_PACKAGE_ID_RE = re.compile(r"^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$")
# Model: RoleArn (KeyAccessRoleArn), 20 to 2048 characters.
_ROLE_ARN_RE = re.compile(
    r"^arn:(aws|aws\-cn|aws\-us\-gov|aws\-iso|aws\-iso\-b):iam::[0-9]+:role/.*$"
)
# Model: PackageName, [a-z][a-z0-9\-]+, 3 to 256 characters.
_PACKAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9\-]{2,255}$")
# Model: RequirementLevel; LicenseFilepath (at most 256, relative, no "..").
_REQUIREMENT_LEVELS = ("REQUIRED", "OPTIONAL", "NONE")
_LICENSE_FILEPATH_RE = re.compile(
    r"^(?!.*\/\.{2,})(?!.*\.\.)[a-zA-Z0-9_.-]+(?:\/[a-zA-Z0-9_.-]+)*$"
)
# Model: PackageUser (UpdatePackageScope): a 12-digit account ID or GLOBAL.
_PACKAGE_USER_RE = re.compile(r"^[0-9]{12}$|^GLOBAL$")
# Model: EngineVersion.
_ENGINE_VERSION_RE = re.compile(
    r"^Elasticsearch_[0-9]{1}\.[0-9]{1,2}$|^OpenSearch_[0-9]{1,2}\.[0-9]{1,2}$"
)


def matches_package_id(package_id: str) -> bool:
    return _PACKAGE_ID_RE.match(package_id) is not None


def validate_domain_name(name: Any) -> None:
    # Model: DomainName pattern; the message imitates the service's "1 validation error" form.
    if not isinstance(name, str) or not _DOMAIN_NAME_RE.match(name):
        raise ApiError(
            "ValidationException",
            f"1 validation error detected: Value '{name}' at 'domainName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9\\-]+",
        )


def validate_package_id(package_id: Any) -> None:
    # Model: PackageID pattern.
    if not isinstance(package_id, str) or not _PACKAGE_ID_RE.match(package_id):
        raise ApiError(
            "ValidationException",
            f"1 validation error detected: Value '{package_id}' at 'packageID' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$",
        )


def validate_configuration(configuration: Any) -> dict[str, Any] | None:
    """A copy of a valid AssociationConfiguration (None when absent)."""
    if configuration is None:
        return None
    if not isinstance(configuration, dict):
        raise ApiError("ValidationException", "AssociationConfiguration must be an object")
    option = configuration.get("KeyStoreAccessOption")
    if option is not None:
        # Model: KeyStoreAccessOption.KeyStoreAccessEnabled is required and boolean.
        if not isinstance(option, dict) or not isinstance(
            option.get("KeyStoreAccessEnabled"), bool
        ):
            raise ApiError(
                "ValidationException",
                "KeyStoreAccessOption.KeyStoreAccessEnabled is required and must be boolean",
            )
        # Model: KeyAccessRoleArn is a RoleArn.
        role = option.get("KeyAccessRoleArn")
        if role is not None and (
            not isinstance(role, str) or not 20 <= len(role) <= 2048 or not _ROLE_ARN_RE.match(role)
        ):
            raise ApiError(
                "ValidationException", f"KeyAccessRoleArn is not a valid IAM role ARN: {role}"
            )
    return copy.deepcopy(configuration)


def new_package(params: dict[str, Any]) -> tuple[str, str, str | None]:
    """CreatePackage's (PackageName, PackageType, EngineVersion), checked in that order."""
    name = params.get("PackageName")
    if not isinstance(name, str) or not _PACKAGE_NAME_RE.match(name):
        raise ApiError(
            "ValidationException",
            f"1 validation error detected: Value '{name}' at 'packageName' failed to satisfy "
            "constraint: Member must have length between 3 and 256 and match [a-z][a-z0-9\\-]+",
        )
    # Model: the PackageType enum.
    package_type = params.get("PackageType")
    if package_type not in PACKAGE_TYPES:
        raise ApiError(
            "ValidationException",
            f"1 validation error detected: Value '{package_type}' at 'packageType' failed to "
            f"satisfy constraint: Member must satisfy enum value set: {list(PACKAGE_TYPES)}",
        )
    # Model (CreatePackageRequest.EngineVersion) and reference (custom plugins): required for a
    # ZIP-PLUGIN, for nothing else.
    engine_version = params.get("EngineVersion")
    if package_type == "ZIP-PLUGIN":
        if not isinstance(engine_version, str) or not _ENGINE_VERSION_RE.match(engine_version):
            raise ApiError(
                "ValidationException",
                "EngineVersion is required for a ZIP-PLUGIN package, in the form "
                f"OpenSearch_X.Y or Elasticsearch_X.Y (got {engine_version!r})",
            )
    elif engine_version is not None:
        raise ApiError(
            "ValidationException",
            f"EngineVersion can only be specified for ZIP-PLUGIN packages, not {package_type}",
        )
    return name, str(package_type), engine_version


def description(params: dict[str, Any], default: str = "") -> str:
    # Model: PackageDescription, at most 1024 characters.
    value = params.get("PackageDescription", default)
    if not isinstance(value, str) or len(value) > 1024:
        raise ApiError("ValidationException", "PackageDescription must be at most 1024 characters")
    return value


def commit_message(params: dict[str, Any]) -> str:
    # Model: CommitMessage, at most 160 characters.
    value = params.get("CommitMessage", "")
    if not isinstance(value, str) or len(value) > 160:
        raise ApiError("ValidationException", "CommitMessage must be at most 160 characters")
    return value


def _invalid(member: str, value: Any, rule: str) -> ApiError:
    return ApiError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {rule}",
    )


def package_options(params: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """Model: CreatePackage/UpdatePackage's PackageConfiguration {LicenseRequirement,
    ConfigurationRequirement (both required), LicenseFilepath, RequiresRestartForConfiguration
    Update}, PackageEncryptionOptions {EncryptionEnabled (required), KmsKeyIdentifier 1-500}
    and (CreatePackage only) PackageVendingOptions {VendingEnabled (required)}."""
    options: dict[str, Any] = {}
    configuration = params.get("PackageConfiguration")
    if configuration is not None:
        for member in ("LicenseRequirement", "ConfigurationRequirement"):
            if configuration.get(member) not in _REQUIREMENT_LEVELS:
                rule = f"Member must satisfy enum value set: {list(_REQUIREMENT_LEVELS)}"
                raise _invalid(f"packageConfiguration.{member}", configuration.get(member), rule)
        path = configuration.get("LicenseFilepath")
        if path is not None and (len(path) > 256 or not _LICENSE_FILEPATH_RE.match(path)):
            raise _invalid("packageConfiguration.licenseFilepath", path, "a relative path")
        options["configuration"] = copy.deepcopy(configuration)
    encryption = params.get("PackageEncryptionOptions")
    if encryption is not None:
        if not isinstance(encryption.get("EncryptionEnabled"), bool):
            raise _invalid("packageEncryptionOptions.encryptionEnabled", None, "required")
        key = encryption.get("KmsKeyIdentifier")
        if key is not None and not 1 <= len(key) <= 500:
            raise _invalid("packageEncryptionOptions.kmsKeyIdentifier", key, "length 1 to 500")
        options["encryption"] = copy.deepcopy(encryption)
    vending = params.get("PackageVendingOptions")
    if vending is not None:
        if not create:  # Model: UpdatePackageRequest has no PackageVendingOptions member.
            raise _invalid("packageVendingOptions", vending, "not a member of UpdatePackage")
        if not isinstance(vending.get("VendingEnabled"), bool):
            raise _invalid("packageVendingOptions.vendingEnabled", None, "required")
        options["vending"] = copy.deepcopy(vending)
    return options


def package_users(params: dict[str, Any]) -> tuple[str, list[str]]:
    """Model: UpdatePackageScope's Operation (ADD|OVERRIDE|REMOVE) and PackageUserList."""
    operation = params.get("Operation")
    if operation not in ("ADD", "OVERRIDE", "REMOVE"):
        raise _invalid("operation", operation, "Member must satisfy enum value set")
    users = params.get("PackageUserList")
    if not isinstance(users, list):
        raise _invalid("packageUserList", users, "required")
    for user in users:
        if not isinstance(user, str) or not _PACKAGE_USER_RE.match(user):
            raise _invalid("packageUserList.member", user, "^[0-9]{12}$|^GLOBAL$")
    return operation, list(users)
