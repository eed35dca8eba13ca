"""What Package synthesises and validates, and DomainPackages given Package constructs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration, RemovalPolicy, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opensearch_packages import DomainPackages, Package, PackageAssociation
from opensearch_packages.core.ipackage import alias_of
from opensearch_packages.core.naming import check_package_name
from opensearch_packages.packages.naming import derive_package_name
from tests.constructs.support import (
    default_policy_statements,
    only_resource_of_type,
    resources_of_type,
    template_of,
    unexpected_lint_findings,
    validation_violations,
)

PACKAGE = "Custom::OpenSearchPackage"
DOMAIN_PACKAGES = "Custom::OpenSearchDomainPackages"
FUNCTION = "AWS::Lambda::Function"
PACKAGE_ACTIONS = [
    "es:DescribePackages",
    "es:CreatePackage",
    "es:UpdatePackage",
    "es:DeletePackage",
    "es:ListDomainsForPackage",
    "es:UpdatePackageScope",
    "es:GetPackageVersionHistory",
]
ASSET_BUCKET = {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}
KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def synonyms(tmp_path: Path) -> Path:
    path = tmp_path / "synonyms.txt"
    path.write_text("laptop, notebook\nphone, mobile, cell phone\n")
    return path


def package(stack: cdk.Stack, source: str | s3.Location, **kwargs: Any) -> Package:
    return Package(stack, kwargs.pop("id", "Synonyms"), source=source, **kwargs)


def location(key: str = "dictionaries/synonyms.txt") -> s3.Location:
    return s3.Location(bucket_name="my-packages", object_key=key)


# --- validation ---------------------------------------------------------------------------------


def test_source_file_must_exist(stack: cdk.Stack, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'Synonyms': source '.*missing.txt' is not found"):
        package(stack, str(tmp_path / "missing.txt"))


def test_source_must_be_a_file(stack: cdk.Stack, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"source '.*' is a directory .* give the path of a file"):
        package(stack, str(tmp_path))


def test_source_of_wrong_type(stack: cdk.Stack, synonyms: Path) -> None:
    with pytest.raises(TypeError, match=r"source .* is a PosixPath; expected a file path string"):
        package(stack, synonyms)  # type: ignore[arg-type]


def test_source_location_needs_bucket_and_key(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"source object_key '' is empty"):
        package(stack, s3.Location(bucket_name="my-packages", object_key=""))


def test_package_type(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"package_type 'TXT' is not one of TXT-DICTIONARY, ZIP-"):
        package(stack, location(), package_type="TXT")


def test_zip_plugin_needs_engine_version(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"a ZIP-PLUGIN needs engine_version, .*'OpenSearch_2.19'"):
        package(stack, location("plugin.zip"), package_type="ZIP-PLUGIN")


def test_engine_version_only_for_plugins(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"engine_version is only allowed for a ZIP-PLUGIN"):
        package(stack, location(), engine_version="OpenSearch_2.19")


@pytest.mark.parametrize("version", ["2.19", "opensearch_2.19", "OpenSearch_2", "OpenSearch_2.x"])
def test_engine_version_form(stack: cdk.Stack, version: str) -> None:
    with pytest.raises(ValueError, match=rf"engine_version '{re.escape(version)}' is not an"):
        package(stack, location("p.zip"), package_type="ZIP-PLUGIN", engine_version=version)


def test_engine_version_token_is_not_checked(stack: cdk.Stack) -> None:
    version = cdk.CfnParameter(stack, "Engine").value_as_string
    plugin = package(stack, location("p.zip"), package_type="ZIP-PLUGIN", engine_version=version)
    _, resource = only_resource_of_type(template_of(stack), PACKAGE)
    assert resource["Properties"]["EngineVersion"] == {"Ref": "Engine"}
    assert check_package_name(plugin.package_name)


@pytest.mark.parametrize("name", ["ab", "a" * 257, "Synonyms", "1synonyms", "syn_onyms", "-syn"])
def test_invalid_package_name(stack: cdk.Stack, name: str) -> None:
    with pytest.raises(ValueError, match=rf"package_name '{name}' is not a valid .* 3 to 256"):
        package(stack, location(), package_name=name)


def test_package_name_limits_are_allowed(stack: cdk.Stack) -> None:
    """The service's rule (botocore's model), not the domain name's 28 characters."""
    assert package(stack, location(), package_name="abc").package_name == "abc"
    longest = "a" + "-0" * 127 + "z"
    assert len(longest) == 256
    assert package(stack, location(), id="Other", package_name=longest).package_name == longest
    beyond_domain_rule = "a" * 29
    assert package(stack, location(), id="Third", package_name=beyond_domain_rule).package_name


