"""The pure decision core: every combination of declared, reported and requested state."""

from __future__ import annotations

import itertools
import json

import pytest
from domain_packages_handler.associations import plan, readiness
from domain_packages_handler.associations.model import (
    Association,
    AssociationStatus,
    ChangeProgress,
    DesiredPackage,
    Snapshot,
)
from domain_packages_handler.associations.spec import ResourceSpec
from domain_packages_handler.associations.target import (
    Target,
    create_target,
    delete_target,
    update_target,
)
from domain_packages_handler.core.outcome import (
    Done,
    ErrorDetails,
    Fail,
    PackageFailure,
    Pending,
    Wait,
)
from domain_packages_handler.core.package_status import PackageAvailability
from domain_packages_handler.core.progress import Progress, deadline_for, physical_id

S = AssociationStatus
NOW = 1_000.0


def asked(
    associate: dict[str, float] | None = None, dissociate: dict[str, float] | None = None
) -> plan.AssociationState:
    """What the operation has asked of the domain so far (package ID → when)."""
    return plan.AssociationState(
        associate_submitted=associate or {}, dissociate_submitted=dissociate or {}
    )


def snap(*associations: Association) -> Snapshot:
    return Snapshot({a.package_id: a for a in associations})


def assoc(pid: str, status: S, **kw: object) -> Association:
    return Association(package_id=pid, status=status, **kw)  # type: ignore[arg-type]


def spec(domain: str, *packages: DesiredPackage) -> ResourceSpec:
    return ResourceSpec(domain_name=domain, packages=packages, timeout_seconds=3600)


F1, F2, F3 = DesiredPackage("F1"), DesiredPackage("F2"), DesiredPackage("F3")

# --- one package to associate: every reported status x submitted-or-not x forced-or-not -------

RECENT = NOW - 5
LONG_AGO = NOW - plan.RESUBMIT_AFTER_SECONDS - 1
ASSOCIATE_CASES: list[tuple[S | None, float | None, bool, str]] = [
    # reported status, submitted at, forced, expected decision
    (None, None, False, "submit"),
    (None, RECENT, False, "wait"),  # accepted, not listed yet
    (None, LONG_AGO, False, "submit"),  # accepted long ago and lost: ask again
    (S.ASSOCIATING, None, False, "wait"),  # someone else's change: adopt it
    (S.ASSOCIATING, RECENT, False, "wait"),
    (S.ACTIVE, None, False, "done"),  # adopted
    (S.ACTIVE, None, True, "submit"),  # options changed: re-associate
    (S.ACTIVE, RECENT, True, "done"),  # re-associated (or already in desired state)
    (S.ACTIVE, RECENT, False, "done"),
    (S.ASSOCIATION_FAILED, None, False, "submit"),  # an old failure: retry
    (S.ASSOCIATION_FAILED, RECENT, False, "fail"),  # our request failed
    (S.DISSOCIATING, None, False, "wait"),  # must be gone before it can come back
    (S.DISSOCIATION_FAILED, None, False, "submit"),
]


@pytest.mark.parametrize(("status", "submitted_at", "forced", "expected"), ASSOCIATE_CASES)
def test_single_association_decisions(
    status: S | None, submitted_at: float | None, forced: bool, expected: str
) -> None:
    target = Target("d", associate=(F1,), force=frozenset({"F1"} if forced else set()))
    actual = snap(assoc("F1", status)) if status else snap()
    submitted = {"F1": submitted_at} if submitted_at is not None else {}
    decision = plan.decide(target, asked(associate=submitted), actual, NOW)
    kinds = {Done: "done", Wait: "wait", plan.Submit: "submit", Fail: "fail"}
    assert kinds[type(decision)] == expected
    if isinstance(decision, plan.Submit):
        assert decision.action == "associate"
        assert decision.package_ids == ("F1",)


DISSOCIATE_CASES: list[tuple[S | None, float | None, str]] = [
    (None, None, "done"),  # not there: nothing to do
    (None, RECENT, "done"),
    (S.ACTIVE, None, "submit"),
    (S.ACTIVE, RECENT, "wait"),  # accepted; the listing has not caught up
    (S.ACTIVE, LONG_AGO, "submit"),
    (S.ASSOCIATING, None, "wait"),  # let it settle first
    (S.ASSOCIATION_FAILED, None, "submit"),
    (S.DISSOCIATING, None, "wait"),
    (S.DISSOCIATING, RECENT, "wait"),
    (S.DISSOCIATION_FAILED, None, "submit"),
    (S.DISSOCIATION_FAILED, RECENT, "fail"),
]


