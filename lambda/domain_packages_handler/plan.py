"""What to call next: the pure decision core of the handler.

Every function here is deterministic and free of I/O. The shell (operation.py) feeds it what the
service reported and carries out the decision; these functions never learn how.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .model import (
    PACKAGE_PREPARING,
    PACKAGE_UNUSABLE,
    Association,
    AssociationStatus,
    DesiredPackage,
    PackageAvailability,
    PackageFailure,
    Pending,
    Snapshot,
)
from .properties import ResourceSpec

ACTIVE = AssociationStatus.ACTIVE
# A package the service accepted but still does not list after this long was lost: ask again.
RESUBMIT_AFTER_SECONDS = 60.0


@dataclass(frozen=True)
class PackageDiff:
    """How an Update changes one resource's package list."""

    added: tuple[DesiredPackage, ...]
    removed: tuple[DesiredPackage, ...]
    changed: tuple[DesiredPackage, ...]
    unchanged: tuple[DesiredPackage, ...]


def diff_packages(old: Iterable[DesiredPackage], new: Iterable[DesiredPackage]) -> PackageDiff:
    """Compare two declarations by package ID; `changed` carries the new options."""
    old_by_id = {p.package_id: p for p in old}
    new_list = list(new)
    new_ids = {p.package_id for p in new_list}
    added = tuple(p for p in new_list if p.package_id not in old_by_id)
    changed = tuple(
        p
        for p in new_list
        if p.package_id in old_by_id and old_by_id[p.package_id].options_differ(p)
    )
    unchanged = tuple(
        p
        for p in new_list
        if p.package_id in old_by_id and not old_by_id[p.package_id].options_differ(p)
    )
    removed = tuple(p for p in old_by_id.values() if p.package_id not in new_ids)
    return PackageDiff(added=added, removed=removed, changed=changed, unchanged=unchanged)


@dataclass(frozen=True)
class Target:
    """The state one lifecycle operation drives the domain to."""

    domain_name: str
    associate: tuple[DesiredPackage, ...] = ()
    force: frozenset[str] = frozenset()
    dissociate: tuple[str, ...] = ()
    missing_domain_is_success: bool = False

    def describe(self) -> dict[str, Any]:
        return {
            "domain": self.domain_name,
            "associate": [p.package_id for p in self.associate],
            "reassociate": sorted(self.force),
            "dissociate": list(self.dissociate),
        }


def create_target(spec: ResourceSpec) -> Target:
    """Create: every declared package ACTIVE; ones already ACTIVE are adopted."""
    return Target(domain_name=spec.domain_name, associate=spec.packages)


def update_target(old: ResourceSpec, new: ResourceSpec) -> Target:
    """Update: converge to the new declaration.

    On the same domain: added and drifted packages are associated, changed ones re-associated,
    removed ones dissociated. On a new domain everything is associated there; the old domain is
    cleaned by the Delete that CloudFormation sends for the replaced physical ID.
    """
    if old.domain_name != new.domain_name:
        return Target(domain_name=new.domain_name, associate=new.packages)
    diff = diff_packages(old.packages, new.packages)
    return Target(
        domain_name=new.domain_name,
        associate=new.packages,
        force=frozenset(p.package_id for p in diff.changed),
        dissociate=tuple(p.package_id for p in diff.removed),
    )


def delete_target(spec: ResourceSpec) -> Target:
    """Delete: none of this resource's packages left; a missing domain is already clean."""
    return Target(
        domain_name=spec.domain_name,
        dissociate=spec.package_ids,
        missing_domain_is_success=True,
    )


@dataclass(frozen=True)
class Progress:
    """What this operation has done so far; carried across hand-overs as JSON."""

    started_at: float
    deadline: float
    physical_id: str
    associate_submitted: Mapping[str, float] = field(default_factory=dict)
    dissociate_submitted: Mapping[str, float] = field(default_factory=dict)
    single_calls: bool = False
    handovers: int = 0
    # Small facts other kinds of operation carry across hand-overs (e.g. a created package ID).
    extra: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "deadline": self.deadline,
            "physical_id": self.physical_id,
            "associate_submitted": dict(self.associate_submitted),
            "dissociate_submitted": dict(self.dissociate_submitted),
            "single_calls": self.single_calls,
            "handovers": self.handovers,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Progress:
        return cls(
            started_at=float(raw["started_at"]),
            deadline=float(raw["deadline"]),
            physical_id=str(raw["physical_id"]),
            associate_submitted={
                str(k): float(v) for k, v in dict(raw.get("associate_submitted", {})).items()
            },
            dissociate_submitted={
                str(k): float(v) for k, v in dict(raw.get("dissociate_submitted", {})).items()
            },
            single_calls=bool(raw.get("single_calls", False)),
            handovers=int(raw.get("handovers", 0)),
            extra={str(k): str(v) for k, v in dict(raw.get("extra", {})).items()},
        )

    def submitted(
        self, action: Literal["associate", "dissociate"], package_ids: Iterable[str], now: float
    ) -> Progress:
        stamped = dict.fromkeys(package_ids, now)
        if action == "associate":
            return replace(self, associate_submitted={**self.associate_submitted, **stamped})
        return replace(self, dissociate_submitted={**self.dissociate_submitted, **stamped})


