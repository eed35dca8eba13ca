"""Packages as code at the wire level (issue 6): the real handler, crhelper and boto3 against the
fakes, as CloudFormation drives a stack holding a Package and a DomainPackages that uses it.

The stack is the one the example app synthesises: `Package` (Custom::OpenSearchPackage) made
from an asset object, and `DomainPackages` whose entry carries the package's ID, its version and
the construct's alias. CloudFormation orders the requests: the Package before the
DomainPackages on create and update, the DomainPackages first on delete.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from domain_packages_handler import main

from testsupport.fakes._http import ACCOUNT_ID, REGION
from testsupport.fakes.fixtures import AwsEnv
from testsupport.fakes.lambda_service import FakeLambdaContext
from testsupport.wire.harness import Stack, package, package_props, props

DOMAIN = "search"
BUCKET = "cdk-assets"
NAME = "synonyms-1a2b3c4d"
ALIAS = "c8a1f0e2"
PACKAGE_TYPE = "Custom::OpenSearchPackage"
SYNONYMS_V1 = b"laptop, notebook\n"
SYNONYMS_V2 = b"laptop, notebook\nphone, mobile\n"


@pytest.fixture
def env(aws_env: AwsEnv) -> AwsEnv:
    aws_env.opensearch.add_domain(DOMAIN)
    aws_env.opensearch.put_object(BUCKET, "v1.txt", SYNONYMS_V1)
    aws_env.opensearch.put_object(BUCKET, "v2.txt", SYNONYMS_V2)
    return aws_env


def package_stack(env: AwsEnv, logical_id: str = "Synonyms") -> Stack:
    """A Package (Custom::OpenSearchPackage) resource's life."""
    return Stack(env, logical_id=logical_id, resource_type=PACKAGE_TYPE)


