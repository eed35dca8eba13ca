"""The one simulated clock of the tests and benchmarks: time moves only when told to.

`SimClock` serves every simulated-time use in the project: as a callable (`clock()`) it is the
`clock=` of FakeOpenSearch and FakeLambdaContext, jumping through minutes of service time on
`advance`; as `now()` / `sleep()` / `remaining()` it is the handler's `Runtime`, where a sleep
costs no real time and `remaining()` counts down to the invocation's end (`invocation_end`).
"""

from __future__ import annotations

import threading

__all__ = ["SimClock"]


class SimClock:
    """Simulated time, starting at `start` and moving only by `advance`, `sleep` or `t = ...`.

    Thread-safe: fakes read it from their server threads while the test moves it. `sleeps` records
    every `sleep` in order (not `advance`, which is the test moving time, not the code under test
    waiting). `invocation_end` is the moment `remaining()` reaches 0; set it for each invocation.
    """

    def __init__(self, start: float = 0.0, *, invocation_end: float = 900.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.invocation_end = invocation_end
        """When the simulated invocation ends: `remaining()` is measured against it."""
        self.sleeps: list[float] = []
        """Every `sleep` in order, in seconds."""

    def __call__(self) -> float:
        """The current time (so the clock can stand in for `time.monotonic`)."""
        return self.now()

    def now(self) -> float:
        with self._lock:
            return self._now

    @property
    def t(self) -> float:
        """The current time, as an attribute."""
        return self.now()

    @t.setter
    def t(self, value: float) -> None:
        """Jump to `value`, which must not be in the past."""
        with self._lock:
            if value < self._now:
                raise ValueError(f"time only moves forward: {value} < {self._now}")
            self._now = value

    def advance(self, seconds: float) -> float:
        """Move time forward by `seconds`; returns the new time."""
        if seconds < 0:
            raise ValueError(f"time only moves forward: advance({seconds})")
        with self._lock:
            self._now += seconds
            return self._now

    def sleep(self, seconds: float) -> None:
        """Like `time.sleep`, without the waiting: records the sleep and moves time forward."""
        if seconds < 0:
            raise ValueError(f"negative sleep {seconds}")
        with self._lock:
            self.sleeps.append(seconds)
            self._now += seconds

    def remaining(self) -> float:
        """Seconds until `invocation_end` (negative once it has passed)."""
        with self._lock:
            return self.invocation_end - self._now
