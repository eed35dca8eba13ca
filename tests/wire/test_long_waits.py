"""Waits longer than CloudFormation's hour (issue 21), at the wire, on simulated time: the custom
resource is answered once the service took the change, the handler goes on waiting in hand-over
invocations and signals the WaitCondition's handle; failures and timeouts fail the wait with the
reason a stack event would show, the rollback removes what the attempt added, and a newer
request (an update, a delete) supersedes a waiter still running, which then never signals."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from domain_packages_handler import main

from tests.wire.conftest import SimulatedEnv, SimulatedTime
from testsupport.fakes.clock import SimClock
from testsupport.fakes.cloudformation import FakeCloudFormation, WaitCondition
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.wire.harness import Stack, package_props, props

DOMAIN = "search"
PLUGIN = "G111111111"
DICTIONARY = "F222222222"
HOUR = 3600.0


class HeldTime(SimulatedTime):
    """The handler's time, where the first invocation to sleep past `hold_at` stays parked
    there until `release()`: a waiter caught in the middle of its wait, while the test sends
    the resource a newer request (whose invocations pass)."""

    def __init__(self, clock: SimClock, hold_at: float) -> None:
        super().__init__(clock)
        self._clock = clock
        self.hold_at = hold_at
        self.parked = threading.Event()
        self._released = threading.Event()
        self._held: int | None = None
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        if not self._released.is_set() and self._clock.now() >= self.hold_at:
            with self._lock:
                if self._held is None:
                    self._held = threading.get_ident()
                held = self._held == threading.get_ident()
            if held:
                self.parked.set()
                assert self._released.wait(60), "the held waiter was never released"
        super().sleep(seconds)

    def release(self) -> None:
        self._released.set()


@pytest.fixture
def domain(sim_env: SimulatedEnv) -> Iterator[FakeOpenSearch]:
    """A domain, a plugin whose blue/green takes three hours and a dictionary."""
    fake = sim_env.env.opensearch
    fake.add_domain(DOMAIN)
    fake.add_package(PLUGIN, "ZIP-PLUGIN", association_seconds=3 * HOUR)
    fake.add_package(DICTIONARY)
    yield fake
    sim_env.env.lambda_.wait_idle(timeout=60)


def statuses(fake: FakeOpenSearch) -> dict[str, str]:
    return {d["PackageID"]: d["DomainPackageStatus"] for d in fake.associations(DOMAIN)}


def signals(cloudformation: FakeCloudFormation, handle: str) -> list[dict[str, Any]]:
    return [s.document or {} for s in cloudformation.signals(handle)]


def completed(stack: Stack, properties: dict[str, Any]) -> WaitCondition:
    """Create the resource and wait until its WaitCondition succeeded and nothing runs."""
    assert stack.create(properties)["Status"] == "SUCCESS"
    condition = stack.wait_condition
    assert condition is not None
    assert condition.wait_for_outcome(timeout=60) == "CREATE_COMPLETE", condition.reason
    stack.env.lambda_.wait_idle(timeout=30)
    return condition


def long_props(stack: Stack, *packages: str, hours: float) -> dict[str, Any]:
    return stack.with_wait_handle(props(DOMAIN, *packages, timeout=int(hours * HOUR)))


@pytest.mark.parametrize(
    ("strategy", "slowdown"), [(None, 1.0), ("Default", 1.0), ("CapacityOptimized", 1.5)]
)
def test_a_plugin_that_takes_hours_ends_with_the_wait_succeeding(
    sim_env: SimulatedEnv, domain: FakeOpenSearch, strategy: str | None, slowdown: float
) -> None:
    """With or without DeploymentStrategyOptions, and with a capacity-optimized blue/green
    taking half as long again (by how much it is slower is undocumented)."""
    env, clock = sim_env.env, sim_env.clock
    domain.set_deployment_strategy(DOMAIN, strategy, slowdown=slowdown)
    stack = Stack(env)
    started = clock.t
    properties = long_props(stack, PLUGIN, DICTIONARY, hours=6)
    answer = stack.create(properties)
    assert answer["Status"] == "SUCCESS", answer
    answered = env.cloudformation.wait_for_put(answer["RequestId"], timeout=0).received_at
    assert answered - started < 60  # once AssociatePackages was accepted, not hours later
    assert answer["Data"]["ReferencePath.F222222222"] == "analyzers/F222222222"
    condition = stack.wait_condition
    assert condition is not None

    assert condition.wait_for_outcome(timeout=60) == "CREATE_COMPLETE", condition.reason
    env.lambda_.wait_idle(timeout=30)
    assert statuses(domain) == {PLUGIN: "ACTIVE", DICTIONARY: "ACTIVE"}
    [signal] = signals(env.cloudformation, properties["WaitHandle"])
    assert signal["Status"] == "SUCCESS"
    assert signal["UniqueId"] == answer["RequestId"]
    # The end is noticed within 5 % of the time waited...
    active_at = started + 3 * HOUR * slowdown
    assert condition.ended_at is not None
    assert 0 <= condition.ended_at - active_at <= 0.05 * (active_at - started)
    # ...for at most 300 calls per hour of waiting, over a handful of invocations.
    hours = (condition.ended_at - started) / HOUR
    assert domain.call_count / hours <= 300, domain.call_count
    assert len(env.lambda_.invocations()) / hours <= 8


def test_a_plugin_that_fails_after_two_hours_fails_the_wait_and_the_rollback_dissociates(
    sim_env: SimulatedEnv, domain: FakeOpenSearch
) -> None:
    env, clock = sim_env.env, sim_env.clock
    domain.set_package_timing(PLUGIN, association_seconds=2 * HOUR, dissociation_seconds=HOUR)
    domain.fail_association(PLUGIN, "PluginValidationFailure", "The plugin needs a newer engine.")
    stack = Stack(env)
    started = clock.t
    assert stack.create(long_props(stack, DICTIONARY, PLUGIN, hours=6))["Status"] == "SUCCESS"
    condition = stack.wait_condition
    assert condition is not None

    assert condition.wait_for_outcome(timeout=60) == "CREATE_FAILED"
    reason = condition.reason or ""
    assert reason.startswith("WaitCondition received failed message: 'association failed on ")
    assert "PluginValidationFailure: The plugin needs a newer engine." in reason
    assert condition.ended_at is not None
    assert condition.ended_at - started >= 2 * HOUR
    env.lambda_.wait_idle(timeout=30)

    # CloudFormation rolls the Create back: a Delete, answered once the service took it.
    rollback = stack.delete()
    assert rollback["Status"] == "SUCCESS", rollback
    env.lambda_.wait_idle(timeout=60)
    assert statuses(domain) == {}


def test_a_wait_that_times_out_fails_with_the_reason_and_rolls_back(
    sim_env: SimulatedEnv, domain: FakeOpenSearch
) -> None:
    env, clock = sim_env.env, sim_env.clock
    domain.set_package_timing(PLUGIN, association_seconds=3 * HOUR, dissociation_seconds=HOUR / 2)
    stack = Stack(env)
    started = clock.t
    assert stack.create(long_props(stack, PLUGIN, hours=2))["Status"] == "SUCCESS"
    condition = stack.wait_condition
    assert condition is not None

    assert condition.wait_for_outcome(timeout=60) == "CREATE_FAILED"
    reason = condition.reason or ""
    # The handler's reason comes before CloudFormation's own timeout would.
    assert "WaitCondition received failed message: 'timed out after " in reason
    assert f"on domain {DOMAIN} waiting for {PLUGIN} (ASSOCIATING)" in reason
    assert condition.ended_at is not None
    assert condition.ended_at < started + 2 * HOUR
    env.lambda_.wait_idle(timeout=30)

    rollback = stack.delete()
    assert rollback["Status"] == "SUCCESS", rollback
    env.lambda_.wait_idle(timeout=60)
    assert statuses(domain) == {}


def held(monkeypatch: pytest.MonkeyPatch, clock: SimClock, after: float) -> HeldTime:
    time = HeldTime(clock, hold_at=clock.t + after)
    monkeypatch.setattr(main, "time", time)
    return time


def test_an_update_during_a_running_wait_supersedes_it(
    sim_env: SimulatedEnv, domain: FakeOpenSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, clock = sim_env.env, sim_env.clock
    env.cloudformation.describe_stack_resource = "answer"
    time = held(monkeypatch, clock, after=600)
    stack = Stack(env)
    first = long_props(stack, PLUGIN, hours=6)
    assert stack.create(first)["Status"] == "SUCCESS"
    assert time.parked.wait(30)  # the Create's waiter, ten minutes into its wait

    second = long_props(stack, PLUGIN, DICTIONARY, hours=6)
    assert second["WaitHandle"] != first["WaitHandle"]
    assert stack.update(second, wait=60)["Status"] == "SUCCESS"
    time.release()
    condition = stack.wait_condition
    assert condition is not None
    assert condition.wait_for_outcome(timeout=60) == "CREATE_COMPLETE", condition.reason
    env.lambda_.wait_idle(timeout=60)

    assert signals(env.cloudformation, first["WaitHandle"]) == []  # superseded: never signals
    assert [s["Status"] for s in signals(env.cloudformation, second["WaitHandle"])] == ["SUCCESS"]
    assert statuses(domain) == {PLUGIN: "ACTIVE", DICTIONARY: "ACTIVE"}
    assert domain.count("AssociatePackages") + domain.count("AssociatePackage") == 2


def test_a_delete_while_a_waiter_runs_leaves_nothing_behind(
    sim_env: SimulatedEnv, domain: FakeOpenSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, clock = sim_env.env, sim_env.clock
    env.cloudformation.describe_stack_resource = "answer"
    domain.set_package_timing(PLUGIN, association_seconds=3 * HOUR, dissociation_seconds=HOUR)
    time = held(monkeypatch, clock, after=600)
    stack = Stack(env)
    first = long_props(stack, PLUGIN, DICTIONARY, hours=6)
    assert stack.create(first)["Status"] == "SUCCESS"
    assert time.parked.wait(30)

    deleted = stack.delete(wait=60)
    assert deleted["Status"] == "SUCCESS", deleted
    time.release()
    env.lambda_.wait_idle(timeout=60)

    assert statuses(domain) == {}
    assert signals(env.cloudformation, first["WaitHandle"]) == []
    associations = [o for op, o in domain.outcomes if op.startswith("AssociatePackage")]
    assert len(associations) == 1  # the superseded waiter never associated again


def test_an_update_with_the_old_handle_waits_within_the_hour_and_signals_nothing(
    sim_env: SimulatedEnv, domain: FakeOpenSearch
) -> None:
    """A change the construct could not see at synth time (a parameter) keeps the handle,
    whose condition has ended: the Update is answered when its change is done, as short waits
    are, so the stack still waits for it (up to an hour)."""
    env, clock = sim_env.env, sim_env.clock
    domain.set_package_timing(DICTIONARY, association_seconds=1200)
    stack = Stack(env)
    first = long_props(stack, PLUGIN, hours=6)
    completed(stack, first)

    same_handle = {
        **props(DOMAIN, PLUGIN, DICTIONARY, timeout=6 * 3600),
        "WaitHandle": first["WaitHandle"],
    }
    started = clock.t
    answer = stack.update(same_handle, wait=60)
    assert answer["Status"] == "SUCCESS", answer
    assert clock.t - started >= 1200  # answered once the dictionary was ACTIVE
    assert statuses(domain) == {PLUGIN: "ACTIVE", DICTIONARY: "ACTIVE"}
    env.lambda_.wait_idle(timeout=30)
    assert len(signals(env.cloudformation, first["WaitHandle"])) == 1  # the Create's only


def test_a_package_delete_outlasting_its_hour_answers_and_deletes_it_once_unused(
    sim_env: SimulatedEnv,
) -> None:
    """A stack delete on a large domain: the DomainPackages' Delete answered once the
    dissociation was accepted, and the Package's Delete comes while the blue/green still runs
    for hours. It answers at its timeout and deletes the package once no domain uses it."""
    env, clock = sim_env.env, sim_env.clock
    fake = env.opensearch
    fake.add_domain(DOMAIN)
    fake.put_object("cdk-assets", "v1.txt", b"laptop, notebook\n")
    stack = Stack(env, logical_id="Synonyms", resource_type="Custom::OpenSearchPackage")
    created = stack.create(package_props("synonyms-1a2b3c4d", "v1.txt", timeout=1800))
    assert created["Status"] == "SUCCESS", created
    package_id = created["PhysicalResourceId"]
    fake.set_package_timing(package_id, dissociation_seconds=3 * HOUR)
    fake.preassociate(DOMAIN, package_id, "DISSOCIATING")
    started = clock.t

    deleted = stack.delete(wait=60)
    assert deleted["Status"] == "SUCCESS", deleted
    answered = env.cloudformation.wait_for_put(deleted["RequestId"], timeout=0).received_at
    assert 1700 < answered - started < 1800  # at its timeout, not failed
    assert package_id in fake.package_ids()  # still in use: not deleted yet
    env.lambda_.wait_idle(timeout=60)
    assert package_id not in fake.package_ids()
    assert clock.t - started >= 3 * HOUR
    assert fake.count("DeletePackage") == 1


@pytest.mark.parametrize("late_signals", ["refused", "stored"])
def test_an_update_that_fails_after_an_hour_is_rolled_back_to_what_was_there(
    sim_env: SimulatedEnv, domain: FakeOpenSearch, late_signals: str
) -> None:
    """The rollback of a failed long Update carries the old properties and the old handle,
    whose condition has ended: it removes the plugin the Update added, keeps the dictionary,
    and its signal to the ended handle is refused (or stored, and ignored) without harm."""
    env = sim_env.env
    env.cloudformation.late_signals = late_signals  # type: ignore[assignment]
    domain.set_package_timing(PLUGIN, association_seconds=HOUR, dissociation_seconds=HOUR)
    domain.fail_association(PLUGIN, "PluginValidationFailure", "Not for this engine.")
    stack = Stack(env)
    first = long_props(stack, DICTIONARY, hours=6)
    created = completed(stack, first)

    second = long_props(stack, DICTIONARY, PLUGIN, hours=6)
    assert stack.update(second)["Status"] == "SUCCESS"
    updated = stack.wait_condition
    assert updated is not None
    assert updated is not created
    assert updated.wait_for_outcome(timeout=60) == "CREATE_FAILED"
    assert "PluginValidationFailure: Not for this engine." in (updated.reason or "")
    env.lambda_.wait_idle(timeout=30)

    rollback = stack.update(first, old_properties=second)
    assert rollback["Status"] == "SUCCESS", rollback
    env.lambda_.wait_idle(timeout=60)
    assert statuses(domain) == {DICTIONARY: "ACTIVE"}
    assert created.status == "CREATE_COMPLETE"  # the ended condition took no second signal


@pytest.mark.parametrize("kind", ["500", "drop"])
def test_a_signal_put_that_fails_is_sent_again(
    sim_env: SimulatedEnv, domain: FakeOpenSearch, kind: str
) -> None:
    env = sim_env.env
    env.cloudformation.fail_next_signals(2, kind=kind)  # type: ignore[arg-type]
    stack = Stack(env)
    properties = long_props(stack, DICTIONARY, hours=2)
    completed(stack, properties)
    faults = [s.injected_fault for s in env.cloudformation.signals(properties["WaitHandle"])]
    assert len(faults) == 3
    assert faults[-1] is None
