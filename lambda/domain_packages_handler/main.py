"""Lambda entry point: reads the CloudFormation event, runs the kind's operation, answers via
crhelper (through core/responder.py, the one seam).

Handler string: ``domain_packages_handler.main.handler``. The resource kinds are a table:
adding one is one sibling package and one row in `KINDS`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from typing import Any

import boto3

from .associations import kind as associations
from .core.adapter import CLIENT_CONFIG
from .core.handover import PROGRESS_KEY, Handover
from .core.kind import Invocation, Kind, Lifecycle, Request
from .core.logs import log_event
from .core.long_wait import LongWait, SignalStatus, long_wait_of
from .core.progress import Progress, physical_id
from .core.properties import SERVICE_TIMEOUT_SECONDS, InvalidProperties, read_wait_handle
from .core.responder import Responder
from .core.waiting import HandOver, OperationFailed, Runtime, Superseded, Waiting
from .packages import kind as packages
from .upgrade_check import kind as upgrade_check

#: CloudFormation resource type → the kind that serves it.
KINDS: Mapping[str, Kind] = {
    associations.RESOURCE_TYPE: associations.KIND,
    packages.RESOURCE_TYPE: packages.KIND,
    upgrade_check.RESOURCE_TYPE: upgrade_check.KIND,
}
#: A resource type not in KINDS (e.g. AWS::CloudFormation::CustomResource) means DomainPackages.
DEFAULT_KIND: Kind = associations.KIND

_per_thread = threading.local()


def responder() -> Responder:
    """crhelper's state for the invocation running on this thread, built on first use.

    crhelper keeps per-request state on the instance and creates boto3 clients in its
    constructor: one instance per thread keeps both out of the import and lets a test run
    invocations side by side in one process, as Lambda runs them in separate sandboxes.
    """
    existing: Responder | None = getattr(_per_thread, "responder", None)
    if existing is not None:
        return existing
    created = Responder(run)
    _per_thread.responder = created
    return created


def _invalid_create_id(event: Mapping[str, Any]) -> str:
    request = Request.of(event)
    return physical_id("invalid", request.stack_id, request.logical_id)


def run(event: dict[str, Any], context: Any) -> str:
    """Create, Update and Delete all come here; the answer's PhysicalResourceId is returned."""
    helper = responder()
    kind = KINDS.get(str(event.get("ResourceType", "")), DEFAULT_KIND)
    request = Request.of(event)
    try:
        lifecycle = kind.lifecycle(request)
        handle = read_wait_handle(request.properties)
    except InvalidProperties as error:
        if event["RequestType"] == "Create":
            helper.set_physical_id(_invalid_create_id(event))
        raise OperationFailed(f"invalid properties: {error}") from error
    if lifecycle is None:
        return str(event.get("PhysicalResourceId") or _invalid_create_id(event))
    helper.set_physical_id(lifecycle.physical_id)  # also carried by a timer's FAILED answer

    long_wait, timeout, answer_within = _answering(helper, request, lifecycle, handle)
    progress = _progress(event, request, lifecycle, timeout, answer_within)
    if long_wait is not None and progress.answered_at is not None:
        long_wait.stop_answering()  # answered by an earlier invocation: this one signals
    remaining_at_start = context.get_remaining_time_in_millis() / 1000.0
    runtime = Runtime(
        now=time.time,
        sleep=time.sleep,
        remaining=lambda: context.get_remaining_time_in_millis() / 1000.0,
        handover_margin=min(20.0, 0.25 * remaining_at_start),
        early_answer=long_wait,
    )
    client = boto3.client("opensearch", config=CLIENT_CONFIG)
    operation = lifecycle.operation(Invocation(progress, runtime, client, helper.set_physical_id))
    handover = Handover(helper, event, context)
    helper.emergency_handover = lambda: handover.once(operation.progress.handed_over())
    try:
        _sleep_until_due(progress, runtime)
        operation.check_current()
        data = operation.run()
    except HandOver as handing:
        handover.once(handing.progress)
    except Superseded:
        helper.suppress_response()
    except OperationFailed as failure:
        if long_wait is None or not operation.answered:
            raise  # crhelper answers FAILED with the reason
        _end_long_wait(long_wait, operation, "FAILURE", str(failure), {})
    else:
        if long_wait is None:
            helper.add_data(data)
        else:
            if not operation.answered:
                long_wait.answer(data)  # done within CloudFormation's hour: answer, then signal
            _end_long_wait(long_wait, operation, "SUCCESS", "", data)
    finally:
        helper.emergency_handover = None
    return operation.progress.physical_id


def _answering(
    helper: Responder, request: Request, lifecycle: Lifecycle, handle: str | None
) -> tuple[LongWait | None, int, int | None]:
    """How the request answers: its early answer (None: at the end), how long it may wait
    and by when it answers CloudFormation (None: at the end). A long wait (a WaitCondition's
    handle) answers within CloudFormation's hour and waits up to its timeout; a request that
    finishes in the background answers at its timeout and goes on for `background_seconds`;
    any other waits within CloudFormation's hour."""
    timeout = min(lifecycle.timeout_seconds, SERVICE_TIMEOUT_SECONDS)
    long_wait = long_wait_of(helper, request, handle)
    if long_wait is not None:
        return long_wait, lifecycle.timeout_seconds, SERVICE_TIMEOUT_SECONDS
    if lifecycle.background_seconds:
        return LongWait(helper, request, None), lifecycle.background_seconds, timeout
    return None, timeout, None


def _progress(
    event: Mapping[str, Any],
    request: Request,
    lifecycle: Lifecycle,
    timeout: int,
    answer_within: int | None,
) -> Progress[Any]:
    """The progress a hand-over carried, or a new one: counted from CloudFormation's request,
    so a re-delivered event keeps its deadline."""
    if PROGRESS_KEY in event:
        return Progress.from_json(event[PROGRESS_KEY], lifecycle.state_type)
    return Progress.start(
        request.started_at(time.time()),
        timeout,
        lifecycle.physical_id,
        lifecycle.state_type.from_json({}),
        answer_within=answer_within,
    )


def _sleep_until_due(progress: Progress[Any], runtime: Runtime) -> None:
    """A hand-over came before the next look was due: wait the rest here, so that handing
    over adds no calls (as long as this invocation keeps the time for a look and its own
    hand-over)."""
    if progress.resume_at is None:
        return
    due = progress.resume_at - runtime.now()
    spare = runtime.remaining() - 3 * runtime.handover_margin
    if due > 0 and spare > 0:
        runtime.sleep(min(due, spare))


def _end_long_wait(
    long_wait: LongWait,
    operation: Waiting[Any],
    status: SignalStatus,
    reason: str,
    data: dict[str, str],
) -> None:
    """Signal the WaitCondition, unless a newer request took over meanwhile; the custom
    resource was answered already, so nothing goes to its ResponseURL."""
    long_wait.stop_answering()
    try:
        operation.check_current()
    except Superseded:
        return
    long_wait.signal(status, reason, data)


def handler(event: dict[str, Any], context: Any) -> None:
    """Lambda entry point."""
    log_event(
        "request",
        request_type=event.get("RequestType"),
        logical_id=event.get("LogicalResourceId"),
        request_id=event.get("RequestId"),
        resumed=PROGRESS_KEY in event,
        region=os.environ.get("AWS_REGION"),
    )
    responder()(event, context)
