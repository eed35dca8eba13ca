"""The watch tool's pure parts: reading what a domain and its change report, the view's lines,
when to stop, and how views reach a terminal or a log."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from opensearch_packages_watch.cli import EXIT_FAILED, EXIT_SETTLED, outcome, refresh_interval
from opensearch_packages_watch.reading import (
    ChangeState,
    DomainStatus,
    change_from_api,
    domain_from_api,
    epoch_seconds,
)
from opensearch_packages_watch.stack import StackState, WaitConditionState
from opensearch_packages_watch.state import DomainState, PackageState
from opensearch_packages_watch.view import Screen, final_lines, progress_bar, render

PLUGIN = PackageState("F111111111", "icu-plugin", "ZIP-PLUGIN", "ASSOCIATING", "v2")
SYNONYMS = PackageState("F222222222", "synonyms", "TXT-DICTIONARY", "ACTIVE", "v1")
CHANGE = ChangeState(
    "c0ffee00-0000-4000-8000-000000000001", "PROCESSING", 3, 8, "Traffic routing", "ApplyingChanges"
)
BUSY = DomainStatus(
    processing=True, processing_status="Modifying", engine_version="OpenSearch_2.19"
)
READY = DomainStatus(processing=False, processing_status="Active")


def state(
    *packages: PackageState, processing: bool = True, change: ChangeState | None = CHANGE
) -> DomainState:
    status = BUSY if processing else READY
    return DomainState("search-domain", status, packages, change if processing else None)


@pytest.mark.parametrize(
    ("done", "total", "bar"),
    [
        (0, 8, "[--------]"),
        (3, 8, "[###-----]"),
        (8, 8, "[########]"),
        (9, 8, "[########]"),
        (0, 0, "[--------]"),
    ],
)
def test_progress_bar(done: int, total: int, bar: str) -> None:
    assert progress_bar(done, total, width=8) == bar


def test_change_from_api_counts_completed_stages_and_names_the_current_one() -> None:
    progress = {
        "ChangeId": "abc",
        "Status": "PROCESSING",
        "TotalNumberOfStages": 4,
        "ChangeProgressStages": [
            {"Name": "Validation", "Status": "COMPLETED"},
            {"Name": "Creating a new environment", "Status": "completed"},
            {"Name": "Provisioning new nodes", "Status": "IN_PROGRESS"},
            {"Name": "Deleting older resources", "Status": "PENDING"},
        ],
    }
    assert change_from_api(progress) == ChangeState(
        "abc", "PROCESSING", 2, 4, "Provisioning new nodes"
    )


def test_change_from_api_reads_config_status_and_validation_failures() -> None:
    progress = {
        "Status": "FAILED",
        "ConfigChangeStatus": "ValidationFailed",
        "ValidationFailures": [
            {"Code": "PluginIncompatible", "Message": "Not for 2.17"},
            {"Message": "Only a message"},
            {},
            "not an object",
        ],
    }
    assert change_from_api(progress) == ChangeState(
        "",
        "FAILED",
        0,
        0,
        "",
        "ValidationFailed",
        ("PluginIncompatible: Not for 2.17", "Only a message"),
    )


def test_domain_from_api_reads_processing_and_the_processing_status() -> None:
    assert domain_from_api({"Processing": False}) == DomainStatus(False, "")
    assert domain_from_api({"Processing": False, "EngineVersion": "OpenSearch_2.19"}) == (
        DomainStatus(False, "", "OpenSearch_2.19")
    )
    assert domain_from_api({"UpgradeProcessing": True, "DomainProcessingStatus": "Active"}) == (
        DomainStatus(True, "Active")
    )
    assert DomainStatus(False, "").ready
    assert DomainStatus(False, "Active").ready
    assert not DomainStatus(False, "Modifying").ready  # settling: not Processing any more
    assert not DomainStatus(True, "Active").ready
    assert DomainStatus(False, "Isolated").unusable
    assert not DomainStatus(False, "Modifying").unusable


def test_change_from_api_of_a_finished_or_absent_change() -> None:
    finished = {
        "ChangeId": "abc",
        "Status": "COMPLETED",
        "ChangeProgressStages": [{"Name": "Validation", "Status": "COMPLETED"}] * 2,
    }
    # Without TotalNumberOfStages, the stages listed are the total.
    assert change_from_api(finished) == ChangeState("abc", "COMPLETED", 2, 2, "")
    assert change_from_api({}) is None  # a domain that never changed
    # The handler's rule: a change is there when it has a Status or a ConfigChangeStatus.
    assert change_from_api({"ChangeId": "abc", "ChangeProgressStages": []}) is None


def test_render_shows_the_change_and_a_table_of_packages() -> None:
    lines = render(state(PLUGIN, SYNONYMS), elapsed=125)
    assert lines == [
        "Domain search-domain (OpenSearch_2.19): Processing, DomainProcessingStatus Modifying  "
        "(watching 2m05s)",
        "Change c0ffee00-0000-4000-8000-000000000001: PROCESSING, ConfigChangeStatus "
        "ApplyingChanges",
        "  [#########---------------] 3/8 stages, 37%  Traffic routing",
        "PACKAGE     NAME        TYPE            STATUS       VERSION",
        "F111111111  icu-plugin  ZIP-PLUGIN      ASSOCIATING  v2",
        "F222222222  synonyms    TXT-DICTIONARY  ACTIVE       v1",
    ]


def test_render_names_each_package_of_an_engine_upgrade() -> None:
    """An upgrade that left an optional plugin's old package on the domain: one name, two IDs,
    the domain's engine version saying which one is built for it."""
    upgrading = DomainStatus(True, "UpgradingEngineVersion", "OpenSearch_2.19")
    packages = (
        PackageState("G1001", "analysis-sudachi", "ZIP-PLUGIN", "DISSOCIATING", "v1"),
        PackageState("G1002", "analysis-sudachi", "ZIP-PLUGIN", "ASSOCIATING", "v1"),
    )
    assert render(DomainState("search-domain", upgrading, packages, None)) == [
        "Domain search-domain (OpenSearch_2.19): Processing, DomainProcessingStatus "
        "UpgradingEngineVersion",
        "Change: none reported",
        "PACKAGE  NAME              TYPE        STATUS        VERSION",
        "G1001    analysis-sudachi  ZIP-PLUGIN  DISSOCIATING  v1",
        "G1002    analysis-sudachi  ZIP-PLUGIN  ASSOCIATING   v1",
    ]


