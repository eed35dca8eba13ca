"""The upgrade check (issue 20), at the wire, on simulated time: the real handler, crhelper and
boto3 against the fakes. Before a domain's engine upgrade, every plugin the stack associates
with it must have a package for the target version: AWS's optional plugins by name, and the
stack's own plugin Packages under their names (the guide's custom-plugin upgrade rule)."""

from __future__ import annotations

from typing import Any

from tests.wire.conftest import SimulatedEnv
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.wire.harness import Stack

DOMAIN = "search"
SUDACHI = "analysis-sudachi"
OWN = "my-plugin"
RESOURCE_TYPE = "Custom::OpenSearchPackagesUpgradeCheck"
#: The calls a check may make: it reads packages, and never touches a domain.
READS = {"DescribePackages"}


def seed(fake: FakeOpenSearch) -> None:
    """analysis-sudachi for 2.17 and 2.19 (AWS's); the stack's own plugin for 2.17 only."""
    fake.add_package("G1001", "ZIP-PLUGIN", name=SUDACHI, engine_version="OpenSearch_2.17")
    fake.add_package("G1002", "ZIP-PLUGIN", name=SUDACHI, engine_version="OpenSearch_2.19")
    fake.add_package("pkg-0a", "ZIP-PLUGIN", name=OWN, engine_version="OpenSearch_2.17")
    fake.add_domain(DOMAIN, engine_version="OpenSearch_2.17")


def check_props(target: str) -> dict[str, Any]:
    """As the construct writes them."""
    return {
        "DomainName": DOMAIN,
        "TargetEngineVersion": target,
        "PluginNames": [{"PackageName": SUDACHI, "PackageOwner": "AWS"}, {"PackageName": OWN}],
        "TimeoutSeconds": 300,
    }


def check(env: SimulatedEnv) -> Stack:
    return Stack(env.env, "UpgradeCheck", resource_type=RESOURCE_TYPE)


def test_an_upgrade_to_a_version_a_plugin_lacks_fails_before_the_domain_changes(
    sim_env: SimulatedEnv,
) -> None:
    fake = sim_env.env.opensearch
    seed(fake)
    stack = check(sim_env)
    created = stack.create(check_props("OpenSearch_2.17"))
    assert created["Status"] == "SUCCESS", created
    physical_id = created["PhysicalResourceId"]

    answer = stack.update(check_props("OpenSearch_2.19"))
    assert answer["Status"] == "FAILED", answer
    assert answer["Reason"] == (
        "domain search not upgraded to OpenSearch_2.19: plugins without one package for it: "
        "my-plugin: only for OpenSearch_2.17. Create one for OpenSearch_2.19 under the same "
        "name, or drop the plugin, and deploy again"
    )
    assert answer["PhysicalResourceId"] == physical_id  # the same resource: no replacement
    assert {c.operation for c in fake.calls} == READS
    assert fake.associations(DOMAIN) == []  # nothing associated, dissociated or upgraded


def test_with_every_plugins_package_for_the_target_the_check_passes_and_delete_is_a_no_op(
    sim_env: SimulatedEnv,
) -> None:
    fake = sim_env.env.opensearch
    seed(fake)
    # The stack's Package for the new version, under the same name (created before the check).
    fake.add_package("pkg-0b", "ZIP-PLUGIN", name=OWN, engine_version="OpenSearch_2.19")
    stack = check(sim_env)
    created = stack.create(check_props("OpenSearch_2.17"))
    updated = stack.update(check_props("OpenSearch_2.19"))
    assert updated["Status"] == "SUCCESS", updated
    assert updated["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert updated["Data"] == {f"PackageID.{SUDACHI}": "G1002", f"PackageID.{OWN}": "pkg-0b"}
    deleted = stack.delete()
    assert deleted["Status"] == "SUCCESS", deleted
    assert {c.operation for c in fake.calls} == READS
