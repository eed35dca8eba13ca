"""A fake Amazon OpenSearch Service control plane for the package-association operations.

It speaks rest-json (API 2021-01-01) exactly as botocore sends and parses it, so the real handler,
with a plain `boto3.client("opensearch")` pointed here by `AWS_ENDPOINT_URL_OPENSEARCH`, runs
unmodified. It models the service rules that make association code hard: one package change per
domain at a time, slow ASSOCIATING/DISSOCIATING phases, failures reported only in ErrorDetails,
prerequisites, quotas, package versions; plus counted, deterministic fault injection.

It also manages packages themselves (CreatePackage, UpdatePackage, DeletePackage,
ListDomainsForPackage, GetPackageVersionHistory) over a small fake S3 object store that tests seed
with `put_object`: a package is COPYING, then VALIDATING, then AVAILABLE (or VALIDATION_FAILED /
COPY_FAILED, as scripted with `fail_validation`), each new content is a new version, and a package
some domain still uses cannot be deleted.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import itertools
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote

from tests.fakes._http import (
    ACCOUNT_ID,
    REGION,
    FakeServer,
    Request,
    Response,
    json_response,
    parse_sigv4,
)

__all__ = [
    "OPERATIONS",
    "PACKAGE_TYPES",
    "Call",
    "FakeOpenSearch",
    "FaultKind",
]

FaultKind = Literal["throttle", "internal", "drop", "conflict"]

PACKAGE_TYPES = ("TXT-DICTIONARY", "ZIP-PLUGIN", "PACKAGE-LICENSE", "PACKAGE-CONFIG")
_PACKAGE_STATUSES = (
    "COPYING",
    "COPY_FAILED",
    "VALIDATING",
    "VALIDATION_FAILED",
    "AVAILABLE",
    "DELETING",
    "DELETED",
    "DELETE_FAILED",
)
_FILTER_NAMES = (
    "PackageID",
    "PackageName",
    "PackageStatus",
    "PackageType",
    "EngineVersion",
    "PackageOwner",
)

# HTTP status of each error, from botocore's opensearch service model. Note that the model puts
# ResourceNotFoundException at 409, not 404.
_ERROR_STATUS = {
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
    )
)

OPERATIONS = frozenset(operation for _, _, operation in _ROUTES)

# Patterns from the service model (botocore checks only lengths client-side; the service checks
# these).
_DOMAIN_NAME_RE = re.compile(r"^[a-z][a-z0-9\-]{2,27}$")
_PACKAGE_ID_RE = re.compile(r"^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$")
_ROLE_ARN_RE = re.compile(
    r"^arn:(aws|aws\-cn|aws\-us\-gov|aws\-iso|aws\-iso\-b):iam::[0-9]+:role/.*$"
)
# PackageName: the model says [a-z][a-z0-9\-]+, 3 to 256 characters; the service (and the SDKs that
# check client-side) allow at most 28.
_PACKAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9\-]{2,27}$")
_ENGINE_VERSION_RE = re.compile(
    r"^Elasticsearch_[0-9]{1}\.[0-9]{1,2}$|^OpenSearch_[0-9]{1,2}\.[0-9]{1,2}$"
)

_BATCH_OPERATIONS = ("AssociatePackages", "DissociatePackages")
# GET operations whose paging parameters travel in the query string.
_PAGED_GET_OPERATIONS = (
    "ListPackagesForDomain",
    "ListDomainsForPackage",
    "GetPackageVersionHistory",
)
_FAILED_PACKAGE_STATUSES = ("VALIDATION_FAILED", "COPY_FAILED")
_PLUGIN_DEPENDENT_TYPES = ("PACKAGE-LICENSE", "PACKAGE-CONFIG")
_MAX_PAGE = 100


class Call(NamedTuple):
    """One request that reached an operation: its name and its parameters as botocore sent them."""

    operation: str
    params: dict[str, Any]


class _ApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Failure:
    error_type: str
    message: str
    remaining: int | None
    """How many more operations fail; None = every one."""


@dataclass(frozen=True)
class _Version:
    """One entry of GetPackageVersionHistory."""

    version: str
    commit_message: str
    created_epoch: float


@dataclass(frozen=True)
class _Import:
    """A CreatePackage/UpdatePackage being copied and validated: what becomes of it at ready_at."""

    commit_message: str


@dataclass
class _Package:
    package_id: str
    name: str
    package_type: str
    final_status: str
    version: str
    """AvailablePackageVersion: the last version that passed validation ("" before the first)."""
    phase_start: float
    ready_at: float
    created_epoch: float
    updated_epoch: float
    engine_version: str | None
    association_seconds: float | None = None
    dissociation_seconds: float | None = None
    description: str = ""
    pending: _Import | None = None
    error: tuple[str, str] | None = None
    """ErrorDetails shown while the package is in a failed status (None: a generic one)."""
    history: list[_Version] = field(default_factory=list)
    deleting_until: float | None = None

    @property
    def aws_owned(self) -> bool:
        """G-prefixed packages belong to AWS: never counted, updated or deleted as custom ones."""
        return self.package_id.startswith("G")

    def status(self, now: float) -> str:
        """DELETING once deletion started; else COPYING for the first half of the wait,
        VALIDATING for the second, then final."""
        if self.deleting_until is not None:
            return "DELETING"
        if now >= self.ready_at:
            return self.final_status
        if now >= self.phase_start + (self.ready_at - self.phase_start) / 2:
            return "VALIDATING"
        return "COPYING"


@dataclass
class _Association:
    package_id: str
    status: str
    version: str
    target_version: str
    prerequisites: list[str]
    configuration: dict[str, Any] | None
    last_updated: float
    pending: Literal["associate", "dissociate"] | None = None
    pending_until: float = 0.0
    planned_failure: tuple[str, str] | None = None
    error: tuple[str, str] | None = None


@dataclass
class _Domain:
    name: str
    processing_until: float
    created_epoch: float
    engine_version: str
    associations: dict[str, _Association] = field(default_factory=dict)


@dataclass
class _Record:
    operation: str
    params: dict[str, Any]
    outcome: str = "pending"


class FakeOpenSearch(FakeServer):
    """Fake OpenSearch Service endpoint; seed it, point boto3 at `endpoint_url`, assert on `calls`.

    Time: every lifecycle is measured with `clock` (default `time.monotonic`); pass a
    `tests.fakes.clock.SimClock` to drive it by hand. State advances lazily whenever it is
    read, so a response always reflects "now".
    """

    def __init__(
        self,
        *,
        association_seconds: float = 0.2,
        dissociation_seconds: float = 0.2,
        page_size: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_packages_per_domain: int = 20,
        plugin_changes_process_domain: bool = True,
        batch_operations_enabled: bool = True,
        latency: tuple[float, float] | None = None,
        latency_seed: int = 0,
        package_processing_seconds: float = 0.3,
        max_custom_packages: int = 25,
    ) -> None:
        super().__init__()
        self.association_seconds = association_seconds
        """Default time an association stays ASSOCIATING (per-package overrides win)."""
        self.dissociation_seconds = dissociation_seconds
        """Default time a dissociation stays DISSOCIATING (per-package overrides win)."""
        self.page_size = page_size
        """Most entries one ListPackagesForDomain page holds, whatever MaxResults asks."""
        self.max_packages_per_domain = max_packages_per_domain
        self.plugin_changes_process_domain = plugin_changes_process_domain
        """A pending ZIP-PLUGIN change shows the domain as Processing (a blue/green deploy)."""
        self.batch_operations_enabled = batch_operations_enabled
        """False: AssociatePackages/DissociatePackages answer DisabledOperationException, as
        where the batch operations are not offered, so single-package fallbacks can be tested."""
        self.package_processing_seconds = package_processing_seconds
        """How long CreatePackage/UpdatePackage take (COPYING for the first half, VALIDATING for
        the second) and how long DeletePackage leaves a package DELETING."""
        self.max_custom_packages = max_custom_packages
        """Quota checked by CreatePackage: custom (non-G) packages per Region."""
        self._clock = clock
        self._epoch_offset = time.time() - clock()
        self._lock = threading.RLock()
        self._domains: dict[str, _Domain] = {}
        self._packages: dict[str, _Package] = {}
        self._faults: dict[str, deque[FaultKind]] = {}
        self._association_failures: dict[str, _Failure] = {}
        self._dissociation_failures: dict[str, _Failure] = {}
        self._records: list[_Record] = []
        self._objects: dict[tuple[str, str], bytes] = {}
        self._import_failures: dict[tuple[str, str], tuple[str, str, str]] = {}
        self._new_ids = itertools.count(1)
        self._latency = latency
        self._random = random.Random(latency_seed)

    # ----------------------------------------------------------------------------------- seeding

    def add_domain(
        self, name: str, processing_seconds: float = 0.0, engine_version: str = "OpenSearch_2.17"
    ) -> None:
        """Create a domain, Processing (refusing package changes) for `processing_seconds`."""
        with self._lock:
            now = self._clock()
            self._domains[name] = _Domain(
                name=name,
                processing_until=now + processing_seconds,
                created_epoch=self._epoch(now),
                engine_version=engine_version,
            )

    def set_domain_processing(self, name: str, seconds: float) -> None:
        """Start a domain change (e.g. a config update) lasting `seconds` from now."""
        with self._lock:
            self._domain_or_key_error(name).processing_until = self._clock() + seconds

    def delete_domain(self, name: str) -> None:
        """Remove a domain and its associations; later calls naming it get ResourceNotFound."""
        with self._lock:
            self._domains.pop(name, None)

    def add_package(  # noqa: PLR0917 - the seeding API reads naturally positionally
        self,
        package_id: str,
        package_type: str = "TXT-DICTIONARY",
        status: str = "AVAILABLE",
        name: str | None = None,
        available_after: float = 0.0,
        version: str = "v1",
        *,
        association_seconds: float | None = None,
        dissociation_seconds: float | None = None,
        engine_version: str | None = None,
    ) -> None:
        """Register a package that reaches `status` after COPYING→VALIDATING over `available_after`.

        `association_seconds` / `dissociation_seconds` override the global timings for it (plugins
        take much longer than dictionaries on the real service).
        """
        if package_type not in PACKAGE_TYPES:
            raise ValueError(f"unknown package type {package_type!r}")
        if status not in _PACKAGE_STATUSES:
            raise ValueError(f"unknown package status {status!r}")
        if not _PACKAGE_ID_RE.match(package_id):
            raise ValueError(f"package ID {package_id!r} does not match the service pattern")
        with self._lock:
            now = self._clock()
            self._packages[package_id] = _Package(
                package_id=package_id,
                name=name or f"pkg-{package_id.lower()}",
                package_type=package_type,
                final_status=status,
                version=version,
                phase_start=now,
                ready_at=now + available_after,
                created_epoch=self._epoch(now),
                updated_epoch=self._epoch(now),
                engine_version=engine_version
                or ("OpenSearch_2.17" if package_type == "ZIP-PLUGIN" else None),
                association_seconds=association_seconds,
                dissociation_seconds=dissociation_seconds,
                history=[_Version(version, "", self._epoch(now))],
            )

    def set_package_timing(
        self,
        package_id: str,
        *,
        association_seconds: float | None = None,
        dissociation_seconds: float | None = None,
    ) -> None:
        """Per-package ASSOCIATING/DISSOCIATING durations (None = use the global default)."""
        with self._lock:
            package = self._package_or_key_error(package_id)
            package.association_seconds = association_seconds
            package.dissociation_seconds = dissociation_seconds

    def set_package_version(
        self, package_id: str, version: str, available_after: float = 0.0
    ) -> None:
        """Like UpdatePackage: a new available version, COPYING/VALIDATING for `available_after`.

        Domains keep the version they have until the package is associated again (UpdatePackage
        ends on the same path: the package's available version changes, associations do not).
        """
        with self._lock:
            package = self._package_or_key_error(package_id)
            now = self._clock()
            package.version = version
            package.phase_start = now
            package.ready_at = now + available_after
            package.updated_epoch = self._epoch(now)
            package.history.append(_Version(version, "", self._epoch(now)))

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        """Store an object in the fake S3 that CreatePackage and UpdatePackage read."""
        with self._lock:
            self._objects[(bucket, key)] = bytes(body)

    def fail_validation(
        self,
        bucket: str,
        key: str,
        error_type: str = "InvalidPackageContent",
        message: str = "The package file failed validation.",
        *,
        status: Literal["VALIDATION_FAILED", "COPY_FAILED"] = "VALIDATION_FAILED",
    ) -> None:
        """Packages created or updated from this object end in `status` with these ErrorDetails.

        A failed update leaves the package in `status` but keeps its AvailablePackageVersion (the
        last version that passed), which domains go on using.
        """
        if status not in _FAILED_PACKAGE_STATUSES:
            raise ValueError(f"status must be one of {_FAILED_PACKAGE_STATUSES}, not {status!r}")
        with self._lock:
            self._import_failures[(bucket, key)] = (status, error_type, message)

    def package(self, package_id: str) -> dict[str, Any] | None:
        """The package's PackageDetails as DescribePackages would return them now (None: gone)."""
        with self._lock:
            now = self._advance()
            found = self._packages.get(package_id)
            return None if found is None else self._package_details(found, now)

    def package_ids(self) -> list[str]:
        """IDs of every package that exists now (DELETING ones included)."""
        with self._lock:
            self._advance()
            return list(self._packages)

    def preassociate(
        self,
        domain: str,
        package_id: str,
        status: str = "ACTIVE",
        *,
        prerequisites: list[str] | None = None,
        configuration: dict[str, Any] | None = None,
        version: str | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        """Put an association in place directly, bypassing every rule (adopt-existing scenarios).

        A pending status (ASSOCIATING / DISSOCIATING) completes after the usual duration; a failed
        status gets `error` (ErrorType, ErrorMessage) or a generic one.
        """
        if status not in (
            "ACTIVE",
            "ASSOCIATING",
            "ASSOCIATION_FAILED",
            "DISSOCIATING",
            "DISSOCIATION_FAILED",
        ):
            raise ValueError(f"unknown association status {status!r}")
        with self._lock:
            target = self._domain_or_key_error(domain)
            package = self._package_or_key_error(package_id)
            now = self._clock()
            association = _Association(
                package_id=package_id,
                status=status,
                version=version or package.version,
                target_version=package.version,
                prerequisites=list(prerequisites or []),
                configuration=copy.deepcopy(configuration),
                last_updated=now,
            )
            if status == "ASSOCIATING":
                association.pending = "associate"
                association.pending_until = now + self._association_seconds(package)
            elif status == "DISSOCIATING":
                association.pending = "dissociate"
                association.pending_until = now + self._dissociation_seconds(package)
            elif status in ("ASSOCIATION_FAILED", "DISSOCIATION_FAILED"):
                association.error = error or ("PreassociatedFailure", "seeded failure")
            target.associations[package_id] = association

    def fail_association(
        self,
        package_id: str,
        error_type: str = "PluginValidationFailure",
        message: str = "The package failed validation on the domain.",
        times: int | None = None,
    ) -> None:
        """Associations of this package end ASSOCIATION_FAILED (the next `times`; None = all)."""
        with self._lock:
            self._association_failures[package_id] = _Failure(error_type, message, times)

    def fail_dissociation(
        self,
        package_id: str,
        error_type: str = "DissociationFailure",
        message: str = "The package could not be removed from the domain.",
        times: int | None = None,
    ) -> None:
        """Dissociations of this package end DISSOCIATION_FAILED (the next `times`; None = all)."""
        with self._lock:
            self._dissociation_failures[package_id] = _Failure(error_type, message, times)

    # -------------------------------------------------------------------------- fault injection

    def inject(self, operation_name: str, kind: FaultKind, times: int = 1) -> None:
        """Make the next `times` requests for the operation fail as `kind`, before any logic runs.

        throttle → 429 ThrottlingException; internal → 500 InternalException; drop → connection
        closed without a response; conflict → 409 ConflictException. Queued faults are served in
        the order injected.
        """
        if operation_name not in OPERATIONS:
            raise ValueError(f"unknown operation {operation_name!r}; known: {sorted(OPERATIONS)}")
        if kind not in ("throttle", "internal", "drop", "conflict"):
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

    def count(self, operation_name: str) -> int:
        with self._lock:
            return sum(1 for r in self._records if r.operation == operation_name)

    def reset_calls(self) -> None:
        with self._lock:
            self._records.clear()

    def associations(self, domain: str) -> list[dict[str, Any]]:
        """The domain's DomainPackageDetails as ListPackagesForDomain would return them now."""
        with self._lock:
            self._advance()
            target = self._domain_or_key_error(domain)
            return [self._details(target, a) for a in target.associations.values()]

    def association_status(self, domain: str, package_id: str) -> str | None:
        """DomainPackageStatus of one association now, or None when there is none."""
        with self._lock:
            self._advance()
            found = self._domain_or_key_error(domain).associations.get(package_id)
            return None if found is None else found.status

    def domain_processing(self, name: str) -> bool:
        with self._lock:
            now = self._advance()
            return self._processing(self._domain_or_key_error(name), now)

    # ------------------------------------------------------------------------------ HTTP entry

    def handle(self, request: Request) -> Response | None:
        scope = parse_sigv4(request.headers)
        if scope is None:
            return self._error_response(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if scope.service != "es":
            return self._error_response(
                "InvalidSignatureException", "Credential should be scoped to correct service: 'es'."
            )
        if scope.region != REGION:
            return self._error_response(
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region, not '{scope.region}'.",
            )
        routed = self._route(request)
        if routed is None:
            return self._error_response(
                "UnknownOperationException", f"Unknown operation {request.method} {request.path}"
            )
        operation, path_params = routed
        try:
            params = self._params(operation, request, path_params)
        except _ApiError as error:
            return self._error_response(error.code, error.message)
        record = _Record(operation, params)
        with self._lock:
            self._records.append(record)
            faults = self._faults.get(operation)
            fault = faults.popleft() if faults else None
            delay = self._random.uniform(*self._latency) if self._latency else 0.0
        if delay:
            time.sleep(delay)
        if fault is not None:
            response = self._fault_response(operation, fault)
        else:
            try:
                with self._lock:
                    document = self._dispatch(operation, params)
                response = json_response(200, document)
            except _ApiError as error:
                response = self._error_response(error.code, error.message)
        with self._lock:
            if response is None:
                record.outcome = "drop"
            else:
                code = response.headers.get("x-amzn-ErrorType", "").split(":", 1)[0]
                record.outcome = f"{response.status} {code}".strip()
        return response

    def _fault_response(self, operation: str, fault: FaultKind) -> Response | None:
        if fault == "throttle":
            return self._error_response("ThrottlingException", "Rate exceeded")
        if fault == "internal":
            return self._error_response(
                "InternalException", f"Injected internal error in {operation}"
            )
        if fault == "conflict":
            return self._error_response(
                "ConflictException", f"Injected conflict in {operation}: try again later"
            )
        return None

    @staticmethod
    def _error_response(code: str, message: str) -> Response:
        # The real front door adds the Coral namespace after a colon; botocore keeps what precedes
        # it, so clients must read the parsed code, never the raw header.
        return json_response(
            _ERROR_STATUS[code],
            {"message": message},
            {"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazonaws.es/"},
        )

    @staticmethod
    def _route(request: Request) -> tuple[str, dict[str, str]] | None:
        for method, pattern, operation in _ROUTES:
            match = pattern.match(request.path)
            if match is not None and request.method == method:
                return operation, {k: unquote(v) for k, v in match.groupdict().items()}
        return None

    @staticmethod
    def _params(operation: str, request: Request, path_params: dict[str, str]) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if request.body:
            try:
                body = json.loads(request.body)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise _ApiError(
                    "ValidationException", f"Malformed request body: {error}"
                ) from error
            if not isinstance(body, dict):
                raise _ApiError("ValidationException", "Request body must be a JSON object")
            params.update(body)
        params.update(path_params)
        if operation in _PAGED_GET_OPERATIONS:
            if "maxResults" in request.query:
                raw = request.query["maxResults"][0]
                try:
                    params["MaxResults"] = int(raw)
                except ValueError as error:
                    raise _ApiError(
                        "ValidationException", f"MaxResults must be an integer, got {raw!r}"
                    ) from error
            if "nextToken" in request.query:
                params["NextToken"] = request.query["nextToken"][0]
        return params

    # ------------------------------------------------------------------------------ operations

    def _dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if not self.batch_operations_enabled and operation in _BATCH_OPERATIONS:
            raise _ApiError(
                "DisabledOperationException",
                f"{operation} is not available for this domain; use the single-package operation",
            )
        handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(self, f"_op_{operation}")
        return handler(params)

    def _op_AssociatePackages(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        entries = params.get("PackageList")
        if not isinstance(entries, list) or not entries:
            raise _ApiError("ValidationException", "PackageList must be a non-empty list")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("PackageID"), str):
                raise _ApiError("ValidationException", "Each PackageList entry needs a PackageID")
        details = self._associate(params.get("DomainName"), entries)
        return {"DomainPackageDetailsList": details}

    def _op_AssociatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        entry: dict[str, Any] = {
            key: params[key]
            for key in ("PackageID", "PrerequisitePackageIDList", "AssociationConfiguration")
            if key in params
        }
        details = self._associate(params.get("DomainName"), [entry])
        return {"DomainPackageDetails": details[0]}

    def _op_DissociatePackages(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        package_ids = params.get("PackageList")
        if (
            not isinstance(package_ids, list)
            or not package_ids
            or not all(isinstance(p, str) for p in package_ids)
        ):
            raise _ApiError("ValidationException", "PackageList must be a non-empty list of IDs")
        return {"DomainPackageDetailsList": self._dissociate(params.get("DomainName"), package_ids)}

    def _op_DissociatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        details = self._dissociate(params.get("DomainName"), [params.get("PackageID")])
        return {"DomainPackageDetails": details[0]}

    def _op_ListPackagesForDomain(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        self._advance()
        domain = self._require_domain(params.get("DomainName"))
        entries = [self._details(domain, a) for a in domain.associations.values()]
        return self._page(
            entries,
            "DomainPackageDetailsList",
            params,
            f"list:{domain.name}",
            page_size=self.page_size,
        )

    def _op_DescribePackages(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        filters = params.get("Filters") or []
        if not isinstance(filters, list):
            raise _ApiError("ValidationException", "Filters must be a list")
        wanted: list[tuple[str, list[str]]] = []
        for item in filters:
            name = item.get("Name") if isinstance(item, dict) else None
            values = item.get("Value") if isinstance(item, dict) else None
            if name not in _FILTER_NAMES:
                raise _ApiError("ValidationException", f"Invalid filter name: {name}")
            if not isinstance(values, list) or not values:
                raise _ApiError("ValidationException", f"Filter {name} needs at least one value")
            wanted.append((str(name), [str(v) for v in values]))
        self._max_results(params)  # a bad MaxResults is refused before any lookup
        for name, values in wanted:
            if name == "PackageID" and not any(v in self._packages for v in values):
                # What Terraform's provider expects of the real service for a missing (or
                # deleted) package: ResourceNotFoundException, not an empty list.
                raise _ApiError(
                    "ResourceNotFoundException", f"Package not found: {', '.join(values)}"
                )
        matching = [
            self._package_details(p, now)
            for p in self._packages.values()
            if all(self._package_field(p, name, now) in values for name, values in wanted)
        ]
        return self._page(matching, "PackageDetailsList", params, "describe")

    def _op_CreatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        name = params.get("PackageName")
        if not isinstance(name, str) or not _PACKAGE_NAME_RE.match(name):
            raise _ApiError(
                "ValidationException",
                f"1 validation error detected: Value '{name}' at 'packageName' failed to satisfy "
                "constraint: Member must have length between 3 and 28 and match [a-z][a-z0-9\\-]+",
            )
        package_type = params.get("PackageType")
        if package_type not in PACKAGE_TYPES:
            raise _ApiError(
                "ValidationException",
                f"1 validation error detected: Value '{package_type}' at 'packageType' failed to "
                f"satisfy constraint: Member must satisfy enum value set: {list(PACKAGE_TYPES)}",
            )
        engine_version = params.get("EngineVersion")
        if package_type == "ZIP-PLUGIN":
            if not isinstance(engine_version, str) or not _ENGINE_VERSION_RE.match(engine_version):
                raise _ApiError(
                    "ValidationException",
                    "EngineVersion is required for a ZIP-PLUGIN package, in the form "
                    f"OpenSearch_X.Y or Elasticsearch_X.Y (got {engine_version!r})",
                )
        elif engine_version is not None:
            raise _ApiError(
                "ValidationException",
                f"EngineVersion can only be specified for ZIP-PLUGIN packages, not {package_type}",
            )
        description = self._description(params)
        source = self._read_source(params)
        if any(p.name == name for p in self._packages.values()):
            raise _ApiError("ResourceAlreadyExistsException", f"Package {name} already exists")
        custom = [p for p in self._packages.values() if not p.aws_owned]
        if len(custom) >= self.max_custom_packages:
            raise _ApiError(
                "LimitExceededException",
                f"You have reached the limit of {self.max_custom_packages} custom packages",
            )
        package_id = self._new_package_id(str(package_type))
        package = _Package(
            package_id=package_id,
            name=name,
            package_type=str(package_type),
            final_status="AVAILABLE",
            version="",
            phase_start=now,
            ready_at=now,
            created_epoch=self._epoch(now),
            updated_epoch=self._epoch(now),
            engine_version=engine_version,
            description=description,
        )
        self._start_import(package, source, "", now)
        self._packages[package_id] = package
        return {"PackageDetails": self._package_details(package, now)}

    def _op_UpdatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        package_id = params.get("PackageID")
        self._validate_package_id(package_id)
        package = self._require_package(str(package_id))
        if package.aws_owned:
            raise _ApiError(
                "ValidationException", f"Package {package_id} is owned by AWS and cannot be updated"
            )
        status = package.status(now)
        if status not in ("AVAILABLE", *_FAILED_PACKAGE_STATUSES):
            # The model lists no ConflictException for UpdatePackage.
            raise _ApiError(
                "ValidationException",
                f"Package {package_id} cannot be updated while it is {status}; "
                "wait until it is AVAILABLE",
            )
        commit_message = params.get("CommitMessage", "")
        if not isinstance(commit_message, str) or len(commit_message) > 160:
            raise _ApiError("ValidationException", "CommitMessage must be at most 160 characters")
        description = self._description(params, default=package.description)
        source = self._read_source(params)
        package.description = description
        self._start_import(package, source, commit_message, now)
        return {"PackageDetails": self._package_details(package, now)}

    def _op_DeletePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        package_id = params.get("PackageID")
        self._validate_package_id(package_id)
        package = self._require_package(str(package_id))
        if package.aws_owned:
            raise _ApiError(
                "ValidationException", "Operation not allowed. This package cannot be deleted."
            )
        if package.deleting_until is not None:
            raise _ApiError("ConflictException", f"Package {package_id} is already being deleted")
        using = sorted(
            domain.name
            for domain in self._domains.values()
            if package.package_id in domain.associations
        )
        if using:
            raise _ApiError(
                "ConflictException",
                f"Package is in use by domain(s) {', '.join(using)}: dissociate it first",
            )
        package.deleting_until = now + self.package_processing_seconds
        package.updated_epoch = self._epoch(now)
        return {"PackageDetails": self._package_details(package, now)}

    def _op_ListDomainsForPackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        self._advance()
        package_id = params.get("PackageID")
        self._validate_package_id(package_id)
        package = self._require_package(str(package_id))
        entries = [
            self._details(domain, domain.associations[package.package_id])
            for domain in self._domains.values()
            if package.package_id in domain.associations
        ]
        return self._page(entries, "DomainPackageDetailsList", params, f"domains:{package_id}")

    def _op_GetPackageVersionHistory(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        self._advance()
        package_id = params.get("PackageID")
        self._validate_package_id(package_id)
        package = self._require_package(str(package_id))
        entries: list[dict[str, Any]] = []
        for version in reversed(package.history):  # newest first
            entry: dict[str, Any] = {
                "PackageVersion": version.version,
                "CommitMessage": version.commit_message,
                "CreatedAt": version.created_epoch,
            }
            entries.append(entry)
        result = self._page(entries, "PackageVersionHistoryList", params, f"history:{package_id}")
        return {"PackageID": package.package_id, **result}

    def _op_DescribeDomain(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        domain = self._require_domain(params.get("DomainName"))
        processing = self._processing(domain, now)
        name = domain.name
        return {
            "DomainStatus": {
                "DomainId": f"{ACCOUNT_ID}/{name}",
                "DomainName": name,
                "ARN": f"arn:aws:es:{REGION}:{ACCOUNT_ID}:domain/{name}",
                "Created": True,
                "Deleted": False,
                "Endpoint": f"search-{name}-fake0000000000000000000000.{REGION}.es.amazonaws.com",
                "Processing": processing,
                "UpgradeProcessing": False,
                "EngineVersion": domain.engine_version,
                "ClusterConfig": {
                    "InstanceType": "r6g.large.search",
                    "InstanceCount": 1,
                    "DedicatedMasterEnabled": False,
                    "ZoneAwarenessEnabled": False,
                    "WarmEnabled": False,
                    "MultiAZWithStandbyEnabled": False,
                },
                "EBSOptions": {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 10},
                "DomainProcessingStatus": "Modifying" if processing else "Active",
            }
        }

    # ------------------------------------------------------------------------------ the rules

    def _associate(self, domain_name: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        now = self._advance()
        self._validate_domain_name(domain_name)
        ids = [str(entry["PackageID"]) for entry in entries]
        for package_id in ids:
            self._validate_package_id(package_id)
        if len(set(ids)) != len(ids):
            raise _ApiError("ValidationException", "PackageList contains duplicate PackageIDs")
        prerequisites_of: dict[str, list[str]] = {}
        configuration_of: dict[str, dict[str, Any] | None] = {}
        for entry in entries:
            package_id = str(entry["PackageID"])
            prerequisites = entry.get("PrerequisitePackageIDList") or []
            if not isinstance(prerequisites, list):
                raise _ApiError("ValidationException", "PrerequisitePackageIDList must be a list")
            for prerequisite in prerequisites:
                self._validate_package_id(prerequisite)
            prerequisites_of[package_id] = [str(p) for p in prerequisites]
            configuration_of[package_id] = self._validate_configuration(
                entry.get("AssociationConfiguration")
            )
        domain = self._require_domain(domain_name)
        packages = {package_id: self._require_package(package_id) for package_id in ids}
        for package_id, package in packages.items():
            status = package.status(now)
            if status != "AVAILABLE":
                raise _ApiError(
                    "ValidationException",
                    f"Package {package_id} is not available for association "
                    f"(PackageStatus: {status})",
                )
        for package_id, prerequisites in prerequisites_of.items():
            for prerequisite in prerequisites:
                present = domain.associations.get(prerequisite)
                if prerequisite not in ids and (present is None or present.pending == "dissociate"):
                    raise _ApiError(
                        "ValidationException",
                        f"Prerequisite package {prerequisite} of package {package_id} is neither "
                        f"associated with domain {domain.name} nor part of this request",
                    )
        self._require_idle(domain, now)
        for package_id, package in packages.items():
            existing = domain.associations.get(package_id)
            if (
                existing is not None
                and existing.status == "ACTIVE"
                and existing.version == package.version
                and existing.configuration == configuration_of[package_id]
                and existing.prerequisites == prerequisites_of[package_id]
            ):
                raise _ApiError(
                    "ConflictException", f"Package is already in desired state: {package_id}"
                )
        new_count = sum(1 for package_id in ids if package_id not in domain.associations)
        if len(domain.associations) + new_count > self.max_packages_per_domain:
            raise _ApiError(
                "LimitExceededException",
                f"Domain {domain.name} would have {len(domain.associations) + new_count} "
                f"packages; the limit is {self.max_packages_per_domain} packages per domain",
            )
        details = []
        for package_id, package in packages.items():
            association = domain.associations.get(package_id)
            if association is None:
                association = _Association(
                    package_id=package_id,
                    status="ASSOCIATING",
                    version=package.version,
                    target_version=package.version,
                    prerequisites=[],
                    configuration=None,
                    last_updated=now,
                )
                domain.associations[package_id] = association
            association.status = "ASSOCIATING"
            association.target_version = package.version
            association.prerequisites = prerequisites_of[package_id]
            association.configuration = configuration_of[package_id]
            association.pending = "associate"
            association.pending_until = now + self._association_seconds(package)
            association.planned_failure = self._take_failure(self._association_failures, package_id)
            association.error = None
            association.last_updated = now
            details.append(self._details(domain, association))
        return details

    def _dissociate(self, domain_name: Any, package_ids: list[Any]) -> list[dict[str, Any]]:
        now = self._advance()
        self._validate_domain_name(domain_name)
        for package_id in package_ids:
            self._validate_package_id(package_id)
        if len(set(package_ids)) != len(package_ids):
            raise _ApiError("ValidationException", "PackageList contains duplicate PackageIDs")
        domain = self._require_domain(domain_name)
        self._require_idle(domain, now)
        for package_id in package_ids:
            if package_id not in domain.associations:
                raise _ApiError(
                    "ResourceNotFoundException",
                    f"Package is not associated to this domain: {package_id}",
                )
        affected = list(package_ids)
        for package_id in package_ids:
            package = self._packages.get(package_id)
            if package is None or package.package_type != "ZIP-PLUGIN":
                continue
            # Licence and config packages cannot outlive the plugin they configure.
            for other in domain.associations.values():
                other_package = self._packages.get(other.package_id)
                if (
                    other.package_id not in affected
                    and other_package is not None
                    and other_package.package_type in _PLUGIN_DEPENDENT_TYPES
                    and package_id in other.prerequisites
                ):
                    affected.append(other.package_id)
        for package_id in affected:
            association = domain.associations[package_id]
            package = self._packages.get(package_id)
            association.status = "DISSOCIATING"
            association.pending = "dissociate"
            association.pending_until = now + self._dissociation_seconds(package)
            association.planned_failure = self._take_failure(
                self._dissociation_failures, package_id
            )
            association.error = None
            association.last_updated = now
        return [self._details(domain, domain.associations[p]) for p in package_ids]

    def _require_idle(self, domain: _Domain, now: float) -> None:
        busy = [a.package_id for a in domain.associations.values() if a.pending is not None]
        if busy or self._processing(domain, now):
            what = f"package(s) {', '.join(busy)}" if busy else "a domain configuration change"
            raise _ApiError(
                "ConflictException",
                f"Another package operation is in progress on domain {domain.name} ({what}). "
                "Wait for it to complete and try again.",
            )

    def _processing(self, domain: _Domain, now: float) -> bool:
        if now < domain.processing_until:
            return True
        if not self.plugin_changes_process_domain:
            return False
        for association in domain.associations.values():
            package = self._packages.get(association.package_id)
            if (
                association.pending is not None
                and package is not None
                and package.package_type == "ZIP-PLUGIN"
            ):
                return True
        return False

    def _advance(self) -> float:
        """Complete every pending change whose time has come; returns the current clock time."""
        now = self._clock()
        for package in list(self._packages.values()):
            if package.deleting_until is not None:
                if now >= package.deleting_until:
                    del self._packages[package.package_id]
                continue
            pending = package.pending
            if pending is None or now < package.ready_at:
                continue
            package.pending = None
            package.updated_epoch = self._epoch(package.ready_at)
            if package.final_status == "AVAILABLE":
                package.version = f"v{self._version_number(package) + 1}"
                package.history.append(
                    _Version(package.version, pending.commit_message, package.updated_epoch)
                )
        for domain in self._domains.values():
            for association in list(domain.associations.values()):
                if association.pending is None or now < association.pending_until:
                    continue
                done_at = association.pending_until
                failure = association.planned_failure
                association.planned_failure = None
                association.last_updated = done_at
                if association.pending == "associate":
                    association.pending = None
                    if failure is None:
                        association.status = "ACTIVE"
                        association.version = association.target_version
                        association.error = None
                    else:
                        association.status = "ASSOCIATION_FAILED"
                        association.error = failure
                else:
                    association.pending = None
                    if failure is None:
                        del domain.associations[association.package_id]
                    else:
                        association.status = "DISSOCIATION_FAILED"
                        association.error = failure
        return now

    @staticmethod
    def _take_failure(failures: dict[str, _Failure], package_id: str) -> tuple[str, str] | None:
        failure = failures.get(package_id)
        if failure is None:
            return None
        if failure.remaining is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                del failures[package_id]
        return failure.error_type, failure.message

    # ------------------------------------------------------------------------ package imports

    def _read_source(self, params: dict[str, Any]) -> tuple[str, str]:
        """The (bucket, key) of PackageSource, which must name an object in the fake S3."""
        source = params.get("PackageSource")
        bucket = source.get("S3BucketName") if isinstance(source, dict) else None
        key = source.get("S3Key") if isinstance(source, dict) else None
        if not isinstance(bucket, str) or not isinstance(key, str) or not bucket or not key:
            raise _ApiError("ValidationException", "PackageSource requires S3BucketName and S3Key")
        if (bucket, key) not in self._objects:
            raise _ApiError(
                "ValidationException",
                f"The S3 object s3://{bucket}/{key} does not exist or cannot be read: check "
                "PackageSource.S3BucketName and S3Key",
            )
        return bucket, key

    @staticmethod
    def _description(params: dict[str, Any], default: str = "") -> str:
        description = params.get("PackageDescription", default)
        if not isinstance(description, str) or len(description) > 1024:
            raise _ApiError(
                "ValidationException", "PackageDescription must be at most 1024 characters"
            )
        return description

    def _start_import(
        self, package: _Package, source: tuple[str, str], commit_message: str, now: float
    ) -> None:
        """COPYING → VALIDATING over `package_processing_seconds`, then AVAILABLE with a new
        version, or the scripted failed status (the available version stays what it was)."""
        scripted = self._import_failures.get(source)
        package.final_status = "AVAILABLE" if scripted is None else scripted[0]
        package.error = None if scripted is None else (scripted[1], scripted[2])
        package.phase_start = now
        package.ready_at = now + self.package_processing_seconds
        package.updated_epoch = self._epoch(now)
        package.pending = _Import(commit_message)

    @staticmethod
    def _version_number(package: _Package) -> int:
        numbers = [
            int(v.version[1:])
            for v in package.history
            if v.version.startswith("v") and v.version[1:].isdigit()
        ]
        return max(numbers, default=0)

    def _new_package_id(self, package_type: str) -> str:
        """F-numbers for dictionaries, as for the service's custom packages; pkg-<hex> for the
        plugin kinds, as third-party plugins are numbered."""
        while True:
            n = next(self._new_ids)
            if package_type == "TXT-DICTIONARY":
                package_id = f"F{900000000 + n}"
            else:
                package_id = "pkg-" + hashlib.sha1(f"fake-{n}".encode()).hexdigest()
            if package_id not in self._packages:
                return package_id

    def _page(
        self,
        entries: list[dict[str, Any]],
        list_key: str,
        params: dict[str, Any],
        scope: str,
        *,
        page_size: int | None = None,
    ) -> dict[str, Any]:
        """One page of `entries` from the request's NextToken on: at most MaxResults entries, and
        at most `page_size` when set (a service may answer short pages whatever MaxResults asks).
        """
        max_results = self._max_results(params)
        limit = min(max_results, page_size) if page_size else max_results
        start = self._decode_token(params.get("NextToken"), scope)
        result: dict[str, Any] = {list_key: entries[start : start + limit]}
        if start + limit < len(entries):
            result["NextToken"] = self._encode_token(start + limit, scope)
        return result

    @staticmethod
    def _max_results(params: dict[str, Any]) -> int:
        max_results = params.get("MaxResults", _MAX_PAGE)
        if not isinstance(max_results, int) or not 1 <= max_results <= _MAX_PAGE:
            raise _ApiError("ValidationException", f"MaxResults must be 1..{_MAX_PAGE}")
        return max_results

    # -------------------------------------------------------------------------------- helpers

    def _epoch(self, clock_time: float) -> float:
        return round(clock_time + self._epoch_offset, 3)

    def _association_seconds(self, package: _Package | None) -> float:
        """The package's own association time, else the fake's default (also for a gone one)."""
        if package is not None and package.association_seconds is not None:
            return package.association_seconds
        return self.association_seconds

    def _dissociation_seconds(self, package: _Package | None) -> float:
        """The package's own dissociation time, else the fake's default (also for a gone one)."""
        if package is not None and package.dissociation_seconds is not None:
            return package.dissociation_seconds
        return self.dissociation_seconds

    def _details(self, domain: _Domain, association: _Association) -> dict[str, Any]:
        package = self._packages.get(association.package_id)
        package_type = package.package_type if package is not None else "TXT-DICTIONARY"
        return {
            "PackageID": association.package_id,
            "PackageName": package.name if package is not None else association.package_id,
            "PackageType": package_type,
            "LastUpdated": self._epoch(association.last_updated),
            "DomainName": domain.name,
            "DomainPackageStatus": association.status,
            "PackageVersion": association.version,
            "PrerequisitePackageIDList": list(association.prerequisites),
            "ReferencePath": (
                f"analyzers/{association.package_id}" if package_type == "TXT-DICTIONARY" else None
            ),
            "ErrorDetails": (
                None
                if association.error is None
                else {"ErrorType": association.error[0], "ErrorMessage": association.error[1]}
            ),
            "AssociationConfiguration": copy.deepcopy(association.configuration),
        }

    def _package_details(self, package: _Package, now: float) -> dict[str, Any]:
        status = package.status(now)
        details: dict[str, Any] = {
            "PackageID": package.package_id,
            "PackageName": package.name,
            "PackageType": package.package_type,
            "PackageDescription": package.description,
            "PackageStatus": status,
            "CreatedAt": package.created_epoch,
            "LastUpdatedAt": package.updated_epoch,
            "PackageOwner": "AWS" if package.aws_owned else ACCOUNT_ID,
        }
        if package.version:
            details["AvailablePackageVersion"] = package.version
        if package.engine_version is not None:
            details["EngineVersion"] = package.engine_version
        if status.endswith("_FAILED"):
            error_type, message = package.error or (
                status,
                f"Package {package.package_id} is in state {status}",
            )
            details["ErrorDetails"] = {"ErrorType": error_type, "ErrorMessage": message}
        if package.package_type == "ZIP-PLUGIN":
            details["AvailablePluginProperties"] = {
                "Name": package.name,
                "Description": f"Fake plugin {package.name}",
                "Version": package.version,
                "ClassName": "org.example.FakePlugin",
                "UncompressedSizeInBytes": 1024,
            }
        return details

    @staticmethod
    def _package_field(package: _Package, name: str, now: float) -> str | None:
        if name == "PackageID":
            return package.package_id
        if name == "PackageName":
            return package.name
        if name == "PackageStatus":
            return package.status(now)
        if name == "PackageType":
            return package.package_type
        if name == "EngineVersion":
            return package.engine_version
        return "AWS" if package.aws_owned else ACCOUNT_ID

    @staticmethod
    def _encode_token(offset: int, scope: str) -> str:
        raw = json.dumps({"o": offset, "s": scope}).encode()
        return base64.urlsafe_b64encode(raw).decode()

    @staticmethod
    def _decode_token(token: Any, scope: str) -> int:
        if token is None:
            return 0
        try:
            decoded = json.loads(base64.urlsafe_b64decode(str(token).encode()))
            offset = decoded["o"]
            if decoded["s"] != scope or not isinstance(offset, int) or offset < 0:
                raise ValueError(scope)
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise _ApiError("ValidationException", "Invalid NextToken") from error
        return offset

    @staticmethod
    def _validate_domain_name(name: Any) -> None:
        if not isinstance(name, str) or not _DOMAIN_NAME_RE.match(name):
            raise _ApiError(
                "ValidationException",
                f"1 validation error detected: Value '{name}' at 'domainName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9\\-]+",
            )

    @staticmethod
    def _validate_package_id(package_id: Any) -> None:
        if not isinstance(package_id, str) or not _PACKAGE_ID_RE.match(package_id):
            raise _ApiError(
                "ValidationException",
                f"1 validation error detected: Value '{package_id}' at 'packageID' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: "
                "^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$",
            )

    @staticmethod
    def _validate_configuration(configuration: Any) -> dict[str, Any] | None:
        if configuration is None:
            return None
        if not isinstance(configuration, dict):
            raise _ApiError("ValidationException", "AssociationConfiguration must be an object")
        option = configuration.get("KeyStoreAccessOption")
        if option is not None:
            if not isinstance(option, dict) or not isinstance(
                option.get("KeyStoreAccessEnabled"), bool
            ):
                raise _ApiError(
                    "ValidationException",
                    "KeyStoreAccessOption.KeyStoreAccessEnabled is required and must be boolean",
                )
            role = option.get("KeyAccessRoleArn")
            if role is not None and (
                not isinstance(role, str)
                or not 20 <= len(role) <= 2048
                or not _ROLE_ARN_RE.match(role)
            ):
                raise _ApiError(
                    "ValidationException", f"KeyAccessRoleArn is not a valid IAM role ARN: {role}"
                )
        return copy.deepcopy(configuration)

    def _require_domain(self, name: Any) -> _Domain:
        self._validate_domain_name(name)
        domain = self._domains.get(str(name))
        if domain is None:
            raise _ApiError("ResourceNotFoundException", f"Domain not found: {name}")
        return domain

    def _require_package(self, package_id: str) -> _Package:
        package = self._packages.get(package_id)
        if package is None:
            raise _ApiError("ResourceNotFoundException", f"Package not found: {package_id}")
        return package

    def _domain_or_key_error(self, name: str) -> _Domain:
        domain = self._domains.get(name)
        if domain is None:
            raise KeyError(f"no fake domain {name!r}; call add_domain first")
        return domain

    def _package_or_key_error(self, package_id: str) -> _Package:
        package = self._packages.get(package_id)
        if package is None:
            raise KeyError(f"no fake package {package_id!r}; call add_package first")
        return package
