"""The shell of a DomainPackages resource: observe the domain, decide (plan.decide), act, wait.

Runs in the shared waiting shell against `AssociationService`, the few calls it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..core import reasons
from ..core.errors import (
    AlreadyInDesiredState,
    BatchUnsupported,
    DomainNotFound,
    NotAssociated,
    Rejected,
    ServiceError,
)
from ..core.logs import log_event
from ..core.outcome import Done, Fail, Pending, Wait
from ..core.package_status import PackageAvailability
from ..core.waiting import OperationFailed, Retried, Waiting
from . import plan, readiness
from .model import ChangeProgress, DesiredPackage, Snapshot
from .ownership import already_there, failure_id
from .plan import AssociationState, Submit
from .target import Target


@dataclass(frozen=True)
class DomainState:
    processing: bool


class AssociationService(Protocol):
    """What a DomainPackages operation needs from OpenSearch Service."""

    def list_associations(self, domain_name: str) -> Snapshot: ...

    def describe_domain(self, domain_name: str) -> DomainState: ...

    def describe_packages(self, package_ids: Sequence[str]) -> dict[str, PackageAvailability]: ...

    def change_progress(self, domain_name: str) -> ChangeProgress | None: ...

    def associate(
        self, domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool
    ) -> None: ...

    def dissociate(self, domain_name: str, package_ids: Sequence[str], *, batch: bool) -> None: ...


_ADVICE = {
    "AccessDeniedException": "Check the handler role's es: permissions for this domain.",
    "LimitExceededException": "A domain holds at most 20 packages; remove some first.",
    "ValidationException": "Fix the package list (IDs, prerequisites, options) and redeploy.",
    "ResourceNotFoundException": "Check that the domain and the packages exist in this "
    "account and Region.",
}


@dataclass
class AssociationOperation(Waiting[AssociationState], advice=_ADVICE):
    """One DomainPackages Create, Update or Delete driven to its target, across invocations."""

    target: Target
    service: AssociationService
    #: Records the answer's physical ID: a Create answers a failure with what to keep.
    on_physical_id: Callable[[str], None] = field(default=lambda _: None)

    @property
    def domain(self) -> str:
        return self.target.domain_name

    @property
    def where(self) -> str:
        return f"domain {self.domain}"

    def run(self) -> dict[str, str]:
        """Returns the response Data; raises OperationFailed or HandOver."""
        log_event("operation", target=self.target.describe(), progress=self.progress.to_json())
        self._answer_failures_with_what_to_keep()
        while True:
            snapshot = self._observe()
            if snapshot is None:
                log_event("done", domain=self.domain, note="domain does not exist")
                return {}
            if self.target.is_create and self.state.pre_existing is None:
                self.remember(pre_existing=already_there(self.target.package_ids, snapshot))
                self._answer_failures_with_what_to_keep()
            decision = plan.decide(self.target, self.state, snapshot, self.runtime.now())
            if isinstance(decision, Done):
                return self.finished(plan.response_data(self.target, snapshot))
            if isinstance(decision, Fail):
                raise self._failed(decision)
            if isinstance(decision, Wait):
                now = self.runtime.now()
                stuck = _blue_green(self.service, self.domain, self.state, snapshot, now)
                if stuck is not None:
                    raise self._failed(stuck)
                self.poll_wait(decision.pending)
                continue
            self._submit(decision, snapshot)

    def _failed(self, decision: Fail) -> OperationFailed:
        log_event("failed", domain=self.domain, failures=decision.failures)
        action = _action_of(decision)
        return OperationFailed(reasons.package_failures(self.where, action, decision.failures))

    def _single_calls_from_now(self, reason: str) -> None:
        """One package per call from now on (AssociatePackage / DissociatePackage)."""
        log_event("single_calls", domain=self.domain, reason=reason)
        self.remember(single_calls=True)

    def _answer_failures_with_what_to_keep(self) -> None:
        """A Create that fails answers with the packages the domain already had (ownership.py);
        success answers the plain ID (`progress.physical_id`)."""
        if self.target.is_create:
            kept = self.state.pre_existing
            log_event("failure_keeps", domain=self.domain, kept=kept)
            self.on_physical_id(failure_id(self.progress.physical_id, kept))

    def _observe(self) -> Snapshot | None:
        """The domain's associations; None when the domain is gone and that is success."""
        try:
            return self.call(
                "listing packages", lambda: self.service.list_associations(self.domain)
            )
        except DomainNotFound as error:
            if self.target.missing_domain_is_success:
                return None
            raise self.rejected("domain not found", error) from error

    def _submit(self, decision: Submit, snapshot: Snapshot) -> None:
        batch = not self.state.single_calls
        if batch and plan.is_resubmission(decision, self.state):
            # The batch call was accepted but the domain does not show its effect (a new
            # version not applied): AssociatePackage is the documented way.
            self._single_calls_from_now("resubmission")
            return
        if not batch:
            decision = plan.next_single_call(decision, snapshot)
        ids = decision.package_ids
        try:
            answer = self.attempt(
                f"{decision.action} {', '.join(ids)}", lambda: self._ready_then_call(decision)
            )
            if isinstance(answer, Retried) or not answer:
                return
            log_event("accepted", action=decision.action, domain=self.domain, packages=ids)
        except BatchUnsupported as error:
            self._single_calls_from_now(f"batch unsupported: {error.message}")
            return
        except NotAssociated as error:
            # Gone already (or going): record it as asked and let the next listing confirm.
            log_event("not_associated", domain=self.domain, packages=ids, message=error.message)
            if len(decision.packages) > 1 and batch:
                self._single_calls_from_now("not associated")
                return
        except AlreadyInDesiredState:
            if batch and plan.awaits_new_version(decision, snapshot):
                # The batch call does not apply a new version here: AssociatePackage does.
                self._single_calls_from_now("already in desired state")
                return
            log_event("already_in_desired_state", domain=self.domain, packages=ids)
        except DomainNotFound as error:
            if self.target.missing_domain_is_success:
                return  # the next listing confirms the domain is gone: nothing left to clean
            raise self.rejected("domain not found", error) from error
        self.progress = replace(
            self.progress, state=self.state.submitted(decision.action, ids, self.runtime.now())
        )
        self.backoff.reset()
        self.poll.reset()
        self.poll_wait((Pending("domain " + self.domain, f"{decision.action} requested"),))

    def _ready_then_call(self, decision: Submit) -> bool:
        """Make the call once the domain and the packages are ready; False after waiting."""
        ready = _readiness(self.service, self.domain, decision)
        if isinstance(ready, Fail):
            raise self._failed(ready)
        if isinstance(ready, Wait):
            self.poll_wait(ready.pending)
            return False
        _call(self.service, self.domain, decision, batch=not self.state.single_calls)
        return True


