"""The watch command's pure parts: reading a change's progress, the view's lines, when to stop,
and how views reach a terminal or a log."""

from __future__ import annotations

import io

import pytest

from opensearch_packages._watch import (
    EXIT_FAILED,
    EXIT_SETTLED,
    ChangeState,
    DomainState,
    PackageState,
    Screen,
    change_state,
    final_lines,
    outcome,
    progress_bar,
    render,
)

PLUGIN = PackageState("F111111111", "icu-plugin", "ZIP-PLUGIN", "ASSOCIATING", "v2")
SYNONYMS = PackageState("F222222222", "synonyms", "TXT-DICTIONARY", "ACTIVE", "v1")
CHANGE = ChangeState("c0ffee00-0000-4000-8000-000000000001", "PROCESSING", 3, 8, "Traffic routing")


def state(*packages: PackageState, processing: bool = True) -> DomainState:
    return DomainState("search-domain", processing, packages, CHANGE if processing else None)


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


def test_change_state_counts_completed_stages_and_names_the_current_one() -> None:
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
    assert change_state(progress) == ChangeState(
        "abc", "PROCESSING", 2, 4, "Provisioning new nodes"
    )


def test_change_state_of_a_finished_or_absent_change() -> None:
    finished = {
        "ChangeId": "abc",
        "Status": "COMPLETED",
        "ChangeProgressStages": [{"Name": "Validation", "Status": "COMPLETED"}] * 2,
    }
    # Without TotalNumberOfStages, the stages listed are the total.
    assert change_state(finished) == ChangeState("abc", "COMPLETED", 2, 2, None)
    assert change_state({}) is None  # a domain that never changed


def test_render_shows_the_change_and_a_table_of_packages() -> None:
    lines = render(state(PLUGIN, SYNONYMS), elapsed=125)
    assert lines == [
        "Domain search-domain: Processing  (watching 2m05s)",
        "Change c0ffee00-0000-4000-8000-000000000001: PROCESSING",
        "  [#########---------------] 3/8 stages  Traffic routing",
        "PACKAGE     NAME        TYPE            STATUS       VERSION",
        "F111111111  icu-plugin  ZIP-PLUGIN      ASSOCIATING  v2",
        "F222222222  synonyms    TXT-DICTIONARY  ACTIVE       v1",
    ]


def test_render_without_elapsed_change_or_packages() -> None:
    assert render(state(processing=False)) == [
        "Domain search-domain: Active",
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
        "search-domain settled: not Processing, no package associating or dissociating."
    ]
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
