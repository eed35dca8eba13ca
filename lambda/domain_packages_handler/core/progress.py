"""What an operation has done so far, carried across hand-overs as JSON.

The envelope (start, deadline, physical ID, hand-overs) is the same for every kind; each kind
brings its own typed `state`, which knows how to write and read itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from typing import Self


class State(Protocol):
    """A kind's own progress facts (what it submitted, what it created)."""

    def to_json(self) -> dict[str, Any]: ...

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Self: ...


S = TypeVar("S", bound=State)


@dataclass(frozen=True)
class Progress(Generic[S]):
    """The envelope around a kind's state."""

    started_at: float
    deadline: float
    physical_id: str
    state: S
    handovers: int = 0

    @classmethod
    def start(cls, now: float, timeout_seconds: int, physical_id: str, state: S) -> Progress[S]:
        return cls(now, deadline_for(now, timeout_seconds), physical_id, state)

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "deadline": self.deadline,
            "physical_id": self.physical_id,
            "handovers": self.handovers,
            "state": self.state.to_json(),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], state_type: type[S]) -> Progress[S]:
        return cls(
            started_at=float(raw["started_at"]),
            deadline=float(raw["deadline"]),
            physical_id=str(raw["physical_id"]),
            handovers=int(raw.get("handovers", 0)),
            state=state_type.from_json(dict(raw.get("state") or {})),
        )

    def handed_over(self) -> Progress[S]:
        return replace(self, handovers=self.handovers + 1)


def deadline_for(started_at: float, timeout_seconds: int) -> float:
    """Answer a little before CloudFormation's ServiceTimeout, so the stack gets our reason."""
    margin = min(30.0, 0.1 * timeout_seconds)
    return started_at + timeout_seconds - margin


def physical_id(name: str, stack_id: str, logical_id: str) -> str:
    """Unique per resource and name, stable while the name stays the same."""
    stack_uuid = stack_id.rsplit("/", 1)[-1]
    return f"{name}:{logical_id}:{stack_uuid}"[:1024]