def test_package_name_token_is_not_checked(stack: cdk.Stack) -> None:
    name = cdk.CfnParameter(stack, "Name").value_as_string
    assert package(stack, location(), package_name=name).package_name == name


def test_description(stack: cdk.Stack) -> None:
    with pytest.raises(
        ValueError,
        match=r"description is 990 characters long; use at most 989 \(the service allows",
    ):
        package(stack, location(), description="x" * 990)
    longest = package(stack, location(), id="Longest", description="x" * 989)
    assert longest.resource is not None  # 989 + the handler's 35-character mark = 1024
    with pytest.raises(TypeError, match=r"description 5 is a int; expected a string"):
        package(stack, location(), description=5)


def test_removal_policy(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"removal_policy .* is not supported; use .*DESTROY"):
        package(stack, location(), removal_policy=RemovalPolicy.SNAPSHOT)


def test_timeout(stack: cdk.Stack) -> None:
    """A Package keeps the hour a custom resource may wait: it waits for the service to validate
    its file; the long wait of a plugin's blue/green is its DomainPackages'."""
    with pytest.raises(
        ValueError,
        match=r"Package 'Synonyms': timeout 2 hours \(7200 s\) is longer than CloudFormation "
        r"allows a custom resource to wait, and a Package waits only for the service to validate "
        r"its file .*; use at most 1 hour \(3600 s\)$",
    ):
        package(stack, location(), timeout=Duration.hours(2))


def test_timeout_token(stack: cdk.Stack) -> None:
    seconds = cdk.Token.as_number(cdk.Aws.ACCOUNT_ID)
    with pytest.raises(ValueError, match=r"is a token; .* at most 1 hour \(3600 s\)$"):
        package(stack, location(), timeout=Duration.seconds(seconds))


def test_timeout_of_exactly_one_hour(stack: cdk.Stack) -> None:
    assert package(stack, location(), timeout=Duration.hours(1)).timeout.to_seconds() == 3600


# --- derived names ------------------------------------------------------------------------------


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(construct_id=st.text(min_size=1, max_size=80), path=st.text(min_size=1, max_size=200))
def test_derived_names_are_always_valid(construct_id: str, path: str) -> None:
    name = derive_package_name(construct_id, path, "TXT-DICTIONARY", None)
    assert 3 <= len(name) <= 28
    assert check_package_name(name) == name


def test_derived_name_is_readable_stable_and_unique(app: cdk.App) -> None:
    stack = cdk.Stack(app, "Search")
    first = package(stack, location(), id="My Synonyms_2024!!")
    again = derive_package_name("My Synonyms_2024!!", first.node.path, "TXT-DICTIONARY", None)
    assert first.package_name == again
    assert re.fullmatch(r"my-synonyms-2024-[0-9a-f]{8}", first.package_name)
    other_stack = cdk.Stack(app, "Other")
    same_id_elsewhere = package(other_stack, location(), id="My Synonyms_2024!!")
    assert same_id_elsewhere.package_name != first.package_name
    assert re.fullmatch(r"package-[0-9a-f]{8}", package(stack, location(), id="42").package_name)
    long_id = package(stack, location(), id="A" * 60)
    assert len(long_id.package_name) == 28


# --- the custom resource ------------------------------------------------------------------------


