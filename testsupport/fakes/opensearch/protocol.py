"""The HTTP side of the fake: rest-json routing, parameters, error responses, faults, call log.

Routes, HTTP statuses and where each parameter travels (path, query string, JSON body) come from
botocore's `opensearch` service model, 2021-01-01. Fault injection, latency and the call log are
the fake's own, for tests.
"""

from __future__ import annotations

import copy
import json
import random
import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from testsupport.fakes._http import REGION, Request, Response, json_response, parse_sigv4
from testsupport.fakes.opensearch.model import ApiError, Call, FaultKind, Record
from testsupport.fakes.opensearch.store import OpenSearchStore

__all__ = ["ERROR_STATUS", "OPERATIONS", "ProtocolMixin"]

# HTTP status of each error, from botocore's opensearch service model. Note that the model puts
# ResourceNotFoundException at 409, not 404.
ERROR_STATUS = {
    "BaseException": 400,
    "ConflictException": 409,
    "ResourceNotFoundException": 409,
    "ResourceAlreadyExistsException": 409,
    "InvalidTypeException": 409,
    "LimitExceededException": 409,
    "DisabledOperationException": 409,
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "InternalException": 500,
    "ThrottlingException": 429,
    "DependencyFailureException": 424,
    # Not in the model: what the AWS front door answers for unsigned or mis-scoped requests and
    # for paths no operation owns.
    "MissingAuthenticationTokenException": 403,
    "InvalidSignatureException": 403,
    "UnknownOperationException": 404,
}

# Model: each operation's http.method and http.requestUri (reference: the operations table).
_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(pattern), operation)
    for method, pattern, operation in (
        ("POST", r"^/2021-01-01/packages/associateMultiple$", "AssociatePackages"),
        ("POST", r"^/2021-01-01/packages/dissociateMultiple$", "DissociatePackages"),
        (
            "POST",
            r"^/2021-01-01/packages/associate/(?P<PackageID>[^/]+)/(?P<DomainName>[^/]+)$",
            "AssociatePackage",
        ),
        (
            "POST",
            r"^/2021-01-01/packages/dissociate/(?P<PackageID>[^/]+)/(?P<DomainName>[^/]+)$",
            "DissociatePackage",
        ),
        ("GET", r"^/2021-01-01/domain/(?P<DomainName>[^/]+)/packages$", "ListPackagesForDomain"),
        ("POST", r"^/2021-01-01/packages/describe$", "DescribePackages"),
        ("POST", r"^/2021-01-01/packages$", "CreatePackage"),
        ("POST", r"^/2021-01-01/packages/update$", "UpdatePackage"),
        ("POST", r"^/2021-01-01/packages/updateScope$", "UpdatePackageScope"),
        ("DELETE", r"^/2021-01-01/packages/(?P<PackageID>[^/]+)$", "DeletePackage"),
        (
            "GET",
            r"^/2021-01-01/packages/(?P<PackageID>[^/]+)/domains$",
            "ListDomainsForPackage",
        ),
        (
            "GET",
            r"^/2021-01-01/packages/(?P<PackageID>[^/]+)/history$",
            "GetPackageVersionHistory",
        ),
        ("GET", r"^/2021-01-01/opensearch/domain/(?P<DomainName>[^/]+)$", "DescribeDomain"),
        (
            "GET",
            r"^/2021-01-01/opensearch/domain/(?P<DomainName>[^/]+)/progress$",
            "DescribeDomainChangeProgress",
        ),
    )
)

OPERATIONS = frozenset(operation for _, _, operation in _ROUTES)

# Model: the operations whose MaxResults/NextToken are querystring members (maxResults,
# nextToken); every other operation carries its members in the JSON body or the path.
_PAGED_GET_OPERATIONS = (
    "ListPackagesForDomain",
    "ListDomainsForPackage",
    "GetPackageVersionHistory",
)
# Model: other querystring members, by operation: (query string name, member name).
_QUERY_MEMBERS = {"DescribeDomainChangeProgress": (("changeid", "ChangeId"),)}
# Model: the operations that list DisabledOperationException.
_BATCH_OPERATIONS = ("AssociatePackages", "DissociatePackages")


def error_response(code: str, message: str) -> Response:
    # The real front door adds the Coral namespace after a colon; botocore keeps what precedes
    # it, so clients must read the parsed code, never the raw header.
    return json_response(
        ERROR_STATUS[code],
        {"message": message},
        {"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazonaws.es/"},
    )


def fault_response(operation: str, fault: FaultKind) -> Response | None:
    """Fake: the injected fault's answer; None (drop) closes the connection unanswered."""
    if fault == "throttle":
        return error_response("ThrottlingException", "Rate exceeded")
    if fault == "internal":
        return error_response("InternalException", f"Injected internal error in {operation}")
    if fault == "conflict":
        return error_response(
            "ConflictException", f"Injected conflict in {operation}: try again later"
        )
    if fault == "busy":
        # Field: a busy or settling domain's refusal (siem-on-amazon-opensearch-service#444).
        return error_response(
            "ValidationException",
            "A change/update is in progress. Please wait for it to complete before requesting "
            "another change.",
        )
    return None


def route(request: Request) -> tuple[str, dict[str, str]] | None:
    """The operation a request's method and path name, with its (unquoted) path parameters."""
    for method, pattern, operation in _ROUTES:
        match = pattern.match(request.path)
        if match is not None and request.method == method:
            return operation, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


