"""What people saw the real service do (issue 18), at the wire, on simulated time: a domain that
says `Processing: false` while it still settles, one that is Active yet refuses the first calls,
"Package not found" as a ValidationException, changes that stop short, third parties' packages,
and real validation errors that must still fail at once."""

from __future__ import annotations

import pytest

from tests.wire.conftest import SimulatedEnv
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.wire.harness import Stack, package, package_props, props

DOMAIN = "search"
BUCKET = "cdk-assets"
PACKAGE_TYPE = "Custom::OpenSearchPackage"
IN_PROGRESS = "A change/update is in progress"


def statuses(fake: FakeOpenSearch, domain: str = DOMAIN) -> dict[str, str]:
    return {d["PackageID"]: d["DomainPackageStatus"] for d in fake.associations(domain)}


def succeeded(answer: dict[str, object]) -> dict[str, object]:
    assert answer["Status"] == "SUCCESS", answer
    return answer


def failed(answer: dict[str, object]) -> str:
    assert answer["Status"] == "FAILED", answer
    reason = str(answer["Reason"])
    assert len(reason) <= 256
    return reason


@pytest.mark.parametrize("busy_error", ["ValidationException", "ConflictException"])
def test_a_first_deploy_on_a_domain_that_settles_for_minutes_ends_active(
    sim_env: SimulatedEnv, busy_error: str
) -> None:
    """The example app's situation: the domain was just created or changed; DescribeDomain says
    `Processing: false` but DomainProcessingStatus Modifying, and changes are refused for five
    minutes (siem-on-amazon-opensearch-service#444, terraform-provider-aws#38136)."""
    fake, clock = sim_env.env.opensearch, sim_env.clock
    fake.busy_error = busy_error
    fake.add_domain(DOMAIN)
    fake.add_package("F1")
    fake.set_domain_processing(DOMAIN, 0.0, settle_seconds=300)
    started = clock.t
    answer = succeeded(Stack(sim_env.env).create(props(DOMAIN, "F1", timeout=1800)))
    assert statuses(fake) == {"F1": "ACTIVE"}
    assert answer["Data"]["ReferencePath.F1"] == "analyzers/F1"  # type: ignore[index]
    assert clock.t - started >= 300
    assert fake.count("AssociatePackages") == 1  # DomainProcessingStatus said wait: no refusal


def test_a_domain_that_is_active_but_refuses_the_first_two_calls(sim_env: SimulatedEnv) -> None:
    """aws-samples/opensearch-intelligent-search-jp PR #3: associating right after the domain
    turned active failed in some Regions. The refusal is retried with back-off."""
    fake = sim_env.env.opensearch
    fake.add_domain(DOMAIN)
    fake.add_package("F1")
    fake.add_package("F2")
    fake.refuse_changes(DOMAIN, 2)
    succeeded(Stack(sim_env.env).create(props(DOMAIN, "F1", "F2", timeout=600)))
    assert statuses(fake) == {"F1": "ACTIVE", "F2": "ACTIVE"}
    outcomes = [o for op, o in fake.outcomes if op == "AssociatePackages"]
    assert outcomes == ["400 ValidationException", "400 ValidationException", "200"]


def test_a_refusal_that_outlasts_the_timeout_fails_quoting_the_service(
    sim_env: SimulatedEnv,
) -> None:
    fake = sim_env.env.opensearch
    fake.add_domain(DOMAIN)
    fake.add_package("F1")
    fake.refuse_changes(DOMAIN, 10_000)
    stack = Stack(sim_env.env)
    reason = failed(stack.create(props(DOMAIN, "F1", timeout=300)))
    assert reason.startswith("timed out after ")
    assert f"waiting for AssociatePackages (ValidationException: {IN_PROGRESS}" in reason
    assert ".." not in reason
    assert "Fix the package list" not in reason
    fake.refuse_changes(DOMAIN, 0)
    succeeded(stack.delete())  # the rollback: nothing of ours on the domain
    assert statuses(fake) == {}


