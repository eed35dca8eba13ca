"""`opensearch-packages-watch --stack`: the stack's WaitConditions next to the domain's blue/green.

A DomainPackages whose timeout is above an hour answers its custom resource once the service has
accepted the change; the stack then waits on a WaitCondition the handler signals when the
packages are done. The reads are checked against botocore's CloudFormation model with a Stubber
(call names, parameters, answer shapes); the long wait itself runs against the fake OpenSearch on
a SimClock, with a stand-in for CloudFormation that signals the WaitCondition a poll after the
plugin is ACTIVE, as the handler would.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import BotoCoreError, ClientError
from botocore.stub import Stubber

from opensearch_packages_watch import cli
from opensearch_packages_watch.cli import main, watch
from opensearch_packages_watch.stack import StackReader, timeouts_from_template
from opensearch_packages_watch.view import Screen
from tests.watch.test_watch_cli import fake_environment
from testsupport.fakes.clock import SimClock
from testsupport.fakes.fixtures import REMOVED_VARIABLES
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.support import DOMAIN, opensearch_client

PLUGIN = "F111111111"
STACK = "search-stack"
WAIT = "PackagesWaitA1B2C3D4E5F60718"
HOUR = 3600.0


def template(timeout: object = "43200") -> dict[str, Any]:
    """A stack template as CDK would synthesise it for a long-mode DomainPackages (trimmed)."""
    return {
        "Resources": {
            "PackagesWaitHandleA1B2C3D4": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
            WAIT: {
                "Type": "AWS::CloudFormation::WaitCondition",
                "Properties": {
                    "Handle": {"Ref": "PackagesWaitHandleA1B2C3D4"},
                    "Timeout": timeout,
                    "Count": 1,
                },
                "DependsOn": ["Packages"],
            },
            "Packages": {"Type": "Custom::OpenSearchDomainPackages", "Properties": {}},
        }
    }


def summary(logical_id: str, kind: str, status: str, at: float, reason: str = "") -> dict[str, Any]:
    """One StackResourceSummaries entry, as botocore parses it (the timestamp a datetime)."""
    entry: dict[str, Any] = {
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": f"{logical_id}-physical",
        "ResourceType": kind,
        "LastUpdatedTimestamp": datetime.fromtimestamp(at, tz=timezone.utc),
        "ResourceStatus": status,
    }
    if reason:
        entry["ResourceStatusReason"] = reason
    return entry


# ------------------------------------------------------------------------- the reads (Stubber)


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    ).client("cloudformation")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


T0 = 1_770_000_000.0


def test_the_reader_pages_through_the_resources_and_asks_the_template_once(
    stubbed: tuple[Any, Stubber],
) -> None:
    """ListStackResources, every page (DescribeStackResources would stop at 100 resources);
    GetTemplate only when a WaitCondition is new, for its Timeout."""
    client, stubber = stubbed
    first = {
        "StackResourceSummaries": [
            summary("Packages", "Custom::OpenSearchDomainPackages", "CREATE_COMPLETE", T0)
        ],
        "NextToken": "page-2",
    }
    second = {
        "StackResourceSummaries": [
            summary(WAIT, "AWS::CloudFormation::WaitCondition", "CREATE_IN_PROGRESS", T0 + 1)
        ]
    }
    stubber.add_response("list_stack_resources", first, {"StackName": STACK})
    stubber.add_response(
        "list_stack_resources", second, {"StackName": STACK, "NextToken": "page-2"}
    )
    stubber.add_response(
        "get_template",
        {"TemplateBody": json.dumps(template())},
        {"StackName": STACK, "TemplateStage": "Processed"},
    )
    stubber.add_response("list_stack_resources", second, {"StackName": STACK})

    reader = StackReader(client, STACK, template_errors=(BotoCoreError, ClientError))
    state = reader.read(lambda: T0 + 61)
    again = reader.read(lambda: T0 + 121)  # the WaitCondition is known: no GetTemplate

    assert [(c.logical_id, c.status, c.since, c.timeout) for c in state.conditions] == [
        (WAIT, "CREATE_IN_PROGRESS", T0 + 1, 43200)
    ]
    assert (state.read_at, again.read_at) == (T0 + 61, T0 + 121)
    assert [c.waiting for c in again.conditions] == [True]


def test_a_template_that_cannot_be_read_leaves_the_timeout_unknown(
    stubbed: tuple[Any, Stubber],
) -> None:
    """No cloudformation:GetTemplate: the watch goes on, without "of up to"."""
    client, stubber = stubbed
    resources = {
        "StackResourceSummaries": [
            summary(WAIT, "AWS::CloudFormation::WaitCondition", "CREATE_IN_PROGRESS", T0)
        ]
    }
    stubber.add_response("list_stack_resources", resources, {"StackName": STACK})
    stubber.add_client_error("get_template", "AccessDenied", "not allowed", 403)
    stubber.add_response("list_stack_resources", resources, {"StackName": STACK})

    reader = StackReader(client, STACK, template_errors=(BotoCoreError, ClientError))
    assert [c.timeout for c in reader.read(lambda: T0).conditions] == [None]
    assert [c.timeout for c in reader.read(lambda: T0).conditions] == [None]  # not asked again


@pytest.mark.parametrize(
    ("body", "timeouts"),
    [
        (template(), {WAIT: 43200}),
        (template(7200), {WAIT: 7200}),
        (json.dumps(template(" 3601 ")), {WAIT: 3601}),
        (template({"Ref": "Timeout"}), {WAIT: None}),  # an intrinsic: unknown
        (template(True), {WAIT: None}),
        ("Resources:\n  Wait:\n    Type: AWS::CloudFormation::WaitCondition\n", {}),  # YAML
        ({"Resources": "odd"}, {}),
        (
            {"Resources": {"X": "odd", "Y": {"Type": "AWS::CloudFormation::WaitCondition"}}},
            {"Y": None},
        ),
        (None, {}),
    ],
)
def test_timeouts_from_template(body: object, timeouts: Mapping[str, int | None]) -> None:
    assert timeouts_from_template(body) == timeouts


# --------------------------------------------------------------- the long wait, end to end


class SignalledStack:
    """A boto3 `cloudformation` client's two reads of a stack whose DomainPackages waits on a
    WaitCondition from `since` (fake clock time): CREATE_IN_PROGRESS until `signalled_at`, then
    CREATE_COMPLETE, as when the handler signals SUCCESS. An older WaitCondition of an earlier
    change stays CREATE_COMPLETE; pages of one resource, to make the reader follow NextToken."""

    def __init__(
        self, fake: FakeOpenSearch, clock: SimClock, since: float, signalled_at: float
    ) -> None:
        self._fake, self._clock = fake, clock
        self._since, self._signalled_at = since, signalled_at
        self.calls: list[str] = []

    def _epoch(self, clock_time: float) -> float:
        return self._fake.epoch_now() - self._clock() + clock_time

    def list_stack_resources(self, **params: Any) -> dict[str, Any]:
        self.calls.append("ListStackResources")
        assert params.get("StackName") == STACK
        done = self._clock() >= self._signalled_at
        resources = [
            summary(
                "PackagesWait99999999",
                "AWS::CloudFormation::WaitCondition",
                "CREATE_COMPLETE",
                self._epoch(self._since - 5 * HOUR),
            ),
            summary(
                "Packages",
                "Custom::OpenSearchDomainPackages",
                "CREATE_COMPLETE",
                self._epoch(self._since),
            ),
            summary(
                WAIT,
                "AWS::CloudFormation::WaitCondition",
                "CREATE_COMPLETE" if done else "CREATE_IN_PROGRESS",
                self._epoch(self._signalled_at if done else self._since),
                "{}" if done else "",
            ),
        ]
        index = int(params.get("NextToken") or 0)
        page: dict[str, Any] = {"StackResourceSummaries": resources[index : index + 1]}
        if index + 1 < len(resources):
            page["NextToken"] = str(index + 1)
        return page

    def get_template(self, **params: Any) -> dict[str, Any]:
        self.calls.append("GetTemplate")
        return {"TemplateBody": template()}


@pytest.fixture
def clock() -> SimClock:
    return SimClock(1_000.0)


@pytest.fixture
def fake(clock: SimClock) -> Iterator[FakeOpenSearch]:
    """A domain of the new kind: capacity-optimized blue/greens, three times as long; a plugin
    whose blue/green would take an hour on a default domain."""
    with FakeOpenSearch(clock=clock, association_seconds=2, settle_seconds=60) as fake:
        fake.add_domain(DOMAIN)
        fake.set_deployment_strategy(DOMAIN, "CapacityOptimized", slowdown=3)
        fake.add_package(PLUGIN, "ZIP-PLUGIN", name="icu-plugin", association_seconds=HOUR)
        yield fake


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fake: FakeOpenSearch) -> None:
    """The process environment points boto3 at the fake, and only at it (as for the command's
    other tests)."""
    for name in REMOVED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in fake_environment(fake).items():
        monkeypatch.setenv(name, value)


def watched_seconds(header: str) -> int:
    """The "(watching 1h02m03s" of a view's first line, in seconds."""
    found = re.search(r"\(watching (?:(\d+)h)?(\d+)m(\d+)s", header)
    assert found, header
    hours, minutes, seconds = found.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def views(out: str) -> list[list[str]]:
    """The views printed off a terminal (blank-line separated), without the final lines."""
    return [block.splitlines() for block in out.split("\n\n")]


