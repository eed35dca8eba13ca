"""Packages: seeding, DescribePackages, DeletePackage, ListDomainsForPackage, version history.

CreatePackage and UpdatePackage, which import package content from the fake S3, are in `imports`.
"""

from __future__ import annotations

from typing import Any

from testsupport.fakes.opensearch.model import (
    PACKAGE_STATUSES,
    PACKAGE_TYPES,
    ApiError,
    Package,
    Version,
)
from testsupport.fakes.opensearch.paging import max_results, page
from testsupport.fakes.opensearch.store import OpenSearchStore
from testsupport.fakes.opensearch.validation import (
    matches_package_id,
    package_users,
    validate_package_id,
)

__all__ = ["PackagesMixin"]

# Model: DescribePackagesFilterName.
_FILTER_NAMES = (
    "PackageID",
    "PackageName",
    "PackageStatus",
    "PackageType",
    "EngineVersion",
    "PackageOwner",
)


class PackagesMixin(OpenSearchStore):
    """Packages as DescribePackages shows them, their deletion and their version history."""

    # ----------------------------------------------------------------------------------- seeding

    def add_package(  # noqa: PLR0917 - the seeding API reads naturally positionally
        self,
        package_id: str,
        package_type: str = "TXT-DICTIONARY",
        status: str = "AVAILABLE",
        name: str | None = None,
        available_after: float = 0.0,
        version: str = "v1",
        *,
        association_seconds: float | None = None,
        dissociation_seconds: float | None = None,
        engine_version: str | None = None,
        owner: str | None = None,
    ) -> None:
        """Register a package that reaches `status` after COPYING→VALIDATING over `available_after`.

        `association_seconds` / `dissociation_seconds` override the global timings for it (plugins
        take much longer than dictionaries on the real service). `owner`: a third party's
        package, visible here but not the caller's (G… packages are AWS's without it).
        """
        if package_type not in PACKAGE_TYPES:
            raise ValueError(f"unknown package type {package_type!r}")
        if status not in PACKAGE_STATUSES:
            raise ValueError(f"unknown package status {status!r}")
        if not matches_package_id(package_id):
            raise ValueError(f"package ID {package_id!r} does not match the service pattern")
        with self._lock:
            now = self._clock()
            self._packages[package_id] = Package(
                package_id=package_id,
                name=name or f"pkg-{package_id.lower()}",
                package_type=package_type,
                final_status=status,
                version=version,
                phase_start=now,
                ready_at=now + available_after,
                created_epoch=self._epoch(now),
                updated_epoch=self._epoch(now),
                engine_version=engine_version
                or ("OpenSearch_2.17" if package_type == "ZIP-PLUGIN" else None),
                association_seconds=association_seconds,
                dissociation_seconds=dissociation_seconds,
                history=[Version(version, "", self._epoch(now))],
                owner=owner,
            )

    def set_package_timing(
        self,
        package_id: str,
        *,
        association_seconds: float | None = None,
        dissociation_seconds: float | None = None,
    ) -> None:
        """Per-package ASSOCIATING/DISSOCIATING durations (None = use the global default)."""
        with self._lock:
            package = self._package_or_key_error(package_id)
            package.association_seconds = association_seconds
            package.dissociation_seconds = dissociation_seconds

    def set_package_version(
        self, package_id: str, version: str, available_after: float = 0.0
    ) -> None:
        """Like UpdatePackage: a new available version, COPYING/VALIDATING for `available_after`.

        Domains keep the version they have until the package is associated again (UpdatePackage
        ends on the same path: the package's available version changes, associations do not).
        """
        with self._lock:
            package = self._package_or_key_error(package_id)
            now = self._clock()
            package.version = version
            package.phase_start = now
            package.ready_at = now + available_after
            package.updated_epoch = self._epoch(now)
            package.history.append(Version(version, "", self._epoch(now)))

    def forget_package(self, package_id: str) -> None:
        """The package is gone, as if someone deleted it outside the stack (and the domains had
        dropped it first)."""
        with self._lock:
            self._package_or_key_error(package_id)
            del self._packages[package_id]
            for domain in self._domains.values():
                domain.associations.pop(package_id, None)

    # ---------------------------------------------------------------------------- observability

    def package(self, package_id: str) -> dict[str, Any] | None:
        """The package's PackageDetails as DescribePackages would return them now (None: gone)."""
        with self._lock:
            now = self._advance()
            found = self._packages.get(package_id)
            return None if found is None else self._package_details(found, now)

    def package_ids(self) -> list[str]:
        """IDs of every package that exists now (DELETING ones included)."""
        with self._lock:
            self._advance()
            return list(self._packages)

    # ------------------------------------------------------------------------------ operations

    def _op_DescribePackages(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        filters = params.get("Filters") or []
        if not isinstance(filters, list):
            raise ApiError("ValidationException", "Filters must be a list")
        wanted: list[tuple[str, list[str]]] = []
        for item in filters:
            name = item.get("Name") if isinstance(item, dict) else None
            values = item.get("Value") if isinstance(item, dict) else None
            # Model: DescribePackagesFilterName; Value is "a non-empty list".
            if name not in _FILTER_NAMES:
                raise ApiError("ValidationException", f"Invalid filter name: {name}")
            if not isinstance(values, list) or not values:
                raise ApiError("ValidationException", f"Filter {name} needs at least one value")
            wanted.append((str(name), [str(v) for v in values]))
        max_results(params)  # a bad MaxResults is refused before any lookup
        self._refuse_unknown(wanted)
        matching = [
            self._package_details(p, now)
            for p in self._packages.values()
            if all(_package_field(p, name, now) in values for name, values in wanted)
        ]
        return page(matching, "PackageDetailsList", params, "describe")

    def _refuse_unknown(self, wanted: list[tuple[str, list[str]]]) -> None:
        """Field: terraform-provider-aws (`findPackages`) expects "Package not found" for a
        missing or deleted package, not an empty list. Undocumented: what one unknown ID among
        known ones, or a name no package has, gets; `describe_unknown_ids="fail"` (the default)
        fails the whole call naming every value asked for, "omit" leaves it out."""
        names = {p.name for p in self._packages.values()}
        for name, values in wanted:
            if name == "PackageID":
                unknown = [v for v in values if v not in self._packages]
            elif name == "PackageName":
                unknown = [v for v in values if v not in names]
            else:
                continue
            none_found = name == "PackageID" and len(unknown) == len(values)
            if unknown and (none_found or self.describe_unknown_ids == "fail"):
                raise self.package_not_found(*values)

    def _own_package(self, params: dict[str, Any], refusal: str) -> Package:
        """The package PackageID names, refused with `refusal` (formatted with its ID) when AWS
        or a third party owns it. Field: DeletePackage of a G… package is ValidationException
        "Operation not allowed. This package cannot be deleted." (rebuy-de/aws-nuke PR #1078);
        third-party pkg-… packages cannot be deleted either (ministryofjustice/modernisation-
        platform-environments PR #8995)."""
        package_id = params.get("PackageID")
        validate_package_id(package_id)
        package = self._require_package(str(package_id))
        if package.foreign:
            raise ApiError("ValidationException", refusal.format(package_id=package_id))
        return package

    def _op_DeletePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        package = self._own_package(
            params, "Operation not allowed. This package cannot be deleted."
        )
        package_id = package.package_id
        # Model: DeletePackage lists ConflictException. The fake answers it for a second delete
        # and for a package some domain still has, even one still DISSOCIATING (the fake's rule:
        # the reference does not record the service's answer for a package in use).
        if package.deleting_until is not None:
            raise ApiError("ConflictException", f"Package {package_id} is already being deleted")
        using = sorted(
            domain.name
            for domain in self._domains.values()
            if package.package_id in domain.associations
        )
        if using:
            raise ApiError(
                "ConflictException",
                f"Package is in use by domain(s) {', '.join(using)}: dissociate it first",
            )
        # Model: PackageStatus DELETING; the fake then forgets the package altogether after
        # `package_processing_seconds` (it never shows DELETED).
        package.deleting_until = now + self.package_processing_seconds
        package.updated_epoch = self._epoch(now)
        return {"PackageDetails": self._package_details(package, now)}

    def _op_ListDomainsForPackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        self._advance()
        package_id = params.get("PackageID")
        validate_package_id(package_id)
        package = self._require_package(str(package_id))
        entries = [
            self._details(domain, domain.associations[package.package_id])
            for domain in self._domains.values()
            if package.package_id in domain.associations
        ]
        return page(entries, "DomainPackageDetailsList", params, f"domains:{package_id}")

    def _op_GetPackageVersionHistory(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        self._advance()
        package_id = params.get("PackageID")
        validate_package_id(package_id)
        package = self._require_package(str(package_id))
        # Model: PackageVersionHistory {PackageVersion, CommitMessage, CreatedAt}. Newest first
        # is the fake's choice (the model does not say).
        entries: list[dict[str, Any]] = []
        for version in reversed(package.history):  # newest first
            entry: dict[str, Any] = {
                "PackageVersion": version.version,
                "CommitMessage": version.commit_message,
                "CreatedAt": version.created_epoch,
            }
            entries.append(entry)
        result = page(entries, "PackageVersionHistoryList", params, f"history:{package_id}")
        return {"PackageID": package.package_id, **result}

    # -------------------------------------------------------------------------------- helpers

    def _settle_deletions(self, now: float) -> None:
        """Forget every package whose DELETING time is over."""
        for package in list(self._packages.values()):
            if package.deleting_until is not None and now >= package.deleting_until:
                del self._packages[package.package_id]

    def _op_UpdatePackageScope(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        # Model: UpdatePackageScope {PackageID, Operation, PackageUserList}, answered with the
        # same three; ResourceNotFoundException for an unknown package.
        self._advance()
        # Fake: only the owner shares a package (reference).
        package = self._own_package(params, "Package {package_id} is owned by AWS")
        package_id = package.package_id
        operation, users = package_users(params)
        if operation == "ADD":
            package.allow_listed = sorted({*package.allow_listed, *users})
        elif operation == "REMOVE":
            package.allow_listed = [u for u in package.allow_listed if u not in users]
        else:
            package.allow_listed = sorted(set(users))
        return {"PackageID": package_id, "Operation": operation, "PackageUserList": users}

    def _package_details(self, package: Package, now: float) -> dict[str, Any]:
        """Model: PackageDetails, the members the fake fills in."""
        status = package.status(now)
        details: dict[str, Any] = {
            "PackageID": package.package_id,
            "PackageName": package.name,
            "PackageType": package.package_type,
            "PackageDescription": package.description,
            "PackageStatus": status,
            "CreatedAt": package.created_epoch,
            "LastUpdatedAt": package.updated_epoch,
            "PackageOwner": package.owner_name,
        }
        # Guide (custom-packages, "Updating packages"): AvailablePackageVersion is the last version
        # that passed validation; a package that never did has none.
        if package.version:
            details["AvailablePackageVersion"] = package.version
        if package.engine_version is not None:
            details["EngineVersion"] = package.engine_version
        # Reference (custom plugins): validation failures come back with ErrorDetails.
        if status.endswith("_FAILED"):
            error_type, message = package.error or (
                status,
                f"Package {package.package_id} is in state {status}",
            )
            details["ErrorDetails"] = {"ErrorType": error_type, "ErrorMessage": message}
        # Model: PackageDetails.AvailablePluginProperties, for the available plugin version.
        if package.plugin is not None:
            details["AvailablePluginProperties"] = dict(package.plugin)
        # Model: AvailablePackageConfiguration, PackageEncryptionOptions, PackageVendingOptions,
        # AllowListedUserList (visible to the owner: every caller of the fake is the owner).
        if package.configuration is not None:
            details["AvailablePackageConfiguration"] = dict(package.configuration)
        if package.encryption is not None:
            details["PackageEncryptionOptions"] = dict(package.encryption)
        if package.vending is not None:
            details["PackageVendingOptions"] = dict(package.vending)
        if package.allow_listed:
            details["AllowListedUserList"] = list(package.allow_listed)
        return details


def _package_field(package: Package, name: str, now: float) -> str | None:
    """The PackageDetails member a DescribePackages filter `name` compares."""
    if name == "PackageID":
        return package.package_id
    if name == "PackageName":
        return package.name
    if name == "PackageStatus":
        return package.status(now)
    if name == "PackageType":
        return package.package_type
    if name == "EngineVersion":
        return package.engine_version
    return package.owner_name
