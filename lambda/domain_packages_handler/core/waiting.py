"""The waiting shell every kind's operation runs in: deadline, polling, back-off, hand-over, and
one way to call the service (retry what is retryable, fail with a reason what is rejected).

Time comes from an injected `Runtime`, so waiting runs in tests without real waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from . import reasons
from .errors import ChangeInProgress, Rejected, Retryable, ServiceError
from .logs import log_event
from .outcome import Pending
from .progress import Progress, S
from .properties import SERVICE_TIMEOUT_SECONDS
from .timing import Backoff, PollSchedule

T = TypeVar("T")


class OperationFailed(Exception):
    """The operation cannot succeed; the message is the Reason CloudFormation shows."""


class HandOver(Exception):
    """This invocation is about to run out of time: continue in a fresh one from `progress`."""

    def __init__(self, progress: Progress[Any]) -> None:
        super().__init__("handing over to a new invocation")
        self.progress = progress


class Superseded(Exception):
    """A newer request for the same resource took over this long wait: stop, say nothing."""


class EarlyAnswer(Protocol):
    """A long wait's way to answer CloudFormation before the end (core/long_wait.py)."""

    def answer(self, data: dict[str, str]) -> None: ...

    def superseded(self, answered_at: float) -> bool: ...


class Retried:
    """`Waiting.attempt`'s answer when the call met a retryable error and the back-off passed."""


RETRIED = Retried()


@dataclass
class Runtime:
    """Clock, sleep and the invocation's remaining time, injectable for tests."""

    now: Callable[[], float]
    sleep: Callable[[float], None]
    remaining: Callable[[], float]
    handover_margin: float = 20.0
    #: Set for a long wait: answers the custom resource once the change is accepted.
    early_answer: EarlyAnswer | None = None