@pytest.mark.parametrize(("status", "submitted_at", "expected"), DISSOCIATE_CASES)
def test_single_dissociation_decisions(
    status: S | None, submitted_at: float | None, expected: str
) -> None:
    target = Target("d", dissociate=("F1",), missing_domain_is_success=True)
    actual = snap(assoc("F1", status)) if status else snap()
    submitted = {"F1": submitted_at} if submitted_at is not None else {}
    decision = plan.decide(target, asked(dissociate=submitted), actual, NOW)
    kinds = {Done: "done", Wait: "wait", plan.Submit: "submit", Fail: "fail"}
    assert kinds[type(decision)] == expected
    if isinstance(decision, plan.Submit):
        assert decision.action == "dissociate"


def test_nothing_is_submitted_while_any_package_change_is_in_flight() -> None:
    target = Target("d", associate=(F1,))
    for busy_status in (S.ASSOCIATING, S.DISSOCIATING):
        decision = plan.decide(target, asked(), snap(assoc("X9", busy_status)), NOW)
        assert isinstance(decision, Wait)
        assert any("X9" in str(p) for p in decision.pending)


def test_all_missing_packages_go_in_one_batch_in_declaration_order() -> None:
    target = Target("d", associate=(F3, F1, F2))
    decision = plan.decide(target, asked(), snap(assoc("F1", S.ACTIVE)), NOW)
    assert decision == plan.Submit("associate", (F3, F2))


def test_dissociation_waits_for_associations_to_finish() -> None:
    target = Target("d", associate=(F1,), dissociate=("F2",))
    actual = snap(assoc("F1", S.ASSOCIATING), assoc("F2", S.ACTIVE))
    decision = plan.decide(target, asked(associate={"F1": RECENT}), actual, NOW)
    assert isinstance(decision, Wait)
    actual = snap(assoc("F1", S.ACTIVE), assoc("F2", S.ACTIVE))
    decision = plan.decide(target, asked(associate={"F1": RECENT}), actual, NOW)
    assert decision == plan.Submit("dissociate", (DesiredPackage("F2"),))


def test_failures_name_every_failed_package_with_the_service_words() -> None:
    target = Target("d", associate=(F1, F2, F3))
    actual = snap(
        assoc("F1", S.ASSOCIATION_FAILED, error=ErrorDetails("PluginError", "bad zip")),
        assoc("F2", S.ASSOCIATING),
        assoc("F3", S.ASSOCIATION_FAILED),
    )
    decision = plan.decide(
        target, asked(associate={"F1": RECENT, "F2": RECENT, "F3": RECENT}), actual, NOW
    )
    assert isinstance(decision, Fail)
    assert [(f.package_id, f.error_type, f.error_message) for f in decision.failures] == [
        ("F1", "PluginError", "bad zip"),
        ("F3", "UnknownError", "the service gave no ErrorDetails"),
    ]


def test_options_reported_by_the_domain_that_differ_cause_reassociation() -> None:
    wanted = DesiredPackage("F1", prerequisites=("F2",))
    target = Target("d", associate=(wanted,))
    differs = snap(assoc("F1", S.ACTIVE, prerequisites=()))
    same = snap(assoc("F1", S.ACTIVE, prerequisites=("F2",)))
    silent = snap(assoc("F1", S.ACTIVE))  # the service did not report prerequisites
    assert isinstance(plan.decide(target, asked(), differs, NOW), plan.Submit)
    assert isinstance(plan.decide(target, asked(), same, NOW), Done)
    assert isinstance(plan.decide(target, asked(), silent, NOW), Done)


def test_key_store_option_difference_is_detected() -> None:
    wanted = DesiredPackage("F1", key_store_access_enabled=True, key_access_role_arn="arn:r")
    target = Target("d", associate=(wanted,))
    off = snap(assoc("F1", S.ACTIVE, key_store_access_enabled=False))
    other_role = snap(assoc("F1", S.ACTIVE, key_store_access_enabled=True, key_access_role_arn="x"))
    same = snap(assoc("F1", S.ACTIVE, key_store_access_enabled=True, key_access_role_arn="arn:r"))
    assert isinstance(plan.decide(target, asked(), off, NOW), plan.Submit)
    assert isinstance(plan.decide(target, asked(), other_role, NOW), plan.Submit)
    assert isinstance(plan.decide(target, asked(), same, NOW), Done)


# --- targets per request type ---------------------------------------------------------------


