"""Real limits and faults mid-flight (issue 4): deep trees, 20 packages, concurrency, crashes."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from domain_packages_handler import main
from domain_packages_handler.core import logs
from domain_packages_handler.core.handover import PROGRESS_KEY

from testsupport.fakes.fixtures import AwsEnv
from testsupport.fakes.lambda_service import FakeLambdaContext
from testsupport.wire.harness import FUNCTION, Stack, package, props

DOMAIN = "search"


def accepted(env: AwsEnv, operation: str) -> int:
    return sum(1 for op, outcome in env.opensearch.outcomes if op == operation and outcome == "200")


@pytest.fixture
def env(aws_env: AwsEnv) -> AwsEnv:
    aws_env.opensearch.add_domain(DOMAIN)
    for pid in ("F111", "F222", "F333"):
        aws_env.opensearch.add_package(pid)
    return aws_env


def test_a_150_character_logical_id_works_through_a_hand_over(env: AwsEnv) -> None:
    logical_id = "DeeplyNestedStageServiceSearch" * 5 + "PackagesA1B2C3D4"
    assert len(logical_id) > 150
    env.opensearch.set_package_timing("F111", association_seconds=5.0)
    stack = Stack(env, logical_id=logical_id, function_timeout=4.0)
    answer = stack.create(props(DOMAIN, "F111"))
    assert answer["Status"] == "SUCCESS", answer
    assert len(env.lambda_.invocations(FUNCTION)) >= 2
    assert stack.delete()["Status"] == "SUCCESS"


def test_twenty_packages_with_options_created_then_all_changed(env: AwsEnv) -> None:
    role = "arn:aws:iam::123456789012:role/opensearch-key-store-access-role-with-a-long-name"
    plugins = [f"pkg-a{i:07x}" for i in range(10)]
    configs = [f"pkg-c{i:07x}" for i in range(10)]
    for plugin, config in zip(plugins, configs, strict=True):
        env.opensearch.add_package(plugin, package_type="ZIP-PLUGIN", association_seconds=2.0)
        env.opensearch.add_package(config, package_type="PACKAGE-CONFIG", association_seconds=2.0)

    def declaration(enabled: bool) -> dict[str, Any]:
        entries: list[str | dict[str, Any]] = []
        for plugin, config in zip(plugins, configs, strict=True):
            entries.append(plugin)
            entries.append(
                package(
                    config,
                    Prerequisites=[plugin],
                    KeyStoreAccessEnabled=enabled,
                    **({"KeyAccessRoleArn": role} if enabled else {}),
                )
            )
        return props(DOMAIN, *entries, timeout=120)

    stack = Stack(env, logical_id="Search" * 30, function_timeout=4.0)
    created = stack.create(declaration(True), wait=60)
    assert created["Status"] == "SUCCESS", created
    assert accepted(env, "AssociatePackages") == 1
    updated = stack.update(declaration(False), wait=60)
    assert updated["Status"] == "SUCCESS", updated
    assert accepted(env, "AssociatePackages") == 2  # every change in one more call
    for put in env.cloudformation.puts():
        assert len(put.raw) <= 4096
    payloads = [len(i.payload) for i in env.lambda_.invocations(FUNCTION)]
    assert len(payloads) > 2, "the waits were handed over"
    # An async invoke takes 256 KB; the payload also stays within the 8,192 characters of an
    # EventBridge target's Input, so the hand-over could move to a schedule unchanged.
    assert max(payloads) <= 8_192
    assert not env.cloudformation.rejected()


def test_twenty_package_constructs_with_long_ids_answer_within_4_kb(env: AwsEnv) -> None:
    """Entries from Package constructs carry an ID, a version and an alias; the answer keys
    them by alias alone, so even 20 long IDs with a 150-character logical ID fit."""
    entries: list[str | dict[str, Any]] = []
    for n in range(20):
        package_id = "pkg-" + f"{n:040x}"
        env.opensearch.add_package(package_id, version="v12")
        entries.append(package(package_id, PackageVersion="v12", Alias=f"{n:08x}"))
    stack = Stack(env, logical_id="DeeplyNestedStageServiceSearch" * 5 + "Packages")
    answer = stack.create(props(DOMAIN, *entries), wait=60)
    assert answer["Status"] == "SUCCESS", answer
    assert len(answer["Data"]) == 40
    assert answer["Data"][f"ReferencePath.{19:08x}"] == f"analyzers/pkg-{19:040x}"
    assert answer["Data"][f"PackageVersion.{19:08x}"] == "v12"
    assert all(len(put.raw) <= 4096 for put in env.cloudformation.puts())


def test_ten_resources_created_at_once_several_per_domain(aws_env: AwsEnv) -> None:
    domains = ["alpha", "beta", "gamma"]
    for domain in domains:
        aws_env.opensearch.add_domain(domain)
    stacks = []
    for i in range(10):
        pids = [f"F{i}0{j}" for j in range(2)]
        for pid in pids:
            aws_env.opensearch.add_package(pid)
        stacks.append((Stack(aws_env, logical_id=f"Packages{i}"), props(domains[i % 3], *pids)))

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda s: s[0].create(s[1], wait=90), stacks))
    assert [a["Status"] for a in answers] == ["SUCCESS"] * 10, [a.get("Reason") for a in answers]
    for i, domain in enumerate(domains):
        on_domain = {d["PackageID"] for d in aws_env.opensearch.associations(domain)}
        assert on_domain == {f"F{k}0{j}" for k in range(i, 10, 3) for j in range(2)}
    # Resources sharing a domain took turns: refusals ("in progress", as the field shows them)
    # happened and were retried.
    busy = f"400 {aws_env.opensearch.busy_error}"
    assert any(outcome == busy for _, outcome in aws_env.opensearch.outcomes)
    assert accepted(aws_env, "AssociatePackages") == 10


def test_the_same_event_delivered_twice_associates_once_and_answers_the_same(
    env: AwsEnv,
) -> None:
    stack = Stack(env)
    event = env.cloudformation.make_event("Create", properties=props(DOMAIN, "F111", "F222"))
    stack.invoke(event)
    stack.invoke(event)
    env.lambda_.wait_idle(timeout=30)
    answers = env.cloudformation.responses(event["RequestId"])
    assert len(answers) == 2
    assert answers[0] == answers[1]
    assert answers[0]["Status"] == "SUCCESS"
    assert accepted(env, "AssociatePackages") == 1


class Killed(BaseException):
    """Stands for the sandbox dying: nothing in the handler catches it."""


def die_at_the_first_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next invocation dies when it first waits (its sandbox gone: nothing catches it)."""
    original_log = logs.log_event
    kill_armed = threading.Event()
    kill_armed.set()

    def log_then_die(event: str, **fields: Any) -> None:
        original_log(event, **fields)
        if event == "wait" and kill_armed.is_set():
            kill_armed.clear()
            raise Killed

    monkeypatch.setattr("domain_packages_handler.core.waiting.log_event", log_then_die)


