"""What the stack waits on: its ``AWS::CloudFormation::WaitCondition`` resources (``--stack``).

A ``DomainPackages`` whose timeout is above an hour answers its custom resource as soon as the
service has accepted the change, and the stack then waits on a WaitCondition (logical ID
``...Wait<HASH>``, a new one for each change) that the handler signals when the packages are
ACTIVE or gone, for up to its ``Timeout`` (12 hours at most). The stack events show only that
the WaitCondition is CREATE_IN_PROGRESS; this shows for how long, and of how long at most, next
to the domain's own progress.

``StackReader.read`` makes the calls: ListStackResources (every page: DescribeStackResources
would stop at 100 resources, and a large stack has more) and, once for each WaitCondition it
has not seen, GetTemplate for the ``Timeout`` (the resource listings do not carry it; a
WaitCondition cannot be updated, so it never changes). Both are read-only. A template that
cannot be read (no cloudformation:GetTemplate, YAML text, a Timeout that is not a number)
leaves the Timeout unknown, and the view says less. ``stack_from_api`` is the pure part.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from opensearch_packages_watch.reading import epoch_seconds

__all__ = [
    "WAIT_CONDITION_TYPE",
    "CloudFormationReads",
    "StackReader",
    "StackState",
    "WaitConditionState",
    "stack_from_api",
    "timeouts_from_template",
]

WAIT_CONDITION_TYPE = "AWS::CloudFormation::WaitCondition"
#: The status of a WaitCondition the stack is waiting on (it cannot be updated, only created).
WAITING = "CREATE_IN_PROGRESS"
#: The status of a WaitCondition that failed or timed out: the deploy fails and rolls back.
FAILED = "CREATE_FAILED"


class CloudFormationReads(Protocol):
    """The two read-only calls of a boto3 ``cloudformation`` client the watch makes."""

    def list_stack_resources(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def get_template(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class WaitConditionState:
    """One WaitCondition of the stack, as ListStackResources lists it."""

    logical_id: str
    status: str
    since: float | None = None
    """``LastUpdatedTimestamp`` in epoch seconds: while CREATE_IN_PROGRESS, when the stack
    began waiting on it."""
    reason: str = ""
    """``ResourceStatusReason`` (a failure's, or the data of the signal received)."""
    timeout: int | None = None
    """Its ``Timeout`` in seconds from the stack's template; None when unknown."""

    @property
    def waiting(self) -> bool:
        return self.status == WAITING

    @property
    def failed(self) -> bool:
        return self.status == FAILED


@dataclass(frozen=True)
class StackState:
    """The stack's WaitConditions at one refresh."""

    name: str
    conditions: tuple[WaitConditionState, ...]
    read_at: float | None = None
    """When it was read, in epoch seconds; with ``since``, how long the stack has waited."""

    @property
    def waiting(self) -> tuple[WaitConditionState, ...]:
        """The WaitConditions the stack still waits on."""
        return tuple(c for c in self.conditions if c.waiting)

    @property
    def failed(self) -> tuple[WaitConditionState, ...]:
        """The WaitConditions that failed or timed out: the deploy fails with them."""
        return tuple(c for c in self.conditions if c.failed)


def stack_from_api(
    name: str,
    resources: Iterable[Mapping[str, Any]],
    timeouts: Mapping[str, int | None],
    read_at: float | None = None,
) -> StackState:
    """ListStackResources' ``StackResourceSummaries``, the WaitConditions only, with the
    Timeouts known by logical ID."""
    conditions = tuple(
        WaitConditionState(
            logical_id=str(r.get("LogicalResourceId") or "?"),
            status=str(r.get("ResourceStatus") or "?"),
            since=epoch_seconds(r.get("LastUpdatedTimestamp")),
            reason=str(r.get("ResourceStatusReason") or ""),
            timeout=timeouts.get(str(r.get("LogicalResourceId") or "")),
        )
        for r in resources
        if r.get("ResourceType") == WAIT_CONDITION_TYPE
    )
    return StackState(name=name, conditions=conditions, read_at=read_at)


def timeouts_from_template(body: Any) -> dict[str, int | None]:
    """Each WaitCondition's ``Timeout`` in a GetTemplate ``TemplateBody``: boto3 hands a JSON
    template over as a dict (CDK deploys JSON); text is parsed as JSON, and anything else (a
    YAML template, an intrinsic function as Timeout) gives no Timeout."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return {}
    resources = body.get("Resources") if isinstance(body, Mapping) else None
    if not isinstance(resources, Mapping):
        return {}
    found: dict[str, int | None] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") != WAIT_CONDITION_TYPE:
            continue
        properties = resource.get("Properties")
        timeout = properties.get("Timeout") if isinstance(properties, Mapping) else None
        found[str(logical_id)] = _seconds(timeout)
    return found


def _seconds(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class StackReader:
    """Reads one stack's WaitConditions at each refresh, asking the template for each new
    WaitCondition's Timeout once (not at every refresh: a multi-hour wait polls for hours)."""

    def __init__(
        self,
        client: CloudFormationReads,
        stack: str,
        *,
        template_errors: tuple[type[Exception], ...] = (),
    ) -> None:
        """:param template_errors: The errors of GetTemplate that leave the Timeout unknown
        rather than end the watch (the caller's botocore ClientError and BotoCoreError: this
        module does not import botocore, which is the optional ``[watch]`` extra's)."""
        self._client = client
        self._stack = stack
        self._template_errors = template_errors
        self._timeouts: dict[str, int | None] = {}

    def read(self, wall: Callable[[], float]) -> StackState:
        """One refresh: every page of ListStackResources, and GetTemplate when a WaitCondition
        is new."""
        resources: list[Mapping[str, Any]] = []
        token: str | None = None
        while True:
            page = (
                self._client.list_stack_resources(StackName=self._stack, NextToken=token)
                if token
                else self._client.list_stack_resources(StackName=self._stack)
            )
            resources.extend(page.get("StackResourceSummaries", []))
            token = page.get("NextToken")
            if not token:
                break
        read_at = wall()
        new = {
            str(r.get("LogicalResourceId") or "")
            for r in resources
            if r.get("ResourceType") == WAIT_CONDITION_TYPE
        } - set(self._timeouts)
        if new:
            self._timeouts.update(dict.fromkeys(new))  # unknown, unless the template says
            self._timeouts.update({k: v for k, v in self._template_timeouts().items() if k in new})
        return stack_from_api(self._stack, resources, self._timeouts, read_at)

    def _template_timeouts(self) -> dict[str, int | None]:
        try:
            answer = self._client.get_template(StackName=self._stack, TemplateStage="Processed")
        except self._template_errors:
            return {}
        return timeouts_from_template(answer.get("TemplateBody"))