def deadline_for(started_at: float, timeout_seconds: int) -> float:
    """Answer a little before CloudFormation's ServiceTimeout, so the stack gets our reason."""
    margin = min(30.0, 0.1 * timeout_seconds)
    return started_at + timeout_seconds - margin


@dataclass(frozen=True)
class Done:
    """Every package is in its target state."""


@dataclass(frozen=True)
class Fail:
    """The service said no; these packages cannot reach their target."""

    failures: tuple[PackageFailure, ...]


@dataclass(frozen=True)
class Submit:
    """Call AssociatePackages / DissociatePackages for these packages, in this order."""

    action: Literal["associate", "dissociate"]
    packages: tuple[DesiredPackage, ...]

    @property
    def package_ids(self) -> tuple[str, ...]:
        return tuple(p.package_id for p in self.packages)


@dataclass(frozen=True)
class Wait:
    """Nothing to call yet; poll again later."""

    pending: tuple[Pending, ...]


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
    package: DesiredPackage, target: Target, progress: Progress, snapshot: Snapshot, now: float
) -> bool:
    association = snapshot.associations.get(package.package_id)
    submitted_at = progress.associate_submitted.get(package.package_id)
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
    package_id: str, progress: Progress, snapshot: Snapshot, now: float
) -> bool:
    association = snapshot.associations.get(package_id)
    if association is None:
        return False
    submitted_at = progress.dissociate_submitted.get(package_id)
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


def decide(target: Target, progress: Progress, snapshot: Snapshot, now: float) -> Decision:
    """The next step towards `target`, given what the domain reports now.

    Associations go first, dissociations after them, one call at a time and only while no
    package change is in flight on the domain (the service would answer ConflictException).
    """
    associations = snapshot.associations
    failures = [
        _failure_of(p.package_id, snapshot)
        for p in target.associate
        if p.package_id in progress.associate_submitted
        and p.package_id in associations
        and associations[p.package_id].status is AssociationStatus.ASSOCIATION_FAILED
    ] + [
        _failure_of(package_id, snapshot)
        for package_id in target.dissociate
        if package_id in progress.dissociate_submitted
        and package_id in associations
        and associations[package_id].status is AssociationStatus.DISSOCIATION_FAILED
    ]
    if failures:
        return Fail(tuple(failures))

    to_associate = tuple(
        p for p in target.associate if _needs_association(p, target, progress, snapshot, now)
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

    to_dissociate = tuple(
        DesiredPackage(package_id)
        for package_id in target.dissociate
        if _needs_dissociation(package_id, progress, snapshot, now)
    )
    still_there = tuple(
        Pending(package_id, associations[package_id].status.value)
        for package_id in target.dissociate
        if package_id in associations and all(p.package_id != package_id for p in to_dissociate)
    )
    if to_dissociate:
        busy = _busy(snapshot, target.domain_name)
        return Wait(still_there + busy) if busy else Submit("dissociate", to_dissociate)
    if still_there:
        return Wait(still_there)
    return Done()


def check_packages_ready(
    package_ids: Iterable[str], availability: Mapping[str, PackageAvailability]
) -> Fail | Wait | None:
    """Before associating: packages still being copied or validated must be waited for.

    A package the service does not describe (for example an AWS-provided one) is left for the
    association call itself to judge.
    """
    failures: list[PackageFailure] = []
    pending: list[Pending] = []
    for package_id in package_ids:
        package = availability.get(package_id)
        if package is None:
            continue
        if package.status in PACKAGE_UNUSABLE:
            failures.append(
                package.failure(f"the package is {package.status} and cannot be associated")
            )
        elif package.status in PACKAGE_PREPARING:
            pending.append(Pending(package_id, f"package {package.status}"))
    if failures:
        return Fail(tuple(failures))
    if pending:
        return Wait(tuple(pending))
    return None


def next_single_call(submit: Submit, snapshot: Snapshot) -> Submit:
    """When the batch API is unavailable, pick one package whose prerequisites are in place."""
    active = {
        pid for pid, a in snapshot.associations.items() if a.status is AssociationStatus.ACTIVE
    }
    for package in submit.packages:
        if all(pre in active for pre in package.prerequisites):
            return Submit(submit.action, (package,))
    return Submit(submit.action, submit.packages[:1])


def response_data(target: Target, snapshot: Snapshot) -> dict[str, str]:
    """Attributes for Fn::GetAtt: every declared package gets both keys, even when empty.

    A package from a Package construct is keyed by its alias only (its ID is a deploy-time
    token the construct cannot name), which keeps 20 long plugin IDs inside the 4 KB response.
    """
    data: dict[str, str] = {}
    for package in target.associate:
        association = snapshot.associations.get(package.package_id)
        key = package.alias or package.package_id
        data[f"ReferencePath.{key}"] = association.reference_path if association else ""
        data[f"PackageVersion.{key}"] = association.package_version if association else ""
    return data


def physical_id(domain_name: str, stack_id: str, logical_id: str) -> str:
    """Unique per resource and domain, stable while the domain stays the same."""
    stack_uuid = stack_id.rsplit("/", 1)[-1]
    return f"{domain_name}:{logical_id}:{stack_uuid}"[:1024]
