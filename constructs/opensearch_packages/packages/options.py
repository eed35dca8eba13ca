"""A ``Package``'s settings once checked (``PackageSettings``), the checks of its options beyond
its file and configuration (encryption, vending, sharing), and the custom resource's properties.

Limits are those of the OpenSearch Service API (botocore's model); the handler checks them
again and reads the properties (``lambda/domain_packages_handler/packages/options.py``). Only
literal values are checked: tokens pass unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from opensearch_packages.core.api import ZIP_PLUGIN, PackageType
from opensearch_packages.core.errors import Subject
from opensearch_packages.core.values import is_literal
from opensearch_packages.packages.configuration import PackageConfiguration

#: ``PackageUser``: who a package is shared with (``UpdatePackageScope``).
PACKAGE_USER_PATTERN = re.compile(r"^[0-9]{12}$|^GLOBAL$")
GLOBAL_SCOPE = "GLOBAL"


def check_encryption_key(subject: Subject, package_type: PackageType, key: object) -> None:
    if key is None:
        return
    if not hasattr(key, "grant") or not hasattr(key, "key_arn"):
        raise subject.wrong_type(
            "encryption_key",
            key,
            "an aws_kms.IKey, e.g. aws_kms.Key.from_key_arn(self, 'PluginKey', '<key ARN>')",
        )
    if package_type != ZIP_PLUGIN:
        raise subject.invalid(
            "encryption_key is only for a ZIP-PLUGIN (the service encrypts plugin packages with "
            f"a customer managed key), not a {package_type}; drop encryption_key"
        )


def check_vending_enabled(subject: Subject, vending_enabled: object) -> None:
    subject.given("vending_enabled", vending_enabled, bool, "True, False or None")


def check_shared_with(subject: Subject, shared_with: object) -> tuple[str, ...] | None:
    """The accounts a package is shared with, as given; None when not shared."""
    if shared_with is None:
        return None
    if isinstance(shared_with, str) or not isinstance(shared_with, Sequence):
        raise subject.wrong_type(
            "shared_with",
            shared_with,
            f"a list of 12-digit account IDs or [{GLOBAL_SCOPE!r}], e.g. "
            "shared_with=['111122223333']",
        )
    seen: set[str] = set()
    expected = f"a 12-digit account ID string or {GLOBAL_SCOPE!r}"
    for user in shared_with:
        if not subject.given("shared_with entry", user, str, expected):
            raise TypeError(f"{subject}: shared_with has an entry None; expected {expected}")
        if is_literal(user) and not PACKAGE_USER_PATTERN.match(user):
            raise subject.invalid(
                f"shared_with entry {user!r} is neither a 12-digit account ID (e.g. "
                f"'111122223333') nor {GLOBAL_SCOPE!r}"
            )
        if user in seen:
            raise subject.invalid(f"shared_with lists {user!r} twice; list each account once")
        seen.add(user)
    return tuple(shared_with)


@dataclass(frozen=True)
class PackageSettings:
    """What a ``Package`` was given, checked (``validation.check_arguments``)."""

    package_type: PackageType
    engine_version: str | None
    description: str | None
    configuration: PackageConfiguration | None
    encryption_key: kms.IKey | None
    vending_enabled: bool | None
    #: ``shared_with`` as given; None when not shared.
    scope_users: tuple[str, ...] | None
    removal_policy: RemovalPolicy
    timeout_seconds: int

    @property
    def timeout(self) -> Duration:
        return Duration.seconds(self.timeout_seconds)

    def properties(self, package_name: str, source: s3.Location) -> dict[str, Any]:
        """The custom resource's properties (the handler's wire format, ``packages/spec.py``
        and ``packages/options.py``), unset options omitted."""
        properties: dict[str, Any] = {
            "PackageName": package_name,
            "PackageType": self.package_type,
            "PackageSource": {"S3BucketName": source.bucket_name, "S3Key": source.object_key},
        }
        if self.engine_version is not None:
            properties["EngineVersion"] = self.engine_version
        if self.description is not None:
            properties["PackageDescription"] = self.description
        if self.configuration is not None:
            properties["PackageConfiguration"] = self.configuration.to_property()
        if self.encryption_key is not None:
            properties["PackageEncryptionOptions"] = {
                "EncryptionEnabled": True,
                "KmsKeyIdentifier": self.encryption_key.key_arn,
            }
        if self.vending_enabled is not None:
            properties["PackageVendingOptions"] = {"VendingEnabled": self.vending_enabled}
        if self.scope_users:
            properties["PackageScope"] = list(self.scope_users)
        properties["TimeoutSeconds"] = self.timeout_seconds
        return properties
