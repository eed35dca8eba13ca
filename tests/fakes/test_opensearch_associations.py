"""FakeOpenSearch's domains and associations, through a real boto3 client.

DescribeDomain and Processing, AssociatePackage(s) / DissociatePackage(s), their lifecycles and the
rules the service enforces (one change at a time, desired state, limits, prerequisites, scripted
failures). The handler's wire tests rely on these behaviours: if the fake drifted from what
botocore sends and parses, they would prove nothing.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_opensearch import OpenSearchServiceClient
from mypy_boto3_opensearch.type_defs import KeyStoreAccessOptionTypeDef

from testsupport.fakes.clock import SimClock
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.support import (
    DOMAIN,
    error_code,
    opensearch_client,
    single_attempt_client,
    statuses,
)


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
    assert set(statuses(client).values()) == {"ASSOCIATING"}
    clock.advance(1)
    assert statuses(client) == {"F111111111": "ACTIVE", "F222222222": "ACTIVE"}

    dissociated = client.dissociate_packages(DomainName=DOMAIN, PackageList=["F111111111"])
    assert dissociated["DomainPackageDetailsList"][0]["DomainPackageStatus"] == "DISSOCIATING"
    clock.advance(30)
    assert statuses(client) == {"F222222222": "ACTIVE"}
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
    # Field: the blue/green is over, Processing is false, yet the domain still says Modifying
    # and refuses changes while it settles.
    status = client.describe_domain(DomainName=DOMAIN)["DomainStatus"]
    assert (status["Processing"], status["DomainProcessingStatus"]) == (False, "Modifying")
    with pytest.raises(ClientError) as error:
        client.dissociate_package(PackageID="F1", DomainName=DOMAIN)
    assert error_code(error) == "ValidationException"
    assert "A change/update is in progress" in str(error.value)
    clock.advance(manual_opensearch.settle_seconds)
    status = client.describe_domain(DomainName=DOMAIN)["DomainStatus"]
    assert status["DomainProcessingStatus"] == "Active"
    details = client.dissociate_package(PackageID="F1", DomainName=DOMAIN)["DomainPackageDetails"]
    assert details["DomainPackageStatus"] == "DISSOCIATING"
    clock.advance(30)
    assert manual_opensearch.associations(DOMAIN) == []


def test_real_time_lifecycle(fake_opensearch: FakeOpenSearch) -> None:
    fake_opensearch.add_domain(DOMAIN)
    fake_opensearch.add_package("F1")
    client = opensearch_client(fake_opensearch)
    client.associate_package(PackageID="F1", DomainName=DOMAIN)
    assert statuses(client) == {"F1": "ASSOCIATING"}
    time.sleep(0.25)
    assert statuses(client) == {"F1": "ACTIVE"}


@pytest.mark.parametrize(
    "answer",
    [
        ("ValidationException", 400, "A change/update is in progress. Please wait"),
        ("ConflictException", 409, "in progress on domain search-domain"),
    ],
)
def test_one_change_per_domain_at_a_time(
    manual_opensearch: FakeOpenSearch,
    client: OpenSearchServiceClient,
    clock: SimClock,
    answer: tuple[str, int, str],
) -> None:
    busy_error, http_status, words = answer
    manual_opensearch.busy_error = busy_error
    manual_opensearch.add_package("F1")
    manual_opensearch.add_package("F2")
    client.associate_package(PackageID="F1", DomainName=DOMAIN)
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID="F2", DomainName=DOMAIN)
    assert error_code(error) == busy_error
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == http_status
    assert words in str(error.value)
    with pytest.raises(ClientError) as error:
        client.dissociate_packages(DomainName=DOMAIN, PackageList=["F1"])
    assert error_code(error) == busy_error
    clock.advance(60)
    manual_opensearch.set_domain_processing(DOMAIN, 5)
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID="F2", DomainName=DOMAIN)
    assert error_code(error) == busy_error
    clock.advance(5)
    with pytest.raises(ClientError) as error:  # settling: Processing false, still refused
        client.associate_package(PackageID="F2", DomainName=DOMAIN)
    assert error_code(error) == busy_error
    clock.advance(manual_opensearch.settle_seconds)
    client.associate_package(PackageID="F2", DomainName=DOMAIN)


def test_already_in_desired_state_and_new_version(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F1")
    manual_opensearch.preassociate(DOMAIN, "F1")
    with pytest.raises(ClientError) as error:
        client.associate_packages(DomainName=DOMAIN, PackageList=[{"PackageID": "F1"}])
    assert error_code(error) == "ConflictException"
    assert "Package is already in desired state" in str(error.value)

    manual_opensearch.set_package_version("F1", "v2", available_after=10)
    with pytest.raises(ClientError) as error:  # the new version is still being validated
        client.associate_package(PackageID="F1", DomainName=DOMAIN)
    assert error_code(error) == "ValidationException"
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


@pytest.mark.parametrize("quota_error", ["ValidationException", "LimitExceededException"])
def test_limit_of_twenty_packages(manual_opensearch: FakeOpenSearch, quota_error: str) -> None:
    manual_opensearch.association_quota_error = quota_error
    for n in range(1, 22):
        manual_opensearch.add_package(f"F{n}")
    for n in range(1, 21):
        manual_opensearch.preassociate(DOMAIN, f"F{n}")
    client = single_attempt_client(manual_opensearch)
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID="F21", DomainName=DOMAIN)
    assert error_code(error) == quota_error
    assert "the limit is 20 packages per domain" in str(error.value)
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
    assert error_code(error) == "ValidationException"
    assert "F10" in str(error.value)
    client.associate_packages(
        DomainName=DOMAIN,
        PackageList=[
            {"PackageID": "F10"},
            {"PackageID": "F11", "PrerequisitePackageIDList": ["F10"]},
            {"PackageID": "F12", "PrerequisitePackageIDList": ["F10"]},
        ],
    )
    clock.advance(60 + manual_opensearch.settle_seconds)
    assert set(statuses(client).values()) == {"ACTIVE"}
    client.dissociate_packages(DomainName=DOMAIN, PackageList=["F10"])
    assert set(statuses(client).values()) == {"DISSOCIATING"}
    clock.advance(30)
    assert statuses(client) == {}


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
    clock.advance(manual_opensearch.settle_seconds)
    client.associate_package(PackageID="F1", DomainName=DOMAIN)  # failure was scripted once
    clock.advance(60 + manual_opensearch.settle_seconds)
    assert statuses(client) == {"F1": "ACTIVE"}
    manual_opensearch.fail_dissociation("F1", "Stuck", "cannot remove")
    client.dissociate_package(PackageID="F1", DomainName=DOMAIN)
    clock.advance(30)
    [stuck] = manual_opensearch.associations(DOMAIN)
    assert stuck["DomainPackageStatus"] == "DISSOCIATION_FAILED"
    assert stuck["ErrorDetails"] == {"ErrorType": "Stuck", "ErrorMessage": "cannot remove"}


def test_batch_operations_can_be_disabled(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1")
    manual_opensearch.batch_operations_enabled = False
    with pytest.raises(client.exceptions.DisabledOperationException):
        client.associate_packages(DomainName=DOMAIN, PackageList=[{"PackageID": "F1"}])
    client.associate_package(PackageID="F1", DomainName=DOMAIN)


@pytest.mark.parametrize(
    "expected",
    [("applies", "ASSOCIATING", "v2"), ("desired_state", "ConflictException", "v1"),
     ("ignored", "ACTIVE", "v1")],
)  # fmt: skip
def test_batch_reassociation_with_a_new_version_plays_each_undocumented_answer(
    manual_opensearch: FakeOpenSearch,
    client: OpenSearchServiceClient,
    clock: SimClock,
    expected: tuple[str, str, str],
) -> None:
    behaviour, batch_outcome, version_after_batch = expected
    manual_opensearch.add_package("F1", version="v1")
    manual_opensearch.preassociate(DOMAIN, "F1")
    manual_opensearch.set_package_version("F1", "v2")
    manual_opensearch.batch_version_update = behaviour
    try:
        answer = client.associate_packages(DomainName=DOMAIN, PackageList=[{"PackageID": "F1"}])
        outcome: str = answer["DomainPackageDetailsList"][0]["DomainPackageStatus"]
    except ClientError as error:
        outcome = str(error.response["Error"]["Code"])
    assert outcome == batch_outcome
    clock.advance(120)
    [entry] = client.list_packages_for_domain(DomainName=DOMAIN)["DomainPackageDetailsList"]
    assert (entry["DomainPackageStatus"], entry["PackageVersion"]) == (
        "ACTIVE",
        version_after_batch,
    )
    if version_after_batch == "v2":
        return
    # AssociatePackage applies the version whatever the batch call did (the guide's way).
    client.associate_package(DomainName=DOMAIN, PackageID="F1")
    clock.advance(120)
    [entry] = client.list_packages_for_domain(DomainName=DOMAIN)["DomainPackageDetailsList"]
    assert entry["PackageVersion"] == "v2"
