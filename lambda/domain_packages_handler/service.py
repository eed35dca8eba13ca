"""The one adapter between the handler and OpenSearch Service.

Pagination, botocore's retry configuration and the mapping of the service's errors onto the few
outcomes the lifecycle cares about live here, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .model import (
    Association,
    AssociationStatus,
    DesiredPackage,
    ErrorDetails,
    PackageAvailability,
    Snapshot,
)

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_opensearch import OpenSearchServiceClient
    from mypy_boto3_opensearch.type_defs import PackageDetailsForAssociationTypeDef

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


class ServiceError(Exception):
    """A call failed; `code` and `message` are the service's own."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.operation = operation
        self.code = code
        self.message = message


class Retryable(ServiceError):
    """Conflict with a change in progress, throttling, 5xx, lost connection: try again later."""


class DomainNotFound(ServiceError):
    """The domain does not exist (any more)."""


class Rejected(ServiceError):
    """The service refused the request for good (validation, access, quota, missing package)."""


class BatchUnsupported(ServiceError):
    """AssociatePackages/DissociatePackages are disabled here: use the one-package calls."""


class NotAssociated(ServiceError):
    """Dissociation of a package that is not (or no longer) associated."""


class PackageNotFound(ServiceError):
    """The package does not exist (any more)."""


class AlreadyExists(ServiceError):
    """A package with that name exists already."""


_PACKAGE_OPERATIONS = frozenset(
    {"UpdatePackage", "DeletePackage", "ListDomainsForPackage", "GetPackageVersionHistory"}
)


@dataclass(frozen=True)
class DomainState:
    processing: bool


def _error_details(raw: Any) -> ErrorDetails | None:
    if not isinstance(raw, dict) or not (raw.get("ErrorType") or raw.get("ErrorMessage")):
        return None
    return ErrorDetails(str(raw.get("ErrorType") or ""), str(raw.get("ErrorMessage") or ""))


def association_from_api(raw: dict[str, Any]) -> Association | None:
    """One DomainPackageDetails entry, or None when its status is one this code does not know."""
    try:
        status = AssociationStatus(str(raw.get("DomainPackageStatus")))
    except ValueError:
        return None
    key_store = (raw.get("AssociationConfiguration") or {}).get("KeyStoreAccessOption") or {}
    prerequisites = raw.get("PrerequisitePackageIDList")
    return Association(
        package_id=str(raw["PackageID"]),
        status=status,
        package_version=str(raw.get("PackageVersion") or ""),
        reference_path=str(raw.get("ReferencePath") or ""),
        prerequisites=tuple(prerequisites) if prerequisites is not None else None,
        key_store_access_enabled=key_store.get("KeyStoreAccessEnabled"),
        key_access_role_arn=key_store.get("KeyAccessRoleArn"),
        error=_error_details(raw.get("ErrorDetails")),
    )


def package_from_api(raw: dict[str, Any]) -> PackageAvailability:
    """One PackageDetails entry (DescribePackages, CreatePackage, UpdatePackage)."""
    return PackageAvailability(
        package_id=str(raw.get("PackageID", "")),
        status=str(raw.get("PackageStatus", "")),
        error=_error_details(raw.get("ErrorDetails")),
        name=str(raw.get("PackageName") or ""),
        available_version=str(raw.get("AvailablePackageVersion") or ""),
    )


def _classify(operation: str, error: Exception) -> ServiceError:
    """Map botocore's exceptions onto the outcomes the lifecycle distinguishes."""
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code") or "Unknown")
        message = str(info.get("Message") or "")
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        lowered = message.lower()
        if code == "ConflictException":
            return Retryable(operation, code, message)
        if code in _THROTTLING or code in _TRANSIENT or status == 429 or status >= 500:
            return Retryable(operation, code, message)
        if code == "ResourceAlreadyExistsException":
            return AlreadyExists(operation, code, message)
        if code == "ResourceNotFoundException" and operation in _PACKAGE_OPERATIONS:
            return PackageNotFound(operation, code, message)
        if code == "DisabledOperationException" and operation in (
            "AssociatePackages",
            "DissociatePackages",
        ):
            return BatchUnsupported(operation, code, message)
        if operation.startswith("Dissociate") and (
            code == "ResourceNotFoundException" or "not associated" in lowered
        ):
            return NotAssociated(operation, code, message)
        if code == "ResourceNotFoundException" and operation in (
            "ListPackagesForDomain",
            "DescribeDomain",
        ):
            return DomainNotFound(operation, code, message)
        return Rejected(operation, code, message)
    if isinstance(error, BotoCoreError):
        return Retryable(operation, type(error).__name__, str(error))
    raise error


