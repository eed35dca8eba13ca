"""FakeCloudFormation's query API (issue 21): DescribeStackResource through real boto3, over
records that the events the fake issues and the answers it takes move along."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError
from crhelper.utils import _send_response  # type: ignore[attr-defined] # not in its stubs

from testsupport.fakes.clock import SimClock
from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.fixtures import AwsEnv
from testsupport.fakes.support import cloudformation_client, response_body

SINGLE_ATTEMPT = {"retries": {"mode": "standard", "total_max_attempts": 1}}


@pytest.fixture
def answering(
    sim_cloudformation: FakeCloudFormation, monkeypatch: pytest.MonkeyPatch
) -> FakeCloudFormation:
    """The SimClock fake with DescribeStackResource answering, and crhelper's sender trusting
    it (SSL_CERT_FILE), so tests answer events as the handler does."""
    monkeypatch.setenv("SSL_CERT_FILE", sim_cloudformation.ca_pem_path)
    sim_cloudformation.describe_stack_resource = "answer"
    return sim_cloudformation


class Describer:
    """DescribeStackResource through one real boto3 client (building a client takes long)."""

    def __init__(self, fake: FakeCloudFormation) -> None:
        self.client = cloudformation_client(fake, **SINGLE_ATTEMPT)

    def __call__(self, stack: str, logical_id: str = "Packages") -> dict[str, Any]:
        found = self.client.describe_stack_resource(StackName=stack, LogicalResourceId=logical_id)
        return dict(found["StackResourceDetail"])


@pytest.fixture
def detail(sim_cloudformation: FakeCloudFormation) -> Describer:
    return Describer(sim_cloudformation)


def error(failure: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str, str]:
    """HTTP status, and the Error's Type, Code and Message as botocore parsed them."""
    response = failure.value.response
    # The stubs' TypedDict lacks the query protocol's Type: read it as plain strings.
    error = {str(key): str(value) for key, value in response["Error"].items()}
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        error["Type"],
        error["Code"],
        error["Message"],
    )


def answer(event: dict[str, Any], **fields: Any) -> None:
    """PUT an answer to `event` the way crhelper does."""
    _send_response(event["ResponseURL"], response_body(event, **fields))


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def test_describe_follows_a_create_an_update_and_a_delete(
    answering: FakeCloudFormation, clock: SimClock, detail: Describer
) -> None:
    fake = answering
    create = fake.make_event("Create", properties={"DomainName": "search"})
    stack_id = create["StackId"]
    first = detail(stack_id)
    assert first["ResourceStatus"] == "CREATE_IN_PROGRESS"
    assert "PhysicalResourceId" not in first  # nothing answered yet
    assert (first["StackName"], first["StackId"]) == ("stack", stack_id)
    assert first["ResourceType"] == "Custom::OpenSearchDomainPackages"
    assert first["LastUpdatedTimestamp"] == at(1_000)
    assert first["DriftInformation"] == {"StackResourceDriftStatus": "NOT_CHECKED"}

    clock.advance(60)
    answer(create, PhysicalResourceId="search:Packages:1")
    created = detail("stack")  # by name too
    assert created["ResourceStatus"] == "CREATE_COMPLETE"
    assert created["PhysicalResourceId"] == "search:Packages:1"
    assert created["LastUpdatedTimestamp"] == at(1_060)
    assert "ResourceStatusReason" not in created

    clock.advance(60)
    update = fake.make_event(
        "Update", properties={"DomainName": "search"}, physical_id="search:Packages:1"
    )
    assert detail(stack_id)["ResourceStatus"] == "UPDATE_IN_PROGRESS"
    clock.advance(60)
    answer(update, Status="FAILED", Reason="Package F1 on search: it broke")
    failed = detail(stack_id)
    assert failed["ResourceStatus"] == "UPDATE_FAILED"
    assert failed["PhysicalResourceId"] == "search:Packages:1"
    assert failed["LastUpdatedTimestamp"] == at(1_180)
    assert failed["ResourceStatusReason"] == (
        "Received response status [FAILED] from custom resource. Message returned: "
        f"Package F1 on search: it broke (RequestId: {update['RequestId']})"
    )

    delete = fake.make_event("Delete", properties={}, physical_id="search:Packages:1")
    assert detail(stack_id)["ResourceStatus"] == "DELETE_IN_PROGRESS"
    answer(delete, PhysicalResourceId="search:Packages:1")
    record = fake.resource("stack", "Packages")
    assert record is not None
    assert record.status == "DELETE_COMPLETE"
    with pytest.raises(ClientError) as gone:
        detail("stack")
    assert error(gone) == (
        400,
        "Sender",
        "ValidationError",
        "Resource Packages does not exist for stack stack",
    )


def test_a_failed_create_keeps_the_answered_id_for_its_rollback_delete(
    answering: FakeCloudFormation, detail: Describer
) -> None:
    fake = answering
    create = fake.make_event("Create", properties={})
    answer(create, Status="FAILED", Reason="no", PhysicalResourceId="stack_Packages_ABCDEFGH")
    failed = detail("stack")
    assert (failed["ResourceStatus"], failed["PhysicalResourceId"]) == (
        "CREATE_FAILED",
        "stack_Packages_ABCDEFGH",
    )


