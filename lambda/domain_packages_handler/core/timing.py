"""Poll and retry schedules. Pure arithmetic; the randomness source is injected."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

# Polls ramp up quickly and then stay short while a wait is young: the answer should follow the
# last ACTIVE within seconds, and one ListPackagesForDomain call every few seconds is cheap.
# `make bench` weighs the step cap: 3 s answers a p95 of about 3 s after ACTIVE; 4 s saved a
# quarter of the calls for a p95 of about 4 s.
POLL_SCHEDULE_SECONDS = (1.0, 2.0, 3.0)
# A plugin's blue/green takes tens of minutes to hours: from the first minute on the interval
# grows with the time waited, so the answer follows within POLL_FRACTION of the wait (the target
# is 5 %, minus room for a hand-over) and an hour of waiting costs about 110 polls (two calls
# each while a blue/green runs: under 300 calls per hour). Past 5 minutes it stops growing, so
# no answer lags by more than that; `make bench` prints both figures.
POLL_FRACTION = 0.045
POLL_CAP_SECONDS = 300.0
RETRY_BASE_SECONDS = 1.0
RETRY_CAP_SECONDS = 16.0


@dataclass
class PollSchedule:
    """1, 2, 3, 3, 3… seconds, then POLL_FRACTION of the time waited, at most POLL_CAP_SECONDS;
    restarts after every call that changes the domain."""

    steps: tuple[float, ...] = POLL_SCHEDULE_SECONDS
    fraction: float = POLL_FRACTION
    cap: float = POLL_CAP_SECONDS
    _index: int = 0

    def next(self, waited: float = 0.0) -> float:
        """The next interval, `waited` seconds after the wait (re)started."""
        step = self.steps[min(self._index, len(self.steps) - 1)]
        self._index += 1
        return max(step, min(self.cap, self.fraction * max(waited, 0.0)))

    def reset(self) -> None:
        self._index = 0


@dataclass
class Backoff:
    """Capped exponential backoff with full jitter, for conflicts, throttling and 5xx."""

    base: float = RETRY_BASE_SECONDS
    cap: float = RETRY_CAP_SECONDS
    uniform: Callable[[float, float], float] = field(default=random.uniform)
    attempts: int = 0

    def next(self) -> float:
        ceiling = min(self.cap, self.base * (2**self.attempts))
        self.attempts += 1
        return max(self.base / 2, self.uniform(0.0, ceiling))

    def reset(self) -> None:
        self.attempts = 0
