"""Packages declared by name (issue 20): the wire format, the pure choice of a package for a
domain's engine version, and what the plan does with an older version's package of that name."""

from __future__ import annotations

import itertools

import pytest
from domain_packages_handler.associations import plan
from domain_packages_handler.associations.model import (
    Association,
    AssociationStatus,
    DesiredPackage,
    Snapshot,
)
from domain_packages_handler.associations.plan import AssociationState, Submit
from domain_packages_handler.associations.resolution import (
    Unresolved,
    choose_package,
    names_to_resolve,
    resolve_target,
)
from domain_packages_handler.associations.spec import parse_properties
from domain_packages_handler.associations.target import (
    Target,
    create_target,
    delete_target,
    update_target,
)
from domain_packages_handler.core.outcome import Done, Wait
from domain_packages_handler.core.package_status import PackageAvailability
from domain_packages_handler.core.properties import InvalidProperties
from domain_packages_handler.core.reasons import MAX_REASON

ACTIVE = AssociationStatus.ACTIVE
SUDACHI = "analysis-sudachi"
WHERE = "domain search"


def plugin(
    package_id: str, engine: str, name: str = SUDACHI, owner: str = "AWS"
) -> PackageAvailability:
    return PackageAvailability(
        package_id, "AVAILABLE", name=name, owner=owner, engine_version=engine
    )


CATALOGUE = [
    plugin("G1", "OpenSearch_2.17"),
    plugin("G2", "OpenSearch_2.19"),
    plugin("G3", "OpenSearch_3.1"),
]


def named(alias: str = "sudachi", **extra: str) -> dict[str, str]:
    return {"PackageName": SUDACHI, "PackageOwner": "AWS", "Alias": alias, **extra}


# ------------------------------------------------------------------------------ wire format


def test_an_entry_by_name_parses_with_owner_alias_and_options() -> None:
    spec = parse_properties(
        {
            "DomainName": "search",
            "Packages": [
                named(KeyStoreAccessEnabled="false"),
                {"PackageName": "my-synonyms", "Alias": "syn", "Prerequisites": ["F1"]},
                {"PackageID": "F1"},
            ],
        }
    )
    sudachi, synonyms, by_id = spec.packages
    assert sudachi == DesiredPackage(
        "",
        package_name=SUDACHI,
        package_owner="AWS",
        alias="sudachi",
        key_store_access_enabled=False,
    )
    assert (synonyms.package_owner, synonyms.prerequisites, synonyms.alias) == (
        None,
        ("F1",),
        "syn",
    )
    assert spec.package_ids == ("F1",)
    assert spec.package_names == (SUDACHI, "my-synonyms")
    assert by_id.key == "F1"
    assert sudachi.key == f"name:{SUDACHI}"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"PackageName": "Sudachi", "Alias": "a"}, "is not a package name"),
        ({"PackageName": "ab", "Alias": "a"}, "is not a package name"),
        ({"PackageName": SUDACHI, "PackageOwner": "amazon", "Alias": "a"}, "AWS or a 12-digit"),
        ({"PackageName": SUDACHI, "PackageOwner": "12345", "Alias": "a"}, "AWS or a 12-digit"),
        ({"PackageName": SUDACHI}, "has no Alias"),
        ({"PackageName": SUDACHI, "Alias": "a", "PackageID": "G1"}, "both PackageID"),
        ({"PackageName": SUDACHI, "Alias": "a", "Prerequisites": ["other"]}, "not a package ID"),
    ],
)
def test_bad_entries_by_name_are_refused(entry: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidProperties, match=message):
        parse_properties({"DomainName": "search", "Packages": [entry]})


def test_a_name_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidProperties, match=f"{SUDACHI} is listed twice"):
        parse_properties({"DomainName": "search", "Packages": [named("a"), named("b")]})


def test_an_account_id_is_an_owner() -> None:
    spec = parse_properties(
        {"DomainName": "search", "Packages": [named(PackageOwner="123456789012")]}
    )
    assert spec.packages[0].package_owner == "123456789012"