def test_render_without_elapsed_change_or_packages() -> None:
    assert render(state(processing=False)) == [
        "Domain search-domain: not Processing, DomainProcessingStatus Active",
        "Change: none reported",
        "No packages associated.",
    ]
    assert "(watching 1h00m00s)" in render(state(), elapsed=3600)[0]


def test_outcome_and_final_lines() -> None:
    running = state(PLUGIN)
    assert outcome(running) is None
    assert final_lines(running) == []

    settled = state(SYNONYMS, processing=False)
    assert outcome(settled) == EXIT_SETTLED
    assert final_lines(settled) == [
        "search-domain settled: not Processing, DomainProcessingStatus Active, no package "
        "associating or dissociating."
    ]
    # Not Processing but still Modifying (a domain settling after a change): not settled.
    settling = DomainState("search-domain", DomainStatus(False, "Modifying"), (SYNONYMS,), None)
    assert outcome(settling) is None
    # Not Processing, but a dictionary still ASSOCIATING: not settled.
    assert outcome(state(PackageState("F3", "d", "TXT-DICTIONARY", "ASSOCIATING", "v1"))) is None

    failed = PackageState(
        "F111111111", "icu-plugin", "ZIP-PLUGIN", "ASSOCIATION_FAILED", "v2", "Bad: zip"
    )
    assert outcome(state(failed, SYNONYMS)) == EXIT_FAILED
    assert final_lines(state(failed)) == ["F111111111 (icu-plugin) ASSOCIATION_FAILED: Bad: zip"]
    no_details = PackageState("F4", "x", "ZIP-PLUGIN", "DISSOCIATION_FAILED", "v1")
    assert final_lines(state(no_details)) == ["F4 (x) DISSOCIATION_FAILED: no ErrorDetails given"]


def test_screen_off_a_terminal_prints_only_views_that_changed() -> None:
    out = io.StringIO()
    screen = Screen(out, tty=False)
    screen.show(["a 1s", "b"], key=["a", "b"])
    screen.show(["a 6s", "b"], key=["a", "b"])  # only the elapsed time moved
    screen.show(["a 11s", "c"], key=["a", "c"])
    screen.write(["done"])
    assert out.getvalue() == "a 1s\nb\n\na 11s\nc\ndone\n"
    assert "\x1b" not in out.getvalue()


