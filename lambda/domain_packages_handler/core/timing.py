"""Poll and retry schedules. Pure arithmetic; the randomness source is injected."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

# Polls ramp up quickly and then stay short: the answer should follow the last ACTIVE within
# seconds, and one ListPackagesForDomain call every few seconds is cheap. `make bench` weighs
# the cap: 3 s answers a p95 of about 3 s after ACTIVE; 4 s saved a quarter of the calls for
# a p95 of about 4 s.
POLL_SCHEDULE_SECONDS = (1.0, 2.0, 3.0)
RETRY_BASE_SECONDS = 1.0
RETRY_CAP_SECONDS = 16.0


@dataclass
class PollSchedule:
    """1, 2, 3, 3, 3… seconds; restarts after every call that changes the domain."""

    steps: tuple[float, ...] = POLL_SCHEDULE_SECONDS
    _index: int = 0

    def next(self) -> float:
        value = self.steps[min(self._index, len(self.steps) - 1)]
        self._index += 1
        return value

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