def is_already_in_desired_state(error: ServiceError) -> bool:
    """Associating what is already ACTIVE in that form is a no-op, not a failure."""
    return error.code == "ConflictException" and "desired state" in error.message.lower()


def _association_request(package: DesiredPackage) -> PackageDetailsForAssociationTypeDef:
    request: PackageDetailsForAssociationTypeDef = {"PackageID": package.package_id}
    if package.prerequisites:
        request["PrerequisitePackageIDList"] = list(package.prerequisites)
    if package.key_store_access_enabled is not None:
        option: dict[str, Any] = {"KeyStoreAccessEnabled": package.key_store_access_enabled}
        if package.key_access_role_arn:
            option["KeyAccessRoleArn"] = package.key_access_role_arn
        request["AssociationConfiguration"] = {"KeyStoreAccessOption": option}  # type: ignore[typeddict-item]
    return request


class PackageService(Protocol):
    """What the lifecycle needs from OpenSearch Service; OpenSearchPackages is the real one."""

    def list_associations(self, domain_name: str) -> Snapshot: ...

    def describe_domain(self, domain_name: str) -> DomainState: ...

    def describe_packages(self, package_ids: Sequence[str]) -> dict[str, PackageAvailability]: ...

    def associate(
        self, domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool
    ) -> None: ...

    def dissociate(self, domain_name: str, package_ids: Sequence[str], *, batch: bool) -> None: ...