def test_create_targets_every_package() -> None:
    target = create_target(spec("d", F1, F2))
    assert target.associate == (F1, F2)
    assert not target.dissociate
    assert not target.missing_domain_is_success


def test_update_on_the_same_domain_adds_removes_and_reassociates_changed() -> None:
    changed_new = DesiredPackage("F2", prerequisites=("F1",))
    target = update_target(spec("d", F1, F2), spec("d", F1, changed_new, F3))
    assert target.associate == (F1, changed_new, F3)
    assert target.force == frozenset({"F2"})
    assert target.dissociate == ()
    target = update_target(spec("d", F1, F2, F3), spec("d", F2))
    assert target.dissociate == ("F1", "F3")


def test_update_to_another_domain_associates_everything_there_and_dissociates_nothing() -> None:
    target = update_target(spec("old", F1, F2), spec("new", F2, F3))
    assert target.domain_name == "new"
    assert target.associate == (F2, F3)
    assert target.dissociate == ()
    assert not target.force


def test_delete_dissociates_only_the_declared_packages() -> None:
    target = delete_target(spec("d", F1, F2))
    assert target.dissociate == ("F1", "F2")
    assert target.missing_domain_is_success
    decision = plan.decide(
        target, asked(), snap(assoc("OTHER1", S.ACTIVE), assoc("F2", S.ACTIVE)), NOW
    )
    assert decision == plan.Submit("dissociate", (DesiredPackage("F2"),))


# --- readiness, single calls, response data, ids, progress ----------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("AVAILABLE", None),
        ("COPYING", Wait),
        ("VALIDATING", Wait),
        ("COPY_FAILED", Fail),
        ("VALIDATION_FAILED", Fail),
        ("DELETED", Fail),
        ("DELETING", Fail),
        ("DELETE_FAILED", Fail),
    ],
)
def test_package_readiness(status: str, expected: type | None) -> None:
    result = readiness.check_packages_ready(["F1"], {"F1": PackageAvailability("F1", status)})
    assert (type(result) if result is not None else None) is expected


def test_undescribed_packages_are_left_to_the_association_call() -> None:
    assert readiness.check_packages_ready(["G1"], {}) is None


def test_single_call_mode_picks_a_package_whose_prerequisites_are_active() -> None:
    config = DesiredPackage("pkg-c", prerequisites=("pkg-a",))
    plugin = DesiredPackage("pkg-a")
    submit = plan.Submit("associate", (config, plugin))
    assert plan.next_single_call(submit, snap()).packages == (plugin,)
    active = snap(assoc("pkg-a", S.ACTIVE))
    assert plan.next_single_call(plan.Submit("associate", (config,)), active).packages == (config,)


def test_response_data_has_both_keys_for_every_declared_package() -> None:
    target = Target("d", associate=(F1, F2))
    actual = snap(assoc("F1", S.ACTIVE, reference_path="analyzers/F1", package_version="v3"))
    assert plan.response_data(target, actual) == {
        "ReferencePath.F1": "analyzers/F1",
        "PackageVersion.F1": "v3",
        "ReferencePath.F2": "",
        "PackageVersion.F2": "",
    }


def test_provisional_data_fills_what_the_listing_does_not_say_yet() -> None:
    plugin = DesiredPackage("F2", package_version="v7", alias="Plugin")
    target = Target("d", associate=(F1, plugin, F3))
    actual = snap(
        assoc("F1", S.ASSOCIATING, package_type="TXT-DICTIONARY"),
        assoc("F2", S.ASSOCIATING, package_type="ZIP-PLUGIN"),
    )
    assert plan.provisional_data(target, actual) == {
        "ReferencePath.F1": "analyzers/F1",  # the documented path of a dictionary
        "PackageVersion.F1": "",
        "ReferencePath.Plugin": "",  # plugins have no path
        "PackageVersion.Plugin": "v7",  # the version the domain is to run
        "ReferencePath.F3": "",  # not listed yet: nothing known
        "PackageVersion.F3": "",
    }
    listed = snap(assoc("F1", S.ASSOCIATING, reference_path="x/F1", package_version="v2"))
    assert plan.provisional_data(Target("d", associate=(F1,)), listed) == {
        "ReferencePath.F1": "x/F1",
        "PackageVersion.F1": "v2",
    }


def test_physical_id_is_unique_per_resource_and_domain_and_bounded() -> None:
    stack = "arn:aws:cloudformation:us-east-1:1:stack/s/0b7c-uuid"
    a = physical_id("d1", stack, "A")
    assert a == "d1:A:0b7c-uuid"
    assert a != physical_id("d2", stack, "A")
    assert a != physical_id("d1", stack, "B")
    assert len(physical_id("d", stack, "L" * 2000)) == 1024