def test_real_validation_errors_still_fail_at_once(sim_env: SimulatedEnv) -> None:
    fake, clock = sim_env.env.opensearch, sim_env.clock
    fake.add_domain(DOMAIN)
    fake.add_package("F1", package_type="PACKAGE-LICENSE")
    fake.add_package("F2", package_type="ZIP-PLUGIN")
    started = clock.t
    licence = package("F1", Prerequisites=["F2"])  # its plugin is neither there nor asked for
    reason = failed(Stack(sim_env.env).create(props(DOMAIN, licence, timeout=1800)))
    assert reason.startswith("associate F1 on domain search: ValidationException: Prerequisite")
    assert reason.endswith(". Fix the package list (IDs, prerequisites, options) and redeploy.")
    assert ".." not in reason
    assert clock.t - started < 10


@pytest.mark.parametrize("not_found_error", ["ValidationException", "ResourceNotFoundException"])
@pytest.mark.parametrize("unknown_ids", ["fail", "omit"])
def test_an_unknown_package_among_known_ones_is_named_alone(
    sim_env: SimulatedEnv, not_found_error: str, unknown_ids: str
) -> None:
    fake = sim_env.env.opensearch
    fake.package_not_found_error = not_found_error
    fake.describe_unknown_ids = unknown_ids
    fake.add_domain(DOMAIN)
    fake.add_package("F1")
    fake.add_package("F2")
    reason = failed(Stack(sim_env.env).create(props(DOMAIN, "F1", "F404", "F2")))
    assert reason.endswith("DescribePackages does not know F404 in this account and Region.")
    assert "F1, F404, F2" not in reason.split(": ", 2)[2]  # the service's words name F404 alone
    assert statuses(fake) == {}


@pytest.mark.parametrize("not_found_error", ["ValidationException", "ResourceNotFoundException"])
def test_a_package_deleted_behind_the_stacks_back_deletes_cleanly(
    sim_env: SimulatedEnv, not_found_error: str
) -> None:
    fake = sim_env.env.opensearch
    fake.package_not_found_error = not_found_error
    fake.put_object(BUCKET, "v1.txt", b"laptop, notebook\n")
    stack = Stack(sim_env.env, logical_id="Synonyms", resource_type=PACKAGE_TYPE)
    answer = succeeded(stack.create(package_props("synonyms", "v1.txt")))
    package_id = str(answer["PhysicalResourceId"])
    fake.forget_package(package_id)
    succeeded(stack.delete())
    deletes = [o for op, o in fake.outcomes if op == "DeletePackage"]
    assert len(deletes) <= 1


def test_a_package_deleted_while_the_stack_waits_for_its_deletion(
    sim_env: SimulatedEnv,
) -> None:
    """The deletion wait ends on "Package not found" (a ValidationException by default)."""
    fake = sim_env.env.opensearch
    fake.package_processing_seconds = 120
    fake.put_object(BUCKET, "v1.txt", b"laptop, notebook\n")
    stack = Stack(sim_env.env, logical_id="Synonyms", resource_type=PACKAGE_TYPE)
    succeeded(stack.create(package_props("synonyms", "v1.txt", timeout=900)))
    succeeded(stack.delete())
    assert fake.package_ids() == []
    describes = [o for op, o in fake.outcomes if op == "DescribePackages"]
    assert describes[-1].startswith("400 ValidationException")


def test_an_update_of_a_package_gone_behind_the_stacks_back_fails_with_what_to_do(
    sim_env: SimulatedEnv,
) -> None:
    fake = sim_env.env.opensearch
    fake.put_object(BUCKET, "v1.txt", b"laptop, notebook\n")
    fake.put_object(BUCKET, "v2.txt", b"laptop, notebook, ultrabook\n")
    stack = Stack(sim_env.env, logical_id="Synonyms", resource_type=PACKAGE_TYPE)
    package_id = str(
        succeeded(stack.create(package_props("synonyms", "v1.txt")))["PhysicalResourceId"]
    )
    fake.forget_package(package_id)
    reason = failed(stack.update(package_props("synonyms", "v2.txt")))
    assert reason == (
        f"package synonyms ({package_id}) no longer exists; delete the Package from the stack "
        "and add it again"
    )


