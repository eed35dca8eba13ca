"""The watch tool's pure parts: reading what a domain and its change report, the view's lines,
when to stop, and how views reach a terminal or a log."""

from __future__ import annotations

import io

import pytest

from opensearch_packages_watch.cli import EXIT_FAILED, EXIT_SETTLED, outcome
from opensearch_packages_watch.reading import (
    ChangeState,
    DomainStatus,
    change_from_api,
    domain_from_api,
)
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
        "  [#########---------------] 3/8 stages  Traffic routing",
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
