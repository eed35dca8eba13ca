"""The real handler module, real crhelper and boto3, over HTTP to the fakes (issue 3)."""

from __future__ import annotations

import time

import pytest

from testsupport.fakes.fixtures import AwsEnv
from testsupport.wire.harness import FUNCTION, Stack, package, props

DOMAIN = "search"


@pytest.fixture
def env(aws_env: AwsEnv) -> AwsEnv:
    fake = aws_env.opensearch
    fake.add_domain(DOMAIN)
    fake.add_domain("other-domain")
    for pid in ("F111", "F222", "F333", "F444"):
        fake.add_package(pid)
    return aws_env


def statuses(env: AwsEnv, domain: str = DOMAIN) -> dict[str, str]:
    return {d["PackageID"]: d["DomainPackageStatus"] for d in env.opensearch.associations(domain)}


def test_create_associates_all_in_one_call_and_reports_attributes(env: AwsEnv) -> None:
    answer = Stack(env).create(props(DOMAIN, "F111", "F222"))
    assert answer["Status"] == "SUCCESS", answer
    assert statuses(env) == {"F111": "ACTIVE", "F222": "ACTIVE"}
    assert env.opensearch.count("AssociatePackages") == 1
    assert answer["Data"]["ReferencePath.F111"] == "analyzers/F111"
    assert set(answer["Data"]) == {
        "ReferencePath.F111",
        "PackageVersion.F111",
        "ReferencePath.F222",
        "PackageVersion.F222",
    }
    assert answer["PhysicalResourceId"].startswith(f"{DOMAIN}:Packages:")


def test_create_sends_prerequisites_and_key_store_options_from_strings(env: AwsEnv) -> None:
    env.opensearch.add_package("pkg-0a1b", package_type="ZIP-PLUGIN")
    env.opensearch.add_package("pkg-c0ffee", package_type="PACKAGE-CONFIG")
    role = "arn:aws:iam::123456789012:role/key-access"
    answer = Stack(env).create(
        props(
            DOMAIN,
            "pkg-0a1b",
            package(
                "pkg-c0ffee",
                Prerequisites=["pkg-0a1b"],
                KeyStoreAccessEnabled=True,
                KeyAccessRoleArn=role,
            ),
        )
    )
    assert answer["Status"] == "SUCCESS", answer
    [call] = [c for c in env.opensearch.calls if c.operation == "AssociatePackages"]
    config_entry = call.params["PackageList"][1]
    assert config_entry["PrerequisitePackageIDList"] == ["pkg-0a1b"]
    assert config_entry["AssociationConfiguration"] == {
        "KeyStoreAccessOption": {"KeyStoreAccessEnabled": True, "KeyAccessRoleArn": role}
    }


def test_packages_already_active_are_adopted(env: AwsEnv) -> None:
    env.opensearch.preassociate(DOMAIN, "F111")
    answer = Stack(env).create(props(DOMAIN, "F111"))
    assert answer["Status"] == "SUCCESS", answer
    assert env.opensearch.count("AssociatePackages") == 0


def test_update_adds_removes_and_reassociates_changed_keeping_the_physical_id(
    env: AwsEnv,
) -> None:
    stack = Stack(env)
    stack.create(props(DOMAIN, "F111", "F222", "F333"))
    first_id = stack.physical_id
    env.opensearch.reset_calls()
    answer = stack.update(
        props(DOMAIN, "F111", package("F222", KeyStoreAccessEnabled=True), "F444")
    )
    assert answer["Status"] == "SUCCESS", answer
    assert answer["PhysicalResourceId"] == first_id
    assert statuses(env) == {"F111": "ACTIVE", "F222": "ACTIVE", "F444": "ACTIVE"}
    associated = [
        c.params["PackageList"] for c in env.opensearch.calls if c.operation == "AssociatePackages"
    ]
    assert [[p["PackageID"] for p in batch] for batch in associated] == [["F222", "F444"]]
    dissociated = [
        c.params["PackageList"] for c in env.opensearch.calls if c.operation == "DissociatePackages"
    ]
    assert dissociated == [["F333"]]


def test_update_to_another_domain_gets_a_new_id_and_the_cleanup_delete_empties_the_old(
    env: AwsEnv,
) -> None:
    stack = Stack(env)
    stack.create(props(DOMAIN, "F111"))
    old_id, old_props = stack.physical_id, stack.properties
    answer = stack.update(props("other-domain", "F111"))
    assert answer["Status"] == "SUCCESS", answer
    assert answer["PhysicalResourceId"] != old_id
    assert statuses(env, "other-domain") == {"F111": "ACTIVE"}
    assert statuses(env) == {"F111": "ACTIVE"}  # CloudFormation cleans up the old one
    cleanup = stack.send("Delete", old_props, physical_id=old_id)
    assert cleanup["Status"] == "SUCCESS", cleanup
    assert statuses(env) == {}
    assert statuses(env, "other-domain") == {"F111": "ACTIVE"}


