"""Whether a change can go ahead, and whether one in flight still moves: pure checks the
association operation makes before it calls and while it waits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ..core.outcome import Fail, PackageFailure, Pending, Wait
from ..core.package_status import PACKAGE_PREPARING, PACKAGE_UNUSABLE, PackageAvailability
from .model import AssociationStatus, ChangeProgress, DomainState, Snapshot
from .plan import AssociationState

# Package statuses of a failed CreatePackage/UpdatePackage import.
IMPORT_FAILED = frozenset({"COPY_FAILED", "VALIDATION_FAILED"})
# A plugin's dissociation whose blue/green has not moved for this long is stuck.
STUCK_AFTER_SECONDS = 1800.0
#: On a wait longer than CloudFormation's hour (a large domain, a capacity-optimized blue/green
#: copying shards in batches) one stage may rightly last longer: a quarter of the timeout.
STUCK_SHARE_OF_LONG_TIMEOUT = 0.25
LONG_TIMEOUT_SECONDS = 3600.0


def stuck_after(timeout_seconds: float) -> float:
    """How long a plugin's dissociation may sit in one stage before it counts as stuck."""
    if timeout_seconds <= LONG_TIMEOUT_SECONDS:
        return STUCK_AFTER_SECONDS
    return max(STUCK_AFTER_SECONDS, STUCK_SHARE_OF_LONG_TIMEOUT * timeout_seconds)


#: DomainProcessingStatus values in which the domain takes a package change (when it is not
#: also `Processing`); "" when an older service does not send the field.
DOMAIN_READY = frozenset({"Active", ""})
#: DomainProcessingStatus values no wait ends, with what to do. Every other value that is not
#: ready (Creating, Modifying, UpgradingEngineVersion, UpdatingServiceSoftware, and any value
#: newer than this code) is waited out: the field shows `Processing: false` while the status
#: still says Modifying and changes are refused (terraform-provider-aws PR #47316, #33929;
#: aws-samples/siem-on-amazon-opensearch-service#444).
DOMAIN_UNUSABLE: Mapping[str, str] = {
    "Isolated": "the service has isolated it and it takes no configuration change; check its "
    "status and your AWS Health notifications in the console, then deploy again",
    "Deleting": "it is being deleted; point the DomainPackages at another domain, or remove it",
}
#: The one stopped state worth looking for before a call, while the domain is busy: the
#: others describe a change that has ended, and a busy domain is running a newer one.
AWAITING_USER = "PendingUserInput"
#: ConfigChangeStatus values of a change that no wait finishes, with what to do (API model:
#: ConfigChangeStatus; clone-based upgrades wait at PendingUserInput for UpdateClone).
CHANGE_STOPPED: Mapping[str, str] = {
    "ValidationFailed": "Fix what the service names, then deploy again",
    "Cancelled": "Someone cancelled it (console or CancelDomainConfigChange); deploy again",
    "PendingUserInput": "The service waits for you: a cloned blue/green upgrade waits for its "
    "cut-over (UpdateClone, or the domain's upgrade page in the console). Finish or cancel it, "
    "then deploy again",
}


@dataclass(frozen=True)
class Unavailable:
    """The domain, or its change in flight, is in a state that waiting does not end."""

    #: "domain d" or "the configuration change on domain d".
    subject: str
    status: str
    advice: str
    #: The service's ValidationFailures, "Code: Message" each.
    messages: tuple[str, ...] = ()


def domain_readiness(domain_name: str, domain: DomainState) -> Unavailable | Wait | None:
    """Before a package change: wait while the domain changes or settles, give up when it is
    isolated or being deleted, go ahead when it is Active and not processing."""
    status = domain.processing_status
    if status in DOMAIN_UNUSABLE:
        return Unavailable(f"domain {domain_name}", status, DOMAIN_UNUSABLE[status])
    if domain.processing or status not in DOMAIN_READY:
        state = ", ".join(s for s in ("Processing" if domain.processing else "", status) if s)
        return Wait((Pending(f"domain {domain_name}", state),))
    return None


def stopped_change(
    domain_name: str, progress: ChangeProgress | None, *, only: str | None = None
) -> Unavailable | None:
    """A configuration change that has stopped short (`only`: that status alone): waiting for
    it helps nobody. Decided on ConfigChangeStatus, never on the undocumented stage statuses."""
    if progress is None or progress.config_status not in CHANGE_STOPPED:
        return None
    if only is not None and progress.config_status != only:
        return None
    return Unavailable(
        f"the configuration change on domain {domain_name}",
        progress.config_status,
        CHANGE_STOPPED[progress.config_status],
        progress.validation_failures,
    )


def missing_packages(
    package_ids: Iterable[str], availability: Mapping[str, PackageAvailability]
) -> tuple[str, ...]:
    """Packages DescribePackages does not know. Not failed here: should the service ever not
    describe a package it associates, the association call still decides; a rejection then
    names these."""
    return tuple(p for p in package_ids if p not in availability)


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


def own_blue_green_in_flight(snapshot: Snapshot, state: AssociationState) -> bool:
    """A plugin this operation asked to install or remove is in flight: the domain's change is
    ours to fail on. (A rollback waiting for the failed Create's plugin to settle is not.)"""
    asked = {**state.associate_submitted, **state.dissociate_submitted}
    return any(
        a.package_type == "ZIP-PLUGIN" and a.package_id in asked for a in snapshot.busy_with()
    )


def stuck_dissociation(
    snapshot: Snapshot,
    state: AssociationState,
    progress: ChangeProgress,
    now: float,
    after: float | None = None,
) -> Fail | None:
    """A plugin this operation dissociates whose blue/green has not moved for `after` seconds
    (STUCK_AFTER_SECONDS unless given; `stuck_after` scales it with a long timeout): the
    service cannot remove a plugin that an index still uses, and the domain stays processing.
    Failing says what to do instead of spinning to the deadline."""
    if now - progress.last_moved < (STUCK_AFTER_SECONDS if after is None else after):
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
