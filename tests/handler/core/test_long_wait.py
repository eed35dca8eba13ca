"""A long wait's edges (core/long_wait.py, core/stack.py, the waiting shell's early answer):
what the signal carries, who signals, when the custom resource is answered, and what a
CloudFormation that does not answer means."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from domain_packages_handler.core import long_wait as long_wait_module
from domain_packages_handler.core.kind import Request
from domain_packages_handler.core.long_wait import LongWait, long_wait_of
from domain_packages_handler.core.progress import Progress
from domain_packages_handler.core.properties import (
    InvalidProperties,
    parse_timeout,
    read_wait_handle,
)
from domain_packages_handler.core.stack import StackResources
from domain_packages_handler.core.supersession import StackResourceView
from domain_packages_handler.core.waiting import Runtime, Superseded

from tests.handler.core.test_waiting import Counter, Probe
from testsupport.fakes.clock import SimClock

HANDLE = "https://cloudformation-waitcondition-eu-west-1.s3.amazonaws.com/arn%3A/Handle?sig=x"


@dataclass
class Helper:
    """Stands in for the Responder: records what would go to the ResponseURL."""

    data: dict[str, str] = field(default_factory=dict)
    answers: int = 0
    suppressed: bool = False

    def add_data(self, data: dict[str, str]) -> None:
        self.data.update(data)

    def answer_now(self) -> bool:
        self.answers += 1
        return True

    def suppress_response(self) -> None:
        self.suppressed = True


@dataclass
class Stack:
    """Stands in for StackResources."""

    view: StackResourceView | None = None
    asked: int = 0

    def describe(self, stack_id: str, logical_id: str) -> StackResourceView | None:
        self.asked += 1
        return self.view


def request(request_type: str = "Create") -> Request:
    return Request(
        request_type=request_type,  # type: ignore[arg-type]
        properties={},
        old_properties=None,
        physical_id="",
        stack_id="arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1",
        logical_id="PackagesResource",
        request_id="req-1",
    )


def long_wait(
    monkeypatch: pytest.MonkeyPatch, request_type: str = "Create", stack: Stack | None = None
) -> tuple[LongWait, Helper, list[dict[str, Any]]]:
    sent: list[dict[str, Any]] = []

    def put(url: str, payload: str, *args: Any, **kwargs: Any) -> tuple[int, str]:
        assert url == HANDLE
        sent.append(json.loads(payload))
        return 1, ""

    monkeypatch.setattr(long_wait_module, "put_json", put)
    helper = Helper()
    waiter = LongWait(helper, request(request_type), HANDLE, stack=stack or Stack())  # type: ignore[arg-type]
    return waiter, helper, sent


def test_success_signal_carries_the_request_id_and_the_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waiter, _, sent = long_wait(monkeypatch)
    assert waiter.signal("SUCCESS", "", {"PackageVersion.F1": "v2"})
    assert sent == [
        {
            "Status": "SUCCESS",
            "Reason": "success",
            "UniqueId": "req-1",
            "Data": '{"PackageVersion.F1": "v2"}',
        }
    ]


def test_failure_signal_carries_the_reason_a_stack_event_would_show(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waiter, _, sent = long_wait(monkeypatch)
    reason = "association failed on domain d: " + "x" * 400 + " Fix the package list."
    waiter.signal("FAILURE", reason, {})
    assert sent[0]["Status"] == "FAILURE"
    assert sent[0]["Reason"] == "ERROR: (truncated) " + reason[-240:]
    waiter.signal("FAILURE", "short reason", {})
    assert sent[1]["Reason"] == "short reason"


def test_a_delete_signals_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    waiter, _, sent = long_wait(monkeypatch, "Delete")
    assert not waiter.signal("SUCCESS", "", {})
    assert sent == []


def test_superseded_asks_cloudformation_about_this_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = Stack(StackResourceView("DELETE_IN_PROGRESS", last_updated=200.0))
    waiter, _, _ = long_wait(monkeypatch, stack=stack)
    assert waiter.superseded(answered_at=100.0)
    stack.view = None  # CloudFormation could not be asked: go on
    assert not waiter.superseded(answered_at=100.0)
    assert stack.asked == 2


def test_stack_resources_reads_describe_stack_resource() -> None:
    client = boto3.client("cloudformation", region_name="eu-west-1")
    stubber = Stubber(client)
    when = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    stubber.add_response(
        "describe_stack_resource",
        {
            "StackResourceDetail": {
                "LogicalResourceId": "PackagesResource",
                "PhysicalResourceId": "pid",
                "ResourceType": "Custom::OpenSearchDomainPackages",
                "LastUpdatedTimestamp": when,
                "ResourceStatus": "UPDATE_IN_PROGRESS",
            }
        },
        {"StackName": "arn:stack", "LogicalResourceId": "PackagesResource"},
    )
    stubber.add_client_error(
        "describe_stack_resource",
        "ValidationError",
        "Resource PackagesResource does not exist for stack s",
    )
    stubber.add_client_error("describe_stack_resource", "AccessDenied", "not allowed", 403)
    stubber.add_client_error("describe_stack_resource", "ValidationError", "Stack does not exist")
    with stubber:
        stack = StackResources(client)
        assert stack.describe("arn:stack", "PackagesResource") == StackResourceView(
            "UPDATE_IN_PROGRESS", when.timestamp(), "pid"
        )
        gone = stack.describe("arn:stack", "PackagesResource")  # deleted while the stack lives
        assert gone == StackResourceView("DELETE_COMPLETE", 0.0)
        assert stack.describe("arn:stack", "PackagesResource") is None
        assert stack.describe("arn:stack", "PackagesResource") is None


def test_wait_handle_and_timeout_properties() -> None:
    assert read_wait_handle({"WaitHandle": HANDLE}) == HANDLE
    assert read_wait_handle({}) is None
    with pytest.raises(InvalidProperties, match="WaitConditionHandle's URL"):
        read_wait_handle({"WaitHandle": "Handle1234"})
    assert parse_timeout("7200") == 3600  # without a WaitCondition, CloudFormation's hour
    assert parse_timeout("7200", 43200) == 7200
    assert parse_timeout("99999", 43200) == 43200


@dataclass
class Early:
    """A waiting shell's EarlyAnswer that records."""

    answered: list[dict[str, str]] = field(default_factory=list)
    newer: bool = False

    def answer(self, data: dict[str, str]) -> None:
        self.answered.append(data)

    def superseded(self, answered_at: float) -> bool:
        return self.newer


