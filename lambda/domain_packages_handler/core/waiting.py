"""The waiting shell every kind's operation runs in: deadline, polling, back-off, hand-over, and
one way to call the service (retry what is retryable, fail with a reason what is rejected).

Time comes from an injected `Runtime`, so waiting runs in tests without real waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Generic, TypeVar

from . import reasons
from .errors import ChangeInProgress, Rejected, Retryable, ServiceError
from .logs import log_event
from .outcome import Pending
from .progress import Progress, S
from .timing import Backoff, PollSchedule

T = TypeVar("T")


class OperationFailed(Exception):
    """The operation cannot succeed; the message is the Reason CloudFormation shows."""


class HandOver(Exception):
    """This invocation is about to run out of time: continue in a fresh one from `progress`."""

    def __init__(self, progress: Progress[Any]) -> None:
        super().__init__("handing over to a new invocation")
        self.progress = progress


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
        """Wait one poll interval for `pending`."""
        self.wait(pending, self.poll.next())

    def wait(self, pending: tuple[Pending, ...], seconds: float) -> None:
        """Sleep before the next look, unless the deadline or the invocation's end comes first."""
        now = self.runtime.now()
        if now >= self.progress.deadline:
            log_event("timed_out", on=self.where, elapsed=self.elapsed(), pending=pending)
            raise OperationFailed(reasons.timed_out(self.where, self.elapsed(), pending))
        seconds = min(seconds, self.progress.deadline - now)
        log_event(
            "wait",
            on=self.where,
            seconds=round(seconds, 3),
            pending=[str(p) for p in pending],
            elapsed=self.elapsed(),
        )
        if self.runtime.remaining() - seconds < self.runtime.handover_margin:
            raise HandOver(self.progress.handed_over())
        self.runtime.sleep(seconds)

    def finished(self, data: dict[str, str]) -> dict[str, str]:
        """Log the end and return the response Data."""
        log_event("done", on=self.where, elapsed=self.elapsed(), data=data)
        return data