def test_package_from_a_local_file(stack: cdk.Stack, synonyms: Path) -> None:
    synonyms_package = package(stack, str(synonyms))
    template = template_of(stack)
    function_id, _ = only_resource_of_type(template, FUNCTION)
    logical_id, resource = only_resource_of_type(template, PACKAGE)
    key = resource["Properties"]["PackageSource"]["S3Key"]
    assert re.fullmatch(r"[0-9a-f]{64}\.txt", key)  # the content hash
    assert resource["Properties"] == {
        "ServiceToken": {"Fn::GetAtt": [function_id, "Arn"]},
        "ServiceTimeout": "3600",
        "PackageName": synonyms_package.package_name,
        "PackageType": "TXT-DICTIONARY",
        "PackageSource": {"S3BucketName": ASSET_BUCKET, "S3Key": key},
        "TimeoutSeconds": 3600,
    }
    assert resource["DeletionPolicy"] == "Delete"
    assert resource["UpdateReplacePolicy"] == "Delete"
    policies = sorted(resources_of_type(template, "AWS::IAM::Policy"))
    assert sorted(resource["DependsOn"]) == policies  # the handler's permissions come first
    assert stack.resolve(synonyms_package.package_id) == {"Ref": logical_id}
    assert stack.resolve(synonyms_package.package_version) == {
        "Fn::GetAtt": [logical_id, "PackageVersion"]
    }
    assert synonyms_package.asset is not None
    assert synonyms_package.package_type == "TXT-DICTIONARY"


def test_new_content_changes_the_key(tmp_path: Path, synonyms: Path) -> None:
    """The key carries the content hash: an edit is a property change, so an Update."""

    def key_of() -> str:
        app = cdk.App(context={"aws:cdk:bundling-stacks": []})
        stack = cdk.Stack(app, "S")
        package(stack, str(synonyms))
        _, resource = only_resource_of_type(template_of(stack), PACKAGE)
        return str(resource["Properties"]["PackageSource"]["S3Key"])

    before = key_of()
    assert key_of() == before
    synonyms.write_text("laptop, notebook, ultrabook\n")
    assert key_of() != before


def test_the_file_is_an_asset_of_the_cloud_assembly(tmp_path: Path, synonyms: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"), context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "S")
    synonyms_package = package(stack, str(synonyms))
    app.synth()
    assets = json.loads((tmp_path / "out" / "S.assets.json").read_text())["files"]
    assert synonyms_package.asset is not None
    entry = assets[synonyms_package.asset.asset_hash]
    assert entry["source"]["packaging"] == "file"
    staged = tmp_path / "out" / entry["source"]["path"]
    assert staged.read_text() == synonyms.read_text()
    (destination,) = entry["destinations"].values()
    _, resource = only_resource_of_type(template_of(stack), PACKAGE)
    assert destination["objectKey"] == resource["Properties"]["PackageSource"]["S3Key"]


def test_package_from_an_s3_object_with_every_option(stack: cdk.Stack) -> None:
    plugin = package(
        stack,
        location("plugins/my-plugin.zip"),
        id="Plugin",
        package_type="ZIP-PLUGIN",
        package_name="my-plugin",
        engine_version="OpenSearch_2.19",
        description="Our analysis plugin",
        removal_policy=RemovalPolicy.RETAIN,
        timeout=Duration.minutes(20),
    )
    _, resource = only_resource_of_type(template_of(stack), PACKAGE)
    properties = {k: v for k, v in resource["Properties"].items() if k != "ServiceToken"}
    assert properties == {
        "ServiceTimeout": "1200",
        "PackageName": "my-plugin",
        "PackageType": "ZIP-PLUGIN",
        "PackageSource": {"S3BucketName": "my-packages", "S3Key": "plugins/my-plugin.zip"},
        "EngineVersion": "OpenSearch_2.19",
        "PackageDescription": "Our analysis plugin",
        "TimeoutSeconds": 1200,
    }
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    assert plugin.asset is None
    assert plugin.package_name == "my-plugin"
    assert plugin.engine_version == "OpenSearch_2.19"
    assert plugin.timeout.to_seconds() == 1200


def test_same_function_as_domain_packages(stack: cdk.Stack, synonyms: Path) -> None:
    package(stack, str(synonyms))
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    package(stack, location(), id="Other")
    template = template_of(stack)
    function_id, _ = only_resource_of_type(template, FUNCTION)
    resources = {
        **resources_of_type(template, PACKAGE),
        **resources_of_type(template, DOMAIN_PACKAGES),
    }
    assert len(resources) == 3
    for resource in resources.values():
        assert resource["Properties"]["ServiceToken"] == {"Fn::GetAtt": [function_id, "Arn"]}


# --- IAM ----------------------------------------------------------------------------------------


def test_iam_package_actions_and_the_source_object_only(stack: cdk.Stack, synonyms: Path) -> None:
    local = package(stack, str(synonyms))
    package(stack, location(), id="FromS3")
    package(stack, location(), id="SameObject")
    statements = default_policy_statements(template_of(stack))
    assert statements[1] == {"Action": PACKAGE_ACTIONS, "Effect": "Allow", "Resource": "*"}
    (read,) = [s for s in statements if s["Action"] == "s3:GetObject"]
    assert local.asset is not None
    assert read == {
        "Action": "s3:GetObject",
        "Effect": "Allow",
        "Resource": [
            {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":s3:::",
                        ASSET_BUCKET,
                        f"/{local.asset.s3_object_key}",
                    ],
                ]
            },
            {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":s3:::my-packages/dictionaries/synonyms.txt",
                    ],
                ]
            },
        ],
    }
    assert not [s for s in statements if s["Action"] == "s3:GetObject" and "*" in json.dumps(s)]


