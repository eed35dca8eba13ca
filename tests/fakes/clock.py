"""A manually driven clock for the fakes, so tests can jump through minutes of service time."""

from __future__ import annotations

import threading

__all__ = ["ManualClock"]


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