@pytest.mark.parametrize(
    ("config_status", "failures", "expected"),
    [
        (
            "ValidationFailed",
            (("PluginIncompatible", "The plugin does not support OpenSearch 2.17."),),
            "the configuration change on domain search is ValidationFailed: PluginIncompatible: "
            "The plugin does not support OpenSearch 2.17. Fix what the service names, then "
            "deploy again",
        ),
        (
            "Cancelled",
            (),
            "the configuration change on domain search is Cancelled: Someone cancelled it "
            "(console or CancelDomainConfigChange); deploy again",
        ),
    ],
)
def test_a_plugin_blue_green_that_stops_short_fails_at_once_and_rolls_back(
    sim_env: SimulatedEnv,
    config_status: str,
    failures: tuple[tuple[str, str], ...],
    expected: str,
) -> None:
    fake, clock = sim_env.env.opensearch, sim_env.clock
    fake.add_domain(DOMAIN)
    fake.add_package("F1", package_type="ZIP-PLUGIN", association_seconds=2400)
    fake.stop_next_change(DOMAIN, config_status, failures)
    stack = Stack(sim_env.env)
    started = clock.t
    reason = failed(stack.create(props(DOMAIN, "F1", timeout=3600)))
    assert reason == expected
    assert clock.t - started < 2400 / 8 + 10  # at the end of its validation, not the deadline
    succeeded(stack.delete())  # the rollback
    assert statuses(fake) == {}


def test_a_domain_whose_upgrade_waits_for_the_user_fails_before_any_change(
    sim_env: SimulatedEnv,
) -> None:
    fake = sim_env.env.opensearch
    fake.add_domain(DOMAIN)
    fake.add_package("F1")
    fake.stop_next_change(DOMAIN, "PendingUserInput")
    fake.set_domain_processing(DOMAIN, 600, status="UpgradingEngineVersion")
    reason = failed(Stack(sim_env.env).create(props(DOMAIN, "F1", timeout=3600)))
    assert reason.startswith(
        "the configuration change on domain search is PendingUserInput: The service waits for you"
    )
    assert "UpdateClone" in reason
    assert fake.count("AssociatePackages") == 0


def test_third_party_packages_are_associated_and_never_written(sim_env: SimulatedEnv) -> None:
    """Third parties' pkg-… packages (titaniam-lockbox, rni) are visible in every account and
    cannot be deleted: a stack may associate one, and only ever dissociates it."""
    fake = sim_env.env.opensearch
    fake.add_domain(DOMAIN)
    fake.add_package(
        "pkg-7e57ab1e", package_type="ZIP-PLUGIN", name="titaniam-lockbox", owner="999988887777"
    )
    stack = Stack(sim_env.env)
    succeeded(stack.create(props(DOMAIN, "pkg-7e57ab1e", timeout=600)))
    assert statuses(fake) == {"pkg-7e57ab1e": "ACTIVE"}
    succeeded(stack.delete())
    assert statuses(fake) == {}
    writes = {"CreatePackage", "UpdatePackage", "DeletePackage", "UpdatePackageScope"}
    assert not [c for c in fake.calls if c.operation in writes]
    assert "pkg-7e57ab1e" in fake.package_ids()


def test_a_refused_plugin_name_for_a_new_engine_version_fails_fast(
    sim_env: SimulatedEnv,
) -> None:
    """Should the service refuse a plugin's package for a new engine version under the name of
    the old one (undocumented; the guide says to do exactly that), the engine upgrade fails at
    once with both IDs, not at its deadline."""
    fake, clock = sim_env.env.opensearch, sim_env.clock
    fake.plugin_name_per_engine_version = False
    fake.put_object(BUCKET, "plugin.zip", _plugin_zip())
    stack = Stack(sim_env.env, logical_id="Plugin", resource_type=PACKAGE_TYPE)

    def plugin(engine: str) -> dict[str, object]:
        return package_props(
            "my-plugin", "plugin.zip", PackageType="ZIP-PLUGIN", EngineVersion=engine
        )

    old_id = succeeded(stack.create(plugin("OpenSearch_2.17")))["PhysicalResourceId"]
    started = clock.t
    reason = failed(stack.update(plugin("OpenSearch_2.19"), wait=60))
    assert reason.startswith(
        f"package my-plugin: the service refused a package for OpenSearch_2.19 under the name of "
        f"{old_id}, the package for OpenSearch_2.17. Dissociate and delete {old_id} first"
    )
    assert clock.t - started < 60


def _plugin_zip() -> bytes:
    from tests.wire.test_packages import plugin_zip

    return plugin_zip("2.17.0")
