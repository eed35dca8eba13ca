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
    #: A long wait (longer than CloudFormation lets a custom resource wait) answers the custom
    #: resource by this time at the latest and goes on waiting; None: answer at the end.
    answer_by: float | None = None
    #: When the custom resource was answered ahead of the end (None: not yet).
    answered_at: float | None = None
    #: When the current poll schedule started (the last call that changed something).
    poll_since: float | None = None
    #: The next look is due then: a hand-over does not make the next invocation look early.
    resume_at: float | None = None

    @classmethod
    def start(
        cls,
        now: float,
        timeout_seconds: int,
        physical_id: str,
        state: S,
        *,
        answer_within: int | None = None,
    ) -> Progress[S]:
        answer_by = None if answer_within is None else deadline_for(now, answer_within)
        return cls(now, deadline_for(now, timeout_seconds), physical_id, state, answer_by=answer_by)

    def to_json(self) -> dict[str, Any]:
        optional = {
            "answer_by": self.answer_by,
            "answered_at": self.answered_at,
            "poll_since": self.poll_since,
            "resume_at": self.resume_at,
        }
        return {
            "started_at": self.started_at,
            "deadline": self.deadline,
            "physical_id": self.physical_id,
            "handovers": self.handovers,
            **{k: v for k, v in optional.items() if v is not None},
            "state": self.state.to_json(),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], state_type: type[S]) -> Progress[S]:
        return cls(
            started_at=float(raw["started_at"]),
            deadline=float(raw["deadline"]),
            physical_id=str(raw["physical_id"]),
            handovers=int(raw.get("handovers", 0)),
            answer_by=_optional_float(raw.get("answer_by")),
            answered_at=_optional_float(raw.get("answered_at")),
            poll_since=_optional_float(raw.get("poll_since")),
            resume_at=_optional_float(raw.get("resume_at")),
            state=state_type.from_json(dict(raw.get("state") or {})),
        )

    def handed_over(self, resume_at: float | None = None) -> Progress[S]:
        return replace(self, handovers=self.handovers + 1, resume_at=resume_at)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def deadline_for(started_at: float, timeout_seconds: int) -> float:
    """Answer a little before CloudFormation's ServiceTimeout, so the stack gets our reason."""
    margin = min(30.0, 0.1 * timeout_seconds)
    return started_at + timeout_seconds - margin


def physical_id(name: str, stack_id: str, logical_id: str) -> str:
    """Unique per resource and name, stable while the name stays the same."""
    stack_uuid = stack_id.rsplit("/", 1)[-1]
    return f"{name}:{logical_id}:{stack_uuid}"[:1024]
