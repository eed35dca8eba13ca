"""Wire tests on simulated time: the real handler module, crhelper and boto3 over HTTP to the
fakes, with every clock (the fakes', each Lambda context's, and the handler's `time.time` and
`time.sleep`) on one SimClock, so a wait of minutes or hours runs in moments."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from domain_packages_handler import main

from testsupport.fakes.clock import SimClock
from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.fixtures import REMOVED_VARIABLES, AwsEnv, lambda_environment
from testsupport.fakes.lambda_service import FakeLambda
from testsupport.fakes.opensearch import FakeOpenSearch


class SimulatedTime:
    """Stands in for the `time` module where the handler's entry point reads it."""

    def __init__(self, clock: SimClock) -> None:
        self._clock = clock

    def time(self) -> float:
        return self._clock.now()

    def sleep(self, seconds: float) -> None:
        self._clock.sleep(seconds)


@dataclass(frozen=True)
class SimulatedEnv:
    """The fakes on simulated time, and the clock that drives them."""

    env: AwsEnv
    clock: SimClock


@pytest.fixture
def sim_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedEnv]:
    """The fakes and the handler on one SimClock that starts at the wall clock's time (so the
    ResponseURL's signing time is in its past), plugins and dictionaries taking a minute.
    FakeCloudFormation's wait conditions and LastUpdatedTimestamps run on the same clock."""
    clock = SimClock(time.time())
    with (
        FakeOpenSearch(association_seconds=60, dissociation_seconds=60, clock=clock) as opensearch,
        FakeCloudFormation(clock=clock) as cloudformation,
        FakeLambda(clock=clock) as lambda_,
    ):
        for name in REMOVED_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in lambda_environment(opensearch, lambda_, cloudformation).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        monkeypatch.setattr(main, "time", SimulatedTime(clock))
        yield SimulatedEnv(AwsEnv(opensearch, lambda_, cloudformation), clock)
