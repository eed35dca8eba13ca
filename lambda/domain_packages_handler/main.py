"""Lambda entry point: reads the CloudFormation event, runs the operation, answers via crhelper.

Handler string: ``domain_packages_handler.main.handler``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Literal

import boto3

from . import plan
from .logs import log_event
from .operation import HandOver, Operation, OperationFailed, Runtime, Waiting
from .package_operation import PackageOperation
from .package_plan import PackageSpec, parse_package_properties
from .properties import InvalidProperties, ResourceSpec, parse_properties
from .responder import Responder
from .service import CLIENT_CONFIG, OpenSearchPackages, OpenSearchPackageStore

PROGRESS_KEY = "DomainPackagesProgress"
HANDOVER_ATTEMPTS = 3


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
    created = Responder(json_logging=False, log_level="INFO", boto_level="ERROR", sleep_on_delete=0)
    created.create(run)
    created.update(run)
    created.delete(run)
    _per_thread.responder = created
    return created


PACKAGE_RESOURCE_TYPE = "Custom::OpenSearchPackage"


@dataclass(frozen=True)
class Lifecycle:
    """What one CloudFormation request asks of the domain."""

    target: plan.Target
    physical_id: str
    timeout_seconds: int

    def operation(
        self, progress: plan.Progress, runtime: Runtime, client: Any, helper: Responder
    ) -> Waiting:
        return Operation(
            target=self.target,
            progress=progress,
            service=OpenSearchPackages(client),
            runtime=runtime,
        )


@dataclass(frozen=True)
class PackageLifecycle:
    """What one CloudFormation request asks of a package (Custom::OpenSearchPackage)."""

    request_type: Literal["Create", "Update", "Delete"]
    spec: PackageSpec
    old_spec: PackageSpec | None
    physical_id: str

    @property
    def timeout_seconds(self) -> int:
        return self.spec.timeout_seconds

    def operation(
        self, progress: plan.Progress, runtime: Runtime, client: Any, helper: Responder
    ) -> Waiting:
        def record(package_id: str) -> None:
            helper.PhysicalResourceId = package_id

        return PackageOperation(
            progress=progress,
            runtime=runtime,
            request_type=self.request_type,
            spec=self.spec,
            old_spec=self.old_spec,
            store=OpenSearchPackageStore(client),
            on_physical_id=record,
        )


def package_lifecycle_of(event: dict[str, Any]) -> PackageLifecycle | None:
    """The package request; None when a Delete has nothing to clean."""
    request_type = event["RequestType"]
    stack_id, logical_id = _stack_and_logical_id(event)
    try:
        spec = parse_package_properties(event.get("ResourceProperties"))
    except InvalidProperties as error:
        if request_type != "Delete":
            raise
        log_event("nothing_to_delete", reason=str(error))
        return None
    old: PackageSpec | None = None
    if request_type == "Update":
        try:
            old = parse_package_properties(event.get("OldResourceProperties"))
        except InvalidProperties:
            old = None  # the previous version never worked: create from scratch
    physical = str(event.get("PhysicalResourceId") or "")
    if request_type == "Create" or (request_type == "Update" and old is None):
        physical = plan.physical_id(spec.name, stack_id, logical_id)
    return PackageLifecycle(request_type, spec, old, physical)


def _stack_and_logical_id(event: dict[str, Any]) -> tuple[str, str]:
    return str(event.get("StackId", "")), str(event.get("LogicalResourceId", "resource"))


def lifecycle_of(event: dict[str, Any]) -> Lifecycle | None:
    """Target and physical ID for the request; None when a Delete has nothing to clean."""
    request_type = event["RequestType"]
    stack_id, logical_id = _stack_and_logical_id(event)
    if request_type == "Delete":
        try:
            spec = parse_properties(event.get("ResourceProperties"))
        except InvalidProperties as error:
            log_event("nothing_to_delete", reason=str(error))
            return None
        return Lifecycle(
            plan.delete_target(spec), event["PhysicalResourceId"], spec.timeout_seconds
        )
    spec = parse_properties(event.get("ResourceProperties"))
    if request_type == "Create":
        return Lifecycle(
            plan.create_target(spec),
            plan.physical_id(spec.domain_name, stack_id, logical_id),
            spec.timeout_seconds,
        )
    old: ResourceSpec | None
    try:
        old = parse_properties(event.get("OldResourceProperties"))
    except InvalidProperties:
        old = None  # the previous version never worked: converge to the new one from scratch
    if old is None or old.domain_name != spec.domain_name:
        new_id = plan.physical_id(spec.domain_name, stack_id, logical_id)
        if old is None and event.get("PhysicalResourceId"):
            new_id = str(event["PhysicalResourceId"])
        return Lifecycle(plan.create_target(spec), new_id, spec.timeout_seconds)
    return Lifecycle(
        plan.update_target(old, spec), str(event["PhysicalResourceId"]), spec.timeout_seconds
    )


def _invalid_create_id(event: dict[str, Any]) -> str:
    stack_id, logical_id = _stack_and_logical_id(event)
    return plan.physical_id("invalid", stack_id, logical_id)


def _hand_over(
    helper: Responder, event: dict[str, Any], context: Any, progress: plan.Progress
) -> None:
    """Continue the wait in a fresh asynchronous invocation of this same function."""
    payload = json.dumps({**event, PROGRESS_KEY: progress.to_json()}).encode()
    client = boto3.client("lambda", config=CLIENT_CONFIG)
    last_error: Exception | None = None
    for attempt in range(1, HANDOVER_ATTEMPTS + 1):
        try:
            client.invoke(
                FunctionName=context.invoked_function_arn,
                InvocationType="Event",
                Payload=payload,
            )
            log_event(
                "handed_over",
                attempt=attempt,
                handovers=progress.handovers,
                payload_bytes=len(payload),
            )
            helper.suppress_response()
            return
        except Exception as error:
            last_error = error
            log_event("handover_retry", attempt=attempt, error=str(error))
            time.sleep(min(2.0 * attempt, 5.0))
    raise OperationFailed(
        f"could not hand the wait over to a new invocation of {context.function_name}: "
        f"{last_error}. Check the handler's lambda:InvokeFunction permission on itself."
    )


def run(event: dict[str, Any], context: Any) -> str:
    """Create, Update and Delete all come here; the answer's PhysicalResourceId is returned."""
    helper = responder()
    lifecycle: Lifecycle | PackageLifecycle | None
    try:
        if event.get("ResourceType") == PACKAGE_RESOURCE_TYPE:
            lifecycle = package_lifecycle_of(event)
        else:
            lifecycle = lifecycle_of(event)
    except InvalidProperties as error:
        if event["RequestType"] == "Create":
            helper.PhysicalResourceId = _invalid_create_id(event)
        raise OperationFailed(f"invalid properties: {error}") from error
    if lifecycle is None:
        return str(event.get("PhysicalResourceId") or _invalid_create_id(event))
    helper.PhysicalResourceId = lifecycle.physical_id  # also carried by a timer's FAILED answer

    now = time.time()
    if PROGRESS_KEY in event:
        progress = plan.Progress.from_json(event[PROGRESS_KEY])
    else:
        progress = plan.Progress(
            started_at=now,
            deadline=plan.deadline_for(now, lifecycle.timeout_seconds),
            physical_id=lifecycle.physical_id,
        )
    remaining_at_start = context.get_remaining_time_in_millis() / 1000.0
    runtime = Runtime(
        now=time.time,
        sleep=time.sleep,
        remaining=lambda: context.get_remaining_time_in_millis() / 1000.0,
        handover_margin=min(20.0, 0.25 * remaining_at_start),
    )
    client = boto3.client("opensearch", config=CLIENT_CONFIG)
    operation = lifecycle.operation(progress, runtime, client, helper)
    clean_event = {k: v for k, v in event.items() if k != PROGRESS_KEY}
    handover_lock = threading.Lock()
    handed_over = False

    def hand_over_once(progress: plan.Progress) -> bool:
        """At most one continuation, whether the wait or the safety timer asks first: the
        second caller waits for the first to finish, then finds the wait handed over."""
        nonlocal handed_over
        with handover_lock:
            if not handed_over:
                _hand_over(helper, clean_event, context, progress)
                handed_over = True
        return True

    def emergency_handover() -> bool:
        progress_now = operation.progress
        return hand_over_once(replace(progress_now, handovers=progress_now.handovers + 1))

    helper.emergency_handover = emergency_handover
    try:
        helper.Data.update(operation.run())
    except HandOver as handover:
        hand_over_once(handover.progress)
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
