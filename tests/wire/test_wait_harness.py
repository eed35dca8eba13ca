"""The wire harness's long mode (issue 21): a change carrying `WaitHandle` gets the handle new
for it, and CloudFormation's WaitCondition starts when the custom resource is answered SUCCESS,
on simulated time. The answers here are PUT by hand (as crhelper PUTs them), so the harness is
checked apart from the handler."""

from __future__ import annotations

from typing import Any

from crhelper.utils import _send_response  # type: ignore[attr-defined] # not in its stubs

from tests.wire.conftest import SimulatedEnv
from testsupport.fakes.support import put_signal, response_body
from testsupport.wire.harness import Stack, change_hash, props

DOMAIN = "search"


def answer(stack: Stack, event: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Answer `event` as crhelper would and let the harness read the answer."""
    _send_response(event["ResponseURL"], response_body(event, **fields))
    cloudformation = stack.env.cloudformation
    return stack.answered(event, cloudformation.wait_for_response(event["RequestId"]))


def test_a_long_change_waits_on_a_condition_started_by_its_answer(sim_env: SimulatedEnv) -> None:
    env, clock = sim_env.env, sim_env.clock
    stack = Stack(env)
    first = stack.with_wait_handle(props(DOMAIN, "F1", timeout=7200))
    handle = first["WaitHandle"]
    assert handle == stack.with_wait_handle(props(DOMAIN, "F1", timeout=7200))["WaitHandle"]
    assert f"WaitHandle{change_hash(first)}" in handle

    create = stack.event("Create", first)
    answered_at = clock.now()
    _send_response(create["ResponseURL"], response_body(create))
    clock.advance(600)  # the handler goes on waiting before the test reads the answer
    stack.answered(create, env.cloudformation.wait_for_response(create["RequestId"]))
    condition = stack.wait_condition
    assert condition is not None
    assert (condition.created_at, condition.timeout, condition.count) == (answered_at, 7200, 1)
    assert condition.logical_id == f"Wait{change_hash(first)}"
    assert stack.wait_conditions == {handle: condition}
    assert condition.status == "CREATE_IN_PROGRESS"
    status = put_signal(
        handle,
        {"Status": "SUCCESS", "Reason": "", "UniqueId": create["RequestId"], "Data": "{}"},
        ca_pem_path=env.cloudformation.ca_pem_path,
    )
    assert status == 200
    assert condition.wait_for_outcome(timeout=5) == "CREATE_COMPLETE"


def test_an_update_gets_a_new_condition_and_its_rollback_none(sim_env: SimulatedEnv) -> None:
    env, clock = sim_env.env, sim_env.clock
    stack = Stack(env)
    old = stack.with_wait_handle(props(DOMAIN, "F1", timeout=7200))
    answer(stack, stack.event("Create", old))
    created = stack.wait_condition
    new = stack.with_wait_handle(props(DOMAIN, "F1", "F2", timeout=10_800))
    assert new["WaitHandle"] != old["WaitHandle"]
    answer(stack, stack.event("Update", new))
    updated = stack.wait_condition
    assert updated is not created
    assert updated is not None
    assert updated.timeout == 10_800
    # The rollback Update carries the old properties, and with them the old handle, whose
    # condition exists already: CloudFormation creates none.
    answer(stack, stack.event("Update", old, old_properties=new))
    assert stack.wait_condition is updated
    assert len(stack.wait_conditions) == 2
    clock.advance(10_800)
    assert updated.reason == "WaitCondition timed out. Received 0 conditions when expecting 1"


def test_a_failed_answer_or_a_short_change_starts_no_condition(sim_env: SimulatedEnv) -> None:
    stack = Stack(sim_env.env)
    answer(stack, stack.event("Create", props(DOMAIN, "F1", timeout=600)))
    long = stack.with_wait_handle(props(DOMAIN, "F1", timeout=7200))
    answer(stack, stack.event("Update", long), Status="FAILED", Reason="no")
    assert stack.wait_condition is None
    assert stack.wait_conditions == {}