# ------------------------------------------------------------------------- choose_package


@pytest.mark.parametrize(
    ("engine", "expected"),
    [("OpenSearch_2.17", "G1"), ("OpenSearch_2.19", "G2"), ("OpenSearch_3.1", "G3")],
)
def test_the_package_for_the_domains_engine_version_is_chosen(engine: str, expected: str) -> None:
    assert choose_package(SUDACHI, "AWS", engine, CATALOGUE, WHERE) == expected


def test_no_package_for_the_engine_version_names_the_versions_it_exists_for() -> None:
    choice = choose_package(SUDACHI, "AWS", "OpenSearch_2.11", CATALOGUE, WHERE)
    assert isinstance(choice, Unresolved)
    assert choice.reason == (
        "domain search runs OpenSearch_2.11: package analysis-sudachi has none for it, only for "
        "OpenSearch_2.17, OpenSearch_2.19, OpenSearch_3.1. Create one for OpenSearch_2.11 "
        "(custom plugin), or upgrade the domain to one of those"
    )


def test_no_package_of_that_name_or_owner_names_both() -> None:
    for owner, candidates in (("AWS", []), ("123456789012", CATALOGUE)):
        choice = choose_package(SUDACHI, owner, "OpenSearch_2.17", candidates, WHERE)
        assert isinstance(choice, Unresolved)
        assert f"no package named {SUDACHI} (owner {owner})" in choice.reason
        assert choice.reason.endswith("or create the package first")


def test_several_fitting_packages_fail_with_their_ids() -> None:
    twins = [*CATALOGUE, plugin("pkg-0a1b", "OpenSearch_2.17", owner="123456789012")]
    choice = choose_package(SUDACHI, None, "OpenSearch_2.17", twins, WHERE)
    assert isinstance(choice, Unresolved)
    assert "matches 2 packages for OpenSearch_2.17: G1, pkg-0a1b" in choice.reason
    assert choose_package(SUDACHI, "AWS", "OpenSearch_2.17", twins, WHERE) == "G1"


def test_a_package_without_engine_version_fits_every_domain() -> None:
    dictionary = PackageAvailability("F7", "AVAILABLE", name="my-synonyms", owner="123456789012")
    for engine in ("OpenSearch_2.17", "Elasticsearch_7.10", ""):
        assert choose_package("my-synonyms", None, engine, [dictionary], WHERE) == "F7"


def test_packages_on_their_way_out_and_other_names_are_never_chosen() -> None:
    gone = [
        PackageAvailability(
            "G9", status, name=SUDACHI, owner="AWS", engine_version="OpenSearch_2.17"
        )
        for status in ("DELETING", "DELETED")
    ]
    other = plugin("G8", "OpenSearch_2.17", name="analysis-nori")
    assert (
        choose_package(SUDACHI, "AWS", "OpenSearch_2.17", [*gone, other, CATALOGUE[0]], WHERE)
        == "G1"
    )


def test_every_reason_fits_cloudformation_and_ends_with_what_to_do() -> None:
    long_name = "a" + "b" * 255
    many = [plugin(f"G{i}", f"OpenSearch_{i}.{i}", name=long_name) for i in range(1, 40)]
    same = [plugin(f"G{i}", "OpenSearch_2.17", name=long_name) for i in range(1, 40)]
    for owner, engine, candidates in itertools.product(
        (None, "AWS"), ("OpenSearch_2.17", "OpenSearch_9.9"), ([], many, same)
    ):
        choice = choose_package(long_name, owner, engine, candidates, "domain " + "d" * 28)
        if isinstance(choice, Unresolved):
            assert len(choice.reason) <= MAX_REASON, choice.reason
            assert choice.reason.rstrip().endswith(("first", "of those", "by its ID")), (
                choice.reason
            )


# --------------------------------------------------------------------------- targets, plan


