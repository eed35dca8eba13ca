"""The shell of a DomainPackages resource: observe the domain, decide (plan.decide), act, wait.

Runs in the shared waiting shell against `AssociationService`, the few calls it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Protocol

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
from ..core.properties import MAX_TIMEOUT_SECONDS as LONG_WAIT_MAX_SECONDS
from ..core.waiting import OperationFailed, Retried, Waiting
from . import plan, readiness, resolution
from .model import ChangeProgress, DesiredPackage, DomainState, Snapshot
from .ownership import already_there, failure_id
from .plan import AssociationState, Submit
from .readiness import Unavailable
from .target import Target

__all__ = ["AssociationOperation", "AssociationService", "DomainState"]


class _DomainLeaving(Exception):
    """A Delete met a domain that is being deleted: nothing is left to clean up."""


class AssociationService(Protocol):
    """What a DomainPackages operation needs from OpenSearch Service."""

    def list_associations(self, domain_name: str) -> Snapshot: ...

    def describe_domain(self, domain_name: str) -> DomainState: ...

    def describe_packages(self, package_ids: Sequence[str]) -> dict[str, PackageAvailability]: ...

    def packages_named(self, name: str) -> dict[str, PackageAvailability]: ...

    def change_progress(self, domain_name: str) -> ChangeProgress | None: ...

    def associate(
        self, domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool
    ) -> None: ...

    def dissociate(self, domain_name: str, package_ids: Sequence[str], *, batch: bool) -> None: ...


_ADVICE = {
    "AccessDeniedException": "Check the handler role's es: permissions for this domain.",
    "LimitExceededException": "Check the service quotas the message names.",
    "ValidationException": "Fix the package list (IDs, prerequisites, options) and redeploy.",
    "ResourceNotFoundException": "Check that the domain and the packages exist in this "
    "account and Region.",
}


@dataclass
class AssociationOperation(Waiting[AssociationState], advice=_ADVICE):
    """One DomainPackages Create, Update or Delete driven to its target, across invocations."""

    #: Up to 12 h, with a WaitCondition (core/long_wait.py).
    MAX_TIMEOUT_SECONDS: ClassVar[int] = LONG_WAIT_MAX_SECONDS

    target: Target
    service: AssociationService
    #: Records the answer's physical ID: a Create answers a failure with what to keep.
    on_physical_id: Callable[[str], None] = field(default=lambda _: None)
    #: About the call in flight, for the advice of a rejection: how many packages the domain
    #: would hold, and the packages DescribePackages did not know.
    _packages_after: int = field(default=0, init=False, repr=False)
    _not_described: tuple[str, ...] = field(default=(), init=False, repr=False)
    #: The latest listing, for a long wait's early answer.
    _last_snapshot: Snapshot | None = field(default=None, init=False, repr=False)

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
        if not self.target.resolved:
            self.target = self._resolve()
        while True:
            snapshot = self._observe()
            if snapshot is None:
                log_event("done", domain=self.domain, note="domain does not exist")
                return {}
            if self.target.is_create and self.state.pre_existing is None:
                self.remember(pre_existing=already_there(self.target.package_ids, snapshot))
                self._answer_failures_with_what_to_keep()
            self._last_snapshot = snapshot
            if self.state.has_submitted:
                self.answer_early()  # a long wait answers once the service took the change
            decision = plan.decide(self.target, self.state, snapshot, self.runtime.now())
            if isinstance(decision, Done):
                return self.finished(plan.response_data(self.target, snapshot))
            if isinstance(decision, Fail):
                raise self._failed(decision)
            if isinstance(decision, Wait):
                now = self.runtime.now()
                stuck = _blue_green(
                    self.service,
                    self.domain,
                    self.state,
                    snapshot,
                    now,
                    stuck_after=self._stuck_after,
                )
                if isinstance(stuck, Unavailable):
                    raise self._unavailable(stuck)
                if stuck is not None:
                    raise self._failed(stuck)
                self.poll_wait(decision.pending)
                continue
            try:
                self._submit(decision, snapshot)
            except _DomainLeaving:
                log_event("done", domain=self.domain, note="domain is being deleted")
                return self.finished({})

    @property
    def _stuck_after(self) -> float:
        """How long a plugin's removal may sit in one stage: longer on a long wait."""
        return readiness.stuck_after(self.progress.deadline - self.progress.started_at)

    def provisional_data(self) -> dict[str, str]:
        """A long wait's early answer: the attributes as far as the latest listing knows them
        (plan.provisional_data)."""
        snapshot = self._last_snapshot or Snapshot(associations={})
        return plan.provisional_data(self.target, snapshot)

    def advice(self, error: ServiceError) -> str:
        """A rejected association names what the domain cannot take, whatever the error code:
        packages DescribePackages does not know, or more packages than the domain's quota."""
        notes = []
        if self._not_described:
            ids = ", ".join(self._not_described)
            notes.append(f"DescribePackages does not know {ids} in this account and Region")
        if self._packages_after > plan.MAX_PACKAGES_PER_DOMAIN:
            notes.append(
                f"the domain would hold {self._packages_after} packages, and a domain holds at "
                f"most {plan.MAX_PACKAGES_PER_DOMAIN}: remove some first"
            )
        if not notes:
            return super().advice(error)
        text = "; ".join(notes)
        return text[0].upper() + text[1:] + "."

    def _unavailable(self, blocked: Unavailable) -> OperationFailed | _DomainLeaving:
        """Waiting does not end this; a Delete on a domain being deleted has nothing to do."""
        log_event("unavailable", domain=self.domain, status=blocked.status)
        if blocked.status == "Deleting" and self.target.missing_domain_is_success:
            return _DomainLeaving()
        return OperationFailed(
            reasons.stopped(blocked.subject, blocked.status, blocked.messages, blocked.advice)
        )

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

    def _resolve(self) -> Target:
        """Entries by name get the ID of their package for the domain's engine version, looked
        up on every run: after an engine upgrade the same name means another package."""
        try:
            domain = self.call(
                "describing the domain", lambda: self.service.describe_domain(self.domain)
            )
        except DomainNotFound as error:
            raise self.rejected("domain not found", error) from error
        chosen: dict[str, str] = {}
        for name, owner in resolution.names_to_resolve(self.target):
            found = self.call(f"describing packages named {name}", self._named(name))
            choice = resolution.choose_package(
                name, owner, domain.engine_version, found.values(), self.where
            )
            if isinstance(choice, resolution.Unresolved):
                log_event("unresolved", domain=self.domain, name=name, reason=choice.reason)
                raise OperationFailed(choice.reason)
            log_event(
                "resolved", domain=self.domain, name=name, engine=domain.engine_version, id=choice
            )
            chosen[name] = choice
        return resolution.resolve_target(self.target, chosen)

    def _named(self, name: str) -> Callable[[], dict[str, PackageAvailability]]:
        return lambda: self.service.packages_named(name)

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
        self._packages_after = plan.packages_after(decision, snapshot)
        self.check_current()  # a long wait that a newer request took over calls nothing more
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
        self.restart_polls()
        self.poll_wait((Pending("domain " + self.domain, f"{decision.action} requested"),))

    def _ready_then_call(self, decision: Submit) -> bool:
        """Make the call once the domain and the packages are ready; False after waiting."""
        ready = self._readiness(decision)
        if isinstance(ready, Unavailable):
            raise self._unavailable(ready)
        if isinstance(ready, Fail):
            raise self._failed(ready)
        if isinstance(ready, Wait):
            self.poll_wait(ready.pending)
            return False
        _call(self.service, self.domain, decision, batch=not self.state.single_calls)
        return True

    def _readiness(self, decision: Submit) -> Unavailable | Fail | Wait | None:
        """The domain must be Active and not processing (a busy domain whose change waits for
        the user fails at once); packages must have finished copying/validating."""
        self._not_described = ()
        domain = self.service.describe_domain(self.domain)
        if domain.deployment_strategy != self.state.deployment_strategy:
            self.remember(deployment_strategy=domain.deployment_strategy)
        ready = readiness.domain_readiness(self.domain, domain)
        if isinstance(ready, Wait):
            progress = _change_progress(self.service, self.domain, domain.deployment_strategy)
            awaiting = readiness.stopped_change(self.domain, progress, only=readiness.AWAITING_USER)
            return awaiting or ready
        if ready is not None or decision.action != "associate":
            return ready
        availability = _availability(self.service, decision.package_ids)
        if availability is None:
            return None
        self._not_described = readiness.missing_packages(decision.package_ids, availability)
        return readiness.check_packages_ready(decision.package_ids, availability)


