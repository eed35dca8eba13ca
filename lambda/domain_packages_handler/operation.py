"""The thin shell around plan.decide: observe, decide, act, wait, hand over.

Time comes from an injected `Runtime`, so the waiting logic runs in tests without real waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar

from . import plan, reasons
from .logs import log_event
from .model import Pending, Snapshot
from .service import (
    BatchUnsupported,
    DomainNotFound,
    NotAssociated,
    PackageService,
    Rejected,
    Retryable,
    ServiceError,
    is_already_in_desired_state,
)
from .timing import Backoff, PollSchedule


class OperationFailed(Exception):
    """The operation cannot succeed; the message is the Reason CloudFormation shows."""


class HandOver(Exception):
    """This invocation is about to run out of time: continue in a fresh one from `progress`."""

    def __init__(self, progress: plan.Progress) -> None:
        super().__init__("handing over to a new invocation")
        self.progress = progress


@dataclass
class Runtime:
    """Clock, sleep and the invocation's remaining time, injectable for tests."""

    now: Callable[[], float]
    sleep: Callable[[float], None]
    remaining: Callable[[], float]
    handover_margin: float = 20.0


_ADVICE = {
    "AccessDeniedException": "Check the handler role's es: permissions for this domain.",
    "LimitExceededException": "A domain holds at most 20 packages; remove some first.",
    "ValidationException": "Fix the package list (IDs, prerequisites, options) and redeploy.",
    "ResourceNotFoundException": "Check that the domain and the packages exist in this "
    "account and Region.",
}


@dataclass
class Waiting:
    """Deadline, polling, backoff and hand-over, shared by every kind of operation."""

    progress: plan.Progress
    runtime: Runtime
    poll: PollSchedule = field(default_factory=PollSchedule, kw_only=True)
    backoff: Backoff = field(default_factory=Backoff, kw_only=True)
    ADVICE: ClassVar[Mapping[str, str]] = {}

    @property
    def where(self) -> str:
        """What the operation works on, for logs and reasons: "domain d", "package p"."""
        raise NotImplementedError

    def run(self) -> dict[str, str]:
        """Drive the operation to its end: returns the response Data; raises OperationFailed
        or HandOver."""
        raise NotImplementedError

    def _rejected(self, subject: str, error: ServiceError) -> OperationFailed:
        """The service refused for good: the reason keeps its words and says what to do."""
        log_event(
            "rejected", on=self.where, subject=subject, code=error.code, message=error.message
        )
        return OperationFailed(
            reasons.service_error(
                self.where, subject, error.code, error.message, self.ADVICE.get(error.code, "")
            )
        )

    def _retry_later(self, error: ServiceError) -> None:
        log_event(
            "retry",
            on=self.where,
            operation=error.operation,
            code=error.code,
            message=error.message,
        )
        self._wait((Pending(error.operation, error.code),), self.backoff.next())

    def _elapsed(self) -> float:
        return round(self.runtime.now() - self.progress.started_at, 3)

    def _wait(self, pending: tuple[Pending, ...], seconds: float) -> None:
        """Sleep before the next look, unless the deadline or the invocation's end comes first."""
        now = self.runtime.now()
        if now >= self.progress.deadline:
            log_event("timed_out", on=self.where, elapsed=self._elapsed(), pending=pending)
            raise OperationFailed(reasons.timed_out(self.where, self._elapsed(), pending))
        seconds = min(seconds, self.progress.deadline - now)
        log_event(
            "wait",
            on=self.where,
            seconds=round(seconds, 3),
            pending=[str(p) for p in pending],
            elapsed=self._elapsed(),
        )
        if self.runtime.remaining() - seconds < self.runtime.handover_margin:
            raise HandOver(replace(self.progress, handovers=self.progress.handovers + 1))
        self.runtime.sleep(seconds)


