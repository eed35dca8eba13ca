"""What the stack does not own is never touched (issue 12), on every lifecycle path of both
kinds, at the wire level.

The domains and the account hold hand-made packages (no owner mark): one ACTIVE on each domain
the stack uses, one of a name the stack does not use. Every test drives one path as
CloudFormation does and then checks, from the fake's call log, that no write request
(CreatePackage, UpdatePackage, DeletePackage, AssociatePackage(s), DissociatePackage(s)) named
a hand-made package's ID, that no CreatePackage used a hand-made package's name (but the one a
name collision must refuse), and that the hand-made packages and associations are as seeded.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.soak import WRITES, Foreign, named_ids
from testsupport.fakes.fixtures import AwsEnv
from testsupport.wire.harness import Stack, package, package_props, props

DOMAIN = "search"
OTHER_DOMAIN = "search-b"
BUCKET = "cdk-assets"
NAME = "synonyms-1a2b3c4d"
ALIAS = "c8a1f0e2"
PACKAGE_TYPE = "Custom::OpenSearchPackage"


@pytest.fixture
def env(aws_env: AwsEnv) -> AwsEnv:
    fake = aws_env.opensearch
    for domain in (DOMAIN, OTHER_DOMAIN):
        fake.add_domain(domain)
    for package_id in ("F111", "F222", "F333"):
        fake.add_package(package_id)
    for key in ("v1.txt", "v2.txt", "bad.txt"):
        fake.put_object(BUCKET, key, f"laptop, notebook\n# {key}\n".encode())
    fake.fail_validation(BUCKET, "bad.txt", "InvalidSynonymRule", "Line 2: not a rule")
    return aws_env


@pytest.fixture
def foreign(env: AwsEnv) -> Foreign:
    """Hand-made: one package ACTIVE on each domain, one nowhere."""
    made = Foreign(env)
    made.add("F7001", "hand-synonyms", domain=DOMAIN)
    made.add("F7002", "hand-synonyms-b", domain=OTHER_DOMAIN)
    made.add("F7003", "hand-stopwords")
    env.opensearch.reset_calls()
    return made


def untouched(env: AwsEnv, foreign: Foreign, *, refused_name: str | None = None) -> None:
    """No write named a hand-made package, nor used a hand-made name (but `refused_name`, which
    the service refused), and every hand-made package and association is as seeded."""
    offending = []
    for call, outcome in env.opensearch.log_since(0):
        if call.operation not in WRITES:
            continue
        name = call.params.get("PackageName") if call.operation == "CreatePackage" else None
        refused = name == refused_name and outcome != "200"
        if named_ids(call.params) & foreign.ids or (name in foreign.names and not refused):
            offending.append(f"{call.operation} {call.params} -> {outcome}")
    assert offending == []
    assert foreign.changed(foreign.all_ids()) == []


def on_domain(env: AwsEnv, domain: str = DOMAIN) -> dict[str, tuple[str, str]]:
    """The domain's associations but the hand-made ones: ID → (status, version)."""
    return {
        a["PackageID"]: (a["DomainPackageStatus"], a["PackageVersion"])
        for a in env.opensearch.associations(domain)
        if not a["PackageID"].startswith("F700")
    }


