"""Packages by name (issue 20), at the wire, on simulated time: the real handler, crhelper and
boto3 against the fakes, with AWS's optional plugins seeded as the field lists them
(rebuy-de/aws-nuke#1123): G… IDs owned by AWS, one per engine version under one name."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_opensearchservice as opensearch

from opensearch_packages import DomainPackages, Package
from tests.wire.conftest import SimulatedEnv
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.wire.harness import Stack, props

DOMAIN = "search"
SUDACHI = "analysis-sudachi"
NORI = "analysis-nori"
#: analysis-sudachi per engine version, and analysis-nori (someone else's, on the same domain).
SUDACHI_IDS = {"OpenSearch_2.17": "G1001", "OpenSearch_2.19": "G1002", "OpenSearch_3.1": "G1003"}
NORI_IDS = {"OpenSearch_2.17": "G2001", "OpenSearch_2.19": "G2002"}
WRITES = ("AssociatePackages", "AssociatePackage", "DissociatePackages", "DissociatePackage")


def seed_optional_plugins(fake: FakeOpenSearch) -> None:
    for name, ids in ((SUDACHI, SUDACHI_IDS), (NORI, NORI_IDS)):
        for engine, package_id in ids.items():
            fake.add_package(package_id, "ZIP-PLUGIN", name=name, engine_version=engine)


def by_name(name: str = SUDACHI, alias: str = "sudachi", **extra: str) -> dict[str, str]:
    return {"PackageName": name, "Alias": alias, **extra}


def statuses(fake: FakeOpenSearch, domain: str = DOMAIN) -> dict[str, str]:
    return {d["PackageID"]: d["DomainPackageStatus"] for d in fake.associations(domain)}


def succeeded(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["Status"] == "SUCCESS", answer
    return answer


def failed(answer: dict[str, Any]) -> str:
    assert answer["Status"] == "FAILED", answer
    reason = str(answer["Reason"])
    assert len(reason) <= 256
    return reason


def writes(fake: FakeOpenSearch) -> list[tuple[str, Any]]:
    return [
        (c.operation, c.params.get("PackageList") or c.params.get("PackageID"))
        for c in fake.calls
        if c.operation in WRITES
    ]


def test_one_name_resolves_to_each_domains_engine_version(sim_env: SimulatedEnv) -> None:
    fake = sim_env.env.opensearch
    seed_optional_plugins(fake)
    fake.add_domain("older", engine_version="OpenSearch_2.17")
    fake.add_domain("newer", engine_version="OpenSearch_2.19")
    entry = by_name(PackageOwner="AWS")
    older = succeeded(Stack(sim_env.env, "Older").create(props("older", entry, timeout=1800)))
    newer = succeeded(Stack(sim_env.env, "Newer").create(props("newer", entry, timeout=1800)))
    assert statuses(fake, "older") == {"G1001": "ACTIVE"}
    assert statuses(fake, "newer") == {"G1002": "ACTIVE"}
    assert older["Data"]["PackageID.sudachi"] == "G1001"
    assert newer["Data"]["PackageID.sudachi"] == "G1002"
    assert newer["Data"]["PackageVersion.sudachi"] == "v1"


def test_no_package_for_the_domains_version_fails_naming_the_versions_it_has(
    sim_env: SimulatedEnv,
) -> None:
    fake = sim_env.env.opensearch
    seed_optional_plugins(fake)
    fake.add_domain(DOMAIN, engine_version="OpenSearch_2.11")
    answer = Stack(sim_env.env).create(props(DOMAIN, by_name(PackageOwner="AWS")))
    assert failed(answer) == (
        "domain search runs OpenSearch_2.11: package analysis-sudachi has none for it, only for "
        "OpenSearch_2.17, OpenSearch_2.19, OpenSearch_3.1. Create one for OpenSearch_2.11 "
        "(custom plugin), or upgrade the domain to one of those"
    )
    assert writes(fake) == []
    missing = Stack(sim_env.env, "Missing").create(props(DOMAIN, by_name("analysis-klingon")))
    assert "no package named analysis-klingon in this account and Region" in failed(missing)


def test_an_ambiguous_name_fails_with_the_ids_it_matched(sim_env: SimulatedEnv) -> None:
    fake = sim_env.env.opensearch
    seed_optional_plugins(fake)
    # A third party's plugin under the same name, for the same engine version.
    fake.add_package(
        "pkg-0a1b",
        "ZIP-PLUGIN",
        name=SUDACHI,
        engine_version="OpenSearch_2.17",
        owner="111122223333",
    )
    fake.add_domain(DOMAIN, engine_version="OpenSearch_2.17")
    reason = failed(Stack(sim_env.env).create(props(DOMAIN, by_name())))
    assert "analysis-sudachi matches 2 packages for OpenSearch_2.17: G1001, pkg-0a1b" in reason
    assert reason.endswith("Give the owner (PackageOwner), or reference the package by its ID")
    assert writes(fake) == []
    # With the owner it is one package.
    stack = Stack(sim_env.env, "WithOwner")
    succeeded(stack.create(props(DOMAIN, by_name(PackageOwner="AWS"), timeout=1800)))
    assert statuses(fake) == {"G1001": "ACTIVE"}


@pytest.mark.parametrize("optional_plugins_on_upgrade", ["move", "keep"])
def test_an_upgrade_outside_the_stack_ends_with_exactly_the_new_versions_package(
    sim_env: SimulatedEnv, optional_plugins_on_upgrade: str
) -> None:
    """Whether the upgrade moved the optional plugin itself (the field, #39363) or left the old
    version's package on the domain, the next Update ends with the 2.19 package alone, never
    dissociates it, and never touches someone else's plugin (analysis-nori, not declared)."""
    fake = sim_env.env.opensearch
    fake.optional_plugins_on_upgrade = optional_plugins_on_upgrade
    seed_optional_plugins(fake)
    fake.add_domain(DOMAIN, engine_version="OpenSearch_2.17")
    fake.preassociate(DOMAIN, "G2001")  # someone else's nori
    stack = Stack(sim_env.env)
    succeeded(stack.create(props(DOMAIN, by_name(PackageOwner="AWS"), timeout=1800)))
    assert statuses(fake) == {"G2001": "ACTIVE", "G1001": "ACTIVE"}

    fake.upgrade_domain(DOMAIN, "OpenSearch_2.19", seconds=900)  # console, or another tool
    fake.reset_calls()
    answer = succeeded(stack.update(props(DOMAIN, by_name(PackageOwner="AWS"), timeout=3600)))
    nori = "G2002" if optional_plugins_on_upgrade == "move" else "G2001"
    assert statuses(fake) == {nori: "ACTIVE", "G1002": "ACTIVE"}
    assert answer["Data"]["PackageID.sudachi"] == "G1002"
    if optional_plugins_on_upgrade == "move":
        assert writes(fake) == []  # the service did it: no call, no second blue/green
    else:
        assert writes(fake) == [
            ("DissociatePackages", ["G1001"]),
            ("AssociatePackages", [{"PackageID": "G1002"}]),
        ]
    # The stack's Delete dissociates its package, and only that.
    fake.reset_calls()
    succeeded(stack.delete())
    assert statuses(fake) == {nori: "ACTIVE"}
    assert writes(fake) == [("DissociatePackages", ["G1002"])]


def synthesised(engine_version: str) -> tuple[str, dict[str, Any]]:
    """The Domain's EngineVersion and the DomainPackages' properties of one stack declaring
    `analysis-sudachi` by name for a domain on `engine_version` (as in the README)."""
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Search")
    domain = opensearch.Domain(
        stack,
        "Domain",
        version=opensearch.EngineVersion.open_search(engine_version.removeprefix("OpenSearch_")),
        enable_version_upgrade=True,
    )
    sudachi = Package.from_package_name(stack, "Sudachi", SUDACHI, owner="AWS")
    DomainPackages(stack, "Packages", domain=domain, packages=[sudachi])
    resources = app.synth().get_stack_by_name("Search").template["Resources"]
    [engine] = [
        r["Properties"]["EngineVersion"]
        for r in resources.values()
        if r["Type"] == "AWS::OpenSearchService::Domain"
    ]
    [properties] = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "Custom::OpenSearchDomainPackages"
    ]
    return engine, properties


