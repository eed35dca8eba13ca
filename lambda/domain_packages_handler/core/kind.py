"""What `main` needs from a resource kind: read a request, and build its operation.

A kind is a sibling package (``associations``, ``packages``) exposing one `Kind` object;
`main.KINDS` maps each CloudFormation resource type to one.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, urlsplit

from .progress import Progress, State, physical_id
from .waiting import Runtime, Waiting

RequestType = Literal["Create", "Update", "Delete"]
#: How long CloudFormation's presigned ResponseURL stays valid (its X-Amz-Expires).
RESPONSE_URL_LIFETIME_SECONDS = 7200


def issued_at(response_url: str) -> float | None:
    """When CloudFormation sent the request, read from its presigned ResponseURL.

    The URL is signed when CloudFormation issues the request (SigV4 `X-Amz-Date`; older SigV2
    URLs carry only `Expires`, two hours later). A re-delivery of the same event after a crash
    carries the same URL, so a deadline counted from here holds across crashes and retries.
    """
    query = parse_qs(urlsplit(response_url).query)
    try:
        if "X-Amz-Date" in query:
            stamp = time.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
            return float(calendar.timegm(stamp))
        if "Expires" in query:
            return float(query["Expires"][0]) - RESPONSE_URL_LIFETIME_SECONDS
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class Request:
    """The parts of CloudFormation's event a kind reads."""

    request_type: RequestType
    properties: Mapping[str, Any] | None
    old_properties: Mapping[str, Any] | None
    #: The event's PhysicalResourceId ("" on Create).
    physical_id: str
    stack_id: str
    logical_id: str
    #: When CloudFormation issued the request (None when the ResponseURL does not say).
    issued_at: float | None = None
    #: CloudFormation's RequestId: the same on every delivery of one request.
    request_id: str = ""

    @classmethod
    def of(cls, event: Mapping[str, Any]) -> Request:
        return cls(
            request_type=event["RequestType"],
            properties=event.get("ResourceProperties"),
            old_properties=event.get("OldResourceProperties"),
            physical_id=str(event.get("PhysicalResourceId") or ""),
            stack_id=str(event.get("StackId", "")),
            logical_id=str(event.get("LogicalResourceId", "resource")),
            issued_at=issued_at(str(event.get("ResponseURL", ""))),
            request_id=str(event.get("RequestId", "")),
        )

    def started_at(self, now: float) -> float:
        """When CloudFormation's timeout started counting: when it issued the request, never
        later than `now` (and `now` when the URL does not say)."""
        return now if self.issued_at is None else min(self.issued_at, now)

    def new_physical_id(self, name: str) -> str:
        """A physical ID for this resource, unique per stack, logical ID and `name`."""
        return physical_id(name, self.stack_id, self.logical_id)


@dataclass(frozen=True)
class Invocation:
    """What one Lambda invocation gives an operation to run with."""

    progress: Progress[Any]
    runtime: Runtime
    #: A boto3 `opensearch` client.
    client: Any
    #: Records the answer's PhysicalResourceId once the operation knows it (a created package).
    on_physical_id: Callable[[str], None]


class Lifecycle(Protocol):
    """One request of one kind, ready to run."""

    @property
    def physical_id(self) -> str: ...

    @property
    def timeout_seconds(self) -> int: ...

    @property
    def background_seconds(self) -> int | None:
        """A request that may answer CloudFormation at `timeout_seconds` while its service work
        goes on (a Delete nothing waits for), finishing within this many seconds; None: the
        answer waits for the end (or for a long wait's WaitCondition, core/long_wait.py)."""
        ...

    @property
    def state_type(self) -> type[State]: ...

    def operation(self, invocation: Invocation) -> Waiting[Any]: ...


class Kind(Protocol):
    """A resource kind: turns a request into a Lifecycle (None: a Delete with nothing to do).

    Raises InvalidProperties when the request cannot be acted on.
    """

    def lifecycle(self, request: Request) -> Lifecycle | None: ...
