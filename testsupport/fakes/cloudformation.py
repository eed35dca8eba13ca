"""A fake CloudFormation side of a custom resource: builds events, receives the response PUT,
takes wait-condition signals, and answers DescribeStackResource.

crhelper answers CloudFormation with `http.client.HTTPSConnection` and the default SSL context, so
the receiver must be a real TLS listener that the client trusts: a trustme CA whose certificate
file tests hand to the process via `SSL_CERT_FILE` (and to botocore, which reads its own CA
setting, via `AWS_CA_BUNDLE`). Each response is checked the way CloudFormation checks it (size,
fields, identity), so a handler that would be rejected in AWS is rejected here.

The same listener serves the two other things a long wait needs (issue 21): presigned handle URLs
of AWS::CloudFormation::WaitConditionHandle with the WaitConditions that read them
(`cloudformation_waits`), and the query API's DescribeStackResource over per-resource records
that the events this fake issues and the answers it receives move along (`cloudformation_api`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import ssl
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import parse_qs, quote, unquote, urlsplit

import trustme

from testsupport.fakes._http import (
    ACCOUNT_ID,
    REGION,
    FakeServer,
    Request,
    Response,
    parse_sigv4,
)
from testsupport.fakes.cloudformation_api import (
    ApiCall,
    DescribeMode,
    StackResource,
    access_denied_message,
    describe_stack_resource_response,
    error_response,
    failed_reason,
    stack_arn_pattern,
)
from testsupport.fakes.cloudformation_waits import (
    MAX_WAIT_TIMEOUT_SECONDS,
    LateSignals,
    ReceivedSignal,
    SignalFaultKind,
    SignalRejected,
    UnparsableSignals,
    WaitCondition,
    WaitHandle,
    handle_key,
    parse_signal,
)

__all__ = [
    "MAX_PHYSICAL_ID_LENGTH",
    "MAX_RESPONSE_BYTES",
    "ApiCall",
    "FakeCloudFormation",
    "PutFaultKind",
    "ReceivedPut",
    "ReceivedSignal",
    "ResponseRejected",
    "SignalRejected",
    "StackResource",
    "WaitCondition",
    "cfn_stringify",
]

# Reference (CloudFormation custom resources): response body ≤ 4,096 bytes; PhysicalResourceId
# ≤ 1 KB and non-empty.
MAX_RESPONSE_BYTES = 4096
MAX_PHYSICAL_ID_LENGTH = 1024
_PATH_PREFIX = "/cloudformation-custom-resource-response/"
# Path-style stand-in for the bucket the user guide's example handle URL names
# (cloudformation-waitcondition-<region>.s3.amazonaws.com).
_WAIT_PREFIX = f"/cloudformation-waitcondition-{REGION}/"
_STATUSES = ("SUCCESS", "FAILED")
_STACK_ARN_PREFIX = f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/"
_DEFAULT_SERVICE_TOKEN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:domain-packages"
#: A handle URL outlives the longest wait (12 h); S3 presigned URLs may last up to 7 days.
_HANDLE_URL_EXPIRES_SECONDS = 86_400
_IN_PROGRESS = {"Create": "CREATE_IN_PROGRESS", "Update": "UPDATE_IN_PROGRESS",
                "Delete": "DELETE_IN_PROGRESS"}  # fmt: skip

PutFaultKind = Literal["500", "drop"]
RequestType = Literal["Create", "Update", "Delete"]
StackPhase = Literal["live", "DELETE_IN_PROGRESS", "DELETE_COMPLETE"]


def cfn_stringify(value: Any) -> Any:
    """Convert property values the way CloudFormation hands them to a custom resource.

    Every scalar becomes a string (True → "true", 5 → "5"), recursively through lists and maps
    (reference: every property value arrives in the Lambda event as a string);
    keys whose value is None are dropped, as AWS::NoValue drops them.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): cfn_stringify(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        if any(item is None for item in value):
            raise ValueError("CloudFormation cannot pass null list items")
        return [cfn_stringify(item) for item in value]
    raise TypeError(f"CloudFormation cannot pass a {type(value).__name__} property value")


@dataclass
class ReceivedPut:
    """One PUT to a response URL, kept whatever happened to it."""

    request_id: str
    raw: bytes
    document: dict[str, Any] | None
    """The parsed body when it was a JSON object, else None."""
    status_code: int
    """What the fake answered (0 for a dropped connection)."""
    errors: list[str] = field(default_factory=list)
    """Why CloudFormation would reject it; empty when accepted."""
    injected_fault: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    received_at: float = field(default_factory=time.time)
    """When it arrived, on the fake's clock (the wall clock unless a test injects one)."""

    @property
    def accepted(self) -> bool:
        return self.injected_fault is None and not self.errors


class ResponseRejected(AssertionError):
    """The first real response to a request is one CloudFormation would have refused."""

    def __init__(self, put: ReceivedPut) -> None:
        super().__init__(f"response for {put.request_id} rejected: {'; '.join(put.errors)}")
        self.put = put


@dataclass(frozen=True)
class _Expected:
    stack_id: str
    logical_id: str
    request_type: RequestType


@dataclass
class _Stack:
    stack_id: str
    name: str
    phase: StackPhase = "live"


class FakeCloudFormation(FakeServer):
    """TLS receiver of custom-resource responses and wait-condition signals, an event factory,
    and the query API's DescribeStackResource.

    `ca_pem_path` is the CA file to put in SSL_CERT_FILE (and AWS_CA_BUNDLE); `make_event` builds
    events whose ResponseURL points here; `wait_for_response` returns what the handler answered;
    `wait_handle_url` and `wait_condition` stand up a long wait; `endpoint_url` is the API.

    Behaviour switches (testsupport/fakes/BEHAVIOUR.md): `describe_stack_resource` is what
    DescribeStackResource does ("access_denied", "answer" or "unreachable", changeable at any
    time), `unparsable_signals` whether an unreadable signal fails its condition ("fail") or is
    skipped ("ignore"), `late_signals` whether a PUT to a handle whose conditions have all ended
    is refused 403 ("refused") or stored and ignored ("stored"). `clock` (epoch seconds, default
    `time.time`) times conditions and stamps LastUpdatedTimestamp; wire tests pass their SimClock.
    """

    def __init__(
        self,
        *,
        max_body_bytes: int = MAX_RESPONSE_BYTES,
        clock: Callable[[], float] = time.time,
        describe_stack_resource: DescribeMode = "access_denied",
        unparsable_signals: UnparsableSignals = "fail",
        late_signals: LateSignals = "refused",
    ) -> None:
        self._ca = trustme.CA()
        certificate = self._ca.issue_cert("localhost", "127.0.0.1")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate.configure_cert(context)
        super().__init__(ssl_context=context)
        self.max_body_bytes = max_body_bytes
        self.describe_stack_resource: DescribeMode = describe_stack_resource
        """What DescribeStackResource does; tests may change it at any time."""
        self.unparsable_signals: UnparsableSignals = unparsable_signals
        self.late_signals: LateSignals = late_signals
        self._clock = clock
        self._tempdir = tempfile.mkdtemp(prefix="fake-cfn-")
        self.ca_pem_path = os.path.join(self._tempdir, "ca.pem")
        """PEM file of the CA that signed the listener's certificate (for SSL_CERT_FILE)."""
        self._ca.cert_pem.write_to_path(self.ca_pem_path)
        self._secret = secrets.token_bytes(32)
        # Re-entrant: a WaitCondition takes the same lock when read from inside the fake.
        self._lock = threading.RLock()
        self._arrived = threading.Condition(self._lock)
        self._puts: list[ReceivedPut] = []
        self._expected: dict[str, _Expected] = {}
        self._stack_ids: dict[str, str] = {}
        self._stacks: dict[str, _Stack] = {}
        self._faults: deque[PutFaultKind] = deque()
        self._signal_faults: deque[SignalFaultKind] = deque()
        self._handles: dict[str, WaitHandle] = {}
        self._sequence = 0
        self._resources: dict[tuple[str, str], StackResource] = {}
        self._api_calls: list[ApiCall] = []

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self._tempdir, ignore_errors=True)

    # ---------------------------------------------------------------------------------- events

    def response_url(self, request_id: str) -> str:
        """A presigned-S3-style https URL on `localhost` that only accepts this request's PUT.

        CloudFormation user guide (custom resource request objects): ResponseURL is a
        presigned S3 URL; the fake signs with its own secret and answers as S3 would.
        """
        return self._presigned(_PATH_PREFIX, request_id, self._sign(request_id), expires=7200)

    def stack_id(self, stack_name: str = "stack") -> str:
        """The stack's ID, stable for the fake's lifetime (as a real stack's is); a name whose
        stack was deleted gets a new stack and ID."""
        with self._lock:
            if stack_name not in self._stack_ids:
                stack_id = f"{_STACK_ARN_PREFIX}{stack_name}/{uuid.uuid4()}"
                self._stack_ids[stack_name] = stack_id
                self._stacks[stack_id] = _Stack(stack_id, stack_name)
            return self._stack_ids[stack_name]

    def make_event(
        self,
        request_type: RequestType,
        *,
        properties: Mapping[str, Any],
        logical_id: str = "Packages",
        old_properties: Mapping[str, Any] | None = None,
        physical_id: str | None = None,
        stack_name: str = "stack",
        resource_type: str = "Custom::OpenSearchDomainPackages",
        service_token: str = _DEFAULT_SERVICE_TOKEN,
        service_timeout: int | None = None,
    ) -> dict[str, Any]:
        """A custom-resource event as CloudFormation sends it, with properties stringified.

        Update needs `physical_id` (and usually `old_properties`); Delete needs `physical_id`.
        Fields: the CloudFormation user guide's custom resource request objects (Update and
        Delete carry PhysicalResourceId, Update also OldResourceProperties); ServiceTimeout
        (1-3600 s) is a property, as the reference says. Issuing the event puts the resource's
        record in CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS or DELETE_IN_PROGRESS.
        """
        if request_type not in ("Create", "Update", "Delete"):
            raise ValueError(f"unknown RequestType {request_type!r}")
        if request_type != "Create" and not physical_id:
            raise ValueError(f"a {request_type} event always carries a PhysicalResourceId")
        request_id = str(uuid.uuid4())
        stack_id = self.stack_id(stack_name)
        with self._lock:
            self._expected[request_id] = _Expected(stack_id, logical_id, request_type)
            self._resources[(stack_id, logical_id)] = StackResource(
                stack_id=stack_id,
                stack_name=stack_name,
                logical_id=logical_id,
                resource_type=resource_type,
                status=_IN_PROGRESS[request_type],
                last_updated=self._clock(),
                physical_id=physical_id if request_type != "Create" else None,
                request_id=request_id,
            )

        def resource_properties(values: Mapping[str, Any]) -> dict[str, Any]:
            converted: dict[str, Any] = {"ServiceToken": service_token}
            if service_timeout is not None:
                converted["ServiceTimeout"] = str(service_timeout)
            converted.update(cfn_stringify(dict(values)))
            return converted

        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": service_token,
            "ResponseURL": self.response_url(request_id),
            "StackId": stack_id,
            "RequestId": request_id,
            "LogicalResourceId": logical_id,
            "ResourceType": resource_type,
            "ResourceProperties": resource_properties(properties),
        }
        if request_type == "Update":
            event["OldResourceProperties"] = resource_properties(old_properties or {})
        if physical_id is not None and request_type != "Create":
            event["PhysicalResourceId"] = physical_id
        return event

    # ------------------------------------------------------------------------------- responses

    def fail_next_puts(self, n: int, kind: PutFaultKind = "500") -> None:
        """The next `n` response PUTs get a 500 (S3 InternalError) or a dropped connection."""
        if kind not in ("500", "drop"):
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._faults.extend([kind] * n)

    def puts(self, request_id: str | None = None) -> list[ReceivedPut]:
        """Every PUT received (faulted, rejected and duplicate ones too), in arrival order."""
        with self._lock:
            return [p for p in self._puts if request_id is None or p.request_id == request_id]

    def responses(self, request_id: str) -> list[dict[str, Any]]:
        """Bodies of the accepted responses to a request, duplicates included, in order."""
        return [p.document for p in self.puts(request_id) if p.accepted and p.document is not None]

    def rejected(self, request_id: str | None = None) -> list[ReceivedPut]:
        return [p for p in self.puts(request_id) if p.injected_fault is None and p.errors]

    def wait_for_put(self, request_id: str, timeout: float = 10.0) -> ReceivedPut:
        """The first PUT for the request that was not eaten by an injected fault."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for put in self._puts:
                    if put.request_id == request_id and put.injected_fault is None:
                        return put
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no response for request {request_id} within {timeout}s")
                self._arrived.wait(remaining)

    def wait_for_response(self, request_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The response CloudFormation would act on; ResponseRejected if it would refuse it."""
        put = self.wait_for_put(request_id, timeout)
        if not put.accepted or put.document is None:
            raise ResponseRejected(put)
        return put.document

    # -------------------------------------------------------------------------- wait conditions

    def wait_handle_url(self, stack: str, logical_id: str) -> str:
        """The presigned URL of the AWS::CloudFormation::WaitConditionHandle `logical_id` of the
        stack (`stack` is its ID or its name), the value `Ref` gives; the same URL on every call.

        User guide: a handle's Ref "resolves to a pre-signed URL" that takes a signal PUT without
        AWS credentials, served here on the TLS listener that ResponseURLs use (same CA).
        """
        stack_id = self._stack_id_of(stack)
        key = handle_key(stack_id, logical_id)
        with self._lock:
            handle = self._handles.get(key)
            if handle is None:
                url = self._presigned(
                    _WAIT_PREFIX,
                    key,
                    self._sign(_handle_purpose(key)),
                    expires=_HANDLE_URL_EXPIRES_SECONDS,
                )
                handle = self._handles[key] = WaitHandle(stack_id, logical_id, url)
            return handle.url

    def wait_condition(
        self,
        handle_url: str,
        *,
        timeout: float | str,
        count: int | str = 1,
        logical_id: str | None = None,
        created_at: float | None = None,
    ) -> WaitCondition:
        """An AWS::CloudFormation::WaitCondition on the handle `handle_url`, created now (or at
        `created_at` on the fake's clock, for a harness that learns of the creation late).

        `timeout` is seconds as the template gives it (1 to 43,200) and `count` the success
        signals it needs (default 1). Signals already stored on the handle count.
        """
        seconds = float(timeout)
        if not 1 <= seconds <= MAX_WAIT_TIMEOUT_SECONDS:
            raise ValueError(f"Timeout {timeout!r} is outside 1..{MAX_WAIT_TIMEOUT_SECONDS}")
        needed = int(count)
        if needed < 1:
            raise ValueError(f"Count {count!r} is below 1")
        handle = self._handle_of(handle_url)
        with self._arrived:
            condition = WaitCondition(
                handle=handle,
                logical_id=logical_id or f"{handle.logical_id}Condition",
                timeout=seconds,
                count=needed,
                created_at=self._clock() if created_at is None else created_at,
                clock=self._clock,
                lock=self._arrived,
                unparsable_signals=self.unparsable_signals,
            )
            handle.conditions.append(condition)
            self._arrived.notify_all()
            return condition

    def wait_conditions(self, handle_url: str) -> list[WaitCondition]:
        """The conditions reading the handle, oldest first."""
        handle = self._handle_of(handle_url)
        with self._lock:
            return list(handle.conditions)

    def fail_next_signals(self, n: int, kind: SignalFaultKind = "500") -> None:
        """The next `n` signal PUTs get a 500 (S3 InternalError) or a dropped connection."""
        if kind not in ("500", "drop"):
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._signal_faults.extend([kind] * n)

    def signals(self, handle_url: str | None = None) -> list[ReceivedSignal]:
        """Every PUT to the handle (or to any handle), faulted and refused ones too, in order."""
        with self._lock:
            everything = [s for h in self._handles.values() for s in h.signals]
        everything.sort(key=lambda s: s.sequence)
        return [s for s in everything if handle_url is None or s.handle_url == handle_url]

    def wait_for_signal(self, handle_url: str, timeout: float = 10.0) -> dict[str, Any]:
        """The first signal on the handle that no injected fault ate, waiting at most `timeout`
        real seconds; SignalRejected if S3 refused it or CloudFormation cannot read it."""
        handle = self._handle_of(handle_url)
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for signal in handle.signals:
                    if signal.injected_fault is None:
                        if not signal.accepted or signal.document is None:
                            raise SignalRejected(signal)
                        return signal.document
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no signal on {handle.logical_id} within {timeout}s")
                self._arrived.wait(remaining)

    # ----------------------------------------------------------------------- stack resources

    def resource(self, stack: str, logical_id: str) -> StackResource | None:
        """A copy of what DescribeStackResource knows of the resource (None if nothing)."""
        with self._lock:
            stack_id = self._resolve_stack(stack)
            record = None if stack_id is None else self._resources.get((stack_id, logical_id))
            return None if record is None else replace(record)

    def set_resource_status(
        self,
        stack: str,
        logical_id: str,
        status: str,
        *,
        physical_id: str | None = None,
        reason: str | None = None,
        resource_type: str | None = None,
    ) -> StackResource:
        """Put the resource in `status` now, as if CloudFormation had moved it (an operation
        the test does not drive through events). Physical ID and type are kept unless given
        (a new record's type is Custom::OpenSearchDomainPackages)."""
        stack_id = self._stack_id_of(stack)
        with self._lock:
            old = self._resources.get((stack_id, logical_id))
            if resource_type is None:
                resource_type = old.resource_type if old else "Custom::OpenSearchDomainPackages"
            if physical_id is None and old is not None:
                physical_id = old.physical_id
            record = StackResource(
                stack_id=stack_id,
                stack_name=self._stacks[stack_id].name,
                logical_id=logical_id,
                resource_type=resource_type,
                status=status,
                last_updated=self._clock(),
                physical_id=physical_id,
                reason=reason,
                answered=True,
            )
            self._resources[(stack_id, logical_id)] = record
            return replace(record)

    def delete_stack(self, stack_name: str, *, complete: bool = True) -> None:
        """Mark the stack as being deleted (`complete=False`: its resources that finish their
        Delete stay listed as DELETE_COMPLETE) or deleted (its name is unknown from then on; its
        ID still answers, as the API reference says of deleted stacks)."""
        stack_id = self._stack_id_of(stack_name)
        with self._lock:
            stack = self._stacks[stack_id]
            stack.phase = "DELETE_COMPLETE" if complete else "DELETE_IN_PROGRESS"
            if complete:
                self._stack_ids.pop(stack.name, None)

    @property
    def api_calls(self) -> list[ApiCall]:
        """Every request to the query API, in arrival order."""
        with self._lock:
            return list(self._api_calls)

    def count_api_calls(self, action: str = "DescribeStackResource") -> int:
        return sum(1 for call in self.api_calls if call.action == action)

    # ------------------------------------------------------------------------------ HTTP entry

    def handle(self, request: Request) -> Response | None:
        if request.path.startswith(_PATH_PREFIX):
            return self._handle_response_put(request)
        if request.path.startswith(_WAIT_PREFIX):
            return self._handle_signal(request)
        if request.path == "/" and request.method == "POST":
            return self._handle_api(request)
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")

    def _handle_response_put(self, request: Request) -> Response | None:
        request_id = unquote(request.path[len(_PATH_PREFIX) :])
        if request.method != "PUT":
            return _s3_error(405, "MethodNotAllowed", "The URL only accepts PUT.")
        signature = request.query.get("X-Amz-Signature", [""])[0]
        if not hmac.compare_digest(signature, self._sign(request_id)):
            return _s3_error(
                403, "SignatureDoesNotMatch", "The request signature we calculated does not match."
            )
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        put = ReceivedPut(
            request_id=request_id,
            raw=request.body,
            document=_parse_object(request.body),
            status_code=0,
            injected_fault=fault,
            headers=dict(request.headers),
            received_at=self._clock(),
        )
        response: Response | None
        if fault == "500":
            response = _s3_error(500, "InternalError", "We encountered an internal error.")
        elif fault == "drop":
            response = None
        else:
            put.errors = self._validate(request_id, put)
            if put.errors:
                body = json.dumps({"errors": put.errors}).encode()
                response = Response(400, body, {"Content-Type": "application/json"})
            else:
                response = Response(200, b"", {"ETag": f'"{hashlib.md5(put.raw).hexdigest()}"'})
        put.status_code = 0 if response is None else response.status
        with self._arrived:
            first_answer = put.accepted and not any(
                p.request_id == request_id and p.accepted for p in self._puts
            )
            self._puts.append(put)
            if first_answer and put.document is not None:
                self._record_answer(request_id, put.document)
            self._arrived.notify_all()
        return response

    def _record_answer(self, request_id: str, document: Mapping[str, Any]) -> None:
        """Move the resource's record as CloudFormation does on the first answer it takes: to
        *_COMPLETE or *_FAILED, unless a newer request for the resource has been issued since
        (CloudFormation no longer waits for the old one). The caller holds the lock."""
        expected = self._expected.get(request_id)
        if expected is None:
            return
        record = self._resources.get((expected.stack_id, expected.logical_id))
        if record is None or record.request_id != request_id or record.answered:
            return
        succeeded = document.get("Status") == "SUCCESS"
        record.status = record.status.replace("IN_PROGRESS", "COMPLETE" if succeeded else "FAILED")
        record.last_updated = self._clock()
        record.answered = True
        answered_id = document.get("PhysicalResourceId")
        # A Create takes the answered ID, failed or not (the rollback Delete names it); a
        # successful Update may replace it; a failed Update or any Delete keeps the old one.
        if expected.request_type == "Create" or (succeeded and expected.request_type == "Update"):
            record.physical_id = str(answered_id)
        record.reason = (
            None if succeeded else failed_reason(str(document.get("Reason") or ""), request_id)
        )

    def _handle_signal(self, request: Request) -> Response | None:
        """A PUT to a handle URL, answered as S3 answers a presigned PUT: any body is stored
        (CloudFormation reads it later), a Content-Type header breaks the signature (user guide:
        it "must be an empty string or omitted"), and a handle whose conditions have all ended
        refuses it when `late_signals` is "refused"."""
        key = unquote(request.path[len(_WAIT_PREFIX) :])
        if request.method != "PUT":
            return _s3_error(405, "MethodNotAllowed", "The URL only accepts PUT.")
        signature = request.query.get("X-Amz-Signature", [""])[0]
        with self._lock:
            handle = self._handles.get(key)
        if handle is None or not hmac.compare_digest(signature, self._sign(_handle_purpose(key))):
            return _s3_error(
                403, "SignatureDoesNotMatch", "The request signature we calculated does not match."
            )
        document, errors = parse_signal(request.body)
        with self._arrived:
            fault = self._signal_faults.popleft() if self._signal_faults else None
            now = self._clock()
            self._sequence += 1
            signal = ReceivedSignal(
                handle_url=handle.url,
                raw=request.body,
                document=document,
                status_code=0,
                errors=errors,
                injected_fault=fault,
                headers=dict(request.headers),
                received_at=now,
                sequence=self._sequence,
            )
            response: Response | None
            if fault == "500":
                response = _s3_error(500, "InternalError", "We encountered an internal error.")
            elif fault == "drop":
                response = None
            elif request.headers.get("content-type"):
                signal.refusal = "SignatureDoesNotMatch"
                response = _s3_error(
                    403,
                    "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your key and signing method.",
                )
            elif (
                self.late_signals == "refused"
                and handle.conditions
                and all(c.ended_before(now) for c in handle.conditions)
            ):
                signal.refusal = "AccessDenied"
                response = _s3_error(403, "AccessDenied", "Access Denied")
            else:
                response = Response(
                    200, b"", {"ETag": f'"{hashlib.md5(request.body).hexdigest()}"'}
                )
            signal.status_code = 0 if response is None else response.status
            handle.signals.append(signal)
            self._arrived.notify_all()
        return response

    def _handle_api(self, request: Request) -> Response | None:
        """The query API: a SigV4-signed form POST naming `Action` (model: protocol query)."""
        form = {k: v[0] for k, v in parse_qs(request.body.decode(errors="replace")).items()}
        action = form.get("Action", "")
        scope = parse_sigv4(request.headers)
        response: Response | None
        if scope is None:
            response = error_response(
                403, "MissingAuthenticationToken", "Request is missing Authentication Token"
            )
        elif scope.service != "cloudformation" or scope.region != REGION:
            response = error_response(
                403,
                "SignatureDoesNotMatch",
                f"Credential should be scoped to a valid region and to service 'cloudformation', "
                f"not {scope.region}/{scope.service}.",
            )
        elif action != "DescribeStackResource":
            response = error_response(
                400,
                "InvalidAction",
                "The action or operation requested is invalid. Verify that the action is typed "
                "correctly.",
            )
        else:
            response = self._describe_stack_resource(form)
        code = None
        if response is not None and response.status >= 300:
            code = _error_code(response.body)
        with self._lock:
            self._api_calls.append(
                ApiCall(
                    action=action,
                    params={k: v for k, v in form.items() if k not in ("Action", "Version")},
                    status=0 if response is None else response.status,
                    code=code,
                    at=self._clock(),
                )
            )
        return response

    def _describe_stack_resource(self, form: Mapping[str, str]) -> Response | None:
        mode = self.describe_stack_resource
        if mode == "unreachable":
            return None
        stack_name = form.get("StackName", "")
        logical_id = form.get("LogicalResourceId", "")
        if not stack_name or not logical_id:
            member = "stackName" if not stack_name else "logicalResourceId"
            return error_response(
                400,
                "ValidationError",
                f"1 validation error detected: Value null at '{member}' failed to satisfy "
                "constraint: Member must not be null",
            )
        with self._lock:
            stack_id = self._resolve_stack(stack_name)
            if mode == "access_denied":
                arn = stack_id or stack_arn_pattern(stack_name)
                return error_response(403, "AccessDenied", access_denied_message(arn))
            if stack_id is None:
                return error_response(
                    400, "ValidationError", f"Stack '{stack_name}' does not exist"
                )
            record = self._resources.get((stack_id, logical_id))
            phase = self._stacks[stack_id].phase
            # AWS-recorded (localstack test_resources snapshots): a resource whose delete
            # finished while its stack lives (a rollback, a removal) no longer exists; a deleted
            # stack's resources stay readable by its ID (API reference).
            if record is None or (record.status == "DELETE_COMPLETE" and phase == "live"):
                return error_response(
                    400,
                    "ValidationError",
                    f"Resource {logical_id} does not exist for stack {stack_name}",
                )
            return describe_stack_resource_response(record)

    def _resolve_stack(self, stack: str) -> str | None:
        """The stack ID `stack` names: any stack's ID, or the name of a stack not yet deleted.
        The caller holds the lock."""
        if stack in self._stacks:
            return stack
        return self._stack_ids.get(stack)

    def _stack_id_of(self, stack: str) -> str:
        """The ID of the stack named or identified by `stack`, creating it by name if new."""
        with self._lock:
            if stack in self._stacks:
                return stack
        if stack.startswith("arn:"):
            raise KeyError(f"no stack with ID {stack}")
        return self.stack_id(stack)

    def _handle_of(self, handle_url: str) -> WaitHandle:
        path = urlsplit(handle_url).path
        key = unquote(path[len(_WAIT_PREFIX) :]) if path.startswith(_WAIT_PREFIX) else ""
        with self._lock:
            handle = self._handles.get(key)
        if handle is None or handle.url != handle_url:
            raise KeyError(f"{handle_url} is not a handle URL this fake issued")
        return handle

    def _validate(self, request_id: str, put: ReceivedPut) -> list[str]:
        """Why CloudFormation would refuse the response: sizes from the reference; required
        fields and matching RequestId/StackId/LogicalResourceId from the user guide's custom
        resource response objects. String-only Data values are the fake's own (stricter) check.
        """
        errors: list[str] = []
        if len(put.raw) > self.max_body_bytes:
            errors.append(
                f"Response object is too long: {len(put.raw)} bytes (limit {self.max_body_bytes})"
            )
        document = put.document
        if document is None:
            errors.append("Response is not a JSON object")
            return errors
        status = document.get("Status")
        if status not in _STATUSES:
            errors.append(f"Invalid Status {status!r}; expected SUCCESS or FAILED")
        physical_id = document.get("PhysicalResourceId")
        if not isinstance(physical_id, str) or not physical_id:
            errors.append("PhysicalResourceId must be a non-empty string")
        elif len(physical_id) > MAX_PHYSICAL_ID_LENGTH:
            errors.append(
                f"PhysicalResourceId is {len(physical_id)} characters "
                f"(limit {MAX_PHYSICAL_ID_LENGTH})"
            )
        with self._lock:
            expected = self._expected.get(request_id)
        if document.get("RequestId") != request_id:
            errors.append(f"RequestId {document.get('RequestId')!r} != {request_id!r}")
        if expected is not None:
            if document.get("StackId") != expected.stack_id:
                errors.append(f"StackId {document.get('StackId')!r} != {expected.stack_id!r}")
            if document.get("LogicalResourceId") != expected.logical_id:
                errors.append(
                    f"LogicalResourceId {document.get('LogicalResourceId')!r} "
                    f"!= {expected.logical_id!r}"
                )
        data = document.get("Data")
        if data is not None and (
            not isinstance(data, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())
        ):
            errors.append("Data must be an object whose values are all strings")
        reason = document.get("Reason")
        if reason is not None and not isinstance(reason, str):
            errors.append("Reason must be a string")
        no_echo = document.get("NoEcho")
        if no_echo is not None and not isinstance(no_echo, bool):
            errors.append("NoEcho must be a boolean")
        return errors

    def _presigned(self, prefix: str, key: str, signature: str, *, expires: int) -> str:
        """An https URL on `localhost` in the shape of a SigV4-presigned S3 PUT URL, signed now
        on the fake's clock (CloudFormation signs when it issues the request: a request issued
        hours into a simulated deploy carries that moment)."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self._clock()))
        query = "&".join(
            (
                "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                f"X-Amz-Date={stamp}",
                "X-Amz-SignedHeaders=host",
                f"X-Amz-Expires={expires}",
                f"X-Amz-Credential=AKIAFAKECFN%2F{stamp[:8]}%2F{REGION}%2Fs3%2Faws4_request",
                f"X-Amz-Signature={signature}",
            )
        )
        return f"https://localhost:{self.port}{prefix}{quote(key, safe='')}?{query}"

    def _sign(self, purpose: str) -> str:
        return hmac.new(self._secret, purpose.encode(), hashlib.sha256).hexdigest()


def _handle_purpose(key: str) -> str:
    """What a handle URL's signature covers: distinct from any request ID's."""
    return f"wait-condition-handle:{key}"


def _parse_object(raw: bytes) -> dict[str, Any] | None:
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return document if isinstance(document, dict) else None


def _error_code(body: bytes) -> str | None:
    text = body.decode(errors="replace")
    start, end = text.find("<Code>"), text.find("</Code>")
    return text[start + len("<Code>") : end] if 0 <= start < end else None


def _s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    return Response(status, body, {"Content-Type": "application/xml"})