@dataclass
class SearchStack:
    """The two resources of one stack, driven in CloudFormation's order."""

    env: AwsEnv
    package: Stack
    domain_packages: Stack

    @classmethod
    def of(cls, env: AwsEnv, logical_id: str = "Synonyms") -> SearchStack:
        return cls(
            env,
            package_stack(env, logical_id),
            Stack(env, logical_id="SearchPackages"),
        )

    def domain_packages_props(self, package_answer: dict[str, Any]) -> dict[str, Any]:
        """What CloudFormation resolves the DomainPackages' tokens to from the Package's answer."""
        data = package_answer["Data"]
        return props(
            DOMAIN,
            package(data["PackageID"], PackageVersion=data["PackageVersion"], Alias=ALIAS),
        )

    def deploy(self, key: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """`cdk deploy` with the synonyms asset at `key`: the Package, then DomainPackages."""
        first = self.package.properties is None
        send = self.package.create if first else self.package.update
        package_answer = send(package_props(NAME, key))
        if package_answer["Status"] != "SUCCESS":
            return package_answer, None
        properties = self.domain_packages_props(package_answer)
        if self.domain_packages.properties == properties:
            return package_answer, None  # nothing changed for it: CloudFormation sends nothing
        send = self.domain_packages.create if first else self.domain_packages.update
        return package_answer, send(properties)

    def destroy(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.domain_packages.delete(), self.package.delete()


def succeeded(answer: dict[str, Any] | None) -> dict[str, Any]:
    """The answer, after checking CloudFormation got one and it says SUCCESS."""
    assert answer is not None, "CloudFormation sent no request"
    assert answer["Status"] == "SUCCESS", answer
    return answer


def domain_view(env: AwsEnv) -> dict[str, tuple[str, str]]:
    return {
        d["PackageID"]: (d["DomainPackageStatus"], d.get("PackageVersion", ""))
        for d in env.opensearch.associations(DOMAIN)
    }


def test_create_waits_for_available_and_reports_id_version_and_name(env: AwsEnv) -> None:
    started = time.monotonic()
    answer = package_stack(env).create(
        package_props(NAME, "v1.txt", PackageDescription="Product synonyms")
    )
    assert answer["Status"] == "SUCCESS", answer
    package_id = answer["PhysicalResourceId"]
    details = env.opensearch.package(package_id)
    assert details is not None
    assert details["PackageStatus"] == "AVAILABLE"
    assert details["PackageName"] == NAME
    # The user's description, then the resource's owner mark (packages/ownership.py).
    assert re.fullmatch(
        r"Product synonyms \[opensearch-packages:[0-9a-f]{12}\]", details["PackageDescription"]
    )
    assert answer["Data"] == {
        "PackageID": package_id,
        "PackageVersion": details["AvailablePackageVersion"],
        "PackageName": NAME,
        "PluginName": "",  # a dictionary: no plugin properties, the keys still exist for GetAtt
        "PluginVersion": "",
        "PluginClassName": "",
        "PackageOwner": ACCOUNT_ID,
        "AvailablePackageConfiguration": "",
    }
    assert time.monotonic() - started >= 0.3  # the fake copies and validates for 0.3 s
    [create] = [c for c in env.opensearch.calls if c.operation == "CreatePackage"]
    assert create.params["PackageSource"] == {"S3BucketName": BUCKET, "S3Key": "v1.txt"}


def test_the_edit_deploy_loop_applies_the_new_version_on_the_domain(env: AwsEnv) -> None:
    stack = SearchStack.of(env)
    package_answer, created = stack.deploy("v1.txt")
    assert package_answer["Status"] == "SUCCESS", package_answer
    created = succeeded(created)
    package_id = package_answer["Data"]["PackageID"]
    assert domain_view(env) == {package_id: ("ACTIVE", "v1")}
    assert created["Data"] == {
        f"ReferencePath.{ALIAS}": f"analyzers/{package_id}",
        f"PackageVersion.{ALIAS}": "v1",
    }

    # The user edits synonyms.txt: a new asset hash, so a new key; `cdk deploy` again.
    env.opensearch.reset_calls()
    package_answer, updated = stack.deploy("v2.txt")
    assert package_answer["Status"] == "SUCCESS", package_answer
    assert package_answer["PhysicalResourceId"] == package_id  # updated in place
    assert package_answer["Data"]["PackageVersion"] == "v2"
    assert env.opensearch.count("UpdatePackage") == 1
    updated = succeeded(updated)
    assert updated["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert domain_view(env) == {package_id: ("ACTIVE", "v2")}  # the domain uses the new file
    assert updated["Data"][f"PackageVersion.{ALIAS}"] == "v2"
    associate_calls = [c for c in env.opensearch.calls if c.operation == "AssociatePackages"]
    assert [[e["PackageID"] for e in c.params["PackageList"]] for c in associate_calls] == [
        [package_id]
    ]
    assert env.opensearch.count("DissociatePackages") == 0  # re-associated, never removed

    # Deploying again with no edit changes nothing.
    env.opensearch.reset_calls()
    _, unchanged = stack.deploy("v2.txt")
    assert unchanged is None
    assert env.opensearch.count("UpdatePackage") == 0

    domain_answer, package_delete = stack.destroy()
    assert domain_answer["Status"] == "SUCCESS", domain_answer
    assert package_delete["Status"] == "SUCCESS", package_delete
    assert domain_view(env) == {}
    assert package_id not in env.opensearch.package_ids()


@pytest.mark.parametrize("batch_behaviour", ["desired_state", "ignored"])
def test_a_new_version_the_batch_call_does_not_apply_goes_through_associate_package(
    env: AwsEnv, monkeypatch: pytest.MonkeyPatch, batch_behaviour: str
) -> None:
    """The guide applies a new version with AssociatePackage; the batch call's behaviour is not
    documented. If it answers "already in desired state", or accepts and leaves the old
    version, the handler applies the version with AssociatePackage instead of waiting out the
    deadline."""
    monkeypatch.setattr("domain_packages_handler.associations.plan.RESUBMIT_AFTER_SECONDS", 2.0)
    stack = SearchStack.of(env)
    package_answer, created = stack.deploy("v1.txt")
    succeeded(created)
    package_id = package_answer["Data"]["PackageID"]
    env.opensearch.batch_version_update = batch_behaviour
    env.opensearch.reset_calls()
    started = time.monotonic()
    _, updated = stack.deploy("v2.txt")
    updated = succeeded(updated)
    assert domain_view(env) == {package_id: ("ACTIVE", "v2")}
    assert updated["Data"][f"PackageVersion.{ALIAS}"] == "v2"
    assert env.opensearch.count("AssociatePackages") == 1
    assert [c.params["PackageID"] for c in env.opensearch.calls
            if c.operation == "AssociatePackage"] == [package_id]  # fmt: skip
    assert env.opensearch.count("DissociatePackages") == 0
    assert time.monotonic() - started < 20


def test_the_domain_answer_waits_for_active_on_the_new_version(env: AwsEnv) -> None:
    env.opensearch.association_seconds = 1.5
    stack = SearchStack.of(env)
    stack.deploy("v1.txt")
    started = time.time()  # the wall clock the response listener stamps PUTs with
    _, updated = stack.deploy("v2.txt")
    updated = succeeded(updated)
    put = env.cloudformation.puts(stack.domain_packages.answers[-1]["RequestId"])[-1]
    assert put.received_at - started >= 1.5
    assert updated["Data"][f"PackageVersion.{ALIAS}"] == "v2"


def test_a_file_that_fails_validation_fails_create_with_the_services_reason(
    env: AwsEnv,
) -> None:
    env.opensearch.put_object(BUCKET, "bad.txt", b"laptop =>\n")
    env.opensearch.fail_validation(
        BUCKET, "bad.txt", "InvalidSynonymRule", "Line 1: a rule needs a right-hand side"
    )
    stack = SearchStack.of(env)
    answer, domain_answer = stack.deploy("bad.txt")
    assert domain_answer is None  # CloudFormation never gets to the DomainPackages
    assert answer["Status"] == "FAILED"
    assert NAME in answer["Reason"]
    assert "VALIDATION_FAILED" in answer["Reason"]
    assert "InvalidSynonymRule" in answer["Reason"]
    assert "Line 1: a rule needs a right-hand side" in answer["Reason"]

    # The rollback deletes the package the failed Create made.
    package_id = answer["PhysicalResourceId"]
    assert package_id in env.opensearch.package_ids()
    rollback = stack.package.delete()
    assert rollback["Status"] == "SUCCESS", rollback
    assert package_id not in env.opensearch.package_ids()


def test_a_copy_failure_names_the_source_problem(env: AwsEnv) -> None:
    env.opensearch.put_object(BUCKET, "unreadable.txt", b"x")
    env.opensearch.fail_validation(
        BUCKET,
        "unreadable.txt",
        "AccessDenied",
        "Access denied to the S3 object",
        status="COPY_FAILED",
    )
    answer = package_stack(env).create(package_props(NAME, "unreadable.txt"))
    assert answer["Status"] == "FAILED"
    assert "COPY_FAILED" in answer["Reason"]
    assert "Access denied to the S3 object" in answer["Reason"]


def test_a_missing_source_object_fails_naming_it(env: AwsEnv) -> None:
    answer = package_stack(env).create(package_props(NAME, "never-uploaded.txt"))
    assert answer["Status"] == "FAILED"
    assert NAME in answer["Reason"]
    assert f"s3://{BUCKET}/never-uploaded.txt" in answer["Reason"]


def test_a_failed_update_keeps_the_domain_on_the_last_good_version_and_rolls_back(
    env: AwsEnv,
) -> None:
    env.opensearch.put_object(BUCKET, "bad.txt", b"laptop =>\n")
    env.opensearch.fail_validation(BUCKET, "bad.txt", "InvalidSynonymRule", "Line 1: bad rule")
    stack = SearchStack.of(env)
    package_answer, _ = stack.deploy("v1.txt")
    package_id = package_answer["PhysicalResourceId"]

    failed, domain_answer = stack.deploy("bad.txt")
    assert domain_answer is None
    assert failed["Status"] == "FAILED"
    assert "InvalidSynonymRule: Line 1: bad rule" in failed["Reason"]
    assert domain_view(env) == {package_id: ("ACTIVE", "v1")}

    # CloudFormation's rollback: an Update back to the previous properties. It must repair the
    # package from its failed state at once, not wait for an AVAILABLE that never comes.
    started = time.monotonic()
    rollback = stack.package.send(
        "Update",
        package_props(NAME, "v1.txt"),
        old_properties=package_props(NAME, "bad.txt"),
    )
    assert rollback["Status"] == "SUCCESS", rollback
    assert time.monotonic() - started < 10
    details = env.opensearch.package(package_id)
    assert details is not None
    assert details["PackageStatus"] == "AVAILABLE"
    assert domain_view(env) == {package_id: ("ACTIVE", "v1")}

    # The next deploy, with the file fixed, goes through as usual.
    fixed, updated = stack.deploy("v2.txt")
    assert fixed["Status"] == "SUCCESS", fixed
    updated = succeeded(updated)
    assert domain_view(env)[package_id][0] == "ACTIVE"
    assert updated["Data"][f"PackageVersion.{ALIAS}"] == fixed["Data"]["PackageVersion"]


def test_delete_while_another_domain_uses_the_package_fails_naming_it(env: AwsEnv) -> None:
    stack = SearchStack.of(env)
    package_answer, _ = stack.deploy("v1.txt")
    package_id = package_answer["PhysicalResourceId"]
    env.opensearch.add_domain("other-domain")
    env.opensearch.preassociate("other-domain", package_id)

    domain_answer, package_answer = stack.destroy()
    assert domain_answer["Status"] == "SUCCESS", domain_answer
    assert package_answer["Status"] == "FAILED"
    assert f"{NAME} ({package_id})" in package_answer["Reason"]
    assert "other-domain" in package_answer["Reason"]
    assert "RemovalPolicy.RETAIN" in package_answer["Reason"]
    assert package_id in env.opensearch.package_ids()
    assert env.opensearch.count("DeletePackage") == 0


def test_delete_waits_while_a_dissociation_finishes(env: AwsEnv) -> None:
    env.opensearch.dissociation_seconds = 1.0
    stack = SearchStack.of(env)
    package_answer, _ = stack.deploy("v1.txt")
    package_id = package_answer["PhysicalResourceId"]
    env.opensearch.add_domain("other-domain")
    env.opensearch.preassociate("other-domain", package_id, "DISSOCIATING")

    domain_answer, deleted = stack.destroy()
    assert domain_answer["Status"] == "SUCCESS", domain_answer
    assert deleted["Status"] == "SUCCESS", deleted
    assert package_id not in env.opensearch.package_ids()
    assert env.opensearch.count("DeletePackage") == 1


def test_deleting_a_package_that_is_already_gone_succeeds(env: AwsEnv) -> None:
    stack = package_stack(env)
    created = stack.create(package_props(NAME, "v1.txt"))
    assert created["Status"] == "SUCCESS", created
    assert stack.delete()["Status"] == "SUCCESS"
    again = stack.delete()
    assert again["Status"] == "SUCCESS", again
    assert env.opensearch.count("DeletePackage") == 1


def test_a_new_name_replaces_the_package_and_the_domain_moves_to_it(env: AwsEnv) -> None:
    """A new type or engine version derives a new name: CloudFormation creates the new package,
    updates the DomainPackages, and deletes the old package in its cleanup phase."""
    stack = SearchStack.of(env)
    first, _ = stack.deploy("v1.txt")
    old_id = first["PhysicalResourceId"]
    old_properties = stack.package.properties

    replaced = succeeded(stack.package.update(package_props("synonyms-99aa88bb", "v1.txt")))
    new_id = replaced["PhysicalResourceId"]
    assert new_id != old_id
    moved = succeeded(stack.domain_packages.update(stack.domain_packages_props(replaced)))
    assert domain_view(env) == {new_id: ("ACTIVE", "v1")}
    assert moved["Data"][f"ReferencePath.{ALIAS}"] == f"analyzers/{new_id}"

    cleanup = stack.package.send("Delete", old_properties, physical_id=old_id)
    succeeded(cleanup)
    assert old_id not in env.opensearch.package_ids()
    assert new_id in env.opensearch.package_ids()


def test_faults_on_every_package_call_are_retried(env: AwsEnv) -> None:
    fake = env.opensearch
    fake.inject("CreatePackage", "throttle", times=2)
    fake.inject("DescribePackages", "internal", times=3)
    stack = SearchStack.of(env)
    first, _ = stack.deploy("v1.txt")
    package_id = succeeded(first)["PhysicalResourceId"]
    assert fake.count("CreatePackage") >= 3

    fake.inject("UpdatePackage", "drop")
    fake.inject("ListPackagesForDomain", "throttle", times=2)
    second, _ = stack.deploy("v2.txt")
    assert succeeded(second)["Data"]["PackageVersion"] == "v2"
    assert domain_view(env) == {package_id: ("ACTIVE", "v2")}

    fake.inject("ListDomainsForPackage", "internal", times=2)
    fake.inject("DeletePackage", "throttle")
    for answer in stack.destroy():
        succeeded(answer)
    assert package_id not in fake.package_ids()
    assert not any(fake.pending_faults(op) for op in ("UpdatePackage", "DeletePackage"))


class Killed(BaseException):
    """Stands for the sandbox dying: nothing in the handler catches it."""


WRITES = ("CreatePackage", "UpdatePackage", "DeletePackage", "AssociatePackage",
          "AssociatePackages", "DissociatePackage", "DissociatePackages")  # fmt: skip


def writes_naming(env: AwsEnv, *names: str) -> list[str]:
    """Write requests whose parameters mention any of `names` (IDs or package names)."""
    return [
        f"{call.operation} {call.params}"
        for call in env.opensearch.calls
        if call.operation in WRITES and any(n in repr(call.params) for n in names)
    ]


def test_a_package_left_by_a_crashed_attempt_is_recovered_not_duplicated(
    env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The invocation dies right after CreatePackage, before CloudFormation hears anything;
    Lambda's retry of the same event meets the name, finds this resource's owner mark on the
    package and carries on with it."""
    from domain_packages_handler.core.logs import log_event as original_log

    armed = [True]

    def log_then_die(event: str, **fields: Any) -> None:
        original_log(event, **fields)
        if event == "created" and armed[0]:
            armed[0] = False
            raise Killed

    monkeypatch.setattr("domain_packages_handler.packages.creation.log_event", log_then_die)
    stack = package_stack(env)
    event = env.cloudformation.make_event(
        "Create",
        properties=package_props(NAME, "v1.txt"),
        logical_id="Synonyms",
        resource_type=PACKAGE_TYPE,
    )
    with pytest.raises(Killed):
        main.handler(event, FakeLambdaContext(timeout_seconds=60))
    made = env.opensearch.package_ids()
    assert len(made) == 1
    assert env.cloudformation.puts(event["RequestId"]) == []
    stack.invoke(event)  # Lambda's retry of the same event
    answer = succeeded(env.cloudformation.wait_for_response(event["RequestId"], timeout=30))
    assert answer["PhysicalResourceId"] == made[0]
    assert answer["Data"]["PackageVersion"] == "v1"
    assert env.opensearch.package_ids() == made
    assert env.opensearch.count("CreatePackage") == 2


def test_a_name_taken_by_someone_elses_package_fails_and_its_rollback_leaves_it(
    env: AwsEnv,
) -> None:
    """CloudFormation's promise: a name that exists fails the Create with 'already exists', and
    the rollback never deletes what the stack did not create. Not one write names it."""
    client = boto3.client(
        "opensearch", region_name=REGION, endpoint_url=env.opensearch.endpoint_url
    )
    foreign = client.create_package(
        PackageName=NAME,
        PackageType="TXT-DICTIONARY",
        PackageSource={"S3BucketName": BUCKET, "S3Key": "v1.txt"},
        PackageDescription="hand-made synonyms",
    )["PackageDetails"]["PackageID"]
    env.opensearch.reset_calls()
    stack = package_stack(env)
    answer = stack.create(package_props(NAME, "v2.txt"))
    assert answer["Status"] == "FAILED"
    assert f"the name is taken by package {foreign}" in answer["Reason"]
    assert f"Package.from_package_id(self, 'Id', '{foreign}')" in answer["Reason"]
    rollback = succeeded(stack.delete())  # with the physical ID the failure answered
    assert rollback["PhysicalResourceId"] == answer["PhysicalResourceId"]
    assert foreign in env.opensearch.package_ids()
    details = env.opensearch.package(foreign)
    assert details is not None
    assert details["PackageDescription"] == "hand-made synonyms"
    assert [c.operation for c in env.opensearch.calls if c.operation in WRITES] == [
        "CreatePackage"
    ]  # the refused one, by name: nothing ever named the foreign package's ID
    assert writes_naming(env, foreign) == []


def test_an_update_racing_an_outside_update_waits_for_it_and_goes_through(
    env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone runs UpdatePackage on the same package between the handler's look and its own
    UpdatePackage: the service refuses the handler's while the package copies; the handler
    waits for that import and sends its update again."""
    from domain_packages_handler.packages.service import OpenSearchPackageStore

    stack = package_stack(env)
    package_id = succeeded(stack.create(package_props(NAME, "v1.txt")))["PhysicalResourceId"]
    outsider = boto3.client(
        "opensearch", region_name=REGION, endpoint_url=env.opensearch.endpoint_url
    )
    original = OpenSearchPackageStore.update_package
    raced = [False]

    def outside_update_first(self: OpenSearchPackageStore, *args: Any) -> Any:
        if not raced[0]:
            raced[0] = True
            outsider.update_package(
                PackageID=package_id,
                PackageSource={"S3BucketName": BUCKET, "S3Key": "v1.txt"},
            )
        return original(self, *args)

    monkeypatch.setattr(OpenSearchPackageStore, "update_package", outside_update_first)
    env.opensearch.reset_calls()
    answer = succeeded(stack.update(package_props(NAME, "v2.txt")))
    assert answer["Data"]["PackageVersion"] == "v3"  # v2 was the outside update's
    outcomes = [o for op, o in env.opensearch.outcomes if op == "UpdatePackage"]
    assert outcomes[0] == "200"  # the outsider's
    assert outcomes[1].startswith("400 ValidationException")  # ours, refused while copying
    assert outcomes[2:] == ["200"]  # ours again, after the outside import


def plugin_zip(version: str = "2.19.0") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "plugin-descriptor.properties",
            f"name=my-plugin\nversion=1.2.0\nopensearch.version={version}\n"
            "classname=org.example.MyPlugin\ndescription=test\njava.version=21\n",
        )
    return buffer.getvalue()


def plugin_props(key: str, **options: Any) -> dict[str, Any]:
    return package_props(
        "my-plugin", key, PackageType="ZIP-PLUGIN", EngineVersion="OpenSearch_2.19", **options
    )


def test_every_plugin_option_reaches_create_and_update_and_sharing_follows_the_props(
    env: AwsEnv,
) -> None:
    env.opensearch.put_object(BUCKET, "plugin-v1.zip", plugin_zip())
    env.opensearch.put_object(BUCKET, "plugin-v2.zip", plugin_zip())
    configuration = {"LicenseRequirement": "REQUIRED", "ConfigurationRequirement": "OPTIONAL",
                     "LicenseFilepath": "license.json",
                     "RequiresRestartForConfigurationUpdate": "true"}  # fmt: skip
    stack = package_stack(env, "Plugin")
    answer = succeeded(
        stack.create(
            plugin_props(
                "plugin-v1.zip",
                PackageConfiguration=configuration,
                PackageEncryptionOptions={
                    "EncryptionEnabled": "true",
                    "KmsKeyIdentifier": "alias/k",
                },
                PackageVendingOptions={"VendingEnabled": "false"},
                PackageScope=["111111111111"],
            )
        )
    )
    package_id = answer["PhysicalResourceId"]
    [create] = [c for c in env.opensearch.calls if c.operation == "CreatePackage"]
    assert create.params["PackageConfiguration"] == {**configuration,
        "RequiresRestartForConfigurationUpdate": True}  # fmt: skip
    assert create.params["PackageEncryptionOptions"] == {
        "EncryptionEnabled": True,
        "KmsKeyIdentifier": "alias/k",
    }
    assert create.params["PackageVendingOptions"] == {"VendingEnabled": False}
    assert [c.params for c in env.opensearch.calls if c.operation == "UpdatePackageScope"] == [
        {"PackageID": package_id, "Operation": "OVERRIDE", "PackageUserList": ["111111111111"]}
    ]
    data = answer["Data"]
    assert (data["PluginName"], data["PluginVersion"], data["PluginClassName"]) == (
        "my-plugin", "1.2.0", "org.example.MyPlugin")  # fmt: skip
    assert json.loads(data["AvailablePackageConfiguration"])["LicenseFilepath"] == "license.json"

    # A new configuration is an UpdatePackage (a new version); sharing ends: REMOVE.
    env.opensearch.reset_calls()
    changed = {**configuration, "ConfigurationRequirement": "REQUIRED"}
    updated = succeeded(
        stack.update(
            plugin_props(
                "plugin-v1.zip",
                PackageConfiguration=changed,
                PackageEncryptionOptions={
                    "EncryptionEnabled": "true",
                    "KmsKeyIdentifier": "alias/k",
                },
                PackageVendingOptions={"VendingEnabled": "false"},
            )
        )
    )
    assert updated["PhysicalResourceId"] == package_id
    [update] = [c for c in env.opensearch.calls if c.operation == "UpdatePackage"]
    assert update.params["PackageConfiguration"]["ConfigurationRequirement"] == "REQUIRED"
    assert [c.params["Operation"] for c in env.opensearch.calls
            if c.operation == "UpdatePackageScope"] == ["REMOVE"]  # fmt: skip
    details = env.opensearch.package(package_id)
    assert details is not None
    assert "AllowListedUserList" not in details

    # Shared again, then deleted: the sharing is removed before the package goes.
    succeeded(stack.update(plugin_props(
        "plugin-v1.zip", PackageConfiguration=changed, PackageScope=["GLOBAL"],
        PackageEncryptionOptions={"EncryptionEnabled": "true", "KmsKeyIdentifier": "alias/k"},
        PackageVendingOptions={"VendingEnabled": "false"})))  # fmt: skip
    env.opensearch.reset_calls()
    succeeded(stack.delete())
    changes = (*WRITES, "UpdatePackageScope")
    assert [c.operation for c in env.opensearch.calls if c.operation in changes] == [
        "UpdatePackageScope",
        "DeletePackage",
    ]


def test_an_engine_upgrade_is_one_deploy_without_drift_or_a_second_blue_green(
    env: AwsEnv,
) -> None:
    """The guide's upgrade with a custom plugin, in CloudFormation's order: the Package for the
    new engine version is created under the same name, the domain's upgrade moves to it, the
    DomainPackages update accepts the new ID without a call, and the cleanup deletes the old
    package. No association, no dissociation: the upgrade's blue/green is the only one."""
    env.opensearch.put_object(BUCKET, "plugin-2.17.zip", plugin_zip("2.17.0"))
    env.opensearch.put_object(BUCKET, "plugin-2.19.zip", plugin_zip("2.19.0"))
    env.opensearch.add_domain("upgraded", engine_version="OpenSearch_2.17")
    plugin_stack = package_stack(env, "Plugin")
    domain_packages = Stack(env, logical_id="SearchPackages")

    def plugin(engine: str, key: str) -> dict[str, Any]:
        return package_props("my-plugin", key, PackageType="ZIP-PLUGIN", EngineVersion=engine)

    def packages_of(answer: dict[str, Any]) -> dict[str, Any]:
        data = answer["Data"]
        entry = package(data["PackageID"], PackageVersion=data["PackageVersion"], Alias=ALIAS)
        return props("upgraded", entry)

    old_answer = succeeded(plugin_stack.create(plugin("OpenSearch_2.17", "plugin-2.17.zip")))
    old_id = old_answer["PhysicalResourceId"]
    succeeded(domain_packages.create(packages_of(old_answer)))
    assert {d["PackageID"]: d["DomainPackageStatus"] for d in env.opensearch.associations(
        "upgraded")} == {old_id: "ACTIVE"}  # fmt: skip

    # `cdk deploy` with engine_version and the domain's version both raised:
    env.opensearch.reset_calls()
    old_props = plugin_stack.properties
    new_answer = succeeded(plugin_stack.update(plugin("OpenSearch_2.19", "plugin-2.19.zip")))
    new_id = new_answer["PhysicalResourceId"]
    assert new_id != old_id  # a replacement ...
    assert new_answer["Data"]["PackageName"] == "my-plugin"  # ... under the same name
    env.opensearch.upgrade_domain("upgraded", "OpenSearch_2.19")  # the Domain resource's update
    updated = succeeded(domain_packages.update(packages_of(new_answer)))
    assert updated["Data"][f"PackageVersion.{ALIAS}"] == "v1"
    # CloudFormation's cleanup of the replaced Package, with its old properties:
    cleanup = plugin_stack.send("Delete", old_props, physical_id=old_id)
    assert cleanup["Status"] == "SUCCESS", cleanup
    assert {d["PackageID"]: d["DomainPackageStatus"] for d in env.opensearch.associations(
        "upgraded")} == {new_id: "ACTIVE"}  # fmt: skip
    assert old_id not in env.opensearch.package_ids()
    changes = [c.operation for c in env.opensearch.calls
               if c.operation in WRITES and c.operation != "CreatePackage"]  # fmt: skip
    assert changes == ["DeletePackage"], changes  # no association or dissociation at all


def test_a_package_update_delivered_twice_updates_once(env: AwsEnv) -> None:
    """Lambda delivers an asynchronous event at least once, and again when an invocation dies
    after answering. Both deliveries of a Package Update must answer the same: a retry that
    calls UpdatePackage again moves the package to a version CloudFormation never heard of,
    and the DomainPackages, given the first answer's version, waits for it until its deadline
    ("ACTIVE at v3, waiting for v2")."""
    stack = SearchStack.of(env)
    first, _ = stack.deploy("v1.txt")
    package_id = succeeded(first)["PhysicalResourceId"]
    event = stack.package.event("Update", package_props(NAME, "v2.txt"))
    stack.package.invoke(event)
    answer = succeeded(env.cloudformation.wait_for_response(event["RequestId"], timeout=30))
    stack.package.invoke(event)  # the same event again
    deadline = time.monotonic() + 30
    while len(env.cloudformation.responses(event["RequestId"])) < 2:
        assert time.monotonic() < deadline, "the second delivery never answered"
        time.sleep(0.05)
    again = env.cloudformation.responses(event["RequestId"])[1]
    assert (again["Status"], again["Data"]) == ("SUCCESS", answer["Data"])
    assert env.opensearch.count("UpdatePackage") == 1
    # CloudFormation acts on the first answer: the DomainPackages gets its version.
    stack.package.answered(event, answer)
    succeeded(stack.domain_packages.update(stack.domain_packages_props(answer)))
    assert domain_view(env) == {package_id: ("ACTIVE", answer["Data"]["PackageVersion"])}