def test_an_invocation_killed_mid_wait_is_recovered_by_the_retried_event(
    env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lambda retries an asynchronous event whose invocation died; the retry must pick up."""
    env.opensearch.set_package_timing("F111", association_seconds=2.0)
    die_at_the_first_wait(monkeypatch)
    stack = Stack(env)
    event = env.cloudformation.make_event("Create", properties=props(DOMAIN, "F111"))
    with pytest.raises(Killed):
        main.handler(event, FakeLambdaContext(FUNCTION, timeout_seconds=30))
    assert env.cloudformation.puts(event["RequestId"]) == []
    stack.invoke(event)  # Lambda's retry of the same event
    answer = env.cloudformation.wait_for_response(event["RequestId"], timeout=30)
    assert answer["Status"] == "SUCCESS", answer
    assert accepted(env, "AssociatePackages") == 1


def test_a_killed_hand_over_is_recovered_by_its_retry(
    env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.opensearch.set_package_timing("F111", association_seconds=6.0)
    original_handler = main.handler
    deliveries: list[dict[str, Any]] = []

    def dies_once_after_hand_over(event: dict[str, Any], context: FakeLambdaContext) -> None:
        if PROGRESS_KEY in event and not deliveries:
            deliveries.append(event)
            raise Killed
        original_handler(event, context)

    stack = Stack(env, function_timeout=4.0)
    env.lambda_.register(FUNCTION, dies_once_after_hand_over, timeout_seconds=4.0)
    event = env.cloudformation.make_event("Create", properties=props(DOMAIN, "F111"))
    stack.invoke(event)
    env.lambda_.wait_idle(timeout=10)
    assert deliveries, "a hand-over happened and died"
    assert env.cloudformation.puts(event["RequestId"]) == []
    stack.invoke(deliveries[0])  # Lambda's retry of the hand-over event
    answer = env.cloudformation.wait_for_response(event["RequestId"], timeout=30)
    assert answer["Status"] == "SUCCESS", answer
    assert accepted(env, "AssociatePackages") == 1
    progress = json.loads(json.dumps(deliveries[0][PROGRESS_KEY]))
    assert "F111" in progress["state"]["associate_submitted"]


def test_the_deadline_holds_across_a_redelivery_counted_from_cloudformations_request(
    env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An invocation dies mid-wait and Lambda delivers the same event again 2 s later: the
    retry keeps the deadline of the first delivery (CloudFormation's ServiceTimeout runs from
    its request), instead of starting a fresh one that outlives CloudFormation's patience."""
    env.opensearch.set_package_timing("F111", association_seconds=120.0)
    die_at_the_first_wait(monkeypatch)
    stack = Stack(env)
    started = time.time()
    event = env.cloudformation.make_event("Create", properties=props(DOMAIN, "F111", timeout=6))
    with pytest.raises(Killed):
        main.handler(event, FakeLambdaContext(FUNCTION, timeout_seconds=30))
    time.sleep(2.0)  # Lambda's retry comes a little later
    stack.invoke(event)
    answer = env.cloudformation.wait_for_response(event["RequestId"], timeout=30)
    answered = time.time() - started
    assert answer["Status"] == "FAILED", answer
    assert answer["Reason"].startswith("timed out after 5 s on domain search"), answer["Reason"]
    # The deadline is 6 s less the 10 % margin after the request: 5.4 s, not 2 + 5.4 s.
    assert answered < 6.5, answered
    assert accepted(env, "AssociatePackages") == 1
