"""The one adapter between the handler and OpenSearch Service.

Every call goes through `OpenSearchCalls.call`: botocore's retry configuration, pagination and
the mapping of the service's errors onto the few outcomes in errors.py live here and nowhere
else. Each kind's service module builds its requests on top of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from .errors import (
    AlreadyExists,
    AlreadyInDesiredState,
    BatchUnsupported,
    ChangeInProgress,
    DomainNotFound,
    NotAssociated,
    PackageNotFound,
    Rejected,
    Retryable,
    ServiceError,
)
from .outcome import ErrorDetails
from .package_status import PackageAvailability

CLIENT_CONFIG = Config(
    # Few quick retries here: the lifecycle has its own backoff within the deadline, and
    # standard mode would otherwise also retry quota errors (LimitExceededException).
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=5,
    read_timeout=20,
    user_agent_extra="opensearch-packages",
)
PAGE_SIZE = 100
MAX_PAGES = 50  # 20 packages per domain: more pages than this means a looping NextToken

_THROTTLING = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "RequestThrottled",
        "ProvisionedThroughputExceededException",
    }
)
_TRANSIENT = frozenset({"InternalException", "InternalFailure", "ServiceUnavailable"})
_BATCH_OPERATIONS = frozenset({"AssociatePackages", "DissociatePackages"})
#: Operations that look one package up: there, "not found" means the package is absent.
_PACKAGE_LOOKUPS = frozenset(
    {
        "DescribePackages",
        "UpdatePackage",
        "DeletePackage",
        "ListDomainsForPackage",
        "GetPackageVersionHistory",
        "UpdatePackageScope",
    }
)
#: What ResourceNotFoundException means elsewhere, by the operation that got it (else: Rejected).
_NOT_FOUND_MEANS: Mapping[str, type[ServiceError]] = {
    "DissociatePackages": NotAssociated,
    "DissociatePackage": NotAssociated,
    "ListPackagesForDomain": DomainNotFound,
    "DescribeDomain": DomainNotFound,
}


def change_in_progress(code: str, message: str) -> bool:
    """The refusal of a busy or settling domain. Field evidence (aws-samples/siem-on-amazon-
    opensearch-service#444, hashicorp/terraform-provider-aws#38136 and #35811): HTTP 400
    ValidationException "A change/update is in progress. Please wait for it to complete before
    requesting another change." Only that wording is retried: other validation errors are final."""
    return code == "ValidationException" and "in progress" in message.lower()


def package_not_found(operation: str, code: str, message: str) -> bool:
    """A package look-up answered "not found". terraform-provider-aws (`findPackages` in
    internal/service/opensearch/package.go) treats ResourceNotFoundException and a
    ValidationException whose message contains "Package not found" alike."""
    if operation not in _PACKAGE_LOOKUPS:
        return False
    return code == "ResourceNotFoundException" or (
        code == "ValidationException" and "package not found" in message.lower()
    )


def classify(operation: str, code: str, message: str, http_status: int = 0) -> ServiceError:
    """The outcome the lifecycle distinguishes for the service's error `code` on `operation`."""
    lowered = message.lower()
    kind: type[ServiceError] = Rejected
    if code == "ConflictException":
        kind = AlreadyInDesiredState if "desired state" in lowered else Retryable
    elif change_in_progress(code, message):
        kind = ChangeInProgress
    elif package_not_found(operation, code, message):
        kind = PackageNotFound
    elif code in _THROTTLING or code in _TRANSIENT or http_status == 429 or http_status >= 500:
        kind = Retryable
    elif code == "ResourceAlreadyExistsException":
        kind = AlreadyExists
    elif code == "DisabledOperationException" and operation in _BATCH_OPERATIONS:
        kind = BatchUnsupported
    elif code == "ResourceNotFoundException" and operation in _NOT_FOUND_MEANS:
        kind = _NOT_FOUND_MEANS[operation]
    elif operation.startswith("Dissociate") and "not associated" in lowered:
        kind = NotAssociated
    return kind(operation, code, message)


def _classify_exception(operation: str, error: ClientError | BotoCoreError) -> ServiceError:
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return classify(
            operation, str(info.get("Code") or "Unknown"), str(info.get("Message") or ""), status
        )
    if isinstance(error, ParamValidationError):
        # botocore refused the request against the service model: asking again cannot help.
        return Rejected(operation, "ParamValidationError", str(error))
    return Retryable(operation, type(error).__name__, str(error))


def error_details(raw: Any) -> ErrorDetails | None:
    """`ErrorDetails` of an API answer, or None when it names no failure."""
    if not isinstance(raw, dict) or not (raw.get("ErrorType") or raw.get("ErrorMessage")):
        return None
    return ErrorDetails(str(raw.get("ErrorType") or ""), str(raw.get("ErrorMessage") or ""))


def package_from_api(raw: Mapping[str, Any]) -> PackageAvailability:
    """One PackageDetails entry (DescribePackages, CreatePackage, UpdatePackage)."""
    plugin = raw.get("AvailablePluginProperties") or {}
    configuration = raw.get("AvailablePackageConfiguration")
    return PackageAvailability(
        package_id=str(raw.get("PackageID", "")),
        status=str(raw.get("PackageStatus", "")),
        error=error_details(raw.get("ErrorDetails")),
        name=str(raw.get("PackageName") or ""),
        available_version=str(raw.get("AvailablePackageVersion") or ""),
        description=str(raw.get("PackageDescription") or ""),
        plugin=tuple(str(plugin.get(k) or "") for k in ("Name", "Version", "ClassName")),  # type: ignore[arg-type]
        owner=str(raw.get("PackageOwner") or ""),
        engine_version=str(raw.get("EngineVersion") or ""),
        configuration=json.dumps(configuration, sort_keys=True, separators=(",", ":"))
        if configuration
        else "",
    )


class OpenSearchCalls:
    """Calls by API operation name on one boto3 `opensearch` client, errors mapped."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        """`operation` (e.g. "CreatePackage") with `request`; raises a ServiceError."""
        method = getattr(self._client, xform_name(operation))
        try:
            return dict(method(**request))
        except (ClientError, BotoCoreError) as error:
            raise _classify_exception(operation, error) from error

    def pages(self, operation: str, **request: Any) -> Iterator[dict[str, Any]]:
        """Every page of a listing, following NextToken (pages may be short).

        botocore has no paginators for these operations. A token that repeats ends the listing;
        more than MAX_PAGES means a looping token: Retryable, so the caller looks again later.
        """
        token: str | None = None
        for _ in range(MAX_PAGES):
            page = self.call(
                operation,
                **request,
                MaxResults=PAGE_SIZE,
                **({"NextToken": token} if token else {}),
            )
            yield page
            next_token = page.get("NextToken")
            if not next_token or next_token == token:
                return
            token = next_token
        raise Retryable(operation, "TooManyPages", f"more than {MAX_PAGES} pages")

    def describe_packages(
        self, values: Sequence[str], *, by: str = "PackageID"
    ) -> dict[str, PackageAvailability]:
        """Status of the listed packages (or names, `by="PackageName"`), keyed by package ID;
        ones the service does not know are absent.

        The service may answer "not found" for the whole call when one value of several is
        unknown (undocumented either way): the values are then asked one by one, so the others
        are still described and the absent ones are exactly the unknown ones.
        """
        try:
            return self._describe_packages(values, by)
        except PackageNotFound:
            if len(values) < 2:
                return {}
        found: dict[str, PackageAvailability] = {}
        for value in values:
            found.update(self.describe_packages([value], by=by))
        return found

    def _describe_packages(self, values: Sequence[str], by: str) -> dict[str, PackageAvailability]:
        found: dict[str, PackageAvailability] = {}
        for page in self.pages("DescribePackages", Filters=[{"Name": by, "Value": list(values)}]):
            for raw in page.get("PackageDetailsList", []):
                found[str(raw.get("PackageID", ""))] = package_from_api(raw)
        return found
