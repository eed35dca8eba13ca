"""The shared waiting shell (core/waiting.py) on a simulated clock: deadline, hand-over, the
call/attempt helper, back-off and the typed progress it carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from domain_packages_handler.core.errors import DomainNotFound, Rejected, Retryable
from domain_packages_handler.core.outcome import Pending
from domain_packages_handler.core.progress import Progress, deadline_for
from domain_packages_handler.core.timing import Backoff, PollSchedule
from domain_packages_handler.core.waiting import (
    RETRIED,
    HandOver,
    OperationFailed,
    Runtime,
    Waiting,
)

from testsupport.fakes.clock import SimClock


@dataclass(frozen=True)
class Counter:
    """A minimal kind state."""

    count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count}

    @classmethod
    def from_json(cls, raw: Any) -> Counter:
        return cls(int(raw.get("count", 0)))


@dataclass
class Probe(Waiting[Counter], advice={"AccessDeniedException": "Grant es:Describe*."}):
    """A Waiting with nothing of its own, to drive the shell directly."""

    @property
    def where(self) -> str:
        return "domain probe"


def probe(clock: SimClock, timeout: int = 3600, margin: float = 20.0) -> Probe:
    progress = Progress.start(clock.now(), timeout, "pid", Counter())
    runtime = Runtime(clock.now, clock.sleep, clock.remaining, handover_margin=margin)
    return Probe(progress, runtime, backoff=Backoff(uniform=lambda lo, hi: hi))


def failing(times: int, error: Exception, answer: str = "ok") -> Callable[[], str]:
    calls = {"n": 0}

    def request() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return answer

    return request


def test_the_base_shell_has_no_kind_of_its_own() -> None:
    bare = Waiting(Progress.start(0.0, 60, "pid", Counter()), Runtime(float, print, float))
    with pytest.raises(NotImplementedError):
        _ = bare.where
    with pytest.raises(NotImplementedError):
        bare.run()
    assert Waiting.ADVICE == {}


def test_call_retries_retryable_errors_with_backoff_and_answers() -> None:
    clock = SimClock()
    shell = probe(clock)
    throttled = Retryable("DescribePackages", "ThrottlingException", "slow down")
    assert shell.call("describing", failing(3, throttled)) == "ok"
    assert clock.sleeps == [1.0, 2.0, 4.0]  # full jitter at its ceiling: 1, 2, 4 s


def test_attempt_answers_retried_after_one_backoff() -> None:
    clock = SimClock()
    shell = probe(clock)
    answer = shell.attempt("x", failing(1, Retryable("Op", "InternalException", "")))
    assert answer is RETRIED
    assert clock.sleeps == [1.0]
    assert shell.attempt("x", failing(0, RuntimeError())) == "ok"


def test_a_rejection_fails_with_the_subject_the_services_words_and_the_advice() -> None:
    shell = probe(SimClock())
    denied = Rejected("DescribeDomain", "AccessDeniedException", "not authorized")
    with pytest.raises(OperationFailed) as failed:
        shell.call("reading the domain", failing(1, denied))
    assert str(failed.value) == (
        "reading the domain on domain probe: AccessDeniedException: not authorized. "
        "Grant es:Describe*."
    )


def test_a_rejection_without_advice_ends_with_the_message() -> None:
    shell = probe(SimClock())
    with pytest.raises(OperationFailed) as failed:
        shell.call("x", failing(1, Rejected("Op", "ValidationException", "bad")))
    assert str(failed.value) == "x on domain probe: ValidationException: bad"


def test_other_service_errors_are_left_to_the_caller() -> None:
    shell = probe(SimClock())
    with pytest.raises(DomainNotFound):
        shell.call("x", failing(1, DomainNotFound("Op", "ResourceNotFoundException", "")))


def test_waiting_stops_at_the_deadline_with_what_is_pending() -> None:
    clock = SimClock()
    shell = probe(clock, timeout=100)  # deadline at 90 s (10 % margin)
    assert shell.progress.deadline == 90.0
    clock.advance(89.0)
    shell.wait((Pending("F1", "ASSOCIATING"),), 5.0)
    assert clock.sleeps == [1.0], "the last wait is cut to the deadline"
    with pytest.raises(OperationFailed) as failed:
        shell.wait((Pending("F1", "ASSOCIATING"),), 5.0)
    assert str(failed.value).startswith(
        "timed out after 90 s on domain probe waiting for F1 (ASSOCIATING)"
    )


def test_hand_over_comes_when_the_wait_would_eat_into_the_margin() -> None:
    clock = SimClock(invocation_end=100.0)
    shell = probe(clock, margin=20.0)
    clock.advance(77.0)  # 23 s left: a 3 s wait leaves exactly the margin
    shell.wait((), 3.0)
    assert clock.now() == 80.0
    with pytest.raises(HandOver) as handover:
        shell.wait((), 0.5)  # 20 s left: any wait leaves less than the margin
    assert handover.value.progress.handovers == 1
    assert handover.value.progress.state == Counter()


def test_remember_changes_the_kinds_state_only() -> None:
    shell = probe(SimClock())
    before = shell.progress
    shell.remember(count=3)
    assert shell.state == Counter(3)
    assert (shell.progress.started_at, shell.progress.deadline) == (
        before.started_at,
        before.deadline,
    )


def test_poll_wait_follows_the_poll_schedule() -> None:
    clock = SimClock()
    shell = probe(clock)
    shell.poll = PollSchedule(steps=(1.0, 2.0, 3.0))
    for _ in range(4):
        shell.poll_wait(())
    assert clock.sleeps == [1.0, 2.0, 3.0, 3.0]


def test_finished_returns_the_data_and_elapsed_counts_from_the_start() -> None:
    clock = SimClock(start=50.0)
    shell = probe(clock)
    clock.advance(12.3456)
    assert shell.elapsed() == 12.346
    assert shell.finished({"K": "v"}) == {"K": "v"}


def test_progress_round_trips_with_its_state_and_hand_overs() -> None:
    original = Progress(1.5, 99.0, "pid", Counter(7), handovers=2)
    assert Progress.from_json(original.to_json(), Counter) == original
    assert original.handed_over().handovers == 3
    legacy = {"started_at": 1, "deadline": 2, "physical_id": "p"}
    assert Progress.from_json(legacy, Counter) == Progress(1.0, 2.0, "p", Counter(0), 0)


@pytest.mark.parametrize(
    ("timeout", "deadline"), [(3600, 3570.0), (300, 270.0), (299, 269.1), (10, 9.0), (1, 0.9)]
)
def test_the_deadline_margin_is_a_tenth_up_to_30_seconds(timeout: int, deadline: float) -> None:
    assert deadline_for(0.0, timeout) == pytest.approx(deadline)
