"""The fake's behaviours that come from field evidence (issue 18), and their switches: a domain
that settles or refuses while Active, changes that stop short, "Package not found", foreign
packages, and a plugin name reused across engine versions."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_opensearch import OpenSearchServiceClient

from testsupport.fakes._http import Request
from testsupport.fakes.clock import SimClock
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.opensearch.model import ApiError
from testsupport.fakes.support import BUCKET, DOMAIN, error_code, statuses

IN_PROGRESS = "A change/update is in progress. Please wait for it to complete"


def domain_status(client: OpenSearchServiceClient) -> tuple[bool, str]:
    status = client.describe_domain(DomainName=DOMAIN)["DomainStatus"]
    return status["Processing"], status["DomainProcessingStatus"]


def test_a_new_domain_is_creating_then_settles_with_processing_false(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_domain("fresh", processing_seconds=600, settle_seconds=300)
    manual_opensearch.add_package("F1")
    status = client.describe_domain(DomainName="fresh")["DomainStatus"]
    assert (status["Processing"], status["DomainProcessingStatus"]) == (True, "Creating")
    clock.advance(600)
    status = client.describe_domain(DomainName="fresh")["DomainStatus"]
    assert (status["Processing"], status["DomainProcessingStatus"]) == (False, "Creating")
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID="F1", DomainName="fresh")
    assert (error_code(error), error.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "ValidationException",
        400,
    )
    assert IN_PROGRESS in str(error.value)
    clock.advance(300)
    status = client.describe_domain(DomainName="fresh")["DomainStatus"]
    assert status["DomainProcessingStatus"] == "Active"
    client.associate_package(PackageID="F1", DomainName="fresh")


def test_a_domain_change_names_its_kind_until_it_has_settled(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.set_domain_processing(
        DOMAIN, 60, status="UpdatingServiceSoftware", settle_seconds=30
    )
    assert domain_status(client) == (True, "UpdatingServiceSoftware")
    clock.advance(60)
    assert domain_status(client) == (False, "UpdatingServiceSoftware")
    clock.advance(30)
    assert domain_status(client) == (False, "Active")


def test_an_engine_upgrade_reports_upgrading_engine_version(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.upgrade_domain(DOMAIN, "OpenSearch_2.19", seconds=100)
    assert domain_status(client) == (True, "UpgradingEngineVersion")
    clock.advance(100)
    assert domain_status(client) == (False, "UpgradingEngineVersion")
    clock.advance(manual_opensearch.settle_seconds)
    assert domain_status(client) == (False, "Active")


def test_an_active_domain_can_refuse_the_next_changes(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1")
    manual_opensearch.refuse_changes(DOMAIN, 2)
    for _ in range(2):
        assert domain_status(client) == (False, "Active")
        with pytest.raises(ClientError) as error:
            client.associate_packages(DomainName=DOMAIN, PackageList=[{"PackageID": "F1"}])
        assert IN_PROGRESS in str(error.value)
    client.associate_packages(DomainName=DOMAIN, PackageList=[{"PackageID": "F1"}])


@pytest.mark.parametrize("config_status", ["ValidationFailed", "Cancelled"])
def test_a_plugin_change_that_stops_short_fails_its_association(
    manual_opensearch: FakeOpenSearch,
    client: OpenSearchServiceClient,
    clock: SimClock,
    config_status: str,
) -> None:
    manual_opensearch.add_package("F1", package_type="ZIP-PLUGIN", association_seconds=800)
    failures: tuple[tuple[str, str], ...] = ()
    if config_status == "ValidationFailed":
        failures = (("PluginIncompatible", "The plugin cannot run on OpenSearch 2.17."),)
    manual_opensearch.stop_next_change(DOMAIN, config_status, failures)
    client.associate_package(PackageID="F1", DomainName=DOMAIN)
    clock.advance(100)  # the Validation stage: the first eighth
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert (progress["Status"], progress["ConfigChangeStatus"]) == ("FAILED", config_status)
    assert [(f["Code"], f["Message"]) for f in progress.get("ValidationFailures", [])] == list(
        failures
    )
    # The association's status lags behind the change's (the hostile reading): still
    # ASSOCIATING, failed only when the change would have ended.
    assert statuses(client) == {"F1": "ASSOCIATING"}
    clock.advance(700)
    [association] = client.list_packages_for_domain(DomainName=DOMAIN)["DomainPackageDetailsList"]
    assert association["DomainPackageStatus"] == "ASSOCIATION_FAILED"
    error_type = failures[0][0] if failures else config_status
    assert association["ErrorDetails"]["ErrorType"] == error_type


def test_a_change_waiting_for_the_user_keeps_the_domain_processing(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.stop_next_change(DOMAIN, "PendingUserInput")
    manual_opensearch.set_domain_processing(DOMAIN, 800, status="UpgradingEngineVersion")
    clock.advance(10_000)
    assert domain_status(client) == (True, "UpgradingEngineVersion")
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert (progress["Status"], progress["ConfigChangeStatus"]) == (
        "PROCESSING",
        "PendingUserInput",
    )
    with pytest.raises(ValueError, match="config_status must be one of"):
        manual_opensearch.stop_next_change(DOMAIN, "Completed")


def test_describe_packages_with_one_unknown_id_fails_whole_or_leaves_it_out(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1")
    by_id = [{"Name": "PackageID", "Value": ["F1", "F9"]}]
    with pytest.raises(ClientError) as error:
        client.describe_packages(Filters=by_id)  # type: ignore[arg-type]
    assert "Package not found: F1, F9" in str(error.value)
    manual_opensearch.describe_unknown_ids = "omit"
    listed = client.describe_packages(Filters=by_id)["PackageDetailsList"]  # type: ignore[arg-type]
    assert [p["PackageID"] for p in listed] == ["F1"]


def test_third_party_packages_are_visible_associable_and_never_the_callers(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package(
        "pkg-7e57ab1e", package_type="ZIP-PLUGIN", name="titaniam-lockbox", owner="999988887777"
    )
    [listed] = client.describe_packages(
        Filters=[{"Name": "PackageName", "Value": ["titaniam-lockbox"]}]
    )["PackageDetailsList"]
    assert listed["PackageOwner"] == "999988887777"
    with pytest.raises(ClientError) as error:
        client.delete_package(PackageID="pkg-7e57ab1e")
    assert "cannot be deleted" in str(error.value)
    with pytest.raises(ClientError) as error:
        client.update_package(
            PackageID="pkg-7e57ab1e", PackageSource={"S3BucketName": BUCKET, "S3Key": "x.zip"}
        )
    assert error_code(error) == "ValidationException"
    client.associate_package(PackageID="pkg-7e57ab1e", DomainName=DOMAIN)
    clock.advance(60)
    assert statuses(client) == {"pkg-7e57ab1e": "ACTIVE"}


@pytest.mark.parametrize("per_version", [True, False])
def test_a_plugin_name_for_another_engine_version(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, per_version: bool
) -> None:
    packages_fake.plugin_name_per_engine_version = per_version
    packages_fake.add_package(
        "F1", package_type="ZIP-PLUGIN", name="my-plugin", engine_version="OpenSearch_2.17"
    )
    packages_fake.put_object(BUCKET, "plugin.zip", b"PK\x03\x04")

    def create() -> None:
        client.create_package(
            PackageName="my-plugin",
            PackageType="ZIP-PLUGIN",
            PackageSource={"S3BucketName": BUCKET, "S3Key": "plugin.zip"},
            EngineVersion="OpenSearch_2.19",
        )

    if per_version:
        create()
        return
    with pytest.raises(ClientError) as error:
        create()
    assert error_code(error) == "ResourceAlreadyExistsException"


def test_an_upgrade_without_a_plugin_package_for_the_new_version_fails(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F1", package_type="ZIP-PLUGIN", name="my-plugin")
    manual_opensearch.preassociate(DOMAIN, "F1")
    with pytest.raises(ValueError, match=r"plugin my-plugin has no package for OpenSearch_2\.19"):
        manual_opensearch.upgrade_domain(DOMAIN, "OpenSearch_2.19")
    assert statuses(client) == {"F1": "ACTIVE"}
    assert domain_status(client) == (False, "Active")


def test_a_malformed_body_is_a_validation_exception(manual_opensearch: FakeOpenSearch) -> None:
    answer = manual_opensearch.handle(
        Request(
            method="POST",
            path="/2021-01-01/packages/describe",
            query={},
            headers={
                "authorization": "AWS4-HMAC-SHA256 Credential=AKIAFAKE/20260101/us-east-1/es/"
                "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
                "x-amz-date": "20260101T000000Z",
            },
            body=b"[not an object",
        )
    )
    assert answer is not None
    assert answer.status == 400
    assert answer.headers["x-amzn-ErrorType"].startswith("ValidationException:")


def test_an_empty_or_malformed_package_list_is_a_validation_exception(
    manual_opensearch: FakeOpenSearch,
) -> None:
    """Model: PackageList is required and PackageDetailsForAssociation needs a PackageID; boto3
    checks the shapes first, so the fake is asked directly, as a non-SDK caller would."""
    for operation, params in (
        ("AssociatePackages", {"DomainName": DOMAIN, "PackageList": []}),
        ("AssociatePackages", {"DomainName": DOMAIN, "PackageList": [{"Prerequisite": "F1"}]}),
        ("DissociatePackages", {"DomainName": DOMAIN, "PackageList": []}),
        ("DissociatePackages", {"DomainName": DOMAIN, "PackageList": [{"PackageID": "F1"}]}),
    ):
        with pytest.raises(ApiError) as error:
            getattr(manual_opensearch, f"_op_{operation}")(params)
        assert error.value.code == "ValidationException"
