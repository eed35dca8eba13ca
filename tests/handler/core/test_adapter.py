"""The one adapter: error mapping by operation, paging, calls by operation name.

Uses botocore's Stubber on a real `opensearch` client: requests are validated against the
service model, nothing goes over the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError
from botocore.stub import Stubber
from domain_packages_handler.core import errors
from domain_packages_handler.core.adapter import (
    CLIENT_CONFIG,
    MAX_PAGES,
    PAGE_SIZE,
    OpenSearchCalls,
    classify,
    error_details,
    package_from_api,
)
from domain_packages_handler.core.outcome import ErrorDetails

#: Field evidence (aws-samples/siem-on-amazon-opensearch-service#444): a busy domain's refusal.
IN_PROGRESS = (
    "A change/update is in progress. Please wait for it to complete before requesting another "
    "change."
)
NOT_FOUND = errors.PackageNotFound
BUSY = errors.ChangeInProgress


@pytest.mark.parametrize(
    ("operation", "code", "message", "status", "expected"),
    [
        ("AssociatePackages", "ConflictException", "busy", 409, errors.Retryable),
        ("AssociatePackages", "ConflictException", "Already in desired state", 409, errors.AlreadyInDesiredState),  # noqa: E501
        ("CreatePackage", "ThrottlingException", "Rate exceeded", 400, errors.Retryable),
        ("CreatePackage", "TooManyRequestsException", "", 400, errors.Retryable),
        ("DescribePackages", "InternalException", "", 500, errors.Retryable),
        ("DescribePackages", "Whatever", "", 503, errors.Retryable),
        ("DescribePackages", "Whatever", "", 429, errors.Retryable),
        ("DescribePackages", "Whatever", "", 499, errors.Rejected),
        ("CreatePackage", "ResourceAlreadyExistsException", "exists", 409, errors.AlreadyExists),
        ("AssociatePackages", "DisabledOperationException", "", 409, errors.BatchUnsupported),
        ("DissociatePackages", "DisabledOperationException", "", 409, errors.BatchUnsupported),
        ("AssociatePackage", "DisabledOperationException", "", 409, errors.Rejected),
        ("UpdatePackage", "ResourceNotFoundException", "", 409, errors.PackageNotFound),
        ("DeletePackage", "ResourceNotFoundException", "", 409, errors.PackageNotFound),
        ("ListDomainsForPackage", "ResourceNotFoundException", "", 409, errors.PackageNotFound),
        ("DissociatePackage", "ResourceNotFoundException", "", 409, errors.NotAssociated),
        ("DissociatePackages", "ResourceNotFoundException", "", 409, errors.NotAssociated),
        ("DissociatePackage", "ValidationException", "not associated", 400, errors.NotAssociated),
        ("AssociatePackage", "ValidationException", "is not associated", 400, errors.Rejected),
        ("ListPackagesForDomain", "ResourceNotFoundException", "", 409, errors.DomainNotFound),
        ("DescribeDomain", "ResourceNotFoundException", "", 409, errors.DomainNotFound),
        ("DescribePackages", "ResourceNotFoundException", "", 409, errors.PackageNotFound),
        ("DescribePackages", "ValidationException", "Package not found: F1", 400, NOT_FOUND),
        ("DeletePackage", "ValidationException", "Package not found", 400, NOT_FOUND),
        ("UpdatePackage", "ValidationException", "package NOT FOUND", 400, NOT_FOUND),
        ("GetPackageVersionHistory", "ValidationException", "Package not found", 400, NOT_FOUND),
        ("UpdatePackageScope", "ResourceNotFoundException", "", 409, NOT_FOUND),
        ("AssociatePackages", "ValidationException", "Package not found: F1", 400, errors.Rejected),
        ("DescribePackages", "ValidationException", "Invalid filter", 400, errors.Rejected),
        ("AssociatePackages", "ValidationException", IN_PROGRESS, 400, BUSY),
        ("DissociatePackages", "ValidationException", IN_PROGRESS, 400, BUSY),
        ("UpdatePackage", "ValidationException", "An update is in progress", 400, BUSY),
        ("DeletePackage", "ValidationException", "change in progress", 400, BUSY),
        ("AssociatePackages", "ValidationException", "PackageList is empty", 400, errors.Rejected),
        ("AssociatePackages", "AccessDeniedException", "in progress", 403, errors.Rejected),
        ("AssociatePackages", "ResourceNotFoundException", "", 409, errors.Rejected),
        ("CreatePackage", "ValidationException", "bad name", 400, errors.Rejected),
        ("CreatePackage", "AccessDeniedException", "no", 403, errors.Rejected),
        ("CreatePackage", "LimitExceededException", "25", 409, errors.Rejected),
    ],
)  # fmt: skip
def test_errors_map_by_code_operation_and_status(
    operation: str, code: str, message: str, status: int, expected: type[errors.ServiceError]
) -> None:
    mapped = classify(operation, code, message, status)
    assert type(mapped) is expected
    assert (mapped.operation, mapped.code, mapped.message) == (operation, code, message)
    assert str(mapped) == f"{operation}: {code}: {message}"


def test_error_details_need_a_type_or_a_message() -> None:
    assert error_details(None) is None
    assert error_details("text") is None
    assert error_details({"ErrorType": "", "ErrorMessage": ""}) is None
    assert error_details({"ErrorType": "T"}) == ErrorDetails("T", "")
    assert error_details({"ErrorMessage": "m"}) == ErrorDetails("", "m")


def test_package_details_are_read_with_defaults() -> None:
    read = package_from_api(
        {
            "PackageID": "F1",
            "PackageStatus": "VALIDATION_FAILED",
            "PackageName": "syn",
            "AvailablePackageVersion": "v2",
            "ErrorDetails": {"ErrorType": "Bad", "ErrorMessage": "line 2"},
        }
    )
    assert (read.package_id, read.status, read.name, read.available_version) == (
        "F1",
        "VALIDATION_FAILED",
        "syn",
        "v2",
    )
    assert read.error == ErrorDetails("Bad", "line 2")
    empty = package_from_api({})
    assert (empty.package_id, empty.status, empty.name, empty.available_version) == ("", "", "", "")


@pytest.fixture
def stubbed() -> Iterator[tuple[OpenSearchCalls, Stubber]]:
    client = boto3.client(
        "opensearch",
        region_name="us-east-1",
        aws_access_key_id="AKIAFAKE",
        aws_secret_access_key="fake",
        config=CLIENT_CONFIG,
    )
    with Stubber(client) as stubber:
        yield OpenSearchCalls(client), stubber
        stubber.assert_no_pending_responses()


def test_a_call_by_operation_name_reaches_that_operation(
    stubbed: tuple[OpenSearchCalls, Stubber],
) -> None:
    calls, stubber = stubbed
    stubber.add_response(
        "delete_package", {"PackageDetails": {"PackageID": "F1"}}, {"PackageID": "F1"}
    )
    assert calls.call("DeletePackage", PackageID="F1")["PackageDetails"]["PackageID"] == "F1"


def test_a_service_error_comes_back_mapped(stubbed: tuple[OpenSearchCalls, Stubber]) -> None:
    calls, stubber = stubbed
    stubber.add_client_error(
        "update_package",
        service_error_code="ResourceNotFoundException",
        service_message="no such package",
        http_status_code=409,
    )
    with pytest.raises(errors.PackageNotFound, match="no such package"):
        calls.call(
            "UpdatePackage", PackageID="F1", PackageSource={"S3BucketName": "bucket", "S3Key": "k"}
        )


def test_a_request_the_model_refuses_is_rejected_not_retried() -> None:
    client = boto3.client(
        "opensearch",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",  # never reached: botocore validates first
        aws_access_key_id="AKIAFAKE",
        aws_secret_access_key="fake",
    )
    with pytest.raises(errors.Rejected, match="DomainName"):
        OpenSearchCalls(client).call("DescribeDomain", DomainName="d")  # under 3 characters


def test_a_connection_failure_is_retryable() -> None:
    class Dropping:
        def describe_domain(self, **request: Any) -> dict[str, Any]:
            raise EndpointConnectionError(endpoint_url="https://es.invalid")

    with pytest.raises(errors.Retryable) as raised:
        OpenSearchCalls(Dropping()).call("DescribeDomain", DomainName="d")
    assert raised.value.code == "EndpointConnectionError"


def list_page(ids: list[str], token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "DomainPackageDetailsList": [{"PackageID": i, "DomainName": "dom"} for i in ids]
    }
    if token:
        page["NextToken"] = token
    return page


def test_pages_follow_next_token_with_the_page_size(
    stubbed: tuple[OpenSearchCalls, Stubber],
) -> None:
    calls, stubber = stubbed
    first = {"DomainName": "dom", "MaxResults": PAGE_SIZE}
    stubber.add_response("list_packages_for_domain", list_page(["F1"], "t1"), first)
    stubber.add_response(
        "list_packages_for_domain", list_page(["F2"], "t2"), {**first, "NextToken": "t1"}
    )
    stubber.add_response(
        "list_packages_for_domain", list_page([], None), {**first, "NextToken": "t2"}
    )
    pages = list(calls.pages("ListPackagesForDomain", DomainName="dom"))
    assert [[e["PackageID"] for e in p["DomainPackageDetailsList"]] for p in pages] == [
        ["F1"],
        ["F2"],
        [],
    ]


def test_a_repeated_token_ends_the_listing(stubbed: tuple[OpenSearchCalls, Stubber]) -> None:
    calls, stubber = stubbed
    first = {"DomainName": "dom", "MaxResults": PAGE_SIZE}
    stubber.add_response("list_packages_for_domain", list_page(["F1"], "t1"), first)
    stubber.add_response(
        "list_packages_for_domain", list_page(["F2"], "t1"), {**first, "NextToken": "t1"}
    )
    assert len(list(calls.pages("ListPackagesForDomain", DomainName="dom"))) == 2


def test_a_token_that_never_ends_is_retryable() -> None:
    class Looping:
        def __init__(self) -> None:
            self.calls = 0

        def list_packages_for_domain(self, **request: Any) -> dict[str, Any]:
            self.calls += 1
            return list_page([], f"t{self.calls}")

    client = Looping()
    with pytest.raises(errors.Retryable, match="more than 50 pages"):
        list(OpenSearchCalls(client).pages("ListPackagesForDomain", DomainName="d"))
    assert client.calls == MAX_PAGES


def expect_describe(stubber: Stubber, by: str, value: str) -> None:
    """DescribePackages filtered on `by` = `value`, answering package F1 AVAILABLE."""
    stubber.add_response(
        "describe_packages",
        {"PackageDetailsList": [{"PackageID": "F1", "PackageStatus": "AVAILABLE"}]},
        {"Filters": [{"Name": by, "Value": [value]}], "MaxResults": PAGE_SIZE},
    )


def test_describe_packages_filters_and_treats_not_found_as_absent(
    stubbed: tuple[OpenSearchCalls, Stubber],
) -> None:
    calls, stubber = stubbed
    expect_describe(stubber, "PackageName", "syn")
    found = calls.describe_packages(["syn"], by="PackageName")
    assert list(found) == ["F1"]
    assert found["F1"].status == "AVAILABLE"
    stubber.add_client_error(
        "describe_packages", service_error_code="ResourceNotFoundException", http_status_code=409
    )
    assert calls.describe_packages(["F9"]) == {}
    stubber.add_client_error(
        "describe_packages",
        service_error_code="ValidationException",
        service_message="Package not found: F9",
        http_status_code=400,
    )
    assert calls.describe_packages(["F9"]) == {}
    stubber.add_client_error(
        "describe_packages", service_error_code="AccessDeniedException", http_status_code=403
    )
    with pytest.raises(errors.Rejected):
        calls.describe_packages(["F9"])


def test_one_unknown_id_failing_the_whole_describe_is_asked_for_one_by_one(
    stubbed: tuple[OpenSearchCalls, Stubber],
) -> None:
    calls, stubber = stubbed
    stubber.add_client_error(
        "describe_packages",
        service_error_code="ValidationException",
        service_message="Package not found: F1, F9",
        http_status_code=400,
        expected_params={
            "Filters": [{"Name": "PackageID", "Value": ["F1", "F9"]}],
            "MaxResults": PAGE_SIZE,
        },
    )
    expect_describe(stubber, "PackageID", "F1")
    stubber.add_client_error(
        "describe_packages",
        service_error_code="ValidationException",
        service_message="Package not found: F9",
        http_status_code=400,
        expected_params={"Filters": [{"Name": "PackageID", "Value": ["F9"]}], "MaxResults": 100},
    )
    found = calls.describe_packages(["F1", "F9"])
    assert list(found) == ["F1"]
    stubber.assert_no_pending_responses()


def test_package_details_carry_what_the_service_reads_from_a_plugin() -> None:
    read = package_from_api(
        {
            "PackageID": "pkg-1",
            "PackageStatus": "AVAILABLE",
            "PackageDescription": "words [opensearch-packages:0123456789ab]",
            "PackageOwner": "123456789012",
            "EngineVersion": "OpenSearch_2.19",
            "AvailablePluginProperties": {"Name": "p", "Version": "1.0", "ClassName": "org.P"},
            "AvailablePackageConfiguration": {
                "LicenseRequirement": "NONE",
                "ConfigurationRequirement": "OPTIONAL",
            },
        }
    )
    assert read.description == "words [opensearch-packages:0123456789ab]"
    assert (read.owner, read.engine_version, read.plugin) == (
        "123456789012",
        "OpenSearch_2.19",
        ("p", "1.0", "org.P"),
    )
    assert read.configuration == (
        '{"ConfigurationRequirement":"OPTIONAL","LicenseRequirement":"NONE"}'
    )
    bare = package_from_api({"PackageID": "F1"})
    assert (bare.plugin, bare.owner, bare.configuration, bare.engine_version) == (
        ("", "", ""),
        "",
        "",
        "",
    )


class Raising:
    """A client whose every call raises `error`."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def describe_domain(self, **request: Any) -> dict[str, Any]:
        raise self.error


