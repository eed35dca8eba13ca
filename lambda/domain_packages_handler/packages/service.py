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

    def find_package_named(self, name: str) -> PackageAvailability | None:
        found = self._calls.describe_packages([name], by="PackageName")
        return next((p for p in found.values() if p.name == name), None)

    def create_package(self, spec: PackageSpec, description: str) -> PackageAvailability:
        request: dict[str, Any] = {
            "PackageName": spec.name,
            "PackageType": spec.package_type,
            "PackageSource": {"S3BucketName": spec.bucket, "S3Key": spec.key},
            "PackageDescription": description,
        }
        if spec.engine_version:
            request["EngineVersion"] = spec.engine_version
        return package_from_api(self._calls.call("CreatePackage", **request)["PackageDetails"])

    def update_package(
        self, package_id: str, spec: PackageSpec, description: str
    ) -> PackageAvailability:
        request: dict[str, Any] = {
            "PackageID": package_id,
            "PackageSource": {"S3BucketName": spec.bucket, "S3Key": spec.key},
            "CommitMessage": "cdk deploy",
            "PackageDescription": description,
        }
        return package_from_api(self._calls.call("UpdatePackage", **request)["PackageDetails"])

    def delete_package(self, package_id: str) -> None:
        self._calls.call("DeletePackage", PackageID=package_id)

    def domains_using(self, package_id: str) -> dict[str, str]:
        """Domain name → association status, for every domain the package is associated with."""
        return {
            str(raw.get("DomainName", "")): str(raw.get("DomainPackageStatus", ""))
            for page in self._calls.pages("ListDomainsForPackage", PackageID=package_id)
            for raw in page.get("DomainPackageDetailsList", [])
        }
