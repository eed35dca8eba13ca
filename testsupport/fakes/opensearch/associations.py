"""Associations: AssociatePackage(s), DissociatePackage(s), the rules they obey, their outcomes.

The rules are those the reference records: one package change per domain at a time, not while
the domain is Processing; 20 packages per domain; a package must be AVAILABLE; licence and config
packages need their plugin; dissociating a plugin takes its licence and config along; failures show
only in ErrorDetails once the change completes.
"""

from __future__ import annotations

from typing import Any

from testsupport.fakes.opensearch.domains import DomainsMixin
from testsupport.fakes.opensearch.model import (
    PLUGIN_DEPENDENT_TYPES,
    ApiError,
    Association,
    Change,
    Domain,
    Failure,
)
from testsupport.fakes.opensearch.validation import (
    validate_configuration,
    validate_domain_name,
    validate_package_id,
)

__all__ = ["AssociationsMixin"]


#: How AssociatePackages treats a package that is ACTIVE on an older version. The guide
#: documents applying a new version by associating the package again with AssociatePackage (the
#: console's "apply update"); what the batch AssociatePackages does then is not documented, so
#: the fake can play each plausible answer: apply it like AssociatePackage ("applies"), refuse
#: with "already in desired state" ("desired_state"), or accept and leave the old version
#: ("ignored").
BATCH_VERSION_UPDATES = ("applies", "desired_state", "ignored")