def test_client_errors_are_read_with_their_http_status() -> None:
    unavailable = ClientError(
        {
            "Error": {"Code": "Whatever", "Message": "down"},
            "ResponseMetadata": {"HTTPStatusCode": 503},  # type: ignore[typeddict-item]
        },
        "DescribeDomain",
    )
    with pytest.raises(errors.Retryable) as raised:
        OpenSearchCalls(Raising(unavailable)).call("DescribeDomain", DomainName="dom")
    assert (raised.value.operation, raised.value.code, raised.value.message) == (
        "DescribeDomain",
        "Whatever",
        "down",
    )
    refused = ClientError({"Error": {"Code": "Whatever", "Message": "no"}}, "DescribeDomain")
    with pytest.raises(errors.Rejected):
        OpenSearchCalls(Raising(refused)).call("DescribeDomain", DomainName="dom")
    dropped = EndpointConnectionError(endpoint_url="https://es.invalid")
    with pytest.raises(errors.Retryable) as raised:
        OpenSearchCalls(Raising(dropped)).call("DescribeDomain", DomainName="dom")
    assert (raised.value.operation, raised.value.message) == ("DescribeDomain", str(dropped))


def test_a_model_refusal_keeps_botocores_words() -> None:
    invalid = ParamValidationError(report="Invalid length for parameter DomainName")
    with pytest.raises(errors.Rejected) as raised:
        OpenSearchCalls(Raising(invalid)).call("DescribeDomain", DomainName="d")
    assert (raised.value.operation, raised.value.code) == ("DescribeDomain", "ParamValidationError")
    assert "Invalid length for parameter DomainName" in raised.value.message


def test_a_looping_token_names_the_listing() -> None:
    tokens = iter(range(1000))

    class Endless:
        def list_packages_for_domain(self, **request: Any) -> dict[str, Any]:
            return {"DomainPackageDetailsList": [], "NextToken": f"t{next(tokens)}"}

    with pytest.raises(errors.Retryable) as raised:
        list(OpenSearchCalls(Endless()).pages("ListPackagesForDomain", DomainName="dom"))
    assert (raised.value.operation, raised.value.code) == ("ListPackagesForDomain", "TooManyPages")


def test_describe_packages_filters_by_id_unless_told(
    stubbed: tuple[OpenSearchCalls, Stubber],
) -> None:
    calls, stubber = stubbed
    expect_describe(stubber, "PackageID", "F1")
    assert list(calls.describe_packages(["F1"])) == ["F1"]