def test_no_package_permissions_without_a_package(stack: cdk.Stack) -> None:
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    text = json.dumps(template_of(stack))
    assert "es:CreatePackage" not in text
    assert "s3:GetObject" not in text


def test_cdk_nag_and_cfn_lint_are_clean(tmp_path: Path, synonyms: Path) -> None:
    app = cdk.App(outdir=str(tmp_path), context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "S")
    retained = package(stack, str(synonyms), removal_policy=RemovalPolicy.RETAIN)
    plugin = package(
        stack,
        location("p.zip"),
        id="Plugin",
        package_type="ZIP-PLUGIN",
        engine_version="OpenSearch_2.19",
    )
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=[retained, plugin])
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()
    assert validation_violations(tmp_path) == []
    assert unexpected_lint_findings(tmp_path / "S.template.json") == []


def _unscoped_reasons(stack: cdk.Stack) -> list[str]:
    policy = (
        stack.node.find_child("OpenSearchDomainPackagesHandler")
        .node.find_child("ServiceRole")
        .node.find_child("DefaultPolicy")
    )
    return [
        reason
        for entry in policy.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
        if rule.endswith("AwsSolutions-IAM5[Resource::*]")
    ]


def test_the_acknowledgement_names_the_package_actions(stack: cdk.Stack) -> None:
    package(stack, location())
    reasons = _unscoped_reasons(stack)
    assert "es:CreatePackage" in reasons[-1]  # the last one is what counts
    assert "no package resource type" in reasons[-1]
    assert "kms:" not in reasons[-1]


# --- DomainPackages with Package objects --------------------------------------------------------


def test_domain_packages_entry_carries_id_version_and_alias(
    stack: cdk.Stack, synonyms: Path
) -> None:
    local = package(stack, str(synonyms))
    plugin = package(stack, location("p.zip"), id="Plugin", package_type="ZIP-PLUGIN",
                     engine_version="OpenSearch_2.19")  # fmt: skip
    DomainPackages(
        stack,
        "Packages",
        domain_name="my-domain",
        packages=[
            local,
            "F1",
            PackageAssociation(plugin, prerequisites=[local, "F1"], key_store_access_enabled=True),
        ],
    )
    template = template_of(stack)
    _, resource = only_resource_of_type(template, DOMAIN_PACKAGES)
    ids = {
        p.node.path: stack.get_logical_id(p.resource.node.default_child)  # type: ignore[arg-type]
        for p in (local, plugin)
    }
    local_id, plugin_id = ids[local.node.path], ids[plugin.node.path]
    assert resource["Properties"]["Packages"] == [
        {
            "PackageID": {"Ref": local_id},
            "PackageVersion": {"Fn::GetAtt": [local_id, "PackageVersion"]},
            "Alias": alias_of(local),
        },
        {"PackageID": "F1"},
        {
            "PackageID": {"Ref": plugin_id},
            "PackageVersion": {"Fn::GetAtt": [plugin_id, "PackageVersion"]},
            "Alias": alias_of(plugin),
            "Prerequisites": [{"Ref": local_id}, "F1"],
            "KeyStoreAccessEnabled": True,
        },
    ]
    assert re.fullmatch(r"[0-9a-f]{8}", alias_of(local))
    assert alias_of(local) != alias_of(plugin)