def test_only_the_first_answer_to_the_latest_request_moves_the_record(
    answering: FakeCloudFormation, clock: SimClock, detail: Describer
) -> None:
    fake = answering
    update = fake.make_event("Update", properties={"v": 2}, physical_id="p")
    clock.advance(10)
    rollback = fake.make_event("Update", properties={"v": 1}, physical_id="p")
    answer(update, PhysicalResourceId="p")  # CloudFormation no longer waits for this one
    assert detail("stack")["ResourceStatus"] == "UPDATE_IN_PROGRESS"
    assert detail("stack")["LastUpdatedTimestamp"] == at(1_010)
    clock.advance(10)
    answer(rollback, PhysicalResourceId="p")
    clock.advance(10)
    answer(rollback, Status="FAILED", PhysicalResourceId="p")  # a duplicate changes nothing
    done = detail("stack")
    assert (done["ResourceStatus"], done["LastUpdatedTimestamp"]) == ("UPDATE_COMPLETE", at(1_020))


def test_unknown_stacks_and_resources_are_validation_errors(
    answering: FakeCloudFormation, detail: Describer
) -> None:
    fake = answering
    stack_id = fake.make_event("Create", properties={})["StackId"]
    with pytest.raises(ClientError) as no_stack:
        detail("no-such-stack")
    assert error(no_stack) == (
        400,
        "Sender",
        "ValidationError",
        "Stack 'no-such-stack' does not exist",
    )
    with pytest.raises(ClientError) as no_resource:
        detail(stack_id, "Other")
    assert error(no_resource)[3] == f"Resource Other does not exist for stack {stack_id}"


def test_a_deleted_stack_is_unknown_by_name_and_readable_by_id(
    answering: FakeCloudFormation, detail: Describer
) -> None:
    fake = answering
    create = fake.make_event("Create", properties={})
    answer(create, PhysicalResourceId="p")
    stack_id = create["StackId"]
    fake.delete_stack("stack", complete=False)
    delete = fake.make_event("Delete", properties={}, physical_id="p")
    answer(delete, PhysicalResourceId="p")
    assert detail("stack")["ResourceStatus"] == "DELETE_COMPLETE"  # listed while deleting
    fake.delete_stack("stack")
    with pytest.raises(ClientError) as by_name:
        detail("stack")
    assert error(by_name)[3] == "Stack 'stack' does not exist"
    assert detail(stack_id)["ResourceStatus"] == "DELETE_COMPLETE"
    assert fake.stack_id("stack") != stack_id  # a new stack of the same name


def test_describe_is_refused_by_default_and_can_be_unreachable(
    sim_cloudformation: FakeCloudFormation, detail: Describer
) -> None:
    fake = sim_cloudformation
    stack_id = fake.make_event("Create", properties={})["StackId"]
    with pytest.raises(ClientError) as denied:
        detail(stack_id)
    status, kind, code, message = error(denied)
    assert (status, kind, code) == (403, "Sender", "AccessDenied")
    assert message.endswith(
        f"is not authorized to perform: cloudformation:DescribeStackResource on resource: "
        f"{stack_id} because no identity-based policy allows the "
        "cloudformation:DescribeStackResource action"
    )
    fake.describe_stack_resource = "unreachable"
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        detail(stack_id)
    fake.describe_stack_resource = "answer"
    assert detail(stack_id)["ResourceStatus"] == "CREATE_IN_PROGRESS"
    assert [(c.status, c.code) for c in fake.api_calls] == [
        (403, "AccessDenied"),
        (0, None),
        (200, None),
    ]
    assert fake.count_api_calls() == 3
    assert fake.api_calls[0].params == {"StackName": stack_id, "LogicalResourceId": "Packages"}


def test_the_front_door_wants_sigv4_for_cloudformation_and_a_known_action(
    answering: FakeCloudFormation,
) -> None:
    fake = answering
    unsigned = urllib.request.Request(
        fake.endpoint_url + "/",
        data=b"Action=DescribeStackResource&Version=2010-05-15",
        method="POST",
    )
    context = ssl.create_default_context(cafile=fake.ca_pem_path)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, context=context, timeout=5)
    assert refused.value.code == 403
    assert b"<Code>MissingAuthenticationToken</Code>" in refused.value.read()
    with pytest.raises(ClientError) as unknown:
        cloudformation_client(fake, **SINGLE_ATTEMPT).describe_stacks(StackName="stack")
    assert error(unknown)[:3] == (400, "Sender", "InvalidAction")
    assert [c.code for c in fake.api_calls] == ["MissingAuthenticationToken", "InvalidAction"]


def test_explicit_status_for_operations_no_event_drives(
    answering: FakeCloudFormation, detail: Describer
) -> None:
    fake = answering
    fake.make_event("Create", properties={})
    fake.set_resource_status("stack", "Packages", "UPDATE_IN_PROGRESS", physical_id="p")
    fake.set_resource_status(
        "stack", "Packages", "UPDATE_FAILED", reason="Resource update cancelled"
    )
    shown = detail("stack")
    assert (shown["ResourceStatus"], shown["PhysicalResourceId"]) == ("UPDATE_FAILED", "p")
    assert shown["ResourceStatusReason"] == "Resource update cancelled"
    assert fake.set_resource_status("stack", "Wait", "CREATE_IN_PROGRESS").resource_type == (
        "Custom::OpenSearchDomainPackages"
    )


def test_the_lambda_environment_sends_a_plain_client_to_the_fake(aws_env: AwsEnv) -> None:
    fake = aws_env.cloudformation
    fake.describe_stack_resource = "answer"
    stack_id = fake.make_event("Create", properties={})["StackId"]
    client: Any = boto3.client("cloudformation")  # endpoint, CA and credentials from the env
    found = client.describe_stack_resource(StackName=stack_id, LogicalResourceId="Packages")
    assert found["StackResourceDetail"]["ResourceStatus"] == "CREATE_IN_PROGRESS"