def read_params(operation: str, request: Request, path_params: dict[str, str]) -> dict[str, Any]:
    """The operation's parameters under their model member names, wherever they travelled."""
    params: dict[str, Any] = {}
    if request.body:
        try:
            body = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError("ValidationException", f"Malformed request body: {error}") from error
        if not isinstance(body, dict):
            raise ApiError("ValidationException", "Request body must be a JSON object")
        params.update(body)
    params.update(path_params)
    if operation in _PAGED_GET_OPERATIONS:
        if "maxResults" in request.query:
            raw = request.query["maxResults"][0]
            try:
                params["MaxResults"] = int(raw)
            except ValueError as error:
                raise ApiError(
                    "ValidationException", f"MaxResults must be an integer, got {raw!r}"
                ) from error
        if "nextToken" in request.query:
            params["NextToken"] = request.query["nextToken"][0]
    for name, member in _QUERY_MEMBERS.get(operation, ()):
        if name in request.query:
            params[member] = request.query[name][0]
    return params


class ProtocolMixin(OpenSearchStore):
    """Answers HTTP requests: signature scope, routing, faults, latency, the call log."""

    _faults: dict[str, deque[FaultKind]]
    _records: list[Record]
    _latency: tuple[float, float] | None
    _random: random.Random

    # -------------------------------------------------------------------------- fault injection

    def inject(self, operation_name: str, kind: FaultKind, times: int = 1) -> None:
        """Make the next `times` requests for the operation fail as `kind`, before any logic runs.

        throttle → 429 ThrottlingException; internal → 500 InternalException; drop → connection
        closed without a response; conflict → 409 ConflictException; busy → 400
        ValidationException "A change/update is in progress" (field). Queued faults are served in
        the order injected.
        """
        if operation_name not in OPERATIONS:
            raise ValueError(f"unknown operation {operation_name!r}; known: {sorted(OPERATIONS)}")
        if kind not in ("throttle", "internal", "drop", "conflict", "busy"):
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._faults.setdefault(operation_name, deque()).extend([kind] * times)

    def pending_faults(self, operation_name: str) -> int:
        with self._lock:
            return len(self._faults.get(operation_name, ()))

    def set_latency(self, latency: tuple[float, float] | None, seed: int = 0) -> None:
        """Uniform random delay (min, max seconds) before each answer, from a seeded generator."""
        with self._lock:
            self._latency = latency
            self._random = random.Random(seed)

    # ---------------------------------------------------------------------------- observability

    @property
    def calls(self) -> list[Call]:
        """Every request that reached an operation, in arrival order (faulted ones included)."""
        with self._lock:
            return [Call(r.operation, copy.deepcopy(r.params)) for r in self._records]

    @property
    def outcomes(self) -> list[tuple[str, str]]:
        """(operation, outcome) per call: an HTTP status like "200" / "409 ConflictException",
        or "drop"; so tests can tell retried faults from real answers."""
        with self._lock:
            return [(r.operation, r.outcome) for r in self._records]

    @property
    def call_count(self) -> int:
        """How many requests the call log holds: a position for `log_since`."""
        with self._lock:
            return len(self._records)

    def log_since(self, start: int) -> list[tuple[Call, str]]:
        """(call, outcome) from position `start` of the call log on: a long soak reads only what
        is new instead of copying the whole log each time."""
        with self._lock:
            return [
                (Call(r.operation, copy.deepcopy(r.params)), r.outcome)
                for r in self._records[start:]
            ]

    def count(self, operation_name: str) -> int:
        with self._lock:
            return sum(1 for r in self._records if r.operation == operation_name)

    def reset_calls(self) -> None:
        with self._lock:
            self._records.clear()

    # ------------------------------------------------------------------------------ HTTP entry

    def handle(self, request: Request) -> Response | None:
        # Reference: SigV4 with signing name `es`, scoped to the client's Region. The messages
        # are the AWS front door's (not in the model).
        scope = parse_sigv4(request.headers)
        if scope is None:
            return error_response(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if scope.service != "es":
            return error_response(
                "InvalidSignatureException", "Credential should be scoped to correct service: 'es'."
            )
        if scope.region != REGION:
            return error_response(
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region, not '{scope.region}'.",
            )
        routed = route(request)
        if routed is None:
            return error_response(
                "UnknownOperationException", f"Unknown operation {request.method} {request.path}"
            )
        operation, path_params = routed
        try:
            params = read_params(operation, request, path_params)
        except ApiError as error:
            return error_response(error.code, error.message)
        record = Record(operation, params)
        with self._lock:
            self._records.append(record)
            faults = self._faults.get(operation)
            fault = faults.popleft() if faults else None
            delay = self._random.uniform(*self._latency) if self._latency else 0.0
        if delay:
            time.sleep(delay)
        if fault is not None:
            response = fault_response(operation, fault)
        else:
            try:
                with self._lock:
                    document = self._dispatch(operation, params)
                response = json_response(200, document)
            except ApiError as error:
                response = error_response(error.code, error.message)
        with self._lock:
            if response is None:
                record.outcome = "drop"
            else:
                code = response.headers.get("x-amzn-ErrorType", "").split(":", 1)[0]
                record.outcome = f"{response.status} {code}".strip()
        return response

    def _dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run `_op_<operation>` of whichever area mixin implements it."""
        if not self.batch_operations_enabled and operation in _BATCH_OPERATIONS:
            raise ApiError(
                "DisabledOperationException",
                f"{operation} is not available for this domain; use the single-package operation",
            )
        handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(self, f"_op_{operation}")
        return handler(params)