def test_progress_survives_json_round_trip() -> None:
    state = asked(associate={"F1": 3.5}).submitted("dissociate", ["F2"], 7.0)
    state = plan.AssociationState(state.associate_submitted, state.dissociate_submitted, True)
    original = Progress(1.0, 2.0, "d:Res:uuid", state, handovers=4)
    assert Progress.from_json(original.to_json(), plan.AssociationState) == original
    # and through JSON text, as a hand-over carries it
    assert Progress.from_json(
        json.loads(json.dumps(original.to_json())), plan.AssociationState
    ) == (original)


def test_submitted_records_each_action_in_its_own_map() -> None:
    state = asked().submitted("associate", ["F1"], 1.0).submitted("dissociate", ["F2", "F3"], 2.0)
    assert state.associate_submitted == {"F1": 1.0}
    assert state.dissociate_submitted == {"F2": 2.0, "F3": 2.0}


def test_deadline_leaves_a_margin_before_cloudformations_timeout() -> None:
    assert deadline_for(100.0, 3600) == 100.0 + 3600 - 30
    assert deadline_for(100.0, 60) == pytest.approx(100.0 + 54)


def test_every_status_combination_of_two_packages_is_decided_consistently() -> None:
    """Exhaustive over two packages: the decision never violates the service's rules."""
    statuses: list[S | None] = [None, *S]
    for (s1, s2), (sub1, sub2), other_busy in itertools.product(
        itertools.product(statuses, statuses),
        itertools.product([None, RECENT], [None, RECENT]),
        [False, True],
    ):
        target = Target("d", associate=(F1,), dissociate=("F2",))
        entries = [assoc(pid, st) for pid, st in (("F1", s1), ("F2", s2)) if st is not None]
        if other_busy:
            entries.append(assoc("Z9", S.ASSOCIATING))
        prog = asked(
            associate={"F1": sub1} if sub1 else {}, dissociate={"F2": sub2} if sub2 else {}
        )
        actual = snap(*entries)
        decision = plan.decide(target, prog, actual, NOW)
        in_flight = bool(actual.busy_with())
        if isinstance(decision, plan.Submit):
            assert not in_flight, "never call while a change is in flight"
            if decision.action == "dissociate":
                assert s1 is S.ACTIVE, "dissociate only once associations are done"
        if isinstance(decision, Done):
            assert s1 is S.ACTIVE
            assert s2 is None
        if isinstance(decision, Fail):
            assert (s1 is S.ASSOCIATION_FAILED and sub1) or (s2 is S.DISSOCIATION_FAILED and sub2)


# --- packages managed by a Package construct: versions and aliases ---------------------------

V2 = DesiredPackage("pkg-1", package_version="v2", alias="a1b2")


@pytest.mark.parametrize(
    ("reported_version", "submitted_at", "expected"),
    [
        ("v1", None, "submit"),  # a new version is available: apply it
        ("v1", RECENT, "wait"),  # applying; the listing still shows the old version
        ("v1", LONG_AGO, "submit"),  # the service dropped the request: ask again
        ("v2", None, "done"),
        ("v2", RECENT, "done"),
    ],
)
def test_a_declared_version_is_waited_for(
    reported_version: str, submitted_at: float | None, expected: str
) -> None:
    target = Target("d", associate=(V2,))
    actual = snap(assoc("pkg-1", S.ACTIVE, package_version=reported_version))
    submitted = {"pkg-1": submitted_at} if submitted_at is not None else {}
    decision = plan.decide(target, asked(associate=submitted), actual, NOW)
    kinds = {Done: "done", Wait: "wait", plan.Submit: "submit", Fail: "fail"}
    assert kinds[type(decision)] == expected
    if isinstance(decision, Wait):
        assert "ACTIVE at v1, waiting for v2" in str(decision.pending[0])


def test_a_version_change_is_a_change_that_forces_reassociation() -> None:
    old = DesiredPackage("pkg-1", package_version="v1", alias="a1b2")
    target = update_target(spec("d", old), spec("d", V2))
    assert target.force == frozenset({"pkg-1"})


