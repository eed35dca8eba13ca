"""A manually driven clock for the fakes, so tests can jump through minutes of service time."""

from __future__ import annotations

import threading

__all__ = ["ManualClock", "SimClock"]


class ManualClock:
    """Callable returning a time that moves only when `advance` is called (thread-safe).

    Pass it as `clock=` to FakeOpenSearch (or FakeLambdaContext) to make association lifecycles
    advance exactly when the test says so.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward; returns the new time."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._now += seconds
            return self._now


class SimClock:
    """Simulated wall clock for the handler's injectable Runtime: `sleep` moves it, nothing
    waits; the invocation ends at `invocation_end`. Records every sleep."""

    def __init__(self, start: float = 0.0, invocation_end: float = 900.0) -> None:
        self._now = start
        self.invocation_end = invocation_end
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now()

    @property
    def t(self) -> float:
        return self.now()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._now += seconds
            return self._now

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        self.sleeps.append(seconds)

    def remaining(self) -> float:
        return self.invocation_end - self.now()
