"""Whether a change can go ahead, and whether one in flight still moves: pure checks the
association operation makes before it calls and while it waits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..core.outcome import Fail, PackageFailure, Pending, Wait
from ..core.package_status import PACKAGE_PREPARING, PACKAGE_UNUSABLE, PackageAvailability
from .model import AssociationStatus, ChangeProgress, Snapshot
from .plan import AssociationState

# Package statuses of a failed CreatePackage/UpdatePackage import.
IMPORT_FAILED = frozenset({"COPY_FAILED", "VALIDATION_FAILED"})
# A plugin's dissociation whose blue/green has not moved for this long is stuck.
STUCK_AFTER_SECONDS = 1800.0


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
            failures.append(_unusable(package))
        elif package.status in PACKAGE_PREPARING:
            pending.append(Pending(package_id, f"package {package.status}"))
    if failures:
        return Fail(tuple(failures))
    if pending:
        return Wait(tuple(pending))
    return None


def _unusable(package: PackageAvailability) -> PackageFailure:
    """Why a package cannot be associated. A failed import of a newer version leaves the last
    good one available; it is not associated either: which version the domain would get is
    not documented, so the package must be fixed first (domains that run it keep it)."""
    failure = package.failure(f"the package is {package.status} and cannot be associated")
    if package.status in IMPORT_FAILED and package.available_version:
        note = (
            f" (only its newest version failed; {package.available_version} stays on the "
            "domains that run it: fix the package, then deploy again)"
        )
        return replace(failure, error_message=failure.error_message + note)
    return failure


def blue_green_in_flight(snapshot: Snapshot) -> bool:
    """A plugin is being installed or removed: the domain runs a blue/green deployment."""
    return any(a.package_type == "ZIP-PLUGIN" for a in snapshot.busy_with())


def stuck_dissociation(
    snapshot: Snapshot, state: AssociationState, progress: ChangeProgress, now: float
) -> Fail | None:
    """A plugin this operation dissociates whose blue/green has not moved for STUCK_AFTER: the
    service cannot remove a plugin that an index still uses, and the domain stays processing.
    Failing says what to do instead of spinning to the deadline."""
    if now - progress.last_moved < STUCK_AFTER_SECONDS:
        return None
    stuck = [
        a
        for a in snapshot.busy_with()
        if a.status is AssociationStatus.DISSOCIATING
        and a.package_type == "ZIP-PLUGIN"
        and a.package_id in state.dissociate_submitted
    ]
    if not stuck:
        return None
    minutes = int((now - progress.last_moved) // 60)
    message = (
        f"the domain's blue/green has not moved past '{progress.stage or progress.status}' for "
        f"{minutes} min; an index probably still uses the plugin: close or delete the indices "
        "that use it (or reindex without it), or keep the plugin declared"
    )
    return Fail(
        tuple(
            PackageFailure(a.package_id, "DISSOCIATION_FAILED", "DissociationStuck", message)
            for a in stuck
        )
    )