def test_response_data_of_a_package_construct_is_keyed_by_its_alias_only() -> None:
    target = Target("d", associate=(V2, DesiredPackage("F7")))
    actual = snap(
        assoc("pkg-1", S.ACTIVE, package_version="v2", reference_path="analyzers/p"),
        assoc("F7", S.ACTIVE, package_version="v1", reference_path="analyzers/F7"),
    )
    assert plan.response_data(target, actual) == {
        "ReferencePath.a1b2": "analyzers/p",
        "PackageVersion.a1b2": "v2",
        "ReferencePath.F7": "analyzers/F7",
        "PackageVersion.F7": "v1",
    }


# --- boundaries and exact contents ------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted_ago", "expected"),
    [(plan.RESUBMIT_AFTER_SECONDS, plan.Submit), (plan.RESUBMIT_AFTER_SECONDS - 0.1, Wait)],
)
def test_a_lost_submission_is_asked_again_after_exactly_the_threshold(
    submitted_ago: float, expected: type
) -> None:
    assert plan.RESUBMIT_AFTER_SECONDS == 60.0
    for action, target in (
        ("associate", Target("d", associate=(F1,))),
        ("dissociate", Target("d", dissociate=("F1",))),
    ):
        submitted = {"F1": NOW - submitted_ago}
        state = asked(associate=submitted) if action == "associate" else asked(dissociate=submitted)
        reported = snap() if action == "associate" else snap(assoc("F1", S.ACTIVE))
        assert type(plan.decide(target, state, reported, NOW)) is expected, action


def test_waits_name_what_they_wait_for() -> None:
    target = Target("d", associate=(F1, F2))
    decision = plan.decide(
        target, asked(associate={"F1": NOW}), snap(assoc("Z9", S.DISSOCIATING)), NOW
    )
    assert decision == Wait(
        (Pending("F1", "not listed yet"), Pending("domain d", "Z9 DISSOCIATING"))
    )
    leaving = plan.decide(
        Target("d", dissociate=("F1",)),
        asked(dissociate={"F1": NOW}),
        snap(assoc("F1", S.DISSOCIATING)),
        NOW,
    )
    assert leaving == Wait((Pending("F1", "DISSOCIATING"),))


def test_a_failure_carries_the_status_and_the_services_words_or_a_fallback() -> None:
    silent = plan.decide(
        Target("d", associate=(F1,)),
        asked(associate={"F1": NOW}),
        snap(assoc("F1", S.ASSOCIATION_FAILED)),
        NOW,
    )
    assert silent == Fail(
        (
            PackageFailure(
                "F1", "ASSOCIATION_FAILED", "UnknownError", "the service gave no ErrorDetails"
            ),
        )
    )


def test_single_call_mode_skips_a_package_whose_prerequisite_is_still_associating() -> None:
    config = DesiredPackage("pkg-c", prerequisites=("pkg-a",))
    plugin = DesiredPackage("pkg-a")
    associating = snap(assoc("pkg-a", S.ASSOCIATING))
    picked = plan.next_single_call(plan.Submit("associate", (config, plugin)), associating)
    assert picked == plan.Submit("associate", (plugin,))


def test_readiness_looks_past_packages_it_cannot_describe() -> None:
    availability = {"F1": PackageAvailability("F1", "COPYING")}
    assert readiness.check_packages_ready(["G1", "F1"], availability) == Wait(
        (Pending("F1", "package COPYING"),)
    )
    broken = {"F1": PackageAvailability("F1", "DELETED")}
    assert readiness.check_packages_ready(["G1", "F1"], broken) == Fail(
        (
            PackageFailure(
                "F1", "DELETED", "DELETED", "the package is DELETED and cannot be associated"
            ),
        )
    )


def test_a_package_whose_newest_version_failed_is_not_associated_and_says_what_stays() -> None:
    failed_update = PackageAvailability(
        "F1",
        "VALIDATION_FAILED",
        ErrorDetails("InvalidSynonymRule", "line 2"),
        available_version="v3",
    )
    assert readiness.check_packages_ready(["F1"], {"F1": failed_update}) == Fail(
        (
            PackageFailure(
                "F1",
                "VALIDATION_FAILED",
                "InvalidSynonymRule",
                "line 2 (only its newest version failed; v3 stays on the domains that run it: "
                "fix the package, then deploy again)",
            ),
        )
    )
    never_worked = PackageAvailability("F1", "COPY_FAILED")
    assert readiness.check_packages_ready(["F1"], {"F1": never_worked}) == Fail(
        (
            PackageFailure(
                "F1",
                "COPY_FAILED",
                "COPY_FAILED",
                "the package is COPY_FAILED and cannot be associated",
            ),
        )
    )