def succeeded(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["Status"] == "SUCCESS", answer
    return answer


def failed(answer: dict[str, Any], *needles: str) -> dict[str, Any]:
    assert answer["Status"] == "FAILED", answer
    for needle in needles:
        assert needle in answer["Reason"]
    return answer


# ------------------------------------------------------------------------------ DomainPackages


def test_domain_packages_create_add_remove_change_and_delete(env: AwsEnv, foreign: Foreign) -> None:
    stack = Stack(env)
    succeeded(stack.create(props(DOMAIN, "F111")))
    succeeded(stack.update(props(DOMAIN, "F111", "F222")))  # add
    succeeded(stack.update(props(DOMAIN, "F222")))  # remove
    succeeded(stack.update(props(DOMAIN, "F333")))  # change one for another
    assert set(on_domain(env)) == {"F333"}
    succeeded(stack.delete())
    assert on_domain(env) == {}
    untouched(env, foreign)


def test_domain_packages_moved_to_another_domain(env: AwsEnv, foreign: Foreign) -> None:
    """A new DomainName is a new physical ID: CloudFormation deletes the old resource (its old
    properties) in the cleanup phase."""
    stack = Stack(env)
    created = succeeded(stack.create(props(DOMAIN, "F111", "F222")))
    moved = succeeded(stack.update(props(OTHER_DOMAIN, "F111", "F222")))
    assert moved["PhysicalResourceId"] != created["PhysicalResourceId"]
    cleanup = stack.send(
        "Delete", props(DOMAIN, "F111", "F222"), physical_id=created["PhysicalResourceId"]
    )
    succeeded(cleanup)
    assert on_domain(env) == {}
    assert set(on_domain(env, OTHER_DOMAIN)) == {"F111", "F222"}
    succeeded(stack.delete())
    assert on_domain(env, OTHER_DOMAIN) == {}
    untouched(env, foreign)


def test_domain_packages_failed_create_and_its_rollback(env: AwsEnv, foreign: Foreign) -> None:
    env.opensearch.fail_association("F222", message="line 3: bad synonym rule")
    stack = Stack(env)
    failed(stack.create(props(DOMAIN, "F111", "F222")), "F222")
    succeeded(stack.delete())  # the physical ID the failure answered
    assert on_domain(env) == {}
    untouched(env, foreign)


def test_domain_packages_failed_update_and_its_rollback(env: AwsEnv, foreign: Foreign) -> None:
    stack = Stack(env)
    succeeded(stack.create(props(DOMAIN, "F111")))
    env.opensearch.fail_association("F333", times=1)
    failed(stack.update(props(DOMAIN, "F222", "F333")), "F333")
    rollback = stack.send(
        "Update", props(DOMAIN, "F111"), old_properties=props(DOMAIN, "F222", "F333")
    )
    succeeded(rollback)
    assert set(on_domain(env)) == {"F111"}
    succeeded(stack.delete())
    untouched(env, foreign)


# ------------------------------------------------------------------------------------ Package


def package_stack(env: AwsEnv) -> Stack:
    return Stack(env, logical_id="Synonyms", resource_type=PACKAGE_TYPE)


def uses(answer: dict[str, Any], *others: str) -> dict[str, Any]:
    """The DomainPackages' properties CloudFormation resolves from the Package's answer."""
    data = answer["Data"]
    entry = package(data["PackageID"], PackageVersion=data["PackageVersion"], Alias=ALIAS)
    return props(DOMAIN, entry, *others)


def test_package_create_content_update_and_delete(env: AwsEnv, foreign: Foreign) -> None:
    packages, domain_packages = package_stack(env), Stack(env, logical_id="SearchPackages")
    first = succeeded(packages.create(package_props(NAME, "v1.txt")))
    succeeded(domain_packages.create(uses(first, "F111")))
    second = succeeded(packages.update(package_props(NAME, "v2.txt")))
    assert second["Data"]["PackageVersion"] == "v2"
    succeeded(domain_packages.update(uses(second, "F111")))
    assert on_domain(env)[second["PhysicalResourceId"]] == ("ACTIVE", "v2")
    succeeded(domain_packages.delete())
    succeeded(packages.delete())
    assert second["PhysicalResourceId"] not in env.opensearch.package_ids()
    untouched(env, foreign)


def test_package_failed_create_and_its_rollback(env: AwsEnv, foreign: Foreign) -> None:
    packages = package_stack(env)
    answer = failed(packages.create(package_props(NAME, "bad.txt")), "VALIDATION_FAILED")
    succeeded(packages.delete())
    assert answer["PhysicalResourceId"] not in env.opensearch.package_ids()
    untouched(env, foreign)


def test_package_failed_update_and_its_rollback(env: AwsEnv, foreign: Foreign) -> None:
    packages, domain_packages = package_stack(env), Stack(env, logical_id="SearchPackages")
    first = succeeded(packages.create(package_props(NAME, "v1.txt")))
    succeeded(domain_packages.create(uses(first)))
    failed(packages.update(package_props(NAME, "bad.txt")), "InvalidSynonymRule")
    rollback = packages.send(
        "Update", package_props(NAME, "v1.txt"), old_properties=package_props(NAME, "bad.txt")
    )
    succeeded(rollback)
    assert on_domain(env) == {first["PhysicalResourceId"]: ("ACTIVE", "v1")}
    succeeded(domain_packages.delete())
    succeeded(packages.delete())
    untouched(env, foreign)


def test_package_replaced_by_a_new_name(env: AwsEnv, foreign: Foreign) -> None:
    packages, domain_packages = package_stack(env), Stack(env, logical_id="SearchPackages")
    first = succeeded(packages.create(package_props(NAME, "v1.txt")))
    old_properties = packages.properties
    succeeded(domain_packages.create(uses(first)))
    replaced = succeeded(packages.update(package_props("synonyms-99aa88bb", "v1.txt")))
    succeeded(domain_packages.update(uses(replaced)))
    cleanup = packages.send("Delete", old_properties, physical_id=first["PhysicalResourceId"])
    succeeded(cleanup)
    assert set(on_domain(env)) == {replaced["PhysicalResourceId"]}
    succeeded(domain_packages.delete())
    succeeded(packages.delete())
    assert first["PhysicalResourceId"] not in env.opensearch.package_ids()
    assert replaced["PhysicalResourceId"] not in env.opensearch.package_ids()
    untouched(env, foreign)


def test_a_name_taken_by_a_hand_made_package_is_refused_and_left(
    env: AwsEnv, foreign: Foreign
) -> None:
    foreign.add("F7004", NAME, domain=None)
    env.opensearch.reset_calls()
    packages = package_stack(env)
    failed(packages.create(package_props(NAME, "v2.txt")), "the name is taken by package F7004")
    succeeded(packages.delete())
    untouched(env, foreign, refused_name=NAME)
    assert [c.operation for c in env.opensearch.calls if c.operation in WRITES] == ["CreatePackage"]
