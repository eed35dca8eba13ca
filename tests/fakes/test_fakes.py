"""The fakes, exercised through real boto3 clients and crhelper's own sender.

These tests pin the wire behaviour the handler's integration tests rely on: if a fake drifted from
what botocore sends and parses, the handler tests would prove nothing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import ssl
import threading
import time
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import crhelper.utils
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from crhelper import CfnResource
from crhelper.utils import _send_response  # type: ignore[attr-defined] # not in its stubs
from mypy_boto3_lambda import LambdaClient
from mypy_boto3_opensearch import OpenSearchServiceClient
from mypy_boto3_opensearch.type_defs import KeyStoreAccessOptionTypeDef

from tests.fakes.clock import SimClock
from tests.fakes.cloudformation import FakeCloudFormation, ResponseRejected, cfn_stringify
from tests.fakes.lambda_service import FakeLambda, FakeLambdaContext
from tests.fakes.opensearch import FakeOpenSearch

if TYPE_CHECKING:
    from tests.fakes.fixtures import AwsEnv

# Imported by pytest (not above) so the fixtures module loads once, as a plugin.
pytest_plugins = ["tests.fakes.fixtures"]

DOMAIN = "search-domain"
KEY = "AKIAFAKEFAKEFAKEFAKE"
SECRET = "fake-secret"


def _session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
    )


def _config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"mode": "standard", "max_attempts": 3},
        "connect_timeout": 2,
        "read_timeout": 10,
    }
    settings.update(overrides)
    return Config(**settings)


def _opensearch(fake: FakeOpenSearch, **config: Any) -> OpenSearchServiceClient:
    return _session().client("opensearch", endpoint_url=fake.endpoint_url, config=_config(**config))


def _single_attempt(fake: FakeOpenSearch) -> OpenSearchServiceClient:
    """A client that never retries: botocore's standard mode counts LimitExceededException as
    throttling and would retry a quota error with backoff, wasting seconds per call."""
    return _opensearch(fake, retries={"mode": "standard", "total_max_attempts": 1})


def _lambda(fake: FakeLambda) -> LambdaClient:
    return _session().client("lambda", endpoint_url=fake.endpoint_url, config=_config())


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _statuses(client: OpenSearchServiceClient) -> dict[str, str]:
    page = client.list_packages_for_domain(DomainName=DOMAIN)
    return {d["PackageID"]: d["DomainPackageStatus"] for d in page["DomainPackageDetailsList"]}


@pytest.fixture
def clock() -> SimClock:
    return SimClock(1_000.0)


@pytest.fixture
def manual_opensearch(clock: SimClock) -> Iterator[FakeOpenSearch]:
    """A fake whose time moves only when the test says, so lifecycles need no sleeping."""
    with FakeOpenSearch(association_seconds=60, dissociation_seconds=30, clock=clock) as fake:
        fake.add_domain(DOMAIN)
        yield fake


@pytest.fixture
def client(manual_opensearch: FakeOpenSearch) -> OpenSearchServiceClient:
    return _opensearch(manual_opensearch)


# ------------------------------------------------------------------------------------ OpenSearch


def test_describe_domain_parses_and_reports_processing(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_domain("busy-domain", processing_seconds=10)
    status = client.describe_domain(DomainName="busy-domain")["DomainStatus"]
    assert status["DomainName"] == "busy-domain"
    assert status["ARN"] == "arn:aws:es:us-east-1:123456789012:domain/busy-domain"
    assert status["DomainId"] == "123456789012/busy-domain"
    assert status["Created"] is True
    assert status["Deleted"] is False
    assert status["Processing"] is True
    assert status["UpgradeProcessing"] is False
    assert status["EngineVersion"].startswith("OpenSearch_")
    assert status["ClusterConfig"]["InstanceCount"] == 1
    clock.advance(10)
    assert client.describe_domain(DomainName="busy-domain")["DomainStatus"]["Processing"] is False


def test_batch_association_lifecycle_and_shapes(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F111111111", name="synonyms")
    manual_opensearch.add_package("F222222222", name="stopwords")
    response = client.associate_packages(
        DomainName=DOMAIN, PackageList=[{"PackageID": "F111111111"}, {"PackageID": "F222222222"}]
    )
    details = response["DomainPackageDetailsList"]
    assert [d["DomainPackageStatus"] for d in details] == ["ASSOCIATING", "ASSOCIATING"]
    first = details[0]
    assert first["PackageName"] == "synonyms"
    assert first["PackageType"] == "TXT-DICTIONARY"
    assert first["ReferencePath"] == "analyzers/F111111111"
    assert first["PackageVersion"] == "v1"
    assert first["PrerequisitePackageIDList"] == []
    assert isinstance(first["LastUpdated"], datetime)
    # The service sends "ErrorDetails": null; botocore drops null members altogether.
    assert "ErrorDetails" not in first

    clock.advance(59)
    assert set(_statuses(client).values()) == {"ASSOCIATING"}
    clock.advance(1)
    assert _statuses(client) == {"F111111111": "ACTIVE", "F222222222": "ACTIVE"}

    dissociated = client.dissociate_packages(DomainName=DOMAIN, PackageList=["F111111111"])
    assert dissociated["DomainPackageDetailsList"][0]["DomainPackageStatus"] == "DISSOCIATING"
    clock.advance(30)
    assert _statuses(client) == {"F222222222": "ACTIVE"}
    assert manual_opensearch.count("AssociatePackages") == 1
    assert manual_opensearch.calls[0].params["PackageList"][0] == {"PackageID": "F111111111"}


def test_single_package_operations(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F1", package_type="ZIP-PLUGIN")
    details = client.associate_package(PackageID="F1", DomainName=DOMAIN)["DomainPackageDetails"]
    assert details["DomainPackageStatus"] == "ASSOCIATING"
    assert "ReferencePath" not in details  # plugins have no reference path
    # A pending plugin change is a blue/green deployment: the domain shows Processing.
    assert client.describe_domain(DomainName=DOMAIN)["DomainStatus"]["Processing"] is True
    clock.advance(60)
    details = client.dissociate_package(PackageID="F1", DomainName=DOMAIN)["DomainPackageDetails"]
    assert details["DomainPackageStatus"] == "DISSOCIATING"
    clock.advance(30)
    assert manual_opensearch.associations(DOMAIN) == []


def test_real_time_lifecycle(fake_opensearch: FakeOpenSearch) -> None:
    fake_opensearch.add_domain(DOMAIN)
    fake_opensearch.add_package("F1")
    client = _opensearch(fake_opensearch)
    client.associate_package(PackageID="F1", DomainName=DOMAIN)
    assert _statuses(client) == {"F1": "ASSOCIATING"}
    time.sleep(0.25)
    assert _statuses(client) == {"F1": "ACTIVE"}


def test_one_change_per_domain_at_a_time(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F1")
    manual_opensearch.add_package("F2")
    client.associate_package(PackageID="F1", DomainName=DOMAIN)
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID="F2", DomainName=DOMAIN)
    assert _code(error) == "ConflictException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert "in progress on domain search-domain" in str(error.value)
    with pytest.raises(ClientError) as error:
        client.dissociate_packages(DomainName=DOMAIN, PackageList=["F1"])
    assert _code(error) == "ConflictException"
    clock.advance(60)
    manual_opensearch.set_domain_processing(DOMAIN, 5)
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID="F2", DomainName=DOMAIN)
    assert _code(error) == "ConflictException"
    clock.advance(5)
    client.associate_package(PackageID="F2", DomainName=DOMAIN)


def test_already_in_desired_state_and_new_version(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F1")
    manual_opensearch.preassociate(DOMAIN, "F1")
    with pytest.raises(ClientError) as error:
        client.associate_packages(DomainName=DOMAIN, PackageList=[{"PackageID": "F1"}])
    assert _code(error) == "ConflictException"
    assert "Package is already in desired state" in str(error.value)

    manual_opensearch.set_package_version("F1", "v2", available_after=10)
    with pytest.raises(ClientError) as error:  # the new version is still being validated
        client.associate_package(PackageID="F1", DomainName=DOMAIN)
    assert _code(error) == "ValidationException"
    assert "F1" in str(error.value)
    clock.advance(10)
    details = client.associate_package(PackageID="F1", DomainName=DOMAIN)["DomainPackageDetails"]
    assert (details["DomainPackageStatus"], details["PackageVersion"]) == ("ASSOCIATING", "v1")
    clock.advance(60)
    [active] = manual_opensearch.associations(DOMAIN)
    assert (active["DomainPackageStatus"], active["PackageVersion"]) == ("ACTIVE", "v2")


def test_configuration_change_reassociates(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1", package_type="ZIP-PLUGIN")
    manual_opensearch.preassociate(DOMAIN, "F1")
    option: KeyStoreAccessOptionTypeDef = {
        "KeyStoreAccessEnabled": True,
        "KeyAccessRoleArn": "arn:aws:iam::123456789012:role/plugin-keys",
    }
    details = client.associate_packages(
        DomainName=DOMAIN,
        PackageList=[
            {"PackageID": "F1", "AssociationConfiguration": {"KeyStoreAccessOption": option}}
        ],
    )["DomainPackageDetailsList"][0]
    assert details["DomainPackageStatus"] == "ASSOCIATING"
    assert details["AssociationConfiguration"] == {"KeyStoreAccessOption": option}


def test_not_found_and_validation_errors(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1")
    cases: list[tuple[Any, str, str]] = [
        (lambda: client.describe_domain(DomainName="nope-domain"), "ResourceNotFoundException", ""),
        (
            lambda: client.associate_package(PackageID="F9", DomainName=DOMAIN),
            "ResourceNotFoundException",
            "F9",
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
        assert _code(error) == code
        assert fragment in str(error.value)
    # The model puts ResourceNotFoundException at 409, and the fake follows the model.
    with pytest.raises(client.exceptions.ResourceNotFoundException) as not_found:
        client.describe_domain(DomainName="nope-domain")
    assert not_found.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    manual_opensearch.delete_domain(DOMAIN)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_packages_for_domain(DomainName=DOMAIN)


def test_limit_of_twenty_packages(manual_opensearch: FakeOpenSearch) -> None:
    for n in range(1, 22):
        manual_opensearch.add_package(f"F{n}")
    for n in range(1, 21):
        manual_opensearch.preassociate(DOMAIN, f"F{n}")
    client = _single_attempt(manual_opensearch)
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID="F21", DomainName=DOMAIN)
    assert _code(error) == "LimitExceededException"
    assert manual_opensearch.count("AssociatePackage") == 1


def test_prerequisites_and_plugin_dissociation_cascade(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F10", package_type="ZIP-PLUGIN")
    manual_opensearch.add_package("F11", package_type="PACKAGE-LICENSE")
    manual_opensearch.add_package("F12", package_type="PACKAGE-CONFIG")
    with pytest.raises(ClientError) as error:
        client.associate_packages(
            DomainName=DOMAIN,
            PackageList=[{"PackageID": "F11", "PrerequisitePackageIDList": ["F10"]}],
        )
    assert _code(error) == "ValidationException"
    assert "F10" in str(error.value)
    client.associate_packages(
        DomainName=DOMAIN,
        PackageList=[
            {"PackageID": "F10"},
            {"PackageID": "F11", "PrerequisitePackageIDList": ["F10"]},
            {"PackageID": "F12", "PrerequisitePackageIDList": ["F10"]},
        ],
    )
    clock.advance(60)
    assert set(_statuses(client).values()) == {"ACTIVE"}
    client.dissociate_packages(DomainName=DOMAIN, PackageList=["F10"])
    assert set(_statuses(client).values()) == {"DISSOCIATING"}
    clock.advance(30)
    assert _statuses(client) == {}


def test_scripted_failures_show_in_error_details(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F1", package_type="ZIP-PLUGIN")
    manual_opensearch.fail_association("F1", "PluginValidationFailure", "bad plugin", times=1)
    client.associate_package(PackageID="F1", DomainName=DOMAIN)
    clock.advance(60)
    [failed] = client.list_packages_for_domain(DomainName=DOMAIN)["DomainPackageDetailsList"]
    assert failed["DomainPackageStatus"] == "ASSOCIATION_FAILED"
    assert failed["ErrorDetails"] == {
        "ErrorType": "PluginValidationFailure",
        "ErrorMessage": "bad plugin",
    }
    client.associate_package(PackageID="F1", DomainName=DOMAIN)  # failure was scripted once
    clock.advance(60)
    assert _statuses(client) == {"F1": "ACTIVE"}
    manual_opensearch.fail_dissociation("F1", "Stuck", "cannot remove")
    client.dissociate_package(PackageID="F1", DomainName=DOMAIN)
    clock.advance(30)
    [stuck] = manual_opensearch.associations(DOMAIN)
    assert stuck["DomainPackageStatus"] == "DISSOCIATION_FAILED"
    assert stuck["ErrorDetails"] == {"ErrorType": "Stuck", "ErrorMessage": "cannot remove"}


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


# ------------------------------------------------------------------------ OpenSearch: packages

BUCKET = "cdk-assets-bucket"


def _create(
    client: OpenSearchServiceClient, name: str, key: str, package_type: str = "TXT-DICTIONARY"
) -> dict[str, Any]:
    details = client.create_package(
        PackageName=name,
        PackageType=package_type,  # type: ignore[arg-type]
        PackageSource={"S3BucketName": BUCKET, "S3Key": key},
    )["PackageDetails"]
    return dict(details)


def _describe(client: OpenSearchServiceClient, package_id: str) -> dict[str, Any]:
    [details] = client.describe_packages(Filters=[{"Name": "PackageID", "Value": [package_id]}])[
        "PackageDetailsList"
    ]
    return dict(details)


@pytest.fixture
def packages_fake(manual_opensearch: FakeOpenSearch) -> FakeOpenSearch:
    """The manual-clock fake, packages taking 10 s to copy and validate (or to delete)."""
    manual_opensearch.package_processing_seconds = 10
    manual_opensearch.put_object(BUCKET, "synonyms-v1.txt", b"laptop, notebook\n")
    manual_opensearch.put_object(BUCKET, "synonyms-v2.txt", b"laptop, notebook, ultrabook\n")
    return manual_opensearch


def test_create_package_copies_validates_and_becomes_available(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    created = _create(client, "synonyms", "synonyms-v1.txt")
    package_id = created["PackageID"]
    assert re.match(r"^F[0-9]+$", package_id)
    assert (created["PackageStatus"], created["PackageName"]) == ("COPYING", "synonyms")
    assert "AvailablePackageVersion" not in created  # no version has passed validation yet
    assert "ErrorDetails" not in created
    clock.advance(5)
    assert _describe(client, package_id)["PackageStatus"] == "VALIDATING"
    clock.advance(5)
    available = _describe(client, package_id)
    assert (available["PackageStatus"], available["AvailablePackageVersion"]) == (
        "AVAILABLE",
        "v1",
    )
    history = client.get_package_version_history(PackageID=package_id)
    assert [v["PackageVersion"] for v in history["PackageVersionHistoryList"]] == ["v1"]
    assert isinstance(history["PackageVersionHistoryList"][0]["CreatedAt"], datetime)
    plugin = client.create_package(
        PackageName="my-plugin",
        PackageType="ZIP-PLUGIN",
        PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"},
        EngineVersion="OpenSearch_2.19",
        PackageDescription="a plugin",
    )["PackageDetails"]
    assert re.match(r"^pkg-[a-f0-9]+$", plugin["PackageID"])
    assert (plugin["EngineVersion"], plugin["PackageDescription"]) == (
        "OpenSearch_2.19",
        "a plugin",
    )


def test_create_package_errors(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    with pytest.raises(ClientError) as error:
        _create(client, "synonyms", "missing.txt")
    assert _code(error) == "ValidationException"
    assert f"s3://{BUCKET}/missing.txt" in str(error.value)
    _create(client, "synonyms", "synonyms-v1.txt")
    with pytest.raises(ClientError) as error:
        _create(client, "synonyms", "synonyms-v2.txt")
    assert _code(error) == "ResourceAlreadyExistsException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(ClientError) as error:
        _create(client, "no-engine", "synonyms-v1.txt", package_type="ZIP-PLUGIN")
    assert _code(error) == "ValidationException"
    assert "EngineVersion is required" in str(error.value)
    with pytest.raises(ClientError) as error:
        client.create_package(
            PackageName="dictionary",
            PackageType="TXT-DICTIONARY",
            PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"},
            EngineVersion="OpenSearch_2.19",
        )
    assert "only be specified for ZIP-PLUGIN" in str(error.value)
    for bad_name in ("Synonyms", "x" * 29, "1abc"):
        with pytest.raises(ClientError) as error:
            _create(client, bad_name, "synonyms-v1.txt")
        assert _code(error) == "ValidationException"
    packages_fake.max_custom_packages = 1
    with pytest.raises(ClientError) as error:
        _create(_single_attempt(packages_fake), "one-too-many", "synonyms-v1.txt")
    assert _code(error) == "LimitExceededException"


def test_update_package_gives_a_new_version_that_domains_take_when_reassociated(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    package_id = _create(client, "synonyms", "synonyms-v1.txt")["PackageID"]
    clock.advance(10)
    client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    clock.advance(60)
    assert packages_fake.association_status(DOMAIN, package_id) == "ACTIVE"

    updated = client.update_package(
        PackageID=package_id,
        PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v2.txt"},
        CommitMessage="add ultrabook",
    )["PackageDetails"]
    # the update is being copied; the available version is still the old one
    assert (updated["PackageStatus"], updated["AvailablePackageVersion"]) == ("COPYING", "v1")
    with pytest.raises(ClientError) as error:  # not while it is being copied and validated
        client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    assert _code(error) == "ValidationException"
    with pytest.raises(ClientError) as error:  # nor a second update
        client.update_package(
            PackageID=package_id,
            PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"},
        )
    assert _code(error) == "ValidationException"
    assert "cannot be updated while it is COPYING" in str(error.value)
    clock.advance(10)
    assert _describe(client, package_id)["AvailablePackageVersion"] == "v2"
    [association] = packages_fake.associations(DOMAIN)
    assert association["PackageVersion"] == "v1"  # domains keep theirs until re-associated
    client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    clock.advance(60)
    [association] = packages_fake.associations(DOMAIN)
    assert (association["DomainPackageStatus"], association["PackageVersion"]) == ("ACTIVE", "v2")
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    assert "already in desired state" in str(error.value)
    history = client.get_package_version_history(PackageID=package_id)["PackageVersionHistoryList"]
    assert [(v["PackageVersion"], v["CommitMessage"]) for v in history] == [
        ("v2", "add ultrabook"),
        ("v1", ""),
    ]


def test_failed_validation_on_create_and_on_update(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    packages_fake.put_object(BUCKET, "broken.txt", b"=> => =>\n")
    packages_fake.fail_validation(
        BUCKET, "broken.txt", error_type="InvalidSynonymFile", message="Line 1: no terms"
    )
    broken_id = _create(client, "broken", "broken.txt")["PackageID"]
    clock.advance(10)
    broken = _describe(client, broken_id)
    assert broken["PackageStatus"] == "VALIDATION_FAILED"
    assert broken["ErrorDetails"] == {
        "ErrorType": "InvalidSynonymFile",
        "ErrorMessage": "Line 1: no terms",
    }
    assert "AvailablePackageVersion" not in broken
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID=broken_id, DomainName=DOMAIN)
    assert "VALIDATION_FAILED" in str(error.value)

    good_id = _create(client, "synonyms", "synonyms-v1.txt")["PackageID"]
    clock.advance(10)
    client.update_package(
        PackageID=good_id, PackageSource={"S3BucketName": BUCKET, "S3Key": "broken.txt"}
    )
    clock.advance(10)
    failed = _describe(client, good_id)
    assert (failed["PackageStatus"], failed["AvailablePackageVersion"]) == (
        "VALIDATION_FAILED",
        "v1",  # the last good version stays available
    )
    assert failed["ErrorDetails"]["ErrorType"] == "InvalidSynonymFile"
    # fixing the file is an update like any other, and takes the next version number
    client.update_package(
        PackageID=good_id, PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v2.txt"}
    )
    clock.advance(10)
    fixed = _describe(client, good_id)
    assert (fixed["PackageStatus"], fixed["AvailablePackageVersion"]) == ("AVAILABLE", "v2")
    assert "ErrorDetails" not in fixed

    packages_fake.put_object(BUCKET, "unreadable.txt", b"x")
    packages_fake.fail_validation(
        BUCKET, "unreadable.txt", "AccessDenied", "Access Denied", status="COPY_FAILED"
    )
    copy_failed = _create(client, "unreadable", "unreadable.txt")["PackageID"]
    clock.advance(10)
    assert _describe(client, copy_failed)["PackageStatus"] == "COPY_FAILED"
    with pytest.raises(ValueError, match="status must be one of"):
        packages_fake.fail_validation(BUCKET, "x", status="DELETE_FAILED")  # type: ignore[arg-type]


def test_update_errors(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    with pytest.raises(ClientError) as error:
        client.update_package(
            PackageID="F404", PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"}
        )
    assert _code(error) == "ResourceNotFoundException"
    packages_fake.add_package("F1")
    with pytest.raises(ClientError) as error:
        client.update_package(
            PackageID="F1", PackageSource={"S3BucketName": BUCKET, "S3Key": "missing.txt"}
        )
    assert _code(error) == "ValidationException"
    assert f"s3://{BUCKET}/missing.txt" in str(error.value)
    # a seeded package counts its versions on from the seeded one
    packages_fake.add_package("F2", version="v7")
    client.update_package(
        PackageID="F2", PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"}
    )
    clock.advance(10)
    seen_by_test = packages_fake.package("F2")
    assert seen_by_test is not None
    assert seen_by_test["AvailablePackageVersion"] == "v8"
    assert _describe(client, "F2")["AvailablePackageVersion"] == "v8"


def test_delete_package_refused_while_in_use_then_deleting_then_gone(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    package_id = _create(client, "synonyms", "synonyms-v1.txt")["PackageID"]
    clock.advance(10)
    packages_fake.add_domain("other-domain")
    client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    client.associate_package(PackageID=package_id, DomainName="other-domain")
    clock.advance(60)
    with pytest.raises(ClientError) as error:
        client.delete_package(PackageID=package_id)
    assert _code(error) == "ConflictException"
    assert f"in use by domain(s) other-domain, {DOMAIN}" in str(error.value)

    client.dissociate_package(PackageID=package_id, DomainName=DOMAIN)
    listed = client.list_domains_for_package(PackageID=package_id)["DomainPackageDetailsList"]
    assert {d["DomainName"]: d["DomainPackageStatus"] for d in listed} == {
        DOMAIN: "DISSOCIATING",
        "other-domain": "ACTIVE",
    }
    client.dissociate_package(PackageID=package_id, DomainName="other-domain")
    with pytest.raises(ClientError) as error:  # still dissociating: still in use
        client.delete_package(PackageID=package_id)
    assert _code(error) == "ConflictException"
    clock.advance(30)
    assert client.list_domains_for_package(PackageID=package_id)["DomainPackageDetailsList"] == []

    deleting = client.delete_package(PackageID=package_id)["PackageDetails"]
    assert deleting["PackageStatus"] == "DELETING"
    assert _describe(client, package_id)["PackageStatus"] == "DELETING"
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    assert _code(error) == "ValidationException"
    clock.advance(10)
    assert packages_fake.package(package_id) is None
    # gone: every package operation answers ResourceNotFoundException, DescribePackages included
    for call in (
        lambda: client.describe_packages(Filters=[{"Name": "PackageID", "Value": [package_id]}]),
        lambda: client.delete_package(PackageID=package_id),
        lambda: client.list_domains_for_package(PackageID=package_id),
        lambda: client.get_package_version_history(PackageID=package_id),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert _code(error) == "ResourceNotFoundException"
    by_name = client.describe_packages(Filters=[{"Name": "PackageName", "Value": ["synonyms"]}])
    assert by_name["PackageDetailsList"] == []  # only PackageID filters are look-ups
    # the name is free again
    _create(client, "synonyms", "synonyms-v2.txt")

    packages_fake.add_package("G123", package_type="ZIP-PLUGIN")
    with pytest.raises(ClientError) as error:
        client.delete_package(PackageID="G123")
    assert "This package cannot be deleted" in str(error.value)


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
    assert _code(error) == "ValidationException"


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
    assert _code(error) == "ConflictException"
    assert fake_opensearch.count("DescribeDomain") == 2
    assert client.describe_domain(DomainName=DOMAIN)["DomainStatus"]["DomainName"] == DOMAIN
    assert fake_opensearch.pending_faults("DescribeDomain") == 0


def test_batch_operations_can_be_disabled(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1")
    manual_opensearch.batch_operations_enabled = False
    with pytest.raises(client.exceptions.DisabledOperationException):
        client.associate_packages(DomainName=DOMAIN, PackageList=[{"PackageID": "F1"}])
    client.associate_package(PackageID="F1", DomainName=DOMAIN)


def test_requests_must_be_sigv4_signed_for_es(fake_opensearch: FakeOpenSearch) -> None:
    fake_opensearch.add_domain(DOMAIN)
    unsigned = _opensearch(fake_opensearch, signature_version=UNSIGNED)
    with pytest.raises(ClientError) as error:
        unsigned.describe_domain(DomainName=DOMAIN)
    assert _code(error) == "MissingAuthenticationTokenException"
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
    client = _opensearch(fake_opensearch)
    threads = [
        threading.Thread(target=client.describe_domain, kwargs={"DomainName": DOMAIN})
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake_opensearch.count("DescribeDomain") == 8


# ---------------------------------------------------------------------------------------- Lambda


def test_lambda_event_invoke_runs_the_handler(fake_lambda: FakeLambda) -> None:
    seen: list[tuple[Any, FakeLambdaContext]] = []

    def handler(event: Any, context: FakeLambdaContext) -> None:
        seen.append((event, context))

    fake_lambda.register("worker", handler, timeout_seconds=60)
    client = _lambda(fake_lambda)
    names = [
        "worker",
        "arn:aws:lambda:us-east-1:123456789012:function:worker",
        "123456789012:function:worker",
        "worker:$LATEST",
    ]
    for number, name in enumerate(names):
        response = client.invoke(
            FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": number})
        )
        assert response["StatusCode"] == 202
    fake_lambda.wait_idle(5)
    assert sorted(event["n"] for event, _ in seen) == [0, 1, 2, 3]
    context = seen[0][1]
    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:worker"
    assert 0 < context.get_remaining_time_in_millis() <= 60_000
    assert context.log_group_name == "/aws/lambda/worker"
    records = fake_lambda.invocations("worker")
    assert [r.requested_name for r in records] == names
    assert all(r.invocation_type == "Event" and r.done.is_set() for r in records)


def test_lambda_request_response_errors_and_limits(fake_lambda: FakeLambda) -> None:
    def handler(event: Any, context: FakeLambdaContext) -> Any:
        if event.get("boom"):
            raise RuntimeError("kaboom")
        return {"echo": event}

    fake_lambda.register("worker", handler)
    client = _lambda(fake_lambda)
    response = client.invoke(FunctionName="worker", Payload=b'{"a": 1}')
    assert response["StatusCode"] == 200
    assert json.loads(response["Payload"].read()) == {"echo": {"a": 1}}
    failed = client.invoke(FunctionName="worker", Payload=b'{"boom": true}')
    assert failed["FunctionError"] == "Unhandled"
    assert json.loads(failed["Payload"].read())["errorMessage"] == "kaboom"

    with pytest.raises(client.exceptions.ResourceNotFoundException) as missing:
        client.invoke(FunctionName="other", InvocationType="Event", Payload=b"{}")
    assert "function:other" in str(missing.value)
    big = json.dumps({"blob": "x" * 262_144}).encode()
    with pytest.raises(ClientError) as too_large:
        client.invoke(FunctionName="worker", InvocationType="Event", Payload=big)
    assert _code(too_large) == "RequestEntityTooLargeException"
    assert too_large.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    fake_lambda.inject("throttle")
    assert client.invoke(FunctionName="worker", InvocationType="DryRun")["StatusCode"] == 204


def test_lambda_context_runs_out_but_is_not_killed(fake_lambda: FakeLambda) -> None:
    remaining: list[int] = []

    def slow(event: Any, context: FakeLambdaContext) -> None:
        time.sleep(0.15)
        remaining.append(context.get_remaining_time_in_millis())

    fake_lambda.register("slow", slow, timeout_seconds=0.05)
    _lambda(fake_lambda).invoke(FunctionName="slow", InvocationType="Event", Payload=b"{}")
    fake_lambda.wait_idle(5)
    assert remaining == [0]
    assert fake_lambda.invocations("slow")[0].timed_out

    clock = SimClock(1_000.0)
    context = FakeLambdaContext("direct", timeout_seconds=30, clock=clock)
    assert context.get_remaining_time_in_millis() == 30_000
    clock.advance(29.5)
    assert context.get_remaining_time_in_millis() == 500


# -------------------------------------------------------------------------------- CloudFormation


@pytest.fixture
def quick_crhelper_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """crhelper sleeps 2 s between send attempts; patch only its own module's view of time."""
    monkeypatch.setattr(crhelper.utils, "time", types.SimpleNamespace(sleep=lambda _: None))