def test_attribute_names_of_package_objects(stack: cdk.Stack) -> None:
    synonyms_package = package(stack, location())
    packages = DomainPackages(
        stack, "Packages", domain_name="my-domain", packages=[synonyms_package, "F1"]
    )
    cdk.CfnOutput(stack, "Path", value=packages.reference_path(synonyms_package))
    cdk.CfnOutput(stack, "Version", value=packages.package_version(synonyms_package))
    cdk.CfnOutput(stack, "IdPath", value=packages.reference_path("F1"))
    template = template_of(stack)
    resource_id, _ = only_resource_of_type(template, DOMAIN_PACKAGES)
    alias = alias_of(synonyms_package)
    assert template["Outputs"]["Path"]["Value"] == {
        "Fn::GetAtt": [resource_id, f"ReferencePath.{alias}"]
    }
    assert template["Outputs"]["Version"]["Value"] == {
        "Fn::GetAtt": [resource_id, f"PackageVersion.{alias}"]
    }
    assert template["Outputs"]["IdPath"]["Value"] == {
        "Fn::GetAtt": [resource_id, "ReferencePath.F1"]
    }


def test_reference_path_of_a_package_not_in_the_list(stack: cdk.Stack) -> None:
    listed = package(stack, location())
    other = package(stack, location("other.txt"), id="Other")
    packages = DomainPackages(stack, "Packages", domain_name="my-domain", packages=[listed, "F1"])
    with pytest.raises(
        ValueError,
        match=r"package Package 'TestStack/Other' is not among the packages of DomainPackages "
        r"'TestStack/Packages'; its packages are: Package 'TestStack/Synonyms', 'F1'",
    ):
        packages.reference_path(other)
    with pytest.raises(ValueError, match=r"package 'F2' is not among"):
        packages.package_version("F2")
    with pytest.raises(TypeError, match=r"package 3 is a int; expected a package-ID string"):
        packages.reference_path(3)  # type: ignore[arg-type]


def test_same_package_object_twice(stack: cdk.Stack) -> None:
    synonyms_package = package(stack, location())
    with pytest.raises(
        ValueError, match=r"package Package 'TestStack/Synonyms' is listed more than once"
    ):
        DomainPackages(
            stack,
            "Packages",
            domain_name="my-domain",
            packages=[synonyms_package, PackageAssociation(synonyms_package)],
        )


def test_package_objects_in_prerequisites(stack: cdk.Stack) -> None:
    plugin = package(stack, location("p.zip"), id="Plugin", package_type="ZIP-PLUGIN",
                     engine_version="OpenSearch_2.19")  # fmt: skip
    config = package(stack, location("c.json"), id="Config", package_type="PACKAGE-CONFIG")
    with pytest.raises(
        ValueError, match=r"prerequisite Package 'TestStack/Plugin' is listed twice"
    ):
        PackageAssociation(config, prerequisites=[plugin, plugin])
    with pytest.raises(
        TypeError, match=r"prerequisites of package Package 'TestStack/Config' is a"
    ):
        PackageAssociation(config, prerequisites=plugin)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"prerequisite of package Package 'TestStack/Config' 'x'"):
        PackageAssociation(config, prerequisites=["x"])
    cycle = [
        PackageAssociation(plugin, prerequisites=[config]),
        PackageAssociation(config, prerequisites=[plugin]),
    ]
    with pytest.raises(
        ValueError,
        match=r"cycle: Package TestStack/Plugin -> Package TestStack/Config -> "
        r"Package TestStack/Plugin",
    ):
        DomainPackages(stack, "Packages", domain_name="my-domain", packages=cycle)