def test_a_capacity_optimized_blue_green_with_the_stacks_long_wait(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    """A three-hour plugin blue/green watched from its first hour on: the strategy, the stages
    and how long the change has run, the stack's wait and its timeout; refreshes that thin out
    to one every 5 minutes; a view in the log at least every 10 minutes; the watch ends when
    the stack's wait is signalled, a little after the domain settles."""
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)
    started = clock()
    clock.advance(HOUR)
    # The handler signals at its first poll after the domain has settled (3 h of blue/green,
    # 60 s settling); it polls about every 5 % of the time waited, so some 9 minutes later.
    stack = SignalledStack(fake, clock, since=started, signalled_at=started + 3 * HOUR + 600)
    out = io.StringIO()

    code = watch(
        opensearch_client(fake),
        DOMAIN,
        screen=Screen(out, tty=False),
        sleep=clock.sleep,
        clock=clock,
        wall=fake.epoch_now,
        stack=StackReader(stack, STACK),
    )

    assert code == 0
    printed = views(out.getvalue())
    assert printed[0] == [
        f"Domain {DOMAIN} (OpenSearch_2.17, deployment strategy CapacityOptimized): Processing, "
        "DomainProcessingStatus Modifying  (watching 0m00s)",
        "Change 383e3634-6fc3-57e1-8c49-0dfecbbbb321: PROCESSING, ConfigChangeStatus "
        "ApplyingChanges, running 1h00m00s",
        "  [######------------------] 2/8 stages, 25%  Provisioning new nodes",
        "Stack search-stack: waits on 1 WaitCondition",
        "  PackagesWait99999999          CREATE_COMPLETE",
        "  PackagesWaitA1B2C3D4E5F60718  CREATE_IN_PROGRESS  1h00m00s so far, of up to 12h00m00s",
        "PACKAGE     NAME        TYPE        STATUS       VERSION",
        "F111111111  icu-plugin  ZIP-PLUGIN  ASSOCIATING  v1",
    ]
    headers = [view[0] for view in printed]
    assert any(h.endswith("(watching 1h01m38s, refreshed every 3m04s)") for h in headers)
    assert any("(watching 2h00m" in h and "refreshed every 5m00s)" in h for h in headers)
    # Settled domain, stack still waiting: the watch goes on until the signal.
    waiting_after = next(
        v for v in printed if "not Processing, DomainProcessingStatus Active" in v[0]
    )
    assert waiting_after[1].endswith(": COMPLETED, ConfigChangeStatus Completed, took 3h00m00s")
    assert waiting_after[3] == "Stack search-stack: waits on 1 WaitCondition"
    last = printed[-1]
    assert last[3:6] == [
        "Stack search-stack: waits on no WaitCondition",
        "  PackagesWait99999999          CREATE_COMPLETE",
        "  PackagesWaitA1B2C3D4E5F60718  CREATE_COMPLETE",
    ]
    assert last[-1] == (
        f"{DOMAIN} settled: not Processing, DomainProcessingStatus Active, no package associating "
        "or dissociating; stack search-stack waits on no WaitCondition."
    )
    # Refreshes: 5 s at first, about 5 % of the time watched, then every 5 minutes.
    sleeps = clock.sleeps
    assert sleeps[:2] == [5.0, 5.0]
    assert sleeps == sorted(sleeps)
    assert max(sleeps) == 300.0
    assert 2 * HOUR + 600 <= sum(sleeps) < 2 * HOUR + 900
    assert len(sleeps) < 120  # every 5 s, it would be 1,560
    # Off a terminal the log still hears from a long wait every 10 minutes or so.
    seconds = [watched_seconds(header) for header in headers]
    assert max(b - a for a, b in itertools.pairwise(seconds)) <= 600 + 300
    # Read-only, and the template asked once for the WaitConditions' Timeout.
    assert stack.calls.count("GetTemplate") == 1
    assert stack.calls.count("ListStackResources") == 3 * (len(sleeps) + 1)