def test_screen_on_a_terminal_redraws_in_place() -> None:
    out = io.StringIO()
    screen = Screen(out, tty=True, width=6)
    screen.show(["first line", "b"])
    screen.show(["x", "y", "z"])
    screen.write(["done"])
    screen.show(["again"])
    # Lines are cut to the width (minus one) so none wraps; each redraw goes back over the last
    # view (CSI 2 F) and clears it (CSI J); lines written below a view are never redrawn.
    assert out.getvalue() == "first\nb\n\x1b[2F\x1b[Jx\ny\nz\ndone\nagain\n"


STOPPED = ChangeState("c1", "PROCESSING", 1, 8, "Provisioning", "PendingUserInput")


def test_a_stopped_change_stops_the_watch_while_a_plugin_is_in_flight() -> None:
    failed = ChangeState(
        "c1", "FAILED", 1, 8, "", "ValidationFailed", ("PluginIncompatible: Not for 2.17",)
    )
    stopped = state(PLUGIN, change=failed)
    assert outcome(stopped) == EXIT_FAILED
    assert final_lines(stopped) == [
        "Stopped: the configuration change on domain search-domain is ValidationFailed "
        "(PluginIncompatible: Not for 2.17): the service refused the change; waiting will not "
        "end it, and the deploy fails with it."
    ]
    assert "  ValidationFailure PluginIncompatible: Not for 2.17" in render(stopped)


def test_a_stopped_change_without_a_plugin_in_flight() -> None:
    """As the handler: a busy domain's PendingUserInput stops the deploy; any other stopped
    change without a plugin in flight is an old one."""
    dictionary = PackageState("F3", "d", "TXT-DICTIONARY", "ASSOCIATING", "v1")
    assert outcome(state(dictionary, change=STOPPED)) == EXIT_FAILED
    cancelled = ChangeState("c1", "FAILED", 1, 8, "", "Cancelled")
    assert outcome(state(dictionary, change=cancelled)) is None
    ready = DomainState("search-domain", READY, (dictionary,), STOPPED)
    assert outcome(ready) is None


def test_an_unusable_domain_stops_the_watch() -> None:
    isolated = DomainState("search-domain", DomainStatus(False, "Isolated"), (), None)
    assert outcome(isolated) == EXIT_FAILED
    assert final_lines(isolated)[0].startswith("Stopped: domain search-domain is Isolated: ")


# ------------------------------------------------------------------- the long wait (issue 21)

T0 = 1_770_000_000.0  # an epoch second: the change's StartTime
HOUR = 3600.0


def test_domain_from_api_reads_the_deployment_strategy_when_sent() -> None:
    """Model: DomainStatus.DeploymentStrategyOptions {DeploymentStrategy}; a domain made before
    March 2026 may not send it, and an odd answer is read as not sent."""
    sent = {
        "Processing": True,
        "DeploymentStrategyOptions": {"DeploymentStrategy": "CapacityOptimized"},
    }
    assert domain_from_api(sent).deployment_strategy == "CapacityOptimized"
    assert domain_from_api({"Processing": True}).deployment_strategy == ""
    assert domain_from_api({"DeploymentStrategyOptions": {}}).deployment_strategy == ""
    assert domain_from_api({"DeploymentStrategyOptions": "odd"}).deployment_strategy == ""


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (datetime.fromtimestamp(T0, tz=timezone.utc), T0),
        (datetime.fromtimestamp(T0, tz=timezone(timedelta(hours=9))), T0),
        (datetime.fromtimestamp(T0, tz=timezone.utc).replace(tzinfo=None), T0),  # naive: UTC
        (T0, T0),
        (int(T0), T0),
        (str(T0), T0),
        ("2026-02-02T02:40:00Z", 1_770_000_000.0),
        ("2026-02-02T02:40:00+00:00", 1_770_000_000.0),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        ({}, None),
    ],
)
def test_epoch_seconds_of_what_an_answer_may_carry(value: object, seconds: float | None) -> None:
    assert epoch_seconds(value) == seconds