def test_an_active_package_whose_newest_version_failed_is_left_alone() -> None:
    target = Target("d", associate=(F1,))
    assert plan.decide(target, asked(), snap(assoc("F1", S.ACTIVE, package_version="v3")), NOW) == (
        Done()
    )


def test_association_state_round_trips_with_what_a_create_found() -> None:
    state = plan.AssociationState({"F1": 1.0}, {"F2": 2.0}, True, ("F3", "F4"))
    assert plan.AssociationState.from_json(json.loads(json.dumps(state.to_json()))) == state
    assert plan.AssociationState.from_json({}) == plan.AssociationState()
    assert plan.AssociationState.from_json({}).pre_existing is None
    assert plan.AssociationState.from_json({"pre_existing": []}).pre_existing == ()


def test_a_new_version_is_awaited_only_for_an_active_package_on_another_version() -> None:
    v2 = DesiredPackage("F1", package_version="v2")
    submit = plan.Submit("associate", (v2,))
    assert plan.awaits_new_version(submit, snap(assoc("F1", S.ACTIVE, package_version="v1")))
    assert not plan.awaits_new_version(submit, snap(assoc("F1", S.ACTIVE, package_version="v2")))
    assert not plan.awaits_new_version(
        submit, snap(assoc("F1", S.ASSOCIATING, package_version="v1"))
    )
    assert not plan.awaits_new_version(submit, snap())
    assert plan.is_resubmission(submit, asked(associate={"F1": 1.0}))
    assert not plan.is_resubmission(submit, asked(dissociate={"F1": 1.0}))
    assert not plan.is_resubmission(plan.Submit("dissociate", (v2,)), asked(associate={"F1": 1.0}))


def test_single_call_mode_falls_back_to_the_first_package_whole() -> None:
    config = DesiredPackage("pkg-c", prerequisites=("pkg-a",))
    other = DesiredPackage("pkg-d", prerequisites=("pkg-a",))
    picked = plan.next_single_call(plan.Submit("dissociate", (config, other)), snap())
    assert picked == plan.Submit("dissociate", (config,))


def test_a_stalled_blue_green_fails_only_our_plugin_dissociations() -> None:
    progress = ChangeProgress("PROCESSING", 1, 8, "Creating a new environment", 100.0)
    reported = snap(
        assoc("F1", S.DISSOCIATING, package_type="ZIP-PLUGIN"),
        assoc("F2", S.DISSOCIATING, package_type="TXT-DICTIONARY"),
        assoc("F3", S.DISSOCIATING, package_type="ZIP-PLUGIN"),
        assoc("F4", S.ASSOCIATING, package_type="ZIP-PLUGIN"),
    )
    state = asked(dissociate={"F1": 1.0, "F2": 1.0, "F4": 1.0})
    at = 100.0 + readiness.STUCK_AFTER_SECONDS
    assert readiness.stuck_dissociation(reported, state, progress, at - 1) is None
    stuck = readiness.stuck_dissociation(reported, state, progress, at + 90)
    assert stuck == Fail(
        (
            PackageFailure(
                "F1",
                "DISSOCIATION_FAILED",
                "DissociationStuck",
                "the domain's blue/green has not moved past 'Creating a new environment' for "
                "31 min; an index probably still uses the plugin: close or delete the indices "
                "that use it (or reindex without it), or keep the plugin declared",
            ),
        )
    )
    assert readiness.stuck_dissociation(reported, asked(), progress, at + 90) is None


def test_a_long_wait_gives_a_plugins_removal_longer_in_one_stage() -> None:
    assert readiness.stuck_after(600) == readiness.STUCK_AFTER_SECONDS
    assert readiness.stuck_after(3600) == readiness.STUCK_AFTER_SECONDS
    assert readiness.stuck_after(2 * 3600) == readiness.STUCK_AFTER_SECONDS  # a quarter: 30 min
    assert readiness.stuck_after(4 * 3600) == 3600
    assert readiness.stuck_after(12 * 3600) == 3 * 3600
    progress = ChangeProgress("PROCESSING", 1, 6, "Copying shards", 0.0)
    reported = snap(assoc("F1", S.DISSOCIATING, package_type="ZIP-PLUGIN"))
    state = asked(dissociate={"F1": 0.0})
    two_hours = 2 * 3600.0
    assert readiness.stuck_dissociation(reported, state, progress, two_hours) is not None
    long = readiness.stuck_after(12 * 3600)
    assert readiness.stuck_dissociation(reported, state, progress, two_hours, long) is None