@dataclass
class Waiting(Generic[S]):
    """Deadline, polling, back-off and hand-over around one kind's operation."""

    progress: Progress[S]
    runtime: Runtime
    poll: PollSchedule = field(default_factory=PollSchedule, kw_only=True)
    backoff: Backoff = field(default_factory=Backoff, kw_only=True)
    #: What to do about a rejected call, by the service's error code; a kind's operation sets it
    #: in its class statement: `class X(Waiting[S], advice={...})`.
    ADVICE: ClassVar[Mapping[str, str]] = {}
    #: The longest `timeout` the kind's construct takes, for the advice of a timeout's reason.
    MAX_TIMEOUT_SECONDS: ClassVar[int] = SERVICE_TIMEOUT_SECONDS

    def __init_subclass__(cls, advice: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if advice is not None:
            cls.ADVICE = advice

    @property
    def where(self) -> str:
        """What the operation works on, for logs and reasons: "domain d", "package p"."""
        raise NotImplementedError

    def run(self) -> dict[str, str]:
        """Drive the operation to its end: returns the response Data; raises OperationFailed
        or HandOver."""
        raise NotImplementedError

    @property
    def state(self) -> S:
        return self.progress.state

    @property
    def answered(self) -> bool:
        """Whether the custom resource has been answered ahead of the end (a long wait)."""
        return self.progress.answered_at is not None

    def provisional_data(self) -> dict[str, str]:
        """The Data to answer with before the wait ends; a kind that answers early overrides."""
        return {}

    def answer_early(self) -> None:
        """A long wait's change is accepted: answer the custom resource now and go on waiting
        (the WaitCondition waits for the end). Does nothing outside a long wait or twice."""
        early = self.runtime.early_answer
        if early is None or self.answered:
            return
        early.answer(self.provisional_data())
        now = self.runtime.now()
        self.progress = replace(self.progress, answered_at=now)
        log_event(
            "long_wait",
            phase="answered",
            on=self.where,
            elapsed=self.elapsed(),
            waits_until=round(self.progress.deadline - now, 3),
        )

    def check_current(self) -> None:
        """Once answered, a long wait stops (Superseded) when a newer request took over."""
        early = self.runtime.early_answer
        answered_at = self.progress.answered_at
        if early is None or answered_at is None:
            return
        if early.superseded(answered_at):
            log_event("long_wait", phase="superseded", on=self.where, elapsed=self.elapsed())
            raise Superseded(f"a newer request took over {self.where}")

    def restart_polls(self) -> None:
        """Something changed (a call was accepted): look again soon, then less and less often."""
        self.poll.reset()
        self.progress = replace(self.progress, poll_since=self.runtime.now())

    def remember(self, **changes: Any) -> None:
        """Record facts in the kind's state, so that a hand-over carries them."""
        self.progress = replace(self.progress, state=replace(self.state, **changes))  # type: ignore[type-var]

    def call(self, subject: str, request: Callable[[], T]) -> T:
        """`request()` until it answers: retryable errors wait (back-off) and ask again;
        a rejection fails with a reason naming `subject`. Other ServiceErrors propagate."""
        while True:
            answer = self.attempt(subject, request)
            if not isinstance(answer, Retried):
                return answer

    def attempt(self, subject: str, request: Callable[[], T]) -> T | Retried:
        """`request()` once: after a retryable error waits out the back-off and answers
        RETRIED (the caller looks again before asking again); a rejection fails."""
        try:
            answer = request()
        except Retryable as error:
            self.retry_later(error)
            return RETRIED
        except Rejected as error:
            raise self.rejected(subject, error) from error
        return answer

    def rejected(self, subject: str, error: ServiceError) -> OperationFailed:
        """The service refused for good: the reason keeps its words and says what to do."""
        log_event(
            "rejected", on=self.where, subject=subject, code=error.code, message=error.message
        )
        return OperationFailed(
            reasons.service_error(
                self.where, subject, error.code, error.message, self.advice(error)
            )
        )

    def advice(self, error: ServiceError) -> str:
        """What to do about a rejection: by its error code, unless a kind knows better."""
        return self.ADVICE.get(error.code, "")

    def retry_later(self, error: ServiceError) -> None:
        log_event(
            "retry",
            on=self.where,
            operation=error.operation,
            code=error.code,
            message=error.message,
        )
        # A refusal that can last minutes is quoted, so a reason that times out on it says why.
        state = (
            f"{error.code}: {error.message}"
            if isinstance(error, ChangeInProgress) and error.message
            else error.code
        )
        self.wait((Pending(error.operation, state),), self.backoff.next())

    def elapsed(self) -> float:
        return round(self.runtime.now() - self.progress.started_at, 3)

    def poll_wait(self, pending: tuple[Pending, ...]) -> None:
        """Wait one poll interval for `pending`: longer the longer the wait has run."""
        since = self.progress.poll_since
        waited = self.runtime.now() - (self.progress.started_at if since is None else since)
        self.wait(pending, self.poll.next(waited))

    def wait(self, pending: tuple[Pending, ...], seconds: float) -> None:
        """Sleep before the next look, unless the deadline or the invocation's end comes first."""
        now = self.runtime.now()
        if now >= self.progress.deadline:
            log_event("timed_out", on=self.where, elapsed=self.elapsed(), pending=pending)
            raise OperationFailed(
                reasons.timed_out(self.where, self.elapsed(), pending, self.MAX_TIMEOUT_SECONDS)
            )
        seconds = min(seconds, self.progress.deadline - now)
        answer_by = self.progress.answer_by
        if answer_by is not None and not self.answered and self.runtime.early_answer:
            if now >= answer_by:
                # CloudFormation's hour is nearly up and the service has not taken the change
                # yet (a busy domain): answer, and let the WaitCondition wait for the rest.
                self.answer_early()
            else:
                seconds = min(seconds, answer_by - now)
        log_event(
            "wait",
            on=self.where,
            seconds=round(seconds, 3),
            pending=[str(p) for p in pending],
            elapsed=self.elapsed(),
        )
        if self.runtime.remaining() - seconds < self.runtime.handover_margin:
            # Sleep what fits first: the next invocation sleeps only the rest (resume_at), so a
            # long wait uses each invocation's time instead of handing over early.
            usable = self.runtime.remaining() - 2 * self.runtime.handover_margin
            if usable > 0:
                self.runtime.sleep(min(usable, seconds))
            raise HandOver(self.progress.handed_over(resume_at=now + seconds))
        self.runtime.sleep(seconds)

    def finished(self, data: dict[str, str]) -> dict[str, str]:
        """Log the end and return the response Data."""
        log_event("done", on=self.where, elapsed=self.elapsed(), data=data)
        return data
