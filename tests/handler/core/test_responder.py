"""The crhelper seam (core/responder.py): the pinned crhelper must still call the private hooks
it overrides, with the arguments it expects. A crhelper upgrade that renames, drops or stops
calling one of them fails here instead of silently answering CloudFormation the old way."""

from __future__ import annotations

import inspect
import threading
import time
from typing import Any

import pytest
from crhelper import CfnResource
from domain_packages_handler.core import responder
from domain_packages_handler.core.responder import CRHELPER_HOOKS, Responder

from testsupport.fakes.lambda_service import FakeLambdaContext

#: The parameters each hook takes in crhelper 2.0.12, the version requirements.txt pins.
EXPECTED_PARAMETERS = {
    "_crhelper_init": ["self", "event", "context"],
    "_set_timeout": ["self"],
    "_cfn_response": ["self", "event"],
    "_send": ["self", "status", "reason", "send_response"],
    "_timeout": ["self"],
}


def test_every_overridden_hook_exists_in_crhelper_with_the_same_parameters() -> None:
    assert set(CRHELPER_HOOKS) == set(EXPECTED_PARAMETERS)
    for hook in CRHELPER_HOOKS:
        original = getattr(CfnResource, hook, None)
        assert original is not None, f"crhelper no longer has {hook}"
        assert list(inspect.signature(original).parameters) == EXPECTED_PARAMETERS[hook], hook
        assert hook in vars(Responder), f"Responder does not override {hook}"


def test_responder_relies_on_crhelpers_instance_attributes() -> None:
    source = inspect.getsource(CfnResource)
    for attribute in ("self.PhysicalResourceId", "self.Data", "self._context", "self._timer"):
        assert attribute in source, f"crhelper no longer keeps {attribute}"


class Spy:
    """Records which hooks crhelper calls, in order, and what the answers were."""

    def __init__(self) -> None:
        self.hooks: list[str] = []
        self.answers: list[dict[str, Any]] = []
        self.answered = threading.Event()


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake")
    recorded = Spy()
    for hook in CRHELPER_HOOKS:
        original = getattr(Responder, hook)

        def wrapper(self: Responder, *args: Any, _hook: str = hook, _orig: Any = original) -> Any:
            recorded.hooks.append(_hook)
            return _orig(self, *args)

        monkeypatch.setattr(Responder, hook, wrapper)

    def deliver(url: str, body: dict[str, Any], ssl_verify: Any = None) -> bool:
        recorded.answers.append(body)
        recorded.answered.set()
        return True

    monkeypatch.setattr(responder, "put_response", deliver)
    return recorded


def event(request_type: str = "Create") -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": "https://cloudformation.invalid/response",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/0b7c-uuid",
        "RequestId": "req-1",
        "LogicalResourceId": "Res",
        "ResourceType": "Custom::Test",
        "ResourceProperties": {},
    }


def test_a_request_goes_through_every_hook_and_answers_once(spy: Spy) -> None:
    def serve(event: dict[str, Any], context: Any) -> str:
        helper.set_physical_id("ignored: the return value wins")
        helper.add_data({"Key": "value"})
        return "physical-1"

    helper = Responder(serve)
    helper(event(), FakeLambdaContext(timeout_seconds=60))
    assert spy.hooks == ["_crhelper_init", "_set_timeout", "_cfn_response", "_send"]
    assert len(spy.answers) == 1
    answer = spy.answers[0]
    assert answer["Status"] == "SUCCESS"
    assert answer["PhysicalResourceId"] == "physical-1"
    assert answer["Data"] == {"Key": "value"}


def test_an_exception_answers_failed_with_its_message(spy: Spy) -> None:
    def serve(event: dict[str, Any], context: Any) -> str:
        helper.set_physical_id("physical-2")
        raise RuntimeError("the service said no")

    helper = Responder(serve)
    helper(event("Update"), FakeLambdaContext(timeout_seconds=60))
    assert [a["Status"] for a in spy.answers] == ["FAILED"]
    assert spy.answers[0]["Reason"] == "the service said no"
    assert spy.answers[0]["PhysicalResourceId"] == "physical-2"


def test_a_suppressed_response_is_not_sent(spy: Spy) -> None:
    def serve(event: dict[str, Any], context: Any) -> str:
        helper.suppress_response()
        return "physical-3"

    helper = Responder(serve)
    helper(event(), FakeLambdaContext(timeout_seconds=60))
    assert "_cfn_response" in spy.hooks
    assert spy.answers == []


def test_delete_is_answered_without_crhelpers_sleep(spy: Spy) -> None:
    helper = Responder(lambda event, context: "physical-4")
    started = time.monotonic()
    helper(event("Delete"), FakeLambdaContext(timeout_seconds=600))
    assert time.monotonic() - started < 5
    assert [a["Status"] for a in spy.answers] == ["SUCCESS"]


def test_crhelpers_timer_calls_the_timeout_hook_which_tries_a_handover_first(spy: Spy) -> None:
    handed_over = threading.Event()

    def hand_over() -> bool:
        handed_over.set()
        return True

    def serve(event: dict[str, Any], context: Any) -> str:
        helper.emergency_handover = hand_over
        assert handed_over.wait(timeout=10), "the timer never fired"
        return "physical-5"

    helper = Responder(serve)
    helper(event(), FakeLambdaContext(timeout_seconds=1.0))
    assert "_timeout" in spy.hooks
    assert spy.answers == [], "a hand-over answers later, from the invocation that finishes"


def test_without_a_handover_the_timer_answers_failed_once(spy: Spy) -> None:
    def serve(event: dict[str, Any], context: Any) -> str:
        assert spy.answered.wait(timeout=10), "the timer never answered"
        return "physical-6"

    helper = Responder(serve)
    helper(event(), FakeLambdaContext(timeout_seconds=1.0))
    assert [a["Status"] for a in spy.answers] == ["FAILED"]
    assert "ran out of time" in spy.answers[0]["Reason"]
