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
from .core.kind import Invocation, Kind, Request
from .core.logs import log_event
from .core.progress import Progress, physical_id
from .core.properties import InvalidProperties
from .core.responder import Responder
from .core.waiting import HandOver, OperationFailed, Runtime
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
    except InvalidProperties as error:
        if event["RequestType"] == "Create":
            helper.set_physical_id(_invalid_create_id(event))
        raise OperationFailed(f"invalid properties: {error}") from error
    if lifecycle is None:
        return str(event.get("PhysicalResourceId") or _invalid_create_id(event))
    helper.set_physical_id(lifecycle.physical_id)  # also carried by a timer's FAILED answer

    now = time.time()
    progress: Progress[Any]
    if PROGRESS_KEY in event:
        progress = Progress.from_json(event[PROGRESS_KEY], lifecycle.state_type)
    else:
        # Counted from CloudFormation's request, so a re-delivered event keeps its deadline.
        started = request.started_at(now)
        state = lifecycle.state_type.from_json({})
        progress = Progress.start(started, lifecycle.timeout_seconds, lifecycle.physical_id, state)
    remaining_at_start = context.get_remaining_time_in_millis() / 1000.0
    runtime = Runtime(
        now=time.time,
        sleep=time.sleep,
        remaining=lambda: context.get_remaining_time_in_millis() / 1000.0,
        handover_margin=min(20.0, 0.25 * remaining_at_start),
    )
    client = boto3.client("opensearch", config=CLIENT_CONFIG)
    operation = lifecycle.operation(Invocation(progress, runtime, client, helper.set_physical_id))
    handover = Handover(helper, event, context)
    helper.emergency_handover = lambda: handover.once(operation.progress.handed_over())
    try:
        helper.add_data(operation.run())
    except HandOver as handing:
        handover.once(handing.progress)
    finally:
        helper.emergency_handover = None
    return operation.progress.physical_id


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
