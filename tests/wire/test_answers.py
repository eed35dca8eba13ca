"""How and when the answer reaches CloudFormation, and what the logs say on the way."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from domain_packages_handler.core import responder

from testsupport.fakes.fixtures import AwsEnv
from testsupport.wire.harness import Stack, props

DOMAIN = "search"


@pytest.fixture
def env(aws_env: AwsEnv) -> AwsEnv:
    aws_env.opensearch.add_domain(DOMAIN)
    for pid in ("F111", "F222"):
        aws_env.opensearch.add_package(pid)
    return aws_env


def test_the_answer_follows_the_last_active_within_seconds(env: AwsEnv) -> None:
    env.opensearch.set_package_timing("F111", association_seconds=6.0)
    env.opensearch.set_package_timing("F222", association_seconds=6.0)
    stack = Stack(env)
    answer = stack.create(props(DOMAIN, "F111", "F222"))
    assert answer["Status"] == "SUCCESS", answer
    request_id = env.lambda_.invocations()[0].event["RequestId"]
    [put] = env.cloudformation.puts(request_id)
    active_at = max(d["LastUpdated"] for d in env.opensearch.associations(DOMAIN))
    assert put.received_at - active_at <= 5.0


def test_each_decision_is_one_json_log_line_and_no_secret_is_logged(
    env: AwsEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stack = Stack(env)
    stack.create(props(DOMAIN, "F111"))
    env.lambda_.wait_idle(timeout=5)
    request = env.lambda_.invocations()[0].event
    lines = [r.getMessage() for r in caplog.records if r.name == "domain_packages"]
    events = [json.loads(line)["event"] for line in lines]
    assert events[0] == "request"
    for expected in ("operation", "call", "accepted", "wait", "done", "response_sent"):
        assert expected in events
    call = json.loads(lines[events.index("call")])
    assert call["packages"] == ["F111"]
    assert call["domain"] == DOMAIN
    signature = parse_qs(urlsplit(request["ResponseURL"]).query)["X-Amz-Signature"][0]
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert signature not in everything
    assert "fake-secret-access-key" not in everything


def test_a_transient_failure_of_the_response_put_is_retried(env: AwsEnv) -> None:
    env.cloudformation.fail_next_puts(2, kind="500")
    answer = Stack(env).create(props(DOMAIN, "F111"))
    assert answer["Status"] == "SUCCESS"
    request_id = env.lambda_.invocations()[0].event["RequestId"]
    assert [p.status_code for p in env.cloudformation.puts(request_id)] == [500, 500, 200]


def test_a_response_put_that_fails_for_good_is_logged_and_gives_up(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, aws_env: AwsEnv
) -> None:
    sleeps: list[float] = []
    url = aws_env.cloudformation.response_url("req-1")
    aws_env.cloudformation.fail_next_puts(100, kind="drop")
    delivered = responder.put_response(
        url, {"Status": "SUCCESS", "PhysicalResourceId": "p"}, sleep=sleeps.append
    )
    assert delivered is False
    assert len(aws_env.cloudformation.puts("req-1")) == responder.PUT_ATTEMPTS
    assert sum(sleeps) < 30
    undeliverable = [r for r in caplog.records if "response_undeliverable" in r.getMessage()]
    assert undeliverable
    assert undeliverable[0].levelno == logging.ERROR


def test_an_oversized_answer_becomes_a_failure_cloudformation_accepts(aws_env: AwsEnv) -> None:
    url = aws_env.cloudformation.response_url("req-2")
    body = {
        "Status": "SUCCESS",
        "PhysicalResourceId": "p",
        "StackId": "s",
        "RequestId": "req-2",
        "LogicalResourceId": "L",
        "Reason": "",
        "Data": {f"k{i}": "v" * 100 for i in range(60)},
    }
    assert responder.put_response(url, body, sleep=lambda _: None)
    [put] = aws_env.cloudformation.puts("req-2")
    assert put.document is not None
    assert put.document["Status"] == "FAILED"
    assert "4,096-byte" in put.document["Reason"]
