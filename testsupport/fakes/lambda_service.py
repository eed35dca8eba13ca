"""A fake AWS Lambda Invoke endpoint that runs registered Python handlers in-process.

The handler under test re-invokes itself (or is invoked) through a real boto3 `lambda` client; this
fake receives that Invoke exactly as Lambda would, then runs the registered callable on its own
thread with a fresh context whose remaining time counts down from the function's timeout.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from testsupport.fakes._http import (
    ACCOUNT_ID,
    REGION,
    FakeServer,
    Request,
    Response,
    json_response,
    parse_sigv4,
)

__all__ = [
    "EVENT_PAYLOAD_LIMIT",
    "SYNC_PAYLOAD_LIMIT",
    "FakeLambda",
    "FakeLambdaContext",
    "Handler",
    "Invocation",
    "LambdaFaultKind",
]

#: Historic asynchronous (Event) payload quota, the one the brief targets; configurable per fake.
#: (botocore 1.44.8's Invoke documentation now gives 1 MB for asynchronous invocations.)
EVENT_PAYLOAD_LIMIT = 262_144
#: Synchronous (RequestResponse) request payload quota (model: Invoke's documentation, 6 MB).
SYNC_PAYLOAD_LIMIT = 6_291_456

LambdaFaultKind = Literal["throttle", "service", "drop"]
Handler = Callable[[Any, "FakeLambdaContext"], Any]

_log = logging.getLogger(__name__)

# Model (lambda 2015-03-31): Invoke is POST /2015-03-31/functions/{FunctionName}/invocations.
_INVOKE_RE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")
# Accepted FunctionName forms (model: NamespacedFunctionName): name, name:qualifier,
# ACCOUNT:function:name[:qualifier], arn:PARTITION:lambda:REGION:ACCOUNT:function:name[:qualifier].
_FUNCTION_RE = re.compile(
    r"^(?:arn:(?P<partition>aws[a-zA-Z-]*):lambda:(?P<region>[a-z0-9-]+):)?"
    r"(?:(?P<account>\d{12}):function:)?"
    r"(?P<name>[a-zA-Z0-9_.-]+)"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$"
)
# Model: httpStatusCode of each error shape, except the front door's three (as for OpenSearch)
# and RequestEntityTooLargeException: the fake's name for the 413, which the model now calls
# RequestTooLargeException (or SerializedRequestEntityTooLargeException).
_ERROR_STATUS = {
    "ResourceNotFoundException": 404,
    "RequestEntityTooLargeException": 413,
    "InvalidRequestContentException": 400,
    "InvalidParameterValueException": 400,
    "TooManyRequestsException": 429,
    "ServiceException": 500,
    "MissingAuthenticationTokenException": 403,
    "InvalidSignatureException": 403,
    "UnknownOperationException": 404,
}

_CAPITALISED_MESSAGE = frozenset({"ResourceNotFoundException", "ServiceException"})


class FakeLambdaContext:
    """Stand-in for the Lambda runtime's context object; usable directly in unit tests.

    `get_remaining_time_in_millis()` counts down to `deadline` on `clock` and stops at 0: like
    Lambda's, it never goes negative, and nothing is killed when it reaches 0.
    """

    def __init__(
        self,
        function_name: str = "domain-packages",
        *,
        timeout_seconds: float = 900.0,
        memory_limit_in_mb: int = 128,
        function_version: str = "$LATEST",
        aws_request_id: str | None = None,
        region: str = REGION,
        account_id: str = ACCOUNT_ID,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account_id}:function:{function_name}"
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = aws_request_id or str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = (
            time.strftime("%Y/%m/%d", time.gmtime()) + f"/[{function_version}]{uuid.uuid4().hex}"
        )
        self.identity: Any = None
        self.client_context: Any = None
        self._clock = clock
        self.deadline = clock() + timeout_seconds
        """Clock time at which the invocation runs out; tests may move it."""

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - self._clock()) * 1000))


@dataclass
class _Function:
    name: str
    handler: Handler
    timeout_seconds: float
    memory_limit_in_mb: int


@dataclass
class Invocation:
    """One accepted Invoke: what came in, and (once `done` is set) what the handler did."""

    function_name: str
    requested_name: str
    """FunctionName exactly as the caller gave it (URL-decoded): name, partial or full ARN."""
    invocation_type: str
    payload: bytes
    event: Any
    request_id: str
    received_at: float
    """Wall-clock (time.time()) arrival time."""
    timeout_seconds: float
    qualifier: str | None = None
    context: FakeLambdaContext | None = None
    started_at: float | None = None
    finished_at: float | None = None
    result: Any = None
    error: BaseException | None = None
    error_traceback: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def timed_out(self) -> bool:
        """The handler ran past the function timeout (Lambda would have killed it)."""
        duration = self.duration
        return duration is not None and duration > self.timeout_seconds

    def wait(self, timeout: float = 10.0) -> None:
        if not self.done.wait(timeout):
            raise TimeoutError(f"invocation {self.request_id} still running after {timeout}s")


class FakeLambda(FakeServer):
    """Fake Lambda Invoke API (POST /2015-03-31/functions/{FunctionName}/invocations)."""

    def __init__(
        self,
        *,
        event_payload_limit: int = EVENT_PAYLOAD_LIMIT,
        sync_payload_limit: int = SYNC_PAYLOAD_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.event_payload_limit = event_payload_limit
        self.sync_payload_limit = sync_payload_limit
        self.clock = clock
        """What each invocation's `get_remaining_time_in_millis()` counts on: a SimClock lets a
        handler wait hours of simulated time."""
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._functions: dict[str, _Function] = {}
        self._invocations: list[Invocation] = []
        self._running: dict[str, Invocation] = {}
        self._faults: deque[LambdaFaultKind] = deque()
        self._threads: list[threading.Thread] = []

    def register(
        self,
        function_name: str,
        handler: Handler,
        timeout_seconds: float = 900.0,
        *,
        memory_limit_in_mb: int = 128,
    ) -> None:
        """Make `function_name` invocable; `handler(event, context)` runs per invocation."""
        with self._lock:
            self._functions[function_name] = _Function(
                function_name, handler, timeout_seconds, memory_limit_in_mb
            )

    def function_arn(self, function_name: str) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}"

    def inject(self, kind: LambdaFaultKind, times: int = 1) -> None:
        """Fail the next `times` Invoke requests at the API: throttle → 429
        TooManyRequestsException, service → 500 ServiceException, drop → no response."""
        if kind not in ("throttle", "service", "drop"):
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._faults.extend([kind] * times)

    def invocations(self, function_name: str | None = None) -> list[Invocation]:
        """Accepted invocations in arrival order (the objects keep updating while running)."""
        with self._lock:
            return [
                i
                for i in self._invocations
                if function_name is None or i.function_name == function_name
            ]

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._running)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until no invocation is running; TimeoutError names the stragglers."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    names = [f"{i.function_name}/{i.request_id}" for i in self._running.values()]
                    raise TimeoutError(f"invocations still running after {timeout}s: {names}")
                self._idle.wait(remaining)

    def stop(self, timeout: float = 10.0) -> None:
        """Wait (bounded) for running invocations, then stop serving.

        The endpoint stays up while waiting, so a handler that hands over to a fresh invocation
        of itself still can. Handler threads are never killed (Lambda's are not, from the
        handler's point of view); one still running after `timeout` makes stop() raise
        TimeoutError, after the server is down, so the leak is visible in the test.
        """
        try:
            self.wait_idle(timeout)
        finally:
            super().stop()
            with self._lock:
                threads, self._threads = self._threads, []
            for thread in threads:
                thread.join(timeout=0.1)

    # ------------------------------------------------------------------------------ HTTP entry

    def handle(self, request: Request) -> Response | None:
        scope = parse_sigv4(request.headers)
        if scope is None:
            return self._error(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if scope.service != "lambda":
            return self._error(
                "InvalidSignatureException",
                "Credential should be scoped to correct service: 'lambda'.",
            )
        match = _INVOKE_RE.match(request.path)
        if match is None or request.method != "POST":
            return self._error(
                "UnknownOperationException", f"Unknown operation {request.method} {request.path}"
            )
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault == "drop":
            return None
        if fault == "throttle":
            # Model: TooManyRequestsException.retryAfterSeconds travels as Retry-After.
            return self._error("TooManyRequestsException", "Rate Exceeded.", {"Retry-After": "1"})
        if fault == "service":
            return self._error("ServiceException", "Injected Lambda service error")
        return self._invoke(unquote(match["name"]), request)

    def _invoke(self, requested: str, request: Request) -> Response:
        parsed = _FUNCTION_RE.match(requested)
        query_qualifier = request.query.get("Qualifier")
        if parsed is None:
            return self._error(
                "InvalidParameterValueException", f"Invalid FunctionName: {requested}"
            )
        name = parsed["name"]
        qualifier: str | None = parsed["qualifier"] or (
            query_qualifier[0] if query_qualifier else None
        )
        with self._lock:
            function = self._functions.get(name)
        wrong_place = (parsed["region"] not in (None, REGION)) or (
            parsed["account"] not in (None, ACCOUNT_ID)
        )
        if function is None or wrong_place or qualifier not in (None, "$LATEST"):
            arn = self.function_arn(name) + (f":{qualifier}" if qualifier else "")
            return self._error("ResourceNotFoundException", f"Function not found: {arn}")
        # Model: InvocationType (X-Amz-Invocation-Type header), RequestResponse by default.
        invocation_type = request.headers.get("x-amz-invocation-type", "RequestResponse")
        if invocation_type not in ("Event", "RequestResponse", "DryRun"):
            return self._error(
                "InvalidParameterValueException", f"Invalid InvocationType: {invocation_type}"
            )
        size = len(request.body)
        if invocation_type == "Event" and size > self.event_payload_limit:
            return self._error(
                "RequestEntityTooLargeException",
                f"{size} byte payload is too large for the Event invocation type "
                f"(limit {self.event_payload_limit} bytes)",
            )
        if size > self.sync_payload_limit:
            return self._error(
                "RequestEntityTooLargeException",
                f"Request must be smaller than {self.sync_payload_limit} bytes for the "
                "InvokeFunction operation",
            )
        try:
            event = json.loads(request.body) if request.body else {}
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return self._error(
                "InvalidRequestContentException", f"Could not parse request body into json: {error}"
            )
        # Model: InvocationResponse.StatusCode is 200 for RequestResponse, 202 for Event, 204 for
        # DryRun.
        if invocation_type == "DryRun":
            return Response(204)
        invocation = Invocation(
            function_name=name,
            requested_name=requested,
            invocation_type=invocation_type,
            payload=request.body,
            event=event,
            request_id=str(uuid.uuid4()),
            received_at=time.time(),
            timeout_seconds=function.timeout_seconds,
            qualifier=qualifier,
        )
        with self._lock:
            self._invocations.append(invocation)
            # Counted as running before the 202 goes out, so wait_idle() right after a
            # successful invoke() always sees it.
            self._running[invocation.request_id] = invocation
        headers = {"x-amzn-RequestId": invocation.request_id}
        if invocation_type == "Event":
            thread = threading.Thread(
                target=self._run,
                args=(function, invocation),
                name=f"fake-lambda-{name}-{invocation.request_id[:8]}",
                daemon=True,
            )
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()
            return Response(202, b"", headers)
        self._run(function, invocation)
        headers["X-Amz-Executed-Version"] = "$LATEST"
        headers["Content-Type"] = "application/json"
        # Model: FunctionError (X-Amz-Function-Error) marks a failed run, still a 200. "Unhandled"
        # and the errorMessage/errorType/stackTrace body are what the Lambda developer guide
        # shows for a Python exception.
        if invocation.error is not None:
            headers["X-Amz-Function-Error"] = "Unhandled"
            body = {
                "errorMessage": str(invocation.error),
                "errorType": type(invocation.error).__name__,
                "requestId": invocation.request_id,
                "stackTrace": (invocation.error_traceback or "").splitlines(),
            }
            return Response(200, json.dumps(body).encode(), headers)
        try:
            payload = json.dumps(invocation.result).encode()
        except (TypeError, ValueError) as error:
            headers["X-Amz-Function-Error"] = "Unhandled"
            body = {"errorMessage": f"Unable to marshal response: {error}", "errorType": "Runtime"}
            return Response(200, json.dumps(body).encode(), headers)
        return Response(200, payload, headers)

    def _run(self, function: _Function, invocation: Invocation) -> None:
        context = FakeLambdaContext(
            function.name,
            timeout_seconds=function.timeout_seconds,
            memory_limit_in_mb=function.memory_limit_in_mb,
            aws_request_id=invocation.request_id,
            clock=self.clock,
        )
        invocation.context = context
        invocation.started_at = time.time()
        try:
            invocation.result = function.handler(invocation.event, context)
        except BaseException as error:  # a handler's SystemExit must not kill the fake either
            invocation.error = error
            invocation.error_traceback = traceback.format_exc()
            # Surfaces in pytest's captured log of a failing test; the record keeps it too.
            _log.warning(
                "fake Lambda %s (%s) raised:\n%s",
                function.name,
                invocation.request_id,
                invocation.error_traceback,
            )
        finally:
            invocation.finished_at = time.time()
            invocation.done.set()
            with self._idle:
                self._running.pop(invocation.request_id, None)
                self._idle.notify_all()

    @staticmethod
    def _error(code: str, message: str, extra: dict[str, str] | None = None) -> Response:
        # Lambda's error bodies carry Type (User/Service) and the message; botocore takes the code
        # from x-amzn-ErrorType.
        # The model spells the message member "Message" for some errors and "message" for others.
        kind = "Service" if _ERROR_STATUS[code] >= 500 else "User"
        key = "Message" if code in _CAPITALISED_MESSAGE else "message"
        headers = {"x-amzn-ErrorType": code, **(extra or {})}
        return json_response(_ERROR_STATUS[code], {"Type": kind, key: message}, headers)