def _call(service: AssociationService, domain: str, decision: Submit, *, batch: bool) -> None:
    """AssociatePackage(s) or DissociatePackage(s), as `decision` says."""
    ids = decision.package_ids
    log_event("call", action=decision.action, domain=domain, packages=ids, batch=batch)
    if decision.action == "associate":
        service.associate(domain, decision.packages, batch=batch)
    else:
        service.dissociate(domain, ids, batch=batch)


def _change_progress(
    service: AssociationService, domain: str, deployment_strategy: str = ""
) -> ChangeProgress | None:
    """The domain's latest change, logged with the blue/green's deployment strategy; None when
    it reports none or cannot be read (a view and a way out of a stopped change, never a reason
    to fail by itself)."""
    try:
        progress = service.change_progress(domain)
    except ServiceError as error:
        log_event("change_progress_unavailable", domain=domain, code=error.code)
        return None
    if progress is not None:
        log_event(
            "change_progress",
            domain=domain,
            status=progress.status,
            config_status=progress.config_status,
            stage=progress.stage,
            percent=progress.percent,
            stages=f"{progress.completed_stages}/{progress.total_stages}",
            deployment_strategy=deployment_strategy or None,
        )
    return progress


def _blue_green(
    service: AssociationService,
    domain: str,
    state: AssociationState,
    snapshot: Snapshot,
    now: float,
    *,
    stuck_after: float,
) -> Unavailable | Fail | None:
    """While a plugin's blue/green runs: log its stage; a change that stopped (validation
    failed, cancelled, waiting for the user) or a stuck dissociation is a failure."""
    if not readiness.blue_green_in_flight(snapshot):
        return None
    progress = _change_progress(service, domain, state.deployment_strategy)
    if progress is None:
        return None
    if readiness.own_blue_green_in_flight(snapshot, state):
        stopped = readiness.stopped_change(domain, progress)
        if stopped is not None:
            return stopped
    return readiness.stuck_dissociation(snapshot, state, progress, now, stuck_after)


def _availability(
    service: AssociationService, package_ids: tuple[str, ...]
) -> dict[str, PackageAvailability] | None:
    """DescribePackages; None when the role lacks es:DescribePackages (the association call
    then judges alone)."""
    try:
        return service.describe_packages(package_ids)
    except Rejected as error:
        if error.code != "AccessDeniedException":
            raise
        return None


def _action_of(decision: Fail) -> str:
    """Which change failed, for the reason: a failed dissociation is not an association."""
    if any(f.status == "DISSOCIATION_FAILED" for f in decision.failures):
        return "dissociation"
    return "association"
