"""FakeLambda and FakeLambdaContext, through a real boto3 Lambda client."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from testsupport.fakes.clock import SimClock
from testsupport.fakes.lambda_service import FakeLambda, FakeLambdaContext
from testsupport.fakes.support import (
    error_code,
    lambda_client,
)


def test_lambda_event_invoke_runs_the_handler(fake_lambda: FakeLambda) -> None:
    seen: list[tuple[Any, FakeLambdaContext]] = []

    def handler(event: Any, context: FakeLambdaContext) -> None:
        seen.append((event, context))

    fake_lambda.register("worker", handler, timeout_seconds=60)
    client = lambda_client(fake_lambda)
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
    client = lambda_client(fake_lambda)
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
    assert error_code(too_large) == "RequestEntityTooLargeException"
    assert too_large.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    fake_lambda.inject("throttle")
    assert client.invoke(FunctionName="worker", InvocationType="DryRun")["StatusCode"] == 204


def test_lambda_context_runs_out_but_is_not_killed(fake_lambda: FakeLambda) -> None:
    remaining: list[int] = []

    def slow(event: Any, context: FakeLambdaContext) -> None:
        time.sleep(0.15)
        remaining.append(context.get_remaining_time_in_millis())

    fake_lambda.register("slow", slow, timeout_seconds=0.05)
    lambda_client(fake_lambda).invoke(FunctionName="slow", InvocationType="Event", Payload=b"{}")
    fake_lambda.wait_idle(5)
    assert remaining == [0]
    assert fake_lambda.invocations("slow")[0].timed_out

    clock = SimClock(1_000.0)
    context = FakeLambdaContext("direct", timeout_seconds=30, clock=clock)
    assert context.get_remaining_time_in_millis() == 30_000
    clock.advance(29.5)
    assert context.get_remaining_time_in_millis() == 500