def test_change_from_api_reads_the_start_and_last_update_and_a_percentage() -> None:
    progress = {
        "Status": "PROCESSING",
        "StartTime": datetime.fromtimestamp(T0, tz=timezone.utc),
        "LastUpdatedTime": T0 + 60,
        "TotalNumberOfStages": 8,
        "ChangeProgressStages": [{"Name": "Validation", "Status": "COMPLETED"}] * 3,
    }
    change = change_from_api(progress)
    assert change is not None
    assert (change.start_time, change.last_updated, change.percent) == (T0, T0 + 60, 37)
    assert ChangeState("c", "PROCESSING", 0, 0, "").percent is None  # no stages, no share
    assert ChangeState("c", "COMPLETED", 8, 8, "").percent == 100
    assert ChangeState("c", "COMPLETED", 9, 8, "").percent == 100


CAPACITY_OPTIMIZED = DomainStatus(True, "Modifying", "OpenSearch_2.19", "CapacityOptimized")
LONG_CHANGE = ChangeState(
    "c1", "PROCESSING", 3, 8, "Traffic routing on new nodes", "ApplyingChanges", (), T0
)
WAITING = WaitConditionState(
    "PackagesWaitA1B2C3D4E5F60718", "CREATE_IN_PROGRESS", T0 + 30, "", 43200
)
OLD_WAIT = WaitConditionState("PackagesWait99999999", "CREATE_COMPLETE", T0 - 9 * HOUR, "ok", 7200)


def long_wait(*conditions: WaitConditionState, read_at: float = T0 + 2 * HOUR + 125) -> DomainState:
    stack = StackState("search-stack", conditions, read_at)
    return DomainState("search-domain", CAPACITY_OPTIMIZED, (PLUGIN,), LONG_CHANGE, read_at, stack)


def test_render_shows_the_strategy_the_blue_greens_progress_and_the_stacks_wait() -> None:
    lines = render(long_wait(WAITING, OLD_WAIT), elapsed=HOUR, refresh=180)
    assert lines == [
        "Domain search-domain (OpenSearch_2.19, deployment strategy CapacityOptimized): "
        "Processing, DomainProcessingStatus Modifying  (watching 1h00m00s, refreshed every "
        "3m00s)",
        "Change c1: PROCESSING, ConfigChangeStatus ApplyingChanges, running 2h02m05s",
        "  [#########---------------] 3/8 stages, 37%  Traffic routing on new nodes",
        "Stack search-stack: waits on 1 WaitCondition",
        "  PackagesWaitA1B2C3D4E5F60718  CREATE_IN_PROGRESS  2h01m35s so far, of up to 12h00m00s",
        "  PackagesWait99999999          CREATE_COMPLETE",
        "PACKAGE     NAME        TYPE        STATUS       VERSION",
        "F111111111  icu-plugin  ZIP-PLUGIN  ASSOCIATING  v2",
    ]


def test_without_elapsed_the_view_has_no_durations_so_it_keys_the_screen() -> None:
    """Off a terminal a view is printed again only when its key changes: a duration would
    change it at every refresh."""
    early, late = long_wait(WAITING, read_at=T0 + 60), long_wait(WAITING, read_at=T0 + 5 * HOUR)
    assert render(early) == render(late)
    assert render(early)[1:5] == [
        "Change c1: PROCESSING, ConfigChangeStatus ApplyingChanges",
        "  [#########---------------] 3/8 stages, 37%  Traffic routing on new nodes",
        "Stack search-stack: waits on 1 WaitCondition",
        "  PackagesWaitA1B2C3D4E5F60718  CREATE_IN_PROGRESS  of up to 12h00m00s",
    ]


def test_what_is_left_out_when_the_answers_lack_it() -> None:
    """No strategy sent, no StartTime, no Timeout in the template: the lines say less."""
    unknown = WaitConditionState("PackagesWaitA1B2C3D4", "CREATE_IN_PROGRESS", T0)
    state = DomainState(
        "search-domain",
        DomainStatus(True, "Modifying"),
        (PLUGIN,),
        CHANGE,
        T0 + 90,
        StackState("search-stack", (unknown,), T0 + 90),
    )
    lines = render(state, elapsed=10)
    assert lines[0] == (
        "Domain search-domain: Processing, DomainProcessingStatus Modifying  (watching 0m10s)"
    )
    assert lines[1].endswith("ConfigChangeStatus ApplyingChanges")
    assert lines[4] == "  PackagesWaitA1B2C3D4  CREATE_IN_PROGRESS  1m30s so far"
    only_strategy = DomainStatus(False, "Active", "", "Default")
    assert render(DomainState("d", only_strategy, (), None))[0] == (
        "Domain d (deployment strategy Default): not Processing, DomainProcessingStatus Active"
    )


