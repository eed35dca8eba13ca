"""What a DomainPackages operation calls next: the pure decision core of the kind.

Every function here is deterministic and free of I/O. The shell (operation.py) feeds it what the
service reported and carries out the decision; these functions never learn how.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..core.outcome import Done, Fail, PackageFailure, Pending, Wait
from .model import Association, AssociationStatus, DesiredPackage, Snapshot
from .target import Target

ACTIVE = AssociationStatus.ACTIVE
# A package the service accepted but still does not list after this long was lost: ask again.
RESUBMIT_AFTER_SECONDS = 60.0
#: Service quota (guide, "OpenSearch Service quotas"): packages associated with one domain.
MAX_PACKAGES_PER_DOMAIN = 20


Action = Literal["associate", "dissociate"]


@dataclass(frozen=True)
class AssociationState:
    """What this operation has asked of the domain so far: package ID → when it was asked."""

    associate_submitted: Mapping[str, float] = field(default_factory=dict)
    dissociate_submitted: Mapping[str, float] = field(default_factory=dict)
    # The batch APIs are unavailable (or refused a batch): one package per call from now on.
    single_calls: bool = False
    # A Create: the declared packages the domain had before it (None: not looked yet).
    pre_existing: tuple[str, ...] | None = None
    # The domain's blue/green deployment strategy, as last described (for the logs).
    deployment_strategy: str = ""

    @property
    def has_submitted(self) -> bool:
        """Whether the service has accepted a change from this operation."""
        return bool(self.associate_submitted or self.dissociate_submitted)

    def to_json(self) -> dict[str, Any]:
        return {
            "associate_submitted": dict(self.associate_submitted),
            "dissociate_submitted": dict(self.dissociate_submitted),
            "single_calls": self.single_calls,
            "pre_existing": None if self.pre_existing is None else list(self.pre_existing),
            **self._strategy_json(),
        }

    def _strategy_json(self) -> dict[str, str]:
        return {"deployment_strategy": self.deployment_strategy} if self.deployment_strategy else {}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> AssociationState:
        pre_existing = raw.get("pre_existing")
        return cls(
            associate_submitted={
                str(k): float(v) for k, v in dict(raw.get("associate_submitted", {})).items()
            },
            dissociate_submitted={
                str(k): float(v) for k, v in dict(raw.get("dissociate_submitted", {})).items()
            },
            single_calls=bool(raw.get("single_calls", False)),
            pre_existing=None if pre_existing is None else tuple(map(str, pre_existing)),
            deployment_strategy=str(raw.get("deployment_strategy") or ""),
        )

    def submitted(self, action: Action, package_ids: Iterable[str], now: float) -> AssociationState:
        stamped = dict.fromkeys(package_ids, now)
        if action == "associate":
            return replace(self, associate_submitted={**self.associate_submitted, **stamped})
        return replace(self, dissociate_submitted={**self.dissociate_submitted, **stamped})


@dataclass(frozen=True)
class Submit:
    """Call AssociatePackages / DissociatePackages for these packages, in this order."""

    action: Action
    packages: tuple[DesiredPackage, ...]

    @property
    def package_ids(self) -> tuple[str, ...]:
        return tuple(p.package_id for p in self.packages)


Decision = Done | Fail | Submit | Wait


def _failure_of(package_id: str, snapshot: Snapshot) -> PackageFailure:
    association = snapshot.associations[package_id]
    error = association.error
    return PackageFailure(
        package_id=package_id,
        status=association.status.value,
        error_type=error.error_type if error and error.error_type else "UnknownError",
        error_message=error.error_message
        if error and error.error_message
        else "the service gave no ErrorDetails",
    )


def _needs_association(
    package: DesiredPackage, target: Target, state: AssociationState, snapshot: Snapshot, now: float
) -> bool:
    association = snapshot.associations.get(package.package_id)
    submitted_at = state.associate_submitted.get(package.package_id)
    if submitted_at is not None:
        lost = association is None or (
            association.status is ACTIVE and association.runs_other_version_than(package)
        )
        return lost and now - submitted_at >= RESUBMIT_AFTER_SECONDS
    if association is None:
        return True
    if association.status is ACTIVE:
        return package.package_id in target.force or association.reports_options_other_than(package)
    # A failed association from an earlier attempt is retried; ASSOCIATING (someone's change in
    # flight) is adopted; DISSOCIATING must finish before the package can come back.
    return association.status in (
        AssociationStatus.ASSOCIATION_FAILED,
        AssociationStatus.DISSOCIATION_FAILED,
    )


def _needs_dissociation(
    package_id: str, state: AssociationState, snapshot: Snapshot, now: float
) -> bool:
    association = snapshot.associations.get(package_id)
    if association is None:
        return False
    submitted_at = state.dissociate_submitted.get(package_id)
    if submitted_at is not None:
        return association.status is ACTIVE and now - submitted_at >= RESUBMIT_AFTER_SECONDS
    return association.status in (
        ACTIVE,
        AssociationStatus.ASSOCIATION_FAILED,
        AssociationStatus.DISSOCIATION_FAILED,
    )


def _settled(package: DesiredPackage, association: Association | None) -> bool:
    return (
        association is not None
        and association.status is ACTIVE
        and not association.runs_other_version_than(package)
    )


def _pending_association(package: DesiredPackage, association: Association | None) -> Pending:
    if association is None:
        return Pending(package.package_id, "not listed yet")
    if association.status is ACTIVE:
        return Pending(
            package.package_id,
            f"ACTIVE at {association.package_version or '?'}, waiting for "
            f"{package.package_version}",
        )
    return Pending(package.package_id, association.status.value)


def _busy(snapshot: Snapshot, domain_name: str) -> tuple[Pending, ...]:
    return tuple(
        Pending(f"domain {domain_name}", f"{a.package_id} {a.status.value}")
        for a in snapshot.busy_with()
    )


def superseded(target: Target, snapshot: Snapshot) -> tuple[str, ...]:
    """Associations of another package under the name of an entry by name: the package of
    that name for an older engine version (an upgrade the service did not carry it through).
    They leave before the entry's package comes: the field saw a package refused while one of
    the same name is on the domain (hashicorp/terraform-provider-aws#39363)."""
    names = target.declared_names
    if not names:
        return ()
    declared = set(target.package_ids)
    return tuple(
        package_id
        for package_id, association in snapshot.associations.items()
        if association.package_name in names and package_id not in declared
    )


def dissociations(target: Target, snapshot: Snapshot) -> tuple[str, ...]:
    """What leaves the domain once the declared packages are in place: the IDs the target
    names, and every association under a name it names (but those kept or declared)."""
    if not target.dissociate_names:
        return target.dissociate
    spared = target.keep | set(target.package_ids) | set(target.dissociate)
    by_name = tuple(
        package_id
        for package_id, association in snapshot.associations.items()
        if association.package_name in target.dissociate_names and package_id not in spared
    )
    return target.dissociate + by_name


def _dissociate_step(
    package_ids: tuple[str, ...],
    target: Target,
    state: AssociationState,
    snapshot: Snapshot,
    now: float,
) -> Submit | Wait | None:
    """Dissociate `package_ids`, or wait for them to leave; None once none is listed."""
    associations = snapshot.associations
    to_dissociate = tuple(
        DesiredPackage(package_id)
        for package_id in package_ids
        if _needs_dissociation(package_id, state, snapshot, now)
    )
    still_there = tuple(
        Pending(package_id, associations[package_id].status.value)
        for package_id in package_ids
        if package_id in associations and all(p.package_id != package_id for p in to_dissociate)
    )
    if to_dissociate:
        busy = _busy(snapshot, target.domain_name)
        return Wait(still_there + busy) if busy else Submit("dissociate", to_dissociate)
    if still_there:
        return Wait(still_there)
    return None


def decide(target: Target, state: AssociationState, snapshot: Snapshot, now: float) -> Decision:
    """The next step towards `target`, given what the domain reports now.

    An older engine version's package under a declared name leaves first; then associations
    go, dissociations after them, one call at a time and only while no package change is in
    flight on the domain (the service would answer ConflictException).
    """
    associations = snapshot.associations
    old_versions = superseded(target, snapshot)
    leaving = dissociations(target, snapshot)
    failures = [
        _failure_of(p.package_id, snapshot)
        for p in target.associate
        if p.package_id in state.associate_submitted
        and p.package_id in associations
        and associations[p.package_id].status is AssociationStatus.ASSOCIATION_FAILED
    ] + [
        _failure_of(package_id, snapshot)
        for package_id in (*old_versions, *leaving)
        if package_id in state.dissociate_submitted
        and package_id in associations
        and associations[package_id].status is AssociationStatus.DISSOCIATION_FAILED
    ]
    if failures:
        return Fail(tuple(failures))
    if old_versions:
        step = _dissociate_step(old_versions, target, state, snapshot, now)
        if step is not None:
            return step

    to_associate = tuple(
        p for p in target.associate if _needs_association(p, target, state, snapshot, now)
    )
    pending = tuple(
        _pending_association(p, associations.get(p.package_id))
        for p in target.associate
        if p not in to_associate and not _settled(p, associations.get(p.package_id))
    )
    if to_associate:
        busy = _busy(snapshot, target.domain_name)
        return Wait(pending + busy) if busy else Submit("associate", to_associate)
    if pending:
        return Wait(pending)
    return _dissociate_step(leaving, target, state, snapshot, now) or Done()


def packages_after(submit: Submit, snapshot: Snapshot) -> int:
    """How many packages the domain holds once `submit` is carried out. The quota is told from
    this count, never from an error code: AssociatePackage(s) do not list
    LimitExceededException among their errors (API model)."""
    held = set(snapshot.associations)
    if submit.action == "associate":
        return len(held | set(submit.package_ids))
    return len(held - set(submit.package_ids))


def is_resubmission(submit: Submit, state: AssociationState) -> bool:
    """An association asked for again: the last request did not show on the domain."""
    return submit.action == "associate" and any(
        p in state.associate_submitted for p in submit.package_ids
    )


def awaits_new_version(submit: Submit, snapshot: Snapshot) -> bool:
    """Some package of `submit` is ACTIVE on another version than the one declared."""
    return any(
        (association := snapshot.associations.get(p.package_id)) is not None
        and association.status is ACTIVE
        and association.runs_other_version_than(p)
        for p in submit.packages
    )


def next_single_call(submit: Submit, snapshot: Snapshot) -> Submit:
    """When the batch API is unavailable, pick one package whose prerequisites are in place."""
    active = {
        pid for pid, a in snapshot.associations.items() if a.status is AssociationStatus.ACTIVE
    }
    for package in submit.packages:
        if all(pre in active for pre in package.prerequisites):
            return Submit(submit.action, (package,))
    return Submit(submit.action, submit.packages[:1])


#: The documented path of a TXT-DICTIONARY on the nodes (developer guide, "Importing and
#: managing packages": use analyzers/<package ID> as the file path).
DICTIONARY_PATH_PREFIX = "analyzers/"


def provisional_data(target: Target, snapshot: Snapshot) -> dict[str, str]:
    """The Data a long wait answers with once its change is accepted, before the end: the
    listing's values where it has them, else the dictionary's documented path and the version
    the domain is to run."""
    data = response_data(target, snapshot)
    for package in target.associate:
        key = package.alias or package.package_id
        association = snapshot.associations.get(package.package_id)
        dictionary = association is not None and association.package_type == "TXT-DICTIONARY"
        if not data[f"ReferencePath.{key}"] and dictionary:
            data[f"ReferencePath.{key}"] = DICTIONARY_PATH_PREFIX + package.package_id
        if not data[f"PackageVersion.{key}"] and package.package_version:
            data[f"PackageVersion.{key}"] = package.package_version
    return data


def response_data(target: Target, snapshot: Snapshot) -> dict[str, str]:
    """Attributes for Fn::GetAtt: every declared package gets both keys, even when empty.

    A package from a Package construct is keyed by its alias only (its ID is a deploy-time
    token the construct cannot name), which keeps 20 long plugin IDs inside the 4 KB response.
    An entry by name also gets `PackageID.<alias>`: the ID its name resolved to.
    """
    data: dict[str, str] = {}
    for package in target.associate:
        association = snapshot.associations.get(package.package_id)
        key = package.alias or package.package_id
        data[f"ReferencePath.{key}"] = association.reference_path if association else ""
        data[f"PackageVersion.{key}"] = association.package_version if association else ""
        if package.package_name:
            data[f"PackageID.{key}"] = package.package_id
    return data