def test_resolution_fills_ids_and_turns_forced_entries_into_ids() -> None:
    old = parse_properties({"DomainName": "search", "Packages": [named(), {"PackageID": "F1"}]})
    new = parse_properties(
        {
            "DomainName": "search",
            "Packages": [named(KeyStoreAccessEnabled="true"), {"PackageID": "F1"}],
        }
    )
    target = update_target(old, new)
    assert not target.resolved
    assert names_to_resolve(target) == ((SUDACHI, "AWS"),)
    resolved = resolve_target(target, {SUDACHI: "G2"})
    assert resolved.resolved
    assert resolved.package_ids == ("G2", "F1")
    assert resolved.force == frozenset({"G2"})


def test_removing_or_deleting_an_entry_by_name_dissociates_by_name() -> None:
    old = parse_properties({"DomainName": "search", "Packages": [named(), {"PackageID": "F1"}]})
    new = parse_properties({"DomainName": "search", "Packages": [{"PackageID": "F1"}]})
    assert update_target(old, new).dissociate_names == frozenset({SUDACHI})
    deleted = delete_target(old, frozenset({"G1"}))
    assert (deleted.dissociate, deleted.dissociate_names, deleted.keep) == (
        ("F1",),
        frozenset({SUDACHI}),
        frozenset({"G1"}),
    )
    listing = Snapshot(
        {
            "G1": Association("G1", ACTIVE, package_name=SUDACHI),
            "G2": Association("G2", ACTIVE, package_name=SUDACHI),
            "F1": Association("F1", ACTIVE, package_name="mine"),
            "F5": Association("F5", ACTIVE, package_name="someone-elses"),
        }
    )
    decision = plan.decide(deleted, AssociationState(), listing, 0.0)
    assert decision == Submit("dissociate", (DesiredPackage("F1"), DesiredPackage("G2")))


def sudachi_target(package_id: str = "G2") -> Target:
    spec = parse_properties({"DomainName": "search", "Packages": [named(), {"PackageID": "F1"}]})
    return resolve_target(create_target(spec, is_create=False), {SUDACHI: package_id})


def test_after_an_upgrade_the_old_versions_package_leaves_first_then_the_new_one_comes() -> None:
    target = sudachi_target()
    kept_old = Snapshot(
        {
            "G1": Association("G1", ACTIVE, package_name=SUDACHI, package_type="ZIP-PLUGIN"),
            "F1": Association("F1", ACTIVE, package_name="mine"),
            "F5": Association("F5", ACTIVE, package_name="analysis-nori"),
        }
    )
    state = AssociationState()
    assert plan.decide(target, state, kept_old, 0.0) == Submit(
        "dissociate", (DesiredPackage("G1"),)
    )
    state = state.submitted("dissociate", ["G1"], 0.0)
    leaving = Snapshot(
        {
            **kept_old.associations,
            "G1": Association("G1", AssociationStatus.DISSOCIATING, package_name=SUDACHI),
        }
    )
    assert isinstance(plan.decide(target, state, leaving, 1.0), Wait)
    gone = Snapshot({k: v for k, v in kept_old.associations.items() if k != "G1"})
    decision = plan.decide(target, state, gone, 2.0)
    assert isinstance(decision, Submit)
    assert decision.action == "associate"
    assert decision.package_ids == ("G2",)


def test_when_the_service_moved_the_plugin_nothing_is_called_and_data_names_the_id() -> None:
    target = sudachi_target()
    moved = Snapshot(
        {
            "G2": Association("G2", ACTIVE, package_version="v1", package_name=SUDACHI),
            "F1": Association("F1", ACTIVE, reference_path="analyzers/F1", package_name="mine"),
        }
    )
    assert plan.decide(target, AssociationState(), moved, 0.0) == Done()
    data = plan.response_data(target, moved)
    assert data == {
        "ReferencePath.sudachi": "",
        "PackageVersion.sudachi": "v1",
        "PackageID.sudachi": "G2",
        "ReferencePath.F1": "analyzers/F1",
        "PackageVersion.F1": "",
    }
