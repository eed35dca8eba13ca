"""FakeOpenSearch's DescribeDomainChangeProgress, through a real boto3 client.

A pending ZIP-PLUGIN association or dissociation makes the domain Processing (a blue/green
deployment); its change reports the guide's blue/green stages, completing one after another over
the change's duration, and COMPLETED (or FAILED) once the domain settles.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_opensearch import OpenSearchServiceClient

from testsupport.fakes.clock import SimClock
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.opensearch.progress import BLUE_GREEN_STAGES
from testsupport.fakes.support import DOMAIN, error_code, opensearch_client

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STAGE_NAMES = [
    "Validation",
    "Creating a new environment",
    "Provisioning new nodes",
    "Traffic routing on new nodes",
    "Traffic routing on old nodes",
    "Copying shards to new nodes",
    "Terminating nodes",
    "Deleting older resources",
]


def stage_statuses(client: OpenSearchServiceClient, **change: str) -> list[str]:
    status = client.describe_domain_change_progress(DomainName=DOMAIN, **change)
    return [s["Status"] for s in status["ChangeProgressStatus"]["ChangeProgressStages"]]


def test_a_plugin_association_reports_blue_green_stages_until_it_settles(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F111111111", "ZIP-PLUGIN", association_seconds=80)
    client.associate_package(PackageID="F111111111", DomainName=DOMAIN)

    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert GUID.match(progress["ChangeId"])
    assert progress["Status"] == "PROCESSING"
    assert progress["ConfigChangeStatus"] == "Validating"
    assert progress["InitiatedBy"] == "CUSTOMER"
    assert progress["TotalNumberOfStages"] == 8
    assert isinstance(progress["StartTime"], datetime)
    stages = progress["ChangeProgressStages"]
    assert [s["Name"] for s in stages] == STAGE_NAMES
    assert [s["Status"] for s in stages] == ["IN_PROGRESS"] + ["PENDING"] * 7
    assert all(s["Description"] for s in stages)
    assert isinstance(stages[0]["LastUpdated"], datetime)
    # The service sends "LastUpdated": null for a stage not begun; botocore drops the member.
    assert "LastUpdated" not in stages[1]

    clock.advance(25)  # 80 s over 8 stages: two done, the third running
    assert stage_statuses(client) == ["COMPLETED"] * 2 + ["IN_PROGRESS"] + ["PENDING"] * 5
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert progress["ConfigChangeStatus"] == "ApplyingChanges"
    assert client.describe_domain(DomainName=DOMAIN)["DomainStatus"]["Processing"] is True

    clock.advance(55)
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert progress["Status"] == "COMPLETED"
    assert progress["ConfigChangeStatus"] == "Completed"
    assert [s["Status"] for s in progress["ChangeProgressStages"]] == ["COMPLETED"] * 8
    assert progress["LastUpdatedTime"] > progress["StartTime"]
    assert client.describe_domain(DomainName=DOMAIN)["DomainStatus"]["Processing"] is False
    assert manual_opensearch.association_status(DOMAIN, "F111111111") == "ACTIVE"


def test_change_id_selects_an_earlier_change(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F111111111", "ZIP-PLUGIN")
    client.associate_package(PackageID="F111111111", DomainName=DOMAIN)
    first = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    clock.advance(60 + manual_opensearch.settle_seconds)
    client.dissociate_package(PackageID="F111111111", DomainName=DOMAIN)

    latest = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert latest["ChangeId"] != first["ChangeId"]
    assert latest["Status"] == "PROCESSING"
    assert stage_statuses(client, ChangeId=first["ChangeId"]) == ["COMPLETED"] * 8
    request = manual_opensearch.calls[-1]
    assert request.operation == "DescribeDomainChangeProgress"
    assert request.params["ChangeId"] == first["ChangeId"]

    with pytest.raises(ClientError) as unknown:
        client.describe_domain_change_progress(
            DomainName=DOMAIN, ChangeId="00000000-0000-0000-0000-000000000000"
        )
    assert error_code(unknown) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as malformed:
        client.describe_domain_change_progress(DomainName=DOMAIN, ChangeId="x" * 36)
    assert error_code(malformed) == "ValidationException"
    with pytest.raises(ClientError) as no_domain:
        client.describe_domain_change_progress(DomainName="other-domain")
    assert error_code(no_domain) == "ResourceNotFoundException"


def test_a_failed_plugin_association_ends_its_change_failed(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F111111111", "ZIP-PLUGIN")
    manual_opensearch.fail_association("F111111111")
    client.associate_package(PackageID="F111111111", DomainName=DOMAIN)
    assert stage_statuses(client)[0] == "IN_PROGRESS"
    clock.advance(60)
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert progress["Status"] == "FAILED"
    assert [s["Status"] for s in progress["ChangeProgressStages"]][-2:] == ["COMPLETED", "FAILED"]
    assert manual_opensearch.association_status(DOMAIN, "F111111111") == "ASSOCIATION_FAILED"


def test_only_changes_that_make_the_domain_processing_are_recorded(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    # Every member of ChangeProgressStatusDetails is optional: a domain never changed has none.
    assert client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"] == {}
    manual_opensearch.add_package("F222222222")  # a dictionary: no blue/green deployment
    client.associate_package(PackageID="F222222222", DomainName=DOMAIN)
    assert client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"] == {}

    clock.advance(60)
    manual_opensearch.set_domain_processing(DOMAIN, 16)  # a configuration change
    clock.advance(5)
    assert stage_statuses(client) == ["COMPLETED"] * 2 + ["IN_PROGRESS"] + ["PENDING"] * 5
    manual_opensearch.add_domain("new-domain", processing_seconds=8)
    progress = client.describe_domain_change_progress(DomainName="new-domain")
    assert progress["ChangeProgressStatus"]["Status"] == "PROCESSING"


def test_plugins_that_do_not_process_the_domain_record_no_change(clock: SimClock) -> None:
    with FakeOpenSearch(clock=clock, plugin_changes_process_domain=False) as fake:
        fake.add_domain(DOMAIN)
        fake.add_package("F111111111", "ZIP-PLUGIN")
        fake.preassociate(DOMAIN, "F111111111", "ASSOCIATING")
        client = opensearch_client(fake)
        assert (
            client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"] == {}
        )


def test_a_preassociated_pending_plugin_has_a_change(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    manual_opensearch.add_package("F111111111", "ZIP-PLUGIN")
    manual_opensearch.preassociate(DOMAIN, "F111111111", "DISSOCIATING")
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert progress["Status"] == "PROCESSING"
    assert len(BLUE_GREEN_STAGES) == progress["TotalNumberOfStages"]


def test_a_stalled_plugin_dissociation_stops_moving_and_keeps_the_domain_processing(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    manual_opensearch.add_package("F111111111", "ZIP-PLUGIN", dissociation_seconds=80)
    manual_opensearch.preassociate(DOMAIN, "F111111111")
    manual_opensearch.stall_dissociation("F111111111")
    client.dissociate_package(PackageID="F111111111", DomainName=DOMAIN)
    clock.advance(30)  # stalls at 40 s, its stages paced as if it took 80 s
    moving = stage_statuses(client)
    clock.advance(3600)
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert progress["Status"] == "PROCESSING"
    stalled = [s["Status"] for s in progress["ChangeProgressStages"]]
    assert stalled.count("COMPLETED") == 4
    assert moving.count("COMPLETED") == 3
    assert manual_opensearch.association_status(DOMAIN, "F111111111") == "DISSOCIATING"
    assert client.describe_domain(DomainName=DOMAIN)["DomainStatus"]["Processing"] is True


def test_the_deployment_strategy_is_left_out_until_seeded(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    """Model: DomainStatus.DeploymentStrategyOptions. Fake: a domain made before the strategy
    existed may not report it, so the member is left out unless a test seeds it."""
    assert (
        "DeploymentStrategyOptions" not in client.describe_domain(DomainName=DOMAIN)["DomainStatus"]
    )

    for strategy in ("Default", "CapacityOptimized"):
        manual_opensearch.set_deployment_strategy(DOMAIN, strategy)
        status = client.describe_domain(DomainName=DOMAIN)["DomainStatus"]
        assert status["DeploymentStrategyOptions"] == {"DeploymentStrategy": strategy}

    manual_opensearch.set_deployment_strategy(DOMAIN, None)
    assert (
        "DeploymentStrategyOptions" not in client.describe_domain(DomainName=DOMAIN)["DomainStatus"]
    )
    with pytest.raises(ValueError, match="strategy must be None or one of"):
        manual_opensearch.set_deployment_strategy(DOMAIN, "Batched")
    with pytest.raises(ValueError, match="slowdown must be more than 0"):
        manual_opensearch.set_deployment_strategy(DOMAIN, "CapacityOptimized", slowdown=0)


def test_a_capacity_optimized_blue_green_runs_its_stages_slower(
    manual_opensearch: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    """A plugin's 80 s blue/green takes three times as long on a domain seeded so; a dictionary
    (no blue/green) keeps its time."""
    manual_opensearch.set_deployment_strategy(DOMAIN, "CapacityOptimized", slowdown=3)
    manual_opensearch.add_package("F111111111", "ZIP-PLUGIN", association_seconds=80)
    manual_opensearch.add_package("F222222222", association_seconds=20)
    client.associate_package(PackageID="F222222222", DomainName=DOMAIN)
    clock.advance(20)
    assert manual_opensearch.association_status(DOMAIN, "F222222222") == "ACTIVE"

    client.associate_package(PackageID="F111111111", DomainName=DOMAIN)
    clock.advance(80)  # 240 s over 8 stages: two done, the third running
    assert stage_statuses(client) == ["COMPLETED"] * 2 + ["IN_PROGRESS"] + ["PENDING"] * 5
    assert manual_opensearch.association_status(DOMAIN, "F111111111") == "ASSOCIATING"
    clock.advance(160)
    assert stage_statuses(client) == ["COMPLETED"] * 8
    assert manual_opensearch.association_status(DOMAIN, "F111111111") == "ACTIVE"
    progress = client.describe_domain_change_progress(DomainName=DOMAIN)["ChangeProgressStatus"]
    assert (progress["LastUpdatedTime"] - progress["StartTime"]).total_seconds() == 240
