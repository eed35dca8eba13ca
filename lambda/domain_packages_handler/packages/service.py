"""A Package's calls on OpenSearch Service, built on the shared adapter.

Implements `operation.PackageStore`; requests and answers are shaped here, errors are mapped by
the adapter.
"""

from __future__ import annotations

from typing import Any

from ..core.adapter import OpenSearchCalls, package_from_api
from ..core.package_status import PackageAvailability
from .spec import PackageSpec


class OpenSearchPackageStore:
    """Create, update, describe and delete packages."""

    def __init__(self, calls: OpenSearchCalls) -> None:
        self._calls = calls

    def find_package(self, package_id: str) -> PackageAvailability | None:
        return self._calls.describe_packages([package_id]).get(package_id)

    def find_package_named(
        self, name: str, engine_version: str | None
    ) -> PackageAvailability | None:
        """The package of this name (a plugin's name is shared by its engine versions' packages:
        the one for `engine_version`)."""
        found = self._calls.describe_packages([name], by="PackageName")
        return next(
            (
                p
                for p in found.values()
                if p.name == name and (engine_version is None or p.engine_version == engine_version)
            ),
            None,
        )

    def create_package(self, spec: PackageSpec, description: str) -> PackageAvailability:
        request: dict[str, Any] = {
            "PackageName": spec.name,
            "PackageType": spec.package_type,
            "PackageSource": {"S3BucketName": spec.bucket, "S3Key": spec.key},
            "PackageDescription": description,
            **_options(spec),
        }
        if spec.engine_version:
            request["EngineVersion"] = spec.engine_version
        if spec.vending_enabled is not None:
            request["PackageVendingOptions"] = {"VendingEnabled": spec.vending_enabled}
        return package_from_api(self._calls.call("CreatePackage", **request)["PackageDetails"])

    def update_package(
        self, package_id: str, spec: PackageSpec, description: str, commit_message: str
    ) -> PackageAvailability:
        request: dict[str, Any] = {
            "PackageID": package_id,
            "PackageSource": {"S3BucketName": spec.bucket, "S3Key": spec.key},
            "CommitMessage": commit_message,
            "PackageDescription": description,
            **_options(spec),
        }
        return package_from_api(self._calls.call("UpdatePackage", **request)["PackageDetails"])

    def latest_commit(self, package_id: str) -> str:
        """The commit message of the package's newest version ("" without any)."""
        versions = [
            entry
            for page in self._calls.pages("GetPackageVersionHistory", PackageID=package_id)
            for entry in page.get("PackageVersionHistoryList", [])
        ]
        newest = max(versions, key=lambda v: _created(v.get("CreatedAt")), default=None)
        return str(newest.get("CommitMessage") or "") if newest else ""

    def update_scope(self, package_id: str, operation: str, users: tuple[str, ...]) -> None:
        """UpdatePackageScope: ADD, OVERRIDE or REMOVE the accounts the package is shared with."""
        self._calls.call(
            "UpdatePackageScope",
            PackageID=package_id,
            Operation=operation,
            PackageUserList=list(users),
        )

    def delete_package(self, package_id: str) -> None:
        self._calls.call("DeletePackage", PackageID=package_id)

    def domains_using(self, package_id: str) -> dict[str, str]:
        """Domain name → association status, for every domain the package is associated with."""
        return {
            str(raw.get("DomainName", "")): str(raw.get("DomainPackageStatus", ""))
            for page in self._calls.pages("ListDomainsForPackage", PackageID=package_id)
            for raw in page.get("DomainPackageDetailsList", [])
        }


def _options(spec: PackageSpec) -> dict[str, Any]:
    """What both CreatePackage and UpdatePackage take besides the file and the description."""
    options: dict[str, Any] = {}
    if spec.configuration is not None:
        options["PackageConfiguration"] = spec.configuration.to_api()
    if spec.encryption is not None:
        options["PackageEncryptionOptions"] = spec.encryption.to_api()
    return options


def _created(value: Any) -> float:
    """CreatedAt as botocore parses it (datetime) or as a number."""
    return float(value.timestamp()) if hasattr(value, "timestamp") else float(value or 0)