def test_single_package_object_instead_of_a_list(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"packages must be a list, not a single Package 'Test"):
        DomainPackages(
            stack,
            "Packages",
            domain_name="my-domain",
            packages=package(stack, location()),  # type: ignore[arg-type]
        )


def test_package_in_another_stack(app: cdk.App) -> None:
    package_stack = cdk.Stack(app, "PackageStack")
    domain_stack = cdk.Stack(app, "DomainStack")
    synonyms_package = package(package_stack, location())
    DomainPackages(domain_stack, "Packages", domain_name="my-domain", packages=[synonyms_package])
    _, resource = only_resource_of_type(template_of(domain_stack), DOMAIN_PACKAGES)
    (entry,) = resource["Properties"]["Packages"]
    assert "Fn::ImportValue" in entry["PackageID"]
    assert "Fn::ImportValue" in entry["PackageVersion"]
    assert package_stack in domain_stack.dependencies
    # each stack has its own handler
    only_resource_of_type(template_of(package_stack), FUNCTION)
    only_resource_of_type(template_of(domain_stack), FUNCTION)


# --- KMS: sources encrypted with a customer managed key ----------------------------------------


def _arn(*parts: object) -> dict[str, Any]:
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", *parts]]}


def test_local_source_may_be_decrypted_through_s3_only(stack: cdk.Stack, synonyms: Path) -> None:
    """The asset bucket's key (cdk bootstrap --bootstrap-customer-key) is unknown at synth time:
    kms:Decrypt on *, for S3 reading the asset (object ARN, or bucket ARN with an S3 Bucket Key)."""
    local = package(stack, str(synonyms))
    package(stack, str(synonyms), id="SameFile")  # the same object: listed once
    statements = default_policy_statements(template_of(stack))
    (decrypt,) = [s for s in statements if s["Action"] == "kms:Decrypt"]
    assert local.asset is not None
    assert decrypt == {
        "Action": "kms:Decrypt",
        "Effect": "Allow",
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:ViaService": {
                    "Fn::Join": [
                        "",
                        ["s3.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}],
                    ]
                },
                "kms:EncryptionContext:aws:s3:arn": [
                    _arn(ASSET_BUCKET),
                    _arn(ASSET_BUCKET, f"/{local.asset.s3_object_key}"),
                ],
            }
        },
    }


def test_s3_source_key_is_granted_exactly(stack: cdk.Stack) -> None:
    imported = kms.Key.from_key_arn(stack, "Imported", KEY_ARN)
    own = kms.Key(stack, "Own")
    package(stack, location(), source_key=imported)
    package(stack, location("other.txt"), id="Other", source_key=own)
    package(stack, location("plain.txt"), id="Plain")
    template = template_of(stack)
    decrypts = [s for s in default_policy_statements(template) if s["Action"] == "kms:Decrypt"]
    (own_id,) = resources_of_type(template, "AWS::KMS::Key")
    assert decrypts == [
        {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": KEY_ARN},
        {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": {"Fn::GetAtt": [own_id, "Arn"]}},
    ]


def test_no_decrypt_without_a_key_or_an_asset(stack: cdk.Stack) -> None:
    package(stack, location())
    assert "kms:" not in json.dumps(default_policy_statements(template_of(stack)))


def test_source_key_is_for_s3_sources(stack: cdk.Stack, synonyms: Path) -> None:
    key = kms.Key.from_key_arn(stack, "Key", KEY_ARN)
    with pytest.raises(
        ValueError, match=r"'Synonyms': source_key is for an aws_s3.Location source"
    ):
        package(stack, str(synonyms), source_key=key)
    with pytest.raises(TypeError, match=r"source_key 'alias/mine' is a str; expected an aws_kms"):
        package(stack, location(), source_key="alias/mine")


def test_the_acknowledgement_names_the_decrypt_conditions(stack: cdk.Stack, synonyms: Path) -> None:
    package(stack, str(synonyms))
    reason = _unscoped_reasons(stack)[-1]
    assert "es:CreatePackage" in reason
    assert "kms:Decrypt on * is limited by kms:ViaService" in reason
    assert "kms:EncryptionContext:aws:s3:arn" in reason