def test_an_explicit_interval_does_not_grow(fake: FakeOpenSearch, clock: SimClock) -> None:
    fake.add_package("F333333333", "ZIP-PLUGIN", name="short", association_seconds=400)
    opensearch_client(fake).associate_package(PackageID="F333333333", DomainName=DOMAIN)
    code = watch(
        opensearch_client(fake),
        DOMAIN,
        screen=Screen(io.StringIO(), tty=False),
        interval=60,
        sleep=clock.sleep,
        clock=clock,
        wall=fake.epoch_now,
    )
    assert code == 0
    assert set(clock.sleeps) == {60}
    assert len(clock.sleeps) == 21  # 1,200 s of capacity-optimized blue/green, 60 s settling


@pytest.mark.usefixtures("env")
def test_the_stack_option_reads_the_stack_with_the_same_session(
    fake: FakeOpenSearch, clock: SimClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--stack` builds a `cloudformation` client beside the `opensearch` one (here a stand-in,
    the rest of the command as a user runs it), and a stack that does not exist is an error."""
    made: list[str] = []
    real_client: Any = boto3.session.Session.client  # its overloads name every service
    stack = SignalledStack(fake, clock, since=clock(), signalled_at=clock())

    def client(self: boto3.session.Session, name: str, *args: Any, **kwargs: Any) -> Any:
        made.append(name)
        return stack if name == "cloudformation" else real_client(self, name, *args, **kwargs)

    monkeypatch.setattr(boto3.session.Session, "client", client)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [DOMAIN, "--stack", STACK, "--once"],
        out=out,
        err=err,
        sleep=clock.sleep,
        clock=clock,
        wall=fake.epoch_now,
    )
    assert (code, err.getvalue()) == (0, "")
    assert made == ["cloudformation", "opensearch"]
    assert "Stack search-stack: waits on no WaitCondition" in out.getvalue()

    def missing(**_: Any) -> dict[str, Any]:
        raise ClientError(
            {"Error": {"Code": "ValidationError", "Message": "Stack with id nope does not exist"}},
            "ListStackResources",
        )

    monkeypatch.setattr(stack, "list_stack_resources", missing)
    err = io.StringIO()
    assert main([DOMAIN, "--stack", "nope", "--once"], out=io.StringIO(), err=err) == 2
    assert err.getvalue() == (
        "error: An error occurred (ValidationError) when calling the ListStackResources "
        "operation: Stack with id nope does not exist\n"
    )


def test_the_help_names_the_stack_option_and_its_permissions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "--stack STACK_NAME" in shown
    assert "cloudformation:ListStackResources" in shown
    assert "at most 5 minutes" in shown
    assert cli.MAX_INTERVAL == 300
