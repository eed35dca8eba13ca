"""A fake CloudFormation side of a custom resource: builds events, receives the response PUT.

crhelper answers CloudFormation with `http.client.HTTPSConnection` and the default SSL context, so
the receiver must be a real TLS listener that the client trusts: a trustme CA whose certificate
file tests hand to the process via `SSL_CERT_FILE`. Each response is checked the way
CloudFormation checks it (size, fields, identity), so a handler that would be rejected in AWS is
rejected here.
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, unquote

import trustme

from testsupport.fakes._http import ACCOUNT_ID, REGION, FakeServer, Request, Response

__all__ = [
    "MAX_PHYSICAL_ID_LENGTH",
    "MAX_RESPONSE_BYTES",
    "FakeCloudFormation",
    "PutFaultKind",
    "ReceivedPut",
    "ResponseRejected",
    "cfn_stringify",
]

# Reference (CloudFormation custom resources): response body ≤ 4,096 bytes; PhysicalResourceId
# ≤ 1 KB and non-empty.
MAX_RESPONSE_BYTES = 4096
MAX_PHYSICAL_ID_LENGTH = 1024
_PATH_PREFIX = "/cloudformation-custom-resource-response/"
_STATUSES = ("SUCCESS", "FAILED")
_DEFAULT_SERVICE_TOKEN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:domain-packages"

PutFaultKind = Literal["500", "drop"]
RequestType = Literal["Create", "Update", "Delete"]


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


class FakeCloudFormation(FakeServer):
    """TLS receiver of custom-resource responses plus an event factory.

    `ca_pem_path` is the CA file to put in SSL_CERT_FILE; `make_event` builds events whose
    ResponseURL points here; `wait_for_response` returns what the handler answered.
    """

    def __init__(self, *, max_body_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self._ca = trustme.CA()
        certificate = self._ca.issue_cert("localhost", "127.0.0.1")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate.configure_cert(context)
        super().__init__(ssl_context=context)
        self.max_body_bytes = max_body_bytes
        self._tempdir = tempfile.mkdtemp(prefix="fake-cfn-")
        self.ca_pem_path = os.path.join(self._tempdir, "ca.pem")
        """PEM file of the CA that signed the listener's certificate (for SSL_CERT_FILE)."""
        self._ca.cert_pem.write_to_path(self.ca_pem_path)
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._puts: list[ReceivedPut] = []
        self._expected: dict[str, _Expected] = {}
        self._stack_ids: dict[str, str] = {}
        self._faults: deque[PutFaultKind] = deque()

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self._tempdir, ignore_errors=True)

    # ---------------------------------------------------------------------------------- events

    def response_url(self, request_id: str) -> str:
        """A presigned-S3-style https URL on `localhost` that only accepts this request's PUT.

        CloudFormation user guide (custom resource request objects): ResponseURL is a
        presigned S3 URL; the fake signs with its own secret and answers as S3 would.
        """
        signature = self._sign(request_id)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        query = "&".join(
            (
                "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                f"X-Amz-Date={stamp}",
                "X-Amz-SignedHeaders=host",
                "X-Amz-Expires=7200",
                f"X-Amz-Credential=AKIAFAKECFN%2F{stamp[:8]}%2F{REGION}%2Fs3%2Faws4_request",
                f"X-Amz-Signature={signature}",
            )
        )
        return f"https://localhost:{self.port}{_PATH_PREFIX}{quote(request_id, safe='')}?{query}"

    def stack_id(self, stack_name: str = "stack") -> str:
        """The stack's ID, stable for the fake's lifetime (as a real stack's is)."""
        with self._lock:
            if stack_name not in self._stack_ids:
                self._stack_ids[stack_name] = (
                    f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{stack_name}/{uuid.uuid4()}"
                )
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
        (1-3600 s) is a property, as the reference says.
        """
        if request_type not in ("Create", "Update", "Delete"):
            raise ValueError(f"unknown RequestType {request_type!r}")
        if request_type != "Create" and not physical_id:
            raise ValueError(f"a {request_type} event always carries a PhysicalResourceId")
        request_id = str(uuid.uuid4())
        stack_id = self.stack_id(stack_name)
        with self._lock:
            self._expected[request_id] = _Expected(stack_id, logical_id)

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
        """The next `n` PUTs get a 500 (S3 InternalError) or a dropped connection."""
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

    # ------------------------------------------------------------------------------ HTTP entry

    def handle(self, request: Request) -> Response | None:
        if not request.path.startswith(_PATH_PREFIX):
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
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
            self._puts.append(put)
            self._arrived.notify_all()
        return response

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

    def _sign(self, request_id: str) -> str:
        return hmac.new(self._secret, request_id.encode(), hashlib.sha256).hexdigest()


def _parse_object(raw: bytes) -> dict[str, Any] | None:
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return document if isinstance(document, dict) else None


def _s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    return Response(status, body, {"Content-Type": "application/xml"})