def test_delete_dissociates_in_one_call_and_leaves_other_packages(env: AwsEnv) -> None:
    env.opensearch.preassociate(DOMAIN, "F444")
    stack = Stack(env)
    stack.create(props(DOMAIN, "F111", "F222"))
    answer = stack.delete()
    assert answer["Status"] == "SUCCESS", answer
    assert statuses(env) == {"F444": "ACTIVE"}
    assert env.opensearch.count("DissociatePackages") == 1


def test_delete_is_idempotent(env: AwsEnv) -> None:
    stack = Stack(env)
    stack.create(props(DOMAIN, "F111"))
    assert stack.delete()["Status"] == "SUCCESS"
    calls_before = env.opensearch.count("DissociatePackages")
    again = stack.delete()
    assert again["Status"] == "SUCCESS", again
    assert env.opensearch.count("DissociatePackages") == calls_before


def test_delete_when_the_domain_is_gone_succeeds(env: AwsEnv) -> None:
    stack = Stack(env)
    stack.create(props(DOMAIN, "F111"))
    env.opensearch.delete_domain(DOMAIN)
    assert stack.delete()["Status"] == "SUCCESS"


def test_failed_association_reports_error_details_and_rollback_delete_cleans_up(
    env: AwsEnv,
) -> None:
    env.opensearch.preassociate(DOMAIN, "F444")
    env.opensearch.fail_association(
        "F222", error_type="DictionaryValidationFailure", message="line 3: bad synonym rule"
    )
    stack = Stack(env)
    answer = stack.create(props(DOMAIN, "F111", "F222"))
    assert answer["Status"] == "FAILED"
    reason = answer["Reason"]
    assert "F222" in reason
    assert "DictionaryValidationFailure" in reason
    assert "line 3: bad synonym rule" in reason
    assert DOMAIN in reason
    # The rollback Delete may carry an ID the handler never issued (crhelper's own).
    rollback = stack.send(
        "Delete", props(DOMAIN, "F111", "F222"), physical_id="stack_Packages_ABCDEFGH"
    )
    assert rollback["Status"] == "SUCCESS", rollback
    assert rollback["PhysicalResourceId"] == "stack_Packages_ABCDEFGH"
    assert statuses(env) == {"F444": "ACTIVE"}


def test_unknown_package_fails_naming_it(env: AwsEnv) -> None:
    answer = Stack(env).create(props(DOMAIN, "F111", "pkg-deadbeef"))
    assert answer["Status"] == "FAILED"
    assert "pkg-deadbeef" in answer["Reason"]
    assert DOMAIN in answer["Reason"]


def test_unknown_domain_fails_naming_it(env: AwsEnv) -> None:
    answer = Stack(env).create(props("no-such-domain", "F111"))
    assert answer["Status"] == "FAILED"
    assert "no-such-domain" in answer["Reason"]


def test_conflicts_are_retried_until_the_domain_is_free(env: AwsEnv) -> None:
    env.opensearch.inject("AssociatePackages", "conflict", times=3)
    answer = Stack(env).create(props(DOMAIN, "F111"))
    assert answer["Status"] == "SUCCESS", answer
    assert statuses(env) == {"F111": "ACTIVE"}


def test_waits_for_another_change_in_progress_on_the_domain(env: AwsEnv) -> None:
    env.opensearch.set_package_timing("F444", association_seconds=2.0)
    env.opensearch.preassociate(DOMAIN, "F444", status="ASSOCIATING")
    answer = Stack(env).create(props(DOMAIN, "F111"))
    assert answer["Status"] == "SUCCESS", answer
    assert env.opensearch.count("AssociatePackages") == 1


def test_transient_errors_throttling_5xx_and_dropped_connections_are_retried(
    env: AwsEnv,
) -> None:
    env.opensearch.inject("ListPackagesForDomain", "throttle", times=2)
    env.opensearch.inject("ListPackagesForDomain", "drop", times=1)
    env.opensearch.inject("AssociatePackages", "internal", times=3)
    answer = Stack(env).create(props(DOMAIN, "F111"))
    assert answer["Status"] == "SUCCESS", answer


def test_short_pages_are_followed(env: AwsEnv) -> None:
    env.opensearch.page_size = 1
    answer = Stack(env).create(props(DOMAIN, "F111", "F222", "F333"))
    assert answer["Status"] == "SUCCESS", answer
    assert answer["Data"]["ReferencePath.F333"] == "analyzers/F333"


def test_waits_while_the_domain_is_processing_and_packages_validate(env: AwsEnv) -> None:
    env.opensearch.set_domain_processing(DOMAIN, 1.5)
    env.opensearch.add_package("pkg-abc", available_after=1.5)
    answer = Stack(env).create(props(DOMAIN, "pkg-abc"))
    assert answer["Status"] == "SUCCESS", answer
    assert env.opensearch.count("AssociatePackages") == 1


def test_deadline_fails_with_what_is_pending_and_leaves_nothing_running(env: AwsEnv) -> None:
    env.opensearch.set_package_timing("F111", association_seconds=600)
    started = time.monotonic()
    answer = Stack(env).create(props(DOMAIN, "F111", timeout=5))
    assert answer["Status"] == "FAILED"
    assert answer["Reason"].startswith(f"timed out after 4 s on domain {DOMAIN} waiting for F111")
    assert time.monotonic() - started < 10
    env.lambda_.wait_idle(timeout=5)


