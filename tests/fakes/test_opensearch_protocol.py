"""FakeOpenSearch's wire protocol, through real boto3 clients: error codes and HTTP statuses,
validation, signing, paging tokens and short pages, injected faults, latency.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError
from mypy_boto3_opensearch import OpenSearchServiceClient

from testsupport.fakes.clock import SimClock
from testsupport.fakes.opensearch import FakeOpenSearch, paging
from testsupport.fakes.opensearch.model import ApiError
from testsupport.fakes.support import (
    DOMAIN,
    KEY,
    SECRET,
    error_code,
    opensearch_client,
)

if TYPE_CHECKING:
    from testsupport.fakes.fixtures import AwsEnv


def test_not_found_and_validation_errors(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1")
    cases: list[tuple[Any, str, str]] = [
        (lambda: client.describe_domain(DomainName="nope-domain"), "ResourceNotFoundException", ""),
        (
            lambda: client.associate_package(PackageID="F9", DomainName=DOMAIN),
            "ValidationException",
            "Package not found: F9",
        ),
        (
            lambda: client.dissociate_package(PackageID="F1", DomainName=DOMAIN),
            "ResourceNotFoundException",
            "Package is not associated to this domain",
        ),
        (
            lambda: client.associate_package(PackageID="X1", DomainName=DOMAIN),
            "ValidationException",
            "X1",
        ),
        (
            lambda: client.list_packages_for_domain(DomainName="Bad_Name"),
            "ValidationException",
            "",
        ),
        (
            lambda: client.list_packages_for_domain(DomainName=DOMAIN, MaxResults=101),
            "ValidationException",
            "",
        ),
        (
            lambda: client.list_packages_for_domain(DomainName=DOMAIN, NextToken="garbage"),
            "ValidationException",
            "NextToken",
        ),
    ]
    for call, code, fragment in cases:
        with pytest.raises(ClientError) as error:
            call()
        assert error_code(error) == code
        assert fragment in str(error.value)
    # The model puts ResourceNotFoundException at 409, and the fake follows the model.
    with pytest.raises(client.exceptions.ResourceNotFoundException) as not_found:
        client.describe_domain(DomainName="nope-domain")
    assert not_found.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    manual_opensearch.delete_domain(DOMAIN)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_packages_for_domain(DomainName=DOMAIN)


def test_short_pages_and_describe_packages(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    for n in range(1, 6):
        manual_opensearch.add_package(f"F{n}")
        manual_opensearch.preassociate(DOMAIN, f"F{n}")
    manual_opensearch.page_size = 2
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"DomainName": DOMAIN, "MaxResults": 100}
    while True:
        page = client.list_packages_for_domain(**kwargs)
        pages += 1
        assert len(page["DomainPackageDetailsList"]) <= 2
        seen += [d["PackageID"] for d in page["DomainPackageDetailsList"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert (seen, pages) == (["F1", "F2", "F3", "F4", "F5"], 3)

    manual_opensearch.add_package("F6", status="AVAILABLE", available_after=10)
    described = client.describe_packages(Filters=[{"Name": "PackageID", "Value": ["F6", "F1"]}])[
        "PackageDetailsList"
    ]
    assert {d["PackageID"]: d["PackageStatus"] for d in described} == {
        "F1": "AVAILABLE",
        "F6": "COPYING",
    }
    clock.advance(5)
    [validating] = client.describe_packages(
        Filters=[{"Name": "PackageStatus", "Value": ["VALIDATING"]}]
    )["PackageDetailsList"]
    assert validating["PackageID"] == "F6"
    assert validating["AvailablePackageVersion"] == "v1"
    assert isinstance(validating["CreatedAt"], datetime)
    first = client.describe_packages(MaxResults=4)
    second = client.describe_packages(MaxResults=4, NextToken=first["NextToken"])
    assert len(first["PackageDetailsList"]) + len(second["PackageDetailsList"]) == 6
    assert "NextToken" not in second


def test_package_listings_are_paged(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    packages_fake.add_package("F1")
    for n in range(3):
        packages_fake.add_domain(f"domain-{n}")
        packages_fake.preassociate(f"domain-{n}", "F1")
    seen: list[str] = []
    kwargs: dict[str, Any] = {"PackageID": "F1", "MaxResults": 2}
    while True:
        page = client.list_domains_for_package(**kwargs)
        seen += [d["DomainName"] for d in page["DomainPackageDetailsList"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == ["domain-0", "domain-1", "domain-2"]
    for version in ("v2", "v3"):
        packages_fake.set_package_version("F1", version)
    first = client.get_package_version_history(PackageID="F1", MaxResults=2)
    assert [v["PackageVersion"] for v in first["PackageVersionHistoryList"]] == ["v3", "v2"]
    rest = client.get_package_version_history(PackageID="F1", NextToken=first["NextToken"])
    assert [v["PackageVersion"] for v in rest["PackageVersionHistoryList"]] == ["v1"]
    with pytest.raises(ClientError) as error:  # tokens belong to their listing
        client.list_domains_for_package(PackageID="F1", NextToken=first["NextToken"])
    assert error_code(error) == "ValidationException"


def test_injected_faults_are_counted_and_retried_by_botocore(
    aws_env: AwsEnv, fake_opensearch: FakeOpenSearch
) -> None:
    fake_opensearch.add_domain(DOMAIN)
    # A plain client, configured only by the environment: default retry mode, env endpoint.
    client: OpenSearchServiceClient = boto3.client("opensearch")
    fake_opensearch.inject("ListPackagesForDomain", "throttle")
    fake_opensearch.inject("ListPackagesForDomain", "drop")
    fake_opensearch.inject("DescribeDomain", "internal")
    fake_opensearch.inject("DescribeDomain", "conflict")
    assert client.list_packages_for_domain(DomainName=DOMAIN)["DomainPackageDetailsList"] == []
    assert fake_opensearch.count("ListPackagesForDomain") == 3
    assert [o for _, o in fake_opensearch.outcomes] == ["429 ThrottlingException", "drop", "200"]
    with pytest.raises(ClientError) as error:  # 500 is retried; 409 Conflict is not
        client.describe_domain(DomainName=DOMAIN)
    assert error_code(error) == "ConflictException"
    assert fake_opensearch.count("DescribeDomain") == 2
    assert client.describe_domain(DomainName=DOMAIN)["DomainStatus"]["DomainName"] == DOMAIN
    assert fake_opensearch.pending_faults("DescribeDomain") == 0


def test_requests_must_be_sigv4_signed_for_es(fake_opensearch: FakeOpenSearch) -> None:
    fake_opensearch.add_domain(DOMAIN)
    unsigned = opensearch_client(fake_opensearch, signature_version=UNSIGNED)
    with pytest.raises(ClientError) as error:
        unsigned.describe_domain(DomainName=DOMAIN)
    assert error_code(error) == "MissingAuthenticationTokenException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    def signed_get(path: str, service: str) -> tuple[int, dict[str, Any], str]:
        request = botocore.awsrequest.AWSRequest(
            method="GET", url=f"{fake_opensearch.endpoint_url}{path}"
        )
        credentials = botocore.credentials.Credentials(KEY, SECRET)
        botocore.auth.SigV4Auth(credentials, service, "us-east-1").add_auth(request)
        raw = urllib.request.Request(request.url or "", headers=dict(request.headers.items()))
        try:
            with urllib.request.urlopen(raw, timeout=5) as response:
                return response.status, json.loads(response.read()), ""
        except urllib.error.HTTPError as http_error:
            return (
                http_error.code,
                json.loads(http_error.read()),
                http_error.headers["x-amzn-ErrorType"],
            )

    status, body, code = signed_get(f"/2021-01-01/opensearch/domain/{DOMAIN}", "s3")
    assert (status, code.split(":")[0]) == (403, "InvalidSignatureException")
    status, body, _ = signed_get(f"/2021-01-01/opensearch/domain/{DOMAIN}", "es")
    assert status == 200
    assert body["DomainStatus"]["DomainName"] == DOMAIN
    status, body, code = signed_get("/2021-01-01/no/such/operation", "es")
    assert (status, code.split(":")[0]) == (404, "UnknownOperationException")
    assert "message" in body


def test_latency_is_seeded_and_calls_are_thread_safe(fake_opensearch: FakeOpenSearch) -> None:
    fake_opensearch.add_domain(DOMAIN)
    fake_opensearch.set_latency((0.0, 0.02), seed=7)
    client = opensearch_client(fake_opensearch)
    threads = [
        threading.Thread(target=client.describe_domain, kwargs={"DomainName": DOMAIN})
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake_opensearch.count("DescribeDomain") == 8


# ---------------------------------------------------------------- paging, without HTTP in between


def test_paging_tokens_round_trip_and_belong_to_their_listing() -> None:
    entries = [{"n": n} for n in range(5)]
    first = paging.page(entries, "Items", {"MaxResults": 2}, "list:a")
    assert first["Items"] == [{"n": 0}, {"n": 1}]
    assert paging.decode_token(first["NextToken"], "list:a") == 2
    second = paging.page(entries, "Items", {"NextToken": first["NextToken"]}, "list:a", page_size=2)
    assert second["Items"] == [{"n": 2}, {"n": 3}]  # page_size caps the page under MaxResults 100
    last = paging.page(entries, "Items", {"NextToken": second["NextToken"]}, "list:a")
    assert (last["Items"], "NextToken" in last) == ([{"n": 4}], False)
    assert paging.page([], "Items", {}, "list:a") == {"Items": []}
    assert paging.decode_token(None, "list:a") == 0
    bad_tokens = [
        first["NextToken"],  # another listing's token
        "garbage",
        paging.encode_token(-1, "list:b"),
        base64.urlsafe_b64encode(b'{"o": "2", "s": "list:b"}').decode(),
        base64.urlsafe_b64encode(b"[]").decode(),
    ]
    for token in bad_tokens:
        with pytest.raises(ApiError) as error:
            paging.decode_token(token, "list:b")
        assert (error.value.code, error.value.message) == (
            "ValidationException",
            "Invalid NextToken",
        )


def test_paging_max_results_is_one_to_one_hundred() -> None:
    assert paging.max_results({}) == paging.MAX_PAGE == 100
    assert paging.max_results({"MaxResults": 1}) == 1
    assert paging.max_results({"MaxResults": 100}) == 100
    for bad in (0, 101, -5, "10", 2.5, None):
        with pytest.raises(ApiError, match=r"MaxResults must be 1\.\.100"):
            paging.max_results({"MaxResults": bad})