def _body(event: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {
        "Status": "SUCCESS",
        "PhysicalResourceId": "search-domain/packages",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Reason": "",
        "Data": {"Count": "1"},
        "NoEcho": False,
    }
    body.update(overrides)
    return body


def test_make_event_stringifies_like_cloudformation(
    fake_cloudformation: FakeCloudFormation,
) -> None:
    properties = {"Domain": DOMAIN, "Wait": True, "Timeout": 5, "Nested": {"L": [1, False, 2.5]}}
    event = fake_cloudformation.make_event(
        "Update",
        properties=properties,
        old_properties={"Wait": False},
        physical_id="pid",
        service_timeout=600,
    )
    assert event["ResourceProperties"] == {
        "ServiceToken": event["ServiceToken"],
        "ServiceTimeout": "600",
        "Domain": DOMAIN,
        "Wait": "true",
        "Timeout": "5",
        "Nested": {"L": ["1", "false", "2.5"]},
    }
    assert event["OldResourceProperties"]["Wait"] == "false"
    assert event["PhysicalResourceId"] == "pid"
    assert event["StackId"].startswith("arn:aws:cloudformation:us-east-1:123456789012:stack/stack/")
    assert event["ResponseURL"].startswith(f"https://localhost:{fake_cloudformation.port}/")
    create = fake_cloudformation.make_event("Create", properties={})
    assert "PhysicalResourceId" not in create
    assert "OldResourceProperties" not in create
    assert create["StackId"] == event["StackId"]  # same stack, same ID
    assert cfn_stringify({"x": None, "y": [True]}) == {"y": ["true"]}
    with pytest.raises(ValueError, match="PhysicalResourceId"):
        fake_cloudformation.make_event("Delete", properties={})


def test_crhelper_sender_reaches_the_tls_listener(
    fake_cloudformation: FakeCloudFormation,
    monkeypatch: pytest.MonkeyPatch,
    quick_crhelper_retries: None,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", fake_cloudformation.ca_pem_path)
    event = fake_cloudformation.make_event("Create", properties={"Domain": DOMAIN})
    fake_cloudformation.fail_next_puts(1, "drop")  # crhelper retries a dropped connection
    _send_response(event["ResponseURL"], _body(event))
    response = fake_cloudformation.wait_for_response(event["RequestId"], timeout=5)
    assert response["Data"] == {"Count": "1"}
    puts = fake_cloudformation.puts(event["RequestId"])
    assert [(p.injected_fault, p.status_code) for p in puts] == [("drop", 0), (None, 200)]
    assert fake_cloudformation.responses(event["RequestId"]) == [response]

    # Without the CA, the default context must refuse the certificate.
    monkeypatch.delenv("SSL_CERT_FILE")
    context = ssl.create_default_context()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(event["ResponseURL"], context=context, timeout=5)


def test_invalid_responses_are_rejected(
    fake_cloudformation: FakeCloudFormation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", fake_cloudformation.ca_pem_path)
    event = fake_cloudformation.make_event("Create", properties={})
    oversize = _body(event, Status="FAILED", Reason="x" * 5000)
    _send_response(event["ResponseURL"], oversize)
    with pytest.raises(ResponseRejected, match="too long"):
        fake_cloudformation.wait_for_response(event["RequestId"], timeout=5)
    [rejected] = fake_cloudformation.rejected(event["RequestId"])
    assert rejected.status_code == 400

    other = fake_cloudformation.make_event("Create", properties={})
    bad = _body(other, LogicalResourceId="Other", PhysicalResourceId="", Data={"n": 1})
    _send_response(other["ResponseURL"], bad)
    with pytest.raises(ResponseRejected) as rejection:
        fake_cloudformation.wait_for_response(other["RequestId"], timeout=5)
    assert len(rejection.value.put.errors) == 3
    with pytest.raises(TimeoutError):
        fake_cloudformation.wait_for_response("never-sent", timeout=0.05)


def test_whole_chain_crhelper_in_fake_lambda(
    aws_env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crhelper function invoked through the Lambda fake answers the CloudFormation fake."""
    monkeypatch.setattr(logging.root, "level", logging.root.level)  # crhelper resets it
    helper = CfnResource(log_level="ERROR", sleep_on_delete=0)

    @helper.create
    def create(event: dict[str, Any], context: FakeLambdaContext) -> str:
        helper.Data["Wait"] = event["ResourceProperties"]["Wait"]
        return "physical-1"

    aws_env.lambda_.register("cr", helper, timeout_seconds=30)
    event = aws_env.cloudformation.make_event("Create", properties={"Wait": True})
    client: LambdaClient = boto3.client("lambda")
    client.invoke(FunctionName="cr", InvocationType="Event", Payload=json.dumps(event))
    response = aws_env.cloudformation.wait_for_response(event["RequestId"], timeout=5)
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", "physical-1")
    assert response["Data"] == {"Wait": "true"}
    aws_env.lambda_.wait_idle(5)


def test_stop_leaves_no_threads_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    before = set(threading.enumerate())
    with FakeOpenSearch() as opensearch, FakeLambda() as lambda_, FakeCloudFormation() as cfn:
        opensearch.add_domain(DOMAIN)
        _opensearch(opensearch).describe_domain(DomainName=DOMAIN)
        lambda_.register("f", lambda event, context: time.sleep(0.05))
        _lambda(lambda_).invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
        monkeypatch.setenv("SSL_CERT_FILE", cfn.ca_pem_path)
        event = cfn.make_event("Create", properties={})
        _send_response(event["ResponseURL"], _body(event))
        ca_path = cfn.ca_pem_path
    assert lambda_.invocations("f")[0].done.is_set()  # stop() waited for the Event handler
    assert set(threading.enumerate()) <= before
    assert not os.path.exists(ca_path)
