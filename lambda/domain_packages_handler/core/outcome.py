"""The outcome vocabulary every kind's pure plan speaks: done, fail, or wait for something.

No boto3 here, no I/O: plans return these, operations act on them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorDetails:
    """The service's own words for a failure (`ErrorDetails`)."""

    error_type: str
    error_message: str


@dataclass(frozen=True)
class PackageFailure:
    """Why one package could not reach its target state."""

    package_id: str
    status: str
    error_type: str
    error_message: str


@dataclass(frozen=True)
class Pending:
    """Something the operation is still waiting for, in words for the log and the reason."""

    subject: str
    state: str

    def __str__(self) -> str:
        return f"{self.subject} ({self.state})"


@dataclass(frozen=True)
class Done:
    """The target state is reached."""


@dataclass(frozen=True)
class Fail:
    """The service said no; these packages cannot reach their target."""

    failures: tuple[PackageFailure, ...]


@dataclass(frozen=True)
class Wait:
    """Nothing to call yet; look again later."""

    pending: tuple[Pending, ...]
