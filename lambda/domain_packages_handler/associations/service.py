"""DomainPackages' calls on OpenSearch Service, built on the shared adapter.

Implements `operation.AssociationService`; requests and answers are shaped here, errors are
mapped by the adapter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.adapter import OpenSearchCalls, error_details
from ..core.errors import NotAssociated
from ..core.package_status import PackageAvailability
from .model import (
    Association,
    AssociationStatus,
    ChangeProgress,
    DesiredPackage,
    DomainState,
    Snapshot,
)


def association_from_api(raw: Mapping[str, Any]) -> Association | None:
    """One DomainPackageDetails entry, or None when its status is one this code does not know."""
    try:
        status = AssociationStatus(str(raw.get("DomainPackageStatus")))
    except ValueError:
        return None
    key_store = (raw.get("AssociationConfiguration") or {}).get("KeyStoreAccessOption") or {}
    prerequisites = raw.get("PrerequisitePackageIDList")
    return Association(
        package_id=str(raw["PackageID"]),
        status=status,
        package_version=str(raw.get("PackageVersion") or ""),
        reference_path=str(raw.get("ReferencePath") or ""),
        prerequisites=tuple(prerequisites) if prerequisites is not None else None,
        key_store_access_enabled=key_store.get("KeyStoreAccessEnabled"),
        key_access_role_arn=key_store.get("KeyAccessRoleArn"),
        error=error_details(raw.get("ErrorDetails")),
        package_type=str(raw.get("PackageType") or ""),
        package_name=str(raw.get("PackageName") or ""),
    )


def _epoch(value: Any) -> float:
    """A timestamp as botocore parses it (datetime) or as a number."""
    return float(value.timestamp()) if hasattr(value, "timestamp") else float(value or 0)


def _stage_completed(stage: Mapping[str, Any]) -> bool:
    """For the log's percentage and the stage named in a reason only: the model leaves stage
    statuses undocumented, so no decision rests on this."""
    return str(stage.get("Status") or "").upper() == "COMPLETED"


def _validation_failure(raw: Any) -> str:
    """One ValidationFailures entry {Code, Message} as "Code: Message"."""
    entry = raw if isinstance(raw, Mapping) else {}
    code, message = str(entry.get("Code") or ""), str(entry.get("Message") or "")
    return f"{code}: {message}" if code and message else code or message


def progress_from_api(raw: Mapping[str, Any]) -> ChangeProgress | None:
    """ChangeProgressStatus {Status, ConfigChangeStatus, ValidationFailures, TotalNumberOfStages,
    ChangeProgressStages [{Name, Status, LastUpdated}], StartTime}; None when the domain reports
    no change."""
    if not raw.get("Status") and not raw.get("ConfigChangeStatus"):
        return None
    stages = list(raw.get("ChangeProgressStages") or [])
    current = next((s for s in stages if not _stage_completed(s)), None)
    moments = [_epoch(s.get("LastUpdated")) for s in stages if s.get("LastUpdated")]
    failures = (_validation_failure(f) for f in raw.get("ValidationFailures") or [])
    return ChangeProgress(
        status=str(raw.get("Status") or ""),
        completed_stages=sum(1 for s in stages if _stage_completed(s)),
        total_stages=int(raw.get("TotalNumberOfStages") or len(stages)),
        stage=str(current.get("Name") or "") if current else "",
        last_moved=max(moments, default=_epoch(raw.get("StartTime"))),
        config_status=str(raw.get("ConfigChangeStatus") or ""),
        validation_failures=tuple(f for f in failures if f),
    )


def association_request(package: DesiredPackage) -> dict[str, Any]:
    """One `PackageList` entry of AssociatePackages (the fields AssociatePackage also takes)."""
    request: dict[str, Any] = {"PackageID": package.package_id}
    if package.prerequisites:
        request["PrerequisitePackageIDList"] = list(package.prerequisites)
    if package.key_store_access_enabled is not None:
        option: dict[str, Any] = {"KeyStoreAccessEnabled": package.key_store_access_enabled}
        if package.key_access_role_arn:
            option["KeyAccessRoleArn"] = package.key_access_role_arn
        request["AssociationConfiguration"] = {"KeyStoreAccessOption": option}
    return request


class OpenSearchAssociations:
    """Package-association calls against one OpenSearch Service endpoint."""

    def __init__(self, calls: OpenSearchCalls) -> None:
        self._calls = calls

    def list_associations(self, domain_name: str) -> Snapshot:
        """Every association on the domain."""
        associations: dict[str, Association] = {}
        for page in self._calls.pages("ListPackagesForDomain", DomainName=domain_name):
            for raw in page.get("DomainPackageDetailsList", []):
                association = association_from_api(raw)
                if association is not None:
                    associations[association.package_id] = association
        return Snapshot(associations)

    def describe_domain(self, domain_name: str) -> DomainState:
        status = self._calls.call("DescribeDomain", DomainName=domain_name)["DomainStatus"]
        return DomainState(
            processing=bool(status.get("Processing")) or bool(status.get("UpgradeProcessing")),
            processing_status=str(status.get("DomainProcessingStatus") or ""),
            engine_version=str(status.get("EngineVersion") or ""),
            deployment_strategy=str(
                (status.get("DeploymentStrategyOptions") or {}).get("DeploymentStrategy") or ""
            ),
        )

    def change_progress(self, domain_name: str) -> ChangeProgress | None:
        """The domain's latest configuration change (None when it reports none)."""
        answer = self._calls.call("DescribeDomainChangeProgress", DomainName=domain_name)
        return progress_from_api(answer.get("ChangeProgressStatus") or {})

    def describe_packages(self, package_ids: Sequence[str]) -> dict[str, PackageAvailability]:
        return self._calls.describe_packages(package_ids)

    def packages_named(self, name: str) -> dict[str, PackageAvailability]:
        """Every package called `name` the caller can see (none: an empty answer), by ID."""
        return self._calls.describe_packages([name], by="PackageName")

    def associate(
        self, domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool
    ) -> None:
        """Ask for the packages to be associated, in one call when `batch`."""
        if batch:
            self._calls.call(
                "AssociatePackages",
                DomainName=domain_name,
                PackageList=[association_request(p) for p in packages],
            )
            return
        for package in packages:
            self._calls.call(
                "AssociatePackage", DomainName=domain_name, **association_request(package)
            )

    def dissociate(self, domain_name: str, package_ids: Sequence[str], *, batch: bool) -> None:
        """Ask for the packages to be dissociated, in one call when `batch`."""
        if batch:
            self._calls.call(
                "DissociatePackages", DomainName=domain_name, PackageList=list(package_ids)
            )
            return
        for package_id in package_ids:
            try:
                self._calls.call("DissociatePackage", DomainName=domain_name, PackageID=package_id)
            except NotAssociated:
                continue  # gone already: the others still need asking