def test_an_engine_upgrade_changes_the_domain_packages_properties() -> None:
    """Why an upgrade in one deploy ends right in that deploy (next test): with a package by
    name and a domain of the same stack, the DomainPackages' properties carry the domain's
    declared engine version, so a new version changes them and CloudFormation sends the
    resource an Update, after the domain's (it references the domain). Nothing else differs."""
    older_engine, older = synthesised("OpenSearch_2.17")
    newer_engine, newer = synthesised("OpenSearch_2.19")
    assert (older_engine, newer_engine) == ("OpenSearch_2.17", "OpenSearch_2.19")
    assert (older["EngineVersion"], newer["EngineVersion"]) == (older_engine, newer_engine)
    assert {k: v for k, v in newer.items() if k != "EngineVersion"} == {
        k: v for k, v in older.items() if k != "EngineVersion"
    }
    entries = [{k: v for k, v in e.items() if k != "Alias"} for e in newer["Packages"]]
    assert entries == [{"PackageName": SUDACHI, "PackageOwner": "AWS"}]


@pytest.mark.parametrize("optional_plugins_on_upgrade", ["move", "keep"])
def test_an_upgrade_in_one_deploy_ends_with_exactly_the_new_versions_package(
    sim_env: SimulatedEnv, optional_plugins_on_upgrade: str
) -> None:
    """The stack's own upgrade, as CloudFormation orders it. Deploy 1 creates the domain on 2.17
    and the DomainPackages with analysis-sudachi by name. Deploy 2 raises the domain's version:
    the Domain's update upgrades it, then the DomainPackages' Update (its EngineVersion
    changed, test above) resolves the name to the 2.19 package and ends with it alone, whether
    or not the service moved the association during the upgrade."""
    fake = sim_env.env.opensearch
    fake.optional_plugins_on_upgrade = optional_plugins_on_upgrade
    seed_optional_plugins(fake)
    fake.add_domain(DOMAIN, engine_version="OpenSearch_2.17")
    stack = Stack(sim_env.env)
    declared = {**props(DOMAIN, by_name(PackageOwner="AWS"), timeout=3600),
                "EngineVersion": "OpenSearch_2.17"}  # fmt: skip
    answer = succeeded(stack.create(declared))  # deploy 1
    assert statuses(fake) == {"G1001": "ACTIVE"}
    assert answer["Data"]["PackageID.sudachi"] == "G1001"

    # Deploy 2: the Domain's update (EnableVersionUpgrade) runs its blue/green to the end ...
    fake.upgrade_domain(DOMAIN, "OpenSearch_2.19", seconds=900)
    sim_env.clock.sleep(1800)
    if optional_plugins_on_upgrade == "move":
        assert statuses(fake) == {"G1002": "ACTIVE"}  # the service moved it
    else:
        assert statuses(fake) == {"G1001": "ACTIVE"}  # the old version's, until the Update
    # ... then the DomainPackages' Update, sent because its EngineVersion changed.
    fake.reset_calls()
    answer = succeeded(stack.update({**declared, "EngineVersion": "OpenSearch_2.19"}))
    assert statuses(fake) == {"G1002": "ACTIVE"}
    assert answer["Data"]["PackageID.sudachi"] == "G1002"
    if optional_plugins_on_upgrade == "move":
        assert writes(fake) == []  # adopted: no call, no second blue/green
    else:
        assert writes(fake) == [
            ("DissociatePackages", ["G1001"]),
            ("AssociatePackages", [{"PackageID": "G1002"}]),
        ]


def test_a_users_own_package_made_by_another_stack_by_name(sim_env: SimulatedEnv) -> None:
    fake = sim_env.env.opensearch
    fake.add_domain(DOMAIN)
    fake.add_package("F9", "TXT-DICTIONARY", name="shared-synonyms")
    stack = Stack(sim_env.env)
    answer = succeeded(stack.create(props(DOMAIN, by_name("shared-synonyms", "syn"), timeout=1800)))
    assert statuses(fake) == {"F9": "ACTIVE"}
    assert answer["Data"] == {
        "ReferencePath.syn": "analyzers/F9",
        "PackageVersion.syn": "v1",
        "PackageID.syn": "F9",
    }
    # Removed from the stack: dissociated by name.
    fake.add_package("F10", "TXT-DICTIONARY", name="other")
    succeeded(stack.update(props(DOMAIN, "F10", timeout=1800)))
    assert statuses(fake) == {"F10": "ACTIVE"}
