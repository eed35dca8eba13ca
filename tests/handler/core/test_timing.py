"""The poll schedule (core/timing.py): quick while a wait is young, proportional to the time
waited later, so that the answer lags the end by at most 5 % of the wait (or 5 s) and an hour
of waiting costs a bounded number of polls."""

from __future__ import annotations

import pytest
from domain_packages_handler.core.timing import (
    POLL_CAP_SECONDS,
    POLL_SCHEDULE_SECONDS,
    PollSchedule,
)


def polls_until(seconds: float) -> list[float]:
    """The moments a schedule started at 0 looks, up to `seconds`."""
    schedule, t, moments = PollSchedule(), 0.0, []
    while t < seconds:
        t += schedule.next(t)
        moments.append(t)
    return moments


def test_a_young_wait_keeps_the_short_steps() -> None:
    schedule = PollSchedule()
    assert [schedule.next(w) for w in (0.0, 1.0, 3.0, 6.0)] == [1.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize("waited", [0.0, 30.0, 60.0, 600.0, 3600.0, 10_800.0, 43_200.0])
def test_no_interval_exceeds_five_percent_of_the_wait_or_five_seconds(waited: float) -> None:
    schedule = PollSchedule(_index=len(POLL_SCHEDULE_SECONDS))
    assert schedule.next(waited) <= max(5.0, 0.05 * waited)


def test_the_interval_stops_growing_at_the_cap() -> None:
    assert PollSchedule(_index=9).next(43_200.0) == POLL_CAP_SECONDS


def test_an_hour_of_waiting_costs_at_most_150_polls() -> None:
    # Two calls per poll while a blue/green runs: at most 300 calls in the first hour.
    first_hour = polls_until(3600.0)
    assert len(first_hour) <= 150
    later_hours = [t for t in polls_until(12 * 3600.0) if t > 3600.0]
    assert len(later_hours) <= 11 * 3600 / POLL_CAP_SECONDS + 30


def test_reset_starts_the_short_steps_again() -> None:
    schedule = PollSchedule()
    for _ in range(5):
        schedule.next(100.0)
    schedule.reset()
    assert schedule.next(0.0) == 1.0