def test_a_wait_longer_than_one_invocation_is_handed_over(env: AwsEnv) -> None:
    env.opensearch.set_package_timing("F111", association_seconds=7.0)
    stack = Stack(env, function_timeout=4.0)
    answer = stack.create(props(DOMAIN, "F111"))
    assert answer["Status"] == "SUCCESS", answer
    env.lambda_.wait_idle(timeout=5)
    runs = env.lambda_.invocations(FUNCTION)
    assert len(runs) >= 3  # CloudFormation's, then at least two hand-overs
    assert not any(run.timed_out for run in runs)
    # The planned hand-over leaves a margin; crhelper's timer (0.4 s before the end) is only a
    # fallback and must not be what ended these invocations.
    assert all((run.duration or 0) <= 4.0 - 0.8 for run in runs), [r.duration for r in runs]
    assert len(env.cloudformation.puts(runs[0].event["RequestId"])) == 1
    assert env.opensearch.count("AssociatePackages") == 1


def test_invalid_properties_fail_the_create_and_its_rollback_delete_succeeds(
    env: AwsEnv,
) -> None:
    stack = Stack(env)
    bad = props(DOMAIN, "not-a-package")
    answer = stack.create(bad)
    assert answer["Status"] == "FAILED"
    assert "not-a-package" in answer["Reason"]
    assert stack.send("Delete", bad, physical_id=answer["PhysicalResourceId"])["Status"] == (
        "SUCCESS"
    )


def test_delete_does_not_sleep(env: AwsEnv) -> None:
    stack = Stack(env)
    stack.create(props(DOMAIN, "F111"))
    started = time.monotonic()
    stack.delete()
    assert time.monotonic() - started < 10


DISSOCIATIONS = ("DissociatePackage", "DissociatePackages")


def test_a_failed_create_leaves_the_domain_as_it_found_it(env: AwsEnv) -> None:
    """A hand-made, ACTIVE dictionary is declared too (adopted); another package fails. The
    rollback removes what the attempt added and never names the dictionary that was there."""
    env.opensearch.preassociate(DOMAIN, "F111")
    env.opensearch.fail_association("F222", message="line 3: bad synonym rule")
    stack = Stack(env)
    answer = stack.create(props(DOMAIN, "F111", "F222", "F333"))
    assert answer["Status"] == "FAILED"
    assert answer["PhysicalResourceId"].endswith("#keep=F111")
    rollback = stack.delete()  # CloudFormation names what the failure answered
    assert rollback["Status"] == "SUCCESS", rollback
    assert statuses(env) == {"F111": "ACTIVE"}
    named = [c.params for c in env.opensearch.calls if c.operation in DISSOCIATIONS]
    assert named, "the packages the attempt added were dissociated"
    assert all("F111" not in repr(p) for p in named), named


def test_a_create_that_fails_before_looking_changes_nothing_on_rollback(env: AwsEnv) -> None:
    env.opensearch.preassociate(DOMAIN, "F111")
    stack = Stack(env)
    answer = stack.create(props("missing-domain", "F111"))
    assert answer["Status"] == "FAILED"
    assert answer["PhysicalResourceId"].endswith("#keep=*")
    env.opensearch.reset_calls()
    assert stack.delete()["Status"] == "SUCCESS"
    assert env.opensearch.calls == []


def test_a_successful_create_answers_the_plain_id_and_its_delete_dissociates_adopted_ones(
    env: AwsEnv,
) -> None:
    env.opensearch.preassociate(DOMAIN, "F111")
    stack = Stack(env)
    answer = stack.create(props(DOMAIN, "F111", "F222"))
    assert answer["Status"] == "SUCCESS", answer
    assert "#keep=" not in answer["PhysicalResourceId"]
    assert stack.delete()["Status"] == "SUCCESS"
    assert statuses(env) == {}


def test_a_plugin_dissociation_that_does_not_move_fails_with_what_to_do(
    env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index still uses the plugin: the service cannot remove it and the blue/green stays in
    processing. The Delete notices the stalled change and fails saying what to do, instead of
    spinning to the deadline."""
    monkeypatch.setattr("domain_packages_handler.associations.readiness.STUCK_AFTER_SECONDS", 2.0)
    env.opensearch.add_package("pkg-a1", "ZIP-PLUGIN", engine_version="OpenSearch_2.17",
                               association_seconds=0.5, dissociation_seconds=2.0)  # fmt: skip
    stack = Stack(env)
    assert stack.create(props(DOMAIN, "pkg-a1", timeout=600))["Status"] == "SUCCESS"
    env.opensearch.stall_dissociation("pkg-a1")
    started = time.monotonic()
    answer = stack.delete()
    assert answer["Status"] == "FAILED", answer
    assert answer["Reason"].startswith(
        f"dissociation failed on domain {DOMAIN}: pkg-a1 DissociationStuck: the domain's "
        "blue/green has not moved past"
    )
    assert "an index probably still uses the plugin" in answer["Reason"]
    assert time.monotonic() - started < 15