class OpenSearchPackages:
    """Package-association calls against one OpenSearch Service endpoint."""

    def __init__(self, client: OpenSearchServiceClient) -> None:
        self._client = client

    def _pages(
        self, operation: str, call: Callable[..., Any], **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """Every page of a listing, following NextToken (pages may be short).

        botocore has no paginators for these operations. A token that repeats ends the listing;
        more than MAX_PAGES means a looping token: Retryable, so the caller looks again later.
        """
        token: str | None = None
        for _ in range(MAX_PAGES):
            try:
                page = dict(
                    call(**kwargs, MaxResults=PAGE_SIZE, **({"NextToken": token} if token else {}))
                )
            except (ClientError, BotoCoreError) as error:
                raise _classify(operation, error) from error
            yield page
            next_token = page.get("NextToken")
            if not next_token or next_token == token:
                return
            token = next_token
        raise Retryable(operation, "TooManyPages", f"more than {MAX_PAGES} pages")

    def list_associations(self, domain_name: str) -> Snapshot:
        """Every association on the domain."""
        associations: dict[str, Association] = {}
        pages = self._pages(
            "ListPackagesForDomain", self._client.list_packages_for_domain, DomainName=domain_name
        )
        for page in pages:
            for raw in page.get("DomainPackageDetailsList", []):
                association = association_from_api(dict(raw))
                if association is not None:
                    associations[association.package_id] = association
        return Snapshot(associations)

    def describe_domain(self, domain_name: str) -> DomainState:
        try:
            status = self._client.describe_domain(DomainName=domain_name)["DomainStatus"]
        except (ClientError, BotoCoreError) as error:
            raise _classify("DescribeDomain", error) from error
        return DomainState(
            processing=bool(status.get("Processing")) or bool(status.get("UpgradeProcessing"))
        )

    def describe_packages(
        self, package_ids: Sequence[str], *, by: str = "PackageID"
    ) -> dict[str, PackageAvailability]:
        """Status of the listed packages (or names, `by="PackageName"`), keyed by package ID;
        ones the service does not know (ResourceNotFoundException) are absent."""
        found: dict[str, PackageAvailability] = {}
        pages = self._pages(
            "DescribePackages",
            self._client.describe_packages,
            Filters=[{"Name": by, "Value": list(package_ids)}],
        )
        try:
            for page in pages:
                for raw in page.get("PackageDetailsList", []):
                    found[str(raw.get("PackageID", ""))] = package_from_api(dict(raw))
        except Rejected as error:
            if error.code != "ResourceNotFoundException":
                raise
        return found

    def associate(
        self, domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool
    ) -> None:
        """Ask for the packages to be associated, in one call when `batch`."""
        if batch:
            try:
                self._client.associate_packages(
                    DomainName=domain_name,
                    PackageList=[_association_request(p) for p in packages],
                )
            except (ClientError, BotoCoreError) as error:
                raise _classify("AssociatePackages", error) from error
            return
        for package in packages:
            request = _association_request(package)
            try:
                self._client.associate_package(
                    DomainName=domain_name,
                    PackageID=package.package_id,
                    **{k: v for k, v in request.items() if k != "PackageID"},  # type: ignore[arg-type]
                )
            except (ClientError, BotoCoreError) as error:
                raise _classify("AssociatePackage", error) from error

    def dissociate(self, domain_name: str, package_ids: Sequence[str], *, batch: bool) -> None:
        """Ask for the packages to be dissociated, in one call when `batch`."""
        if batch:
            try:
                self._client.dissociate_packages(
                    DomainName=domain_name, PackageList=list(package_ids)
                )
            except (ClientError, BotoCoreError) as error:
                raise _classify("DissociatePackages", error) from error
            return
        for package_id in package_ids:
            try:
                self._client.dissociate_package(DomainName=domain_name, PackageID=package_id)
            except (ClientError, BotoCoreError) as error:
                classified = _classify("DissociatePackage", error)
                if not isinstance(classified, NotAssociated):
                    raise classified from error


class OpenSearchPackageStore(OpenSearchPackages):
    """Package-level calls (create, update, delete) on top of the association calls."""

    def find_package(self, package_id: str) -> PackageAvailability | None:
        return self.describe_packages([package_id]).get(package_id)

    def find_package_named(self, name: str) -> PackageAvailability | None:
        found = self.describe_packages([name], by="PackageName")
        return next((p for p in found.values() if p.name == name), None)

    def create_package(
        self,
        *,
        name: str,
        package_type: str,
        bucket: str,
        key: str,
        engine_version: str | None,
        description: str | None,
    ) -> PackageAvailability:
        kwargs: dict[str, Any] = {
            "PackageName": name,
            "PackageType": package_type,
            "PackageSource": {"S3BucketName": bucket, "S3Key": key},
        }
        if engine_version:
            kwargs["EngineVersion"] = engine_version
        if description:
            kwargs["PackageDescription"] = description
        try:
            details = self._client.create_package(**kwargs)["PackageDetails"]
        except (ClientError, BotoCoreError) as error:
            raise _classify("CreatePackage", error) from error
        return package_from_api(dict(details))

    def update_package(
        self, package_id: str, *, bucket: str, key: str, description: str | None
    ) -> PackageAvailability:
        kwargs: dict[str, Any] = {
            "PackageID": package_id,
            "PackageSource": {"S3BucketName": bucket, "S3Key": key},
            "CommitMessage": "cdk deploy",
        }
        if description:
            kwargs["PackageDescription"] = description
        try:
            details = self._client.update_package(**kwargs)["PackageDetails"]
        except (ClientError, BotoCoreError) as error:
            raise _classify("UpdatePackage", error) from error
        return package_from_api(dict(details))

    def delete_package(self, package_id: str) -> None:
        try:
            self._client.delete_package(PackageID=package_id)
        except (ClientError, BotoCoreError) as error:
            raise _classify("DeletePackage", error) from error

    def domains_using(self, package_id: str) -> dict[str, str]:
        """Domain name → association status, for every domain the package is associated with."""
        pages = self._pages(
            "ListDomainsForPackage", self._client.list_domains_for_package, PackageID=package_id
        )
        return {
            str(raw.get("DomainName", "")): str(raw.get("DomainPackageStatus", ""))
            for page in pages
            for raw in page.get("DomainPackageDetailsList", [])
        }