def shell(clock: SimClock, early: Early | None, timeout: int = 7200) -> Probe:
    progress = Progress.start(clock.now(), timeout, "pid", Counter(), answer_within=3600)
    runtime = Runtime(clock.now, clock.sleep, clock.remaining, early_answer=early)
    return Probe(progress, runtime)


def test_the_shell_answers_once_and_remembers_when() -> None:
    clock, early = SimClock(invocation_end=1e9), Early()
    probe = shell(clock, early)
    probe.answer_early()
    clock.sleep(5)
    probe.answer_early()
    assert early.answered == [{}]
    assert probe.progress.answered_at == 0.0
    assert Progress.from_json(probe.progress.to_json(), Counter).answered_at == 0.0


def test_without_an_early_answer_nothing_is_answered_early() -> None:
    probe = shell(SimClock(invocation_end=1e9), None)
    probe.answer_early()
    assert probe.progress.answered_at is None


def test_still_waiting_at_cloudformations_hour_answers_and_goes_on() -> None:
    clock, early = SimClock(invocation_end=1e9), Early()
    probe = shell(clock, early)
    assert probe.progress.answer_by is not None
    while clock.now() < probe.progress.answer_by:
        probe.wait((), 300.0)
        assert not early.answered or clock.now() >= probe.progress.answer_by
    probe.wait((), 300.0)
    assert early.answered == [{}]
    assert probe.progress.answered_at == pytest.approx(probe.progress.answer_by)
    assert clock.now() < probe.progress.deadline  # the wait goes on to the long deadline


def test_check_current_stops_a_superseded_waiter_only_after_its_answer() -> None:
    clock, early = SimClock(invocation_end=1e9), Early(newer=True)
    probe = shell(clock, early)
    probe.check_current()  # not answered yet: nothing newer can exist
    probe.answer_early()
    with pytest.raises(Superseded):
        probe.check_current()


def test_polls_grow_from_the_last_change_across_hand_overs() -> None:
    clock = SimClock(invocation_end=1e9)
    probe = shell(clock, None)
    clock.sleep(2000.0)
    probe.restart_polls()
    resumed = Progress.from_json(probe.progress.to_json(), Counter)
    assert resumed.poll_since == 2000.0
    clock.sleep(1000.0)
    before = clock.now()
    probe.poll_wait(())
    assert clock.now() - before == pytest.approx(0.045 * 1000.0)


def test_an_update_that_reuses_the_old_handle_waits_within_the_hour() -> None:
    update = Request(
        request_type="Update",
        properties={"WaitHandle": HANDLE},
        old_properties={"WaitHandle": HANDLE},
        physical_id="pid",
        stack_id="arn:stack",
        logical_id="PackagesResource",
    )
    helper = Helper()
    assert long_wait_of(helper, update, HANDLE) is None  # type: ignore[arg-type]
    new_handle = Request(**{**update.__dict__, "old_properties": {"WaitHandle": HANDLE + "2"}})
    assert long_wait_of(helper, new_handle, HANDLE) is not None  # type: ignore[arg-type]
    assert long_wait_of(helper, request("Create"), HANDLE) is not None  # type: ignore[arg-type]
    assert long_wait_of(helper, request("Create"), None) is None  # type: ignore[arg-type]