class AssociationsMixin(DomainsMixin):
    """Association and dissociation of packages, with scripted failures."""

    def stall_dissociation(self, package_id: str) -> None:
        """The next dissociation of this plugin never ends: the API reference (DissociatePackage)
        says a package an index uses cannot be dissociated, and the reference that the
        blue/green then stays in processing. Its change stops moving halfway."""
        with self._lock:
            self._stalled_dissociations.add(package_id)

    _association_failures: dict[str, Failure]
    _dissociation_failures: dict[str, Failure]
    _stalled_dissociations: set[str]
    #: One of BATCH_VERSION_UPDATES; tests set it.
    batch_version_update: str = "applies"

    def fail_association(
        self,
        package_id: str,
        error_type: str = "PluginValidationFailure",
        message: str = "The package failed validation on the domain.",
        times: int | None = None,
    ) -> None:
        """Associations of this package end ASSOCIATION_FAILED (the next `times`; None = all)."""
        with self._lock:
            self._association_failures[package_id] = Failure(error_type, message, times)

    def fail_dissociation(
        self,
        package_id: str,
        error_type: str = "DissociationFailure",
        message: str = "The package could not be removed from the domain.",
        times: int | None = None,
    ) -> None:
        """Dissociations of this package end DISSOCIATION_FAILED (the next `times`; None = all)."""
        with self._lock:
            self._dissociation_failures[package_id] = Failure(error_type, message, times)

    # ------------------------------------------------------------------------------ operations

    def _op_AssociatePackages(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        # Model: PackageList is a list of PackageDetailsForAssociation, PackageID required.
        entries = params.get("PackageList")
        if not isinstance(entries, list) or not entries:
            raise ApiError("ValidationException", "PackageList must be a non-empty list")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("PackageID"), str):
                raise ApiError("ValidationException", "Each PackageList entry needs a PackageID")
        details = self._associate(params.get("DomainName"), entries, batch=True)
        return {"DomainPackageDetailsList": details}

    def _op_AssociatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        entry: dict[str, Any] = {
            key: params[key]
            for key in ("PackageID", "PrerequisitePackageIDList", "AssociationConfiguration")
            if key in params
        }
        details = self._associate(params.get("DomainName"), [entry])
        return {"DomainPackageDetails": details[0]}

    def _op_DissociatePackages(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        # Model: PackageList is a list of PackageIDs.
        package_ids = params.get("PackageList")
        if (
            not isinstance(package_ids, list)
            or not package_ids
            or not all(isinstance(p, str) for p in package_ids)
        ):
            raise ApiError("ValidationException", "PackageList must be a non-empty list of IDs")
        return {"DomainPackageDetailsList": self._dissociate(params.get("DomainName"), package_ids)}

    def _op_DissociatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        details = self._dissociate(params.get("DomainName"), [params.get("PackageID")])
        return {"DomainPackageDetails": details[0]}

    # ------------------------------------------------------------------------------ the rules

    def _associate(
        self, domain_name: Any, entries: list[dict[str, Any]], *, batch: bool = False
    ) -> list[dict[str, Any]]:
        now = self._advance()
        ids, prerequisites_of, configuration_of = _association_requests(domain_name, entries)
        domain = self._require_domain(domain_name)
        packages = {package_id: self._require_package(package_id) for package_id in ids}
        # Reference: associating while a package is COPYING/VALIDATING fails.
        for package_id, package in packages.items():
            status = package.status(now)
            if status != "AVAILABLE":
                raise ApiError(
                    "ValidationException",
                    f"Package {package_id} is not available for association "
                    f"(PackageStatus: {status})",
                )
        # Reference (third-party plugins): licence and config packages list their plugin, which
        # is associated already or comes in the same call.
        for package_id, prerequisites in prerequisites_of.items():
            for prerequisite in prerequisites:
                present = domain.associations.get(prerequisite)
                if prerequisite not in ids and (present is None or present.pending == "dissociate"):
                    raise ApiError(
                        "ValidationException",
                        f"Prerequisite package {prerequisite} of package {package_id} is neither "
                        f"associated with domain {domain.name} nor part of this request",
                    )
        # Field (hashicorp/terraform-provider-aws#39363): a package whose name another package on
        # the domain has is refused ("a package with the same name is already installed").
        for package_id, package in packages.items():
            for other_id, other in domain.associations.items():
                other_package = self._packages.get(other_id)
                if (
                    other_id != package_id
                    and other_id not in packages
                    and other.pending != "dissociate"
                    and other_package is not None
                    and other_package.name == package.name
                ):
                    raise ApiError(
                        "ValidationException",
                        f"A package with the same name ({package.name}) is already associated "
                        f"with domain {domain.name}: {other_id}",
                    )
        self._require_idle(domain, now)
        # Observed (reference): re-associating an ACTIVE package that would not change is
        # "ConflictException: Package is already in desired state". A new package version, other
        # prerequisites or another configuration make it a change (reference: applying a new
        # package version is associating the same PackageID again).
        for package_id, package in packages.items():
            existing = domain.associations.get(package_id)
            if (
                existing is not None
                and existing.status == "ACTIVE"
                and existing.version == package.version
                and existing.configuration == configuration_of[package_id]
                and existing.prerequisites == prerequisites_of[package_id]
            ):
                raise ApiError(
                    "ConflictException", f"Package is already in desired state: {package_id}"
                )
        updates = [
            package_id
            for package_id, package in packages.items()
            if (existing := domain.associations.get(package_id)) is not None
            and existing.status == "ACTIVE"
            and existing.version != package.version
        ]
        if batch and updates and self.batch_version_update == "desired_state":
            raise ApiError(
                "ConflictException", f"Package is already in desired state: {updates[0]}"
            )
        # Reference (service quotas): 20 packages per domain.
        new_count = sum(1 for package_id in ids if package_id not in domain.associations)
        if len(domain.associations) + new_count > self.max_packages_per_domain:
            # Model: AssociatePackage(s) list no LimitExceededException; the code is a switch.
            raise ApiError(
                self.association_quota_error,
                f"Domain {domain.name} would have {len(domain.associations) + new_count} "
                f"packages; the limit is {self.max_packages_per_domain} packages per domain",
            )
        details = []
        for package_id, package in packages.items():
            association = domain.associations.get(package_id)
            if batch and package_id in updates and self.batch_version_update == "ignored":
                assert association is not None
                details.append(self._details(domain, association))  # accepted, nothing changes
                continue
            if association is None:
                association = Association(
                    package_id=package_id,
                    status="ASSOCIATING",
                    version=package.version,
                    target_version=package.version,
                    prerequisites=[],
                    configuration=None,
                    last_updated=now,
                )
                domain.associations[package_id] = association
            # Reference: the domain keeps its old version until the association completes.
            association.status = "ASSOCIATING"
            association.target_version = package.version
            association.prerequisites = prerequisites_of[package_id]
            association.configuration = configuration_of[package_id]
            association.pending = "associate"
            association.pending_until = now + self._association_seconds(package, domain)
            association.planned_failure = _take_failure(self._association_failures, package_id)
            association.error = None
            association.last_updated = now
            details.append(self._details(domain, association))
        self._record_plugin_change(domain, now, list(packages))
        return details

    def _dissociate(self, domain_name: Any, package_ids: list[Any]) -> list[dict[str, Any]]:
        now = self._advance()
        _check_ids(domain_name, package_ids)
        domain = self._require_domain(domain_name)
        self._require_idle(domain, now)
        # Observed (reference): dissociating a package that is not associated is
        # ResourceNotFoundException "Package is not associated to this domain".
        for package_id in package_ids:
            if package_id not in domain.associations:
                raise ApiError(
                    "ResourceNotFoundException",
                    f"Package is not associated to this domain: {package_id}",
                )
        affected = list(package_ids)
        for package_id in package_ids:
            package = self._packages.get(package_id)
            if package is None or package.package_type != "ZIP-PLUGIN":
                continue
            # Licence and config packages cannot outlive the plugin they configure (reference:
            # dissociating a plugin also removes its config and licence packages).
            for other in domain.associations.values():
                other_package = self._packages.get(other.package_id)
                if (
                    other.package_id not in affected
                    and other_package is not None
                    and other_package.package_type in PLUGIN_DEPENDENT_TYPES
                    and package_id in other.prerequisites
                ):
                    affected.append(other.package_id)
        for package_id in affected:
            association = domain.associations[package_id]
            package = self._packages.get(package_id)
            association.status = "DISSOCIATING"
            association.pending = "dissociate"
            association.pending_until = now + self._dissociation_seconds(package, domain)
            if package_id in self._stalled_dissociations:
                self._stalled_dissociations.discard(package_id)
                association.stalled_at = now + self._dissociation_seconds(package, domain) / 2
                association.pending_until = float("inf")
            association.planned_failure = _take_failure(self._dissociation_failures, package_id)
            association.error = None
            association.last_updated = now
        self._record_plugin_change(domain, now, affected)
        return [self._details(domain, domain.associations[p]) for p in package_ids]

    def _record_plugin_change(self, domain: Domain, now: float, package_ids: list[str]) -> None:
        """Guide (managedomains-configuration-changes): associating or dissociating an optional
        plugin causes a blue/green deployment. Fake: one change per call, lasting until its last
        plugin settles, and failing when one of them is scripted to fail."""
        plugins = [
            association
            for package_id in package_ids
            if (association := domain.associations[package_id]).pending is not None
            and (package := self._packages.get(package_id)) is not None
            and self._makes_processing(package.package_type)
        ]
        if plugins:
            stalls = [a.stalled_at for a in plugins if a.stalled_at is not None]
            change = self._record_change(
                domain,
                now,
                max(a.pending_until for a in plugins),
                failed=any(a.planned_failure is not None for a in plugins),
                stalls_at=min(stalls) if stalls else None,
            )
            if change.stopped is not None:
                _stop_with(change, plugins)

    def _require_idle(self, domain: Domain, now: float) -> None:
        """Reference: one package change per domain at a time, and none while the domain is
        Processing; field: none while it settles (see `_refusal` and `change_refused`)."""
        refusal = self._refusal(domain, now)
        if refusal is not None:
            raise self.change_refused(domain, refusal)

    def _settle_associations(self, now: float) -> None:
        """Complete every association and dissociation whose time has come.

        Reference: ASSOCIATING ends ACTIVE or ASSOCIATION_FAILED, DISSOCIATING ends with the
        association gone or DISSOCIATION_FAILED; failures carry ErrorDetails.
        """
        for domain in self._domains.values():
            for association in list(domain.associations.values()):
                if association.pending is None or now < association.pending_until:
                    continue
                done_at = association.pending_until
                failure = association.planned_failure
                association.planned_failure = None
                association.last_updated = done_at
                if association.pending == "associate":
                    association.pending = None
                    if failure is None:
                        association.status = "ACTIVE"
                        association.version = association.target_version
                        association.error = None
                    else:
                        association.status = "ASSOCIATION_FAILED"
                        association.error = failure
                else:
                    association.pending = None
                    if failure is None:
                        del domain.associations[association.package_id]
                    else:
                        association.status = "DISSOCIATION_FAILED"
                        association.error = failure


def _stop_with(change: Change, plugins: list[Association]) -> None:
    """The plugins of a change that stopped short: pending for good (PendingUserInput), or
    failed with its first validation failure (ValidationFailed, Cancelled), but only when the
    change would have ended: the association's status lags behind the change's. Fake: the
    model does not say what the associations show then; the lag is the hostile reading."""
    assert change.stopped is not None
    status = change.stopped.config_status
    failure = (
        change.stopped.failures[0]
        if change.stopped.failures
        else (status, f"The configuration change is {status}.")
    )
    for association in plugins:
        if status == "PendingUserInput":
            association.pending_until = float("inf")
        else:
            association.planned_failure = failure


def _check_ids(domain_name: Any, package_ids: list[Any]) -> None:
    """Model patterns of the domain name and every package ID; no ID twice (the fake's rule)."""
    validate_domain_name(domain_name)
    for package_id in package_ids:
        validate_package_id(package_id)
    if len(set(package_ids)) != len(package_ids):
        raise ApiError("ValidationException", "PackageList contains duplicate PackageIDs")


def _association_requests(
    domain_name: Any, entries: list[dict[str, Any]]
) -> tuple[list[str], dict[str, list[str]], dict[str, dict[str, Any] | None]]:
    """The IDs, prerequisites and configurations an association asks for, checked."""
    ids = [str(entry["PackageID"]) for entry in entries]
    _check_ids(domain_name, ids)
    prerequisites_of: dict[str, list[str]] = {}
    configuration_of: dict[str, dict[str, Any] | None] = {}
    for entry in entries:
        package_id = str(entry["PackageID"])
        prerequisites = entry.get("PrerequisitePackageIDList") or []
        if not isinstance(prerequisites, list):
            raise ApiError("ValidationException", "PrerequisitePackageIDList must be a list")
        for prerequisite in prerequisites:
            validate_package_id(prerequisite)
        prerequisites_of[package_id] = [str(p) for p in prerequisites]
        configuration_of[package_id] = validate_configuration(entry.get("AssociationConfiguration"))
    return ids, prerequisites_of, configuration_of


def _take_failure(failures: dict[str, Failure], package_id: str) -> tuple[str, str] | None:
    """The next scripted failure of the package, counting it down."""
    failure = failures.get(package_id)
    if failure is None:
        return None
    if failure.remaining is not None:
        failure.remaining -= 1
        if failure.remaining <= 0:
            del failures[package_id]
    return failure.error_type, failure.message