def _call(service: AssociationService, domain: str, decision: Submit, *, batch: bool) -> None:
    """AssociatePackage(s) or DissociatePackage(s), as `decision` says."""
    ids = decision.package_ids
    log_event("call", action=decision.action, domain=domain, packages=ids, batch=batch)
    if decision.action == "associate":
        service.associate(domain, decision.packages, batch=batch)
    else:
        service.dissociate(domain, ids, batch=batch)


def _readiness(service: AssociationService, domain: str, decision: Submit) -> Fail | Wait | None:
    """The domain must not be processing; packages must have finished copying/validating."""
    if service.describe_domain(domain).processing:
        return Wait((Pending(f"domain {domain}", "Processing"),))
    if decision.action != "associate":
        return None
    return readiness.check_packages_ready(
        decision.package_ids, _availability(service, decision.package_ids)
    )


def _blue_green(
    service: AssociationService,
    domain: str,
    state: AssociationState,
    snapshot: Snapshot,
    now: float,
) -> Fail | None:
    """While a plugin's blue/green runs: log its stage; a stuck dissociation is a failure."""
    if not readiness.blue_green_in_flight(snapshot):
        return None
    try:
        progress = service.change_progress(domain)
    except ServiceError as error:  # a view only: never fails the operation
        log_event("change_progress_unavailable", domain=domain, code=error.code)
        return None
    if progress is None:
        return None
    log_event(
        "change_progress",
        domain=domain,
        status=progress.status,
        stage=progress.stage,
        percent=progress.percent,
    )
    return readiness.stuck_dissociation(snapshot, state, progress, now)


def _availability(
    service: AssociationService, package_ids: tuple[str, ...]
) -> dict[str, PackageAvailability]:
    """DescribePackages; a role without es:DescribePackages leaves it to the association call."""
    try:
        return service.describe_packages(package_ids)
    except Rejected as error:
        if error.code != "AccessDeniedException":
            raise
        return {}


def _action_of(decision: Fail) -> str:
    """Which change failed, for the reason: a failed dissociation is not an association."""
    if any(f.status == "DISSOCIATION_FAILED" for f in decision.failures):
        return "dissociation"
    return "association"