@dataclass
class Operation(Waiting):
    """One DomainPackages Create, Update or Delete driven to its target, across invocations."""

    target: plan.Target
    service: PackageService
    ADVICE: ClassVar[Mapping[str, str]] = _ADVICE

    @property
    def domain(self) -> str:
        return self.target.domain_name

    @property
    def where(self) -> str:
        return f"domain {self.domain}"

    def run(self) -> dict[str, str]:
        """Returns the response Data; raises OperationFailed or HandOver."""
        log_event("operation", target=self.target.describe(), progress=self.progress.to_json())
        while True:
            try:
                snapshot = self.service.list_associations(self.domain)
            except DomainNotFound as error:
                if self.target.missing_domain_is_success:
                    log_event("done", domain=self.domain, note="domain does not exist")
                    return {}
                raise self._rejected("domain not found", error) from error
            except Retryable as error:
                self._retry_later(error)
                continue
            except Rejected as error:
                raise self._rejected("listing packages", error) from error

            decision = plan.decide(self.target, self.progress, snapshot, self.runtime.now())
            if isinstance(decision, plan.Done):
                data = plan.response_data(self.target, snapshot)
                log_event("done", domain=self.domain, elapsed=self._elapsed(), data=data)
                return data
            if isinstance(decision, plan.Fail):
                action = (
                    "dissociation"
                    if any(f.status == "DISSOCIATION_FAILED" for f in decision.failures)
                    else "association"
                )
                log_event("failed", domain=self.domain, failures=decision.failures)
                raise OperationFailed(
                    reasons.package_failures(self.where, action, decision.failures)
                )
            if isinstance(decision, plan.Wait):
                self._wait(decision.pending, self.poll.next())
                continue
            self._submit(decision, snapshot)

    def _submit(self, decision: plan.Submit, snapshot: Snapshot) -> None:
        if self.progress.single_calls:
            decision = plan.next_single_call(decision, snapshot)
        try:
            ready = self._check_ready(decision)
            if ready is not None:
                if isinstance(ready, plan.Fail):
                    raise OperationFailed(
                        reasons.package_failures(self.where, "association", ready.failures)
                    )
                self._wait(ready.pending, self.poll.next())
                return
            log_event(
                "call",
                action=decision.action,
                domain=self.domain,
                packages=decision.package_ids,
                batch=not self.progress.single_calls,
            )
            if decision.action == "associate":
                self.service.associate(
                    self.domain, decision.packages, batch=not self.progress.single_calls
                )
            else:
                self.service.dissociate(
                    self.domain, decision.package_ids, batch=not self.progress.single_calls
                )
        except BatchUnsupported as error:
            log_event("batch_unsupported", domain=self.domain, message=error.message)
            self.progress = replace(self.progress, single_calls=True)
            return
        except NotAssociated as error:
            # Gone already (or going): record it as asked and let the next listing confirm.
            log_event(
                "not_associated",
                domain=self.domain,
                packages=decision.package_ids,
                message=error.message,
            )
            if len(decision.packages) > 1 and not self.progress.single_calls:
                self.progress = replace(self.progress, single_calls=True)
                return
        except Retryable as error:
            if not is_already_in_desired_state(error):
                self._retry_later(error)
                return
            log_event("already_in_desired_state", domain=self.domain, packages=decision.package_ids)
        except DomainNotFound as error:
            if self.target.missing_domain_is_success:
                return  # the next listing confirms the domain is gone: nothing left to clean
            raise self._rejected("domain not found", error) from error
        except Rejected as error:
            raise self._rejected(
                f"{decision.action} {', '.join(decision.package_ids)}", error
            ) from error
        else:
            log_event(
                "accepted",
                action=decision.action,
                domain=self.domain,
                packages=decision.package_ids,
            )
        self.progress = self.progress.submitted(
            decision.action, decision.package_ids, self.runtime.now()
        )
        self.backoff.reset()
        self.poll.reset()
        self._wait(
            (Pending("domain " + self.domain, f"{decision.action} requested"),), self.poll.next()
        )

    def _check_ready(self, decision: plan.Submit) -> plan.Fail | plan.Wait | None:
        """The domain must not be processing; packages must have finished copying/validating."""
        if self.service.describe_domain(self.domain).processing:
            return plan.Wait((Pending(f"domain {self.domain}", "Processing"),))
        if decision.action != "associate":
            return None
        try:
            availability = self.service.describe_packages(decision.package_ids)
        except Rejected as error:
            if error.code != "AccessDeniedException":
                raise
            # A role without es:DescribePackages: the association call judges the packages.
            availability = {}
        return plan.check_packages_ready(decision.package_ids, availability)