def test_a_finished_change_says_how_long_it_took() -> None:
    done = ChangeState("c1", "COMPLETED", 8, 8, "", "Completed", (), T0, T0 + 3 * HOUR + 7)
    state = DomainState("search-domain", READY, (), done, T0 + 4 * HOUR)
    assert render(state, elapsed=0)[1] == (
        "Change c1: COMPLETED, ConfigChangeStatus Completed, took 3h00m07s"
    )
    no_end = ChangeState("c1", "FAILED", 8, 8, "", "Completed", (), T0)
    assert render(DomainState("d", READY, (), no_end, T0), elapsed=0)[1] == (
        "Change c1: FAILED, ConfigChangeStatus Completed"
    )


def test_a_stack_without_a_wait_condition() -> None:
    state = DomainState("d", READY, (), None, T0, StackState("search-stack", (), T0))
    assert render(state)[2] == (
        "Stack search-stack: no WaitCondition (a timeout of an hour or less waits on the custom "
        "resource alone)"
    )
    assert outcome(state) == EXIT_SETTLED
    assert final_lines(state) == [
        "d settled: not Processing, DomainProcessingStatus Active, no package associating or "
        "dissociating; stack search-stack waits on no WaitCondition."
    ]


def test_the_watch_goes_on_while_the_stack_waits_and_fails_with_its_wait() -> None:
    """The domain has settled, but the handler signals a poll later: the deploy goes on only
    then. A WaitCondition that failed or timed out fails the deploy, with its reason."""
    stack = StackState("search-stack", (WAITING,), T0)
    settled_domain = DomainState("d", READY, (SYNONYMS,), None, T0, stack)
    assert outcome(settled_domain) is None
    assert final_lines(settled_domain) == []

    timed_out = WaitConditionState(
        "PackagesWaitA1B2C3D4",
        "CREATE_FAILED",
        T0,
        "WaitCondition timed out. Received 0 conditions when expecting 1",
        43200,
    )
    failed = DomainState("d", READY, (SYNONYMS,), None, T0, StackState("s", (timed_out,), T0))
    assert outcome(failed) == EXIT_FAILED
    assert final_lines(failed) == [
        "Stack s: WaitCondition PackagesWaitA1B2C3D4 CREATE_FAILED: WaitCondition timed out. "
        "Received 0 conditions when expecting 1; the stack's deploy fails with it."
    ]
    assert render(failed)[3] == (
        "  PackagesWaitA1B2C3D4  CREATE_FAILED  WaitCondition timed out. Received 0 conditions "
        "when expecting 1"
    )
    reasonless = WaitConditionState("W", "CREATE_FAILED")
    with_package = DomainState(
        "d",
        BUSY,
        (PackageState("F1", "p", "ZIP-PLUGIN", "ASSOCIATION_FAILED", "v1", "Bad: zip"),),
        None,
        T0,
        StackState("s", (reasonless,), T0),
    )
    assert final_lines(with_package) == [
        "F1 (p) ASSOCIATION_FAILED: Bad: zip",
        "Stack s: WaitCondition W CREATE_FAILED: no reason given; the stack's deploy fails "
        "with it.",
    ]


@pytest.mark.parametrize(
    ("watched", "base", "interval"),
    [
        (0, 5, 5),
        (100, 5, 5),  # 5 % of 100 s is less than the first interval
        (200, 5, 10),
        (HOUR, 5, 180),
        (6000, 5, 300),  # the cap: 5 minutes
        (12 * HOUR, 5, 300),
        (0, 10, 10),
        (12 * HOUR, 600, 600),  # a base above the cap stays
    ],
)
def test_refresh_interval_scales_with_the_time_watched(
    watched: float, base: float, interval: float
) -> None:
    assert refresh_interval(watched, base) == interval


def test_twelve_hours_of_watching_take_a_few_hundred_refreshes() -> None:
    """The refreshes of a 12-hour wait, as the handler's polls: a few hundred, not 8,640."""
    watched, refreshes = 0.0, 0
    while watched < 12 * HOUR:
        watched += refresh_interval(watched)
        refreshes += 1
    assert refreshes < 250
