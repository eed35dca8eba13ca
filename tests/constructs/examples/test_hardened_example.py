"""The hardened example (example/hardened_app.py): synthesises without credentials, passes
cdk-nag and cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs

from example import hardened_app
from tests.constructs.support import (
    HARDENED_STACK,
    RECOMMENDED_FLAGS_FILE,
    Synthesised,
    only_resource_of_type,
    require_node_modules,
    template_of,
    unexpected_lint_findings,
    validation_violations,
)

CUSTOM = "Custom::OpenSearchDomainPackages"
PACKAGE = "Custom::OpenSearchPackage"


def unbundled_example(
    outdir: Path | None = None, context: dict[str, Any] | None = None
) -> tuple[cdk.App, cdk.Stack]:
    """The hardened example built without asset bundling (into `outdir` if given), and its
    stack."""
    settings: dict[str, Any] = {"context": {"aws:cdk:bundling-stacks": [], **(context or {})}}
    if outdir is not None:
        settings["outdir"] = str(outdir)
    app = hardened_app.build_app(cdk.App(**settings))
    stack = app.node.find_child(HARDENED_STACK)
    assert isinstance(stack, cdk.Stack)
    return app, stack


def example_template(context: dict[str, Any]) -> dict[str, Any]:
    _, stack = unbundled_example(context=context)
    return template_of(stack)


def test_example_is_environment_agnostic(example_synth: Synthesised) -> None:
    manifest = json.loads((example_synth.outdir / "manifest.json").read_text())
    environment = manifest["artifacts"][HARDENED_STACK]["environment"]
    assert environment == "aws://unknown-account/unknown-region"


def test_example_domain_is_deployable_and_locked_down(example_synth: Synthesised) -> None:
    _, domain = only_resource_of_type(example_synth.template, "AWS::OpenSearchService::Domain")
    properties = domain["Properties"]
    assert properties["DomainName"] == "packages-demo"
    assert properties["ClusterConfig"]["InstanceType"] == "t3.small.search"
    assert properties["ClusterConfig"]["InstanceCount"] == 1
    assert properties["EncryptionAtRestOptions"] == {"Enabled": True}
    assert properties["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    assert properties["DomainEndpointOptions"] == {
        "EnforceHTTPS": True,
        "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
    }
    assert properties["EBSOptions"]["VolumeType"] == "gp3"
    assert set(properties["LogPublishingOptions"]) == {
        "SEARCH_SLOW_LOGS",
        "INDEX_SLOW_LOGS",
        "ES_APPLICATION_LOGS",
    }
    (statement,) = properties["AccessPolicies"]["Statement"]
    root = ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]
    assert statement["Principal"] == {"AWS": {"Fn::Join": ["", root]}}
    assert domain["DeletionPolicy"] == "Delete"


def synonyms_entry(template: dict[str, Any]) -> dict[str, Any]:
    """The Packages entry DomainPackages writes for the example's synonyms Package."""
    package_id, _ = only_resource_of_type(template, PACKAGE)
    _, resource = only_resource_of_type(template, CUSTOM)
    entry: dict[str, Any] = resource["Properties"]["Packages"][0]
    assert entry["PackageID"] == {"Ref": package_id}
    assert entry["PackageVersion"] == {"Fn::GetAtt": [package_id, "PackageVersion"]}
    return entry


def test_example_defaults(example_synth: Synthesised) -> None:
    """One deploy: the synonyms file becomes a package, associated with the domain."""
    template = example_synth.template
    _, package = only_resource_of_type(template, PACKAGE)
    assert package["Properties"]["PackageType"] == "TXT-DICTIONARY"
    assert package["DeletionPolicy"] == "Delete"
    _, resource = only_resource_of_type(template, CUSTOM)
    assert resource["Properties"]["Packages"] == [synonyms_entry(template)]
    assert resource["Properties"]["ServiceTimeout"] == "3600"


def test_example_synonyms_file_is_the_package_source(example_synth: Synthesised) -> None:
    _, package = only_resource_of_type(example_synth.template, PACKAGE)
    key = package["Properties"]["PackageSource"]["S3Key"]
    staged = example_synth.outdir / f"asset.{key}"
    assert staged.read_text() == hardened_app.SYNONYMS_FILE.read_text()
    rules = [
        line
        for line in hardened_app.SYNONYMS_FILE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rules) >= 4
    assert all("," in rule or "=>" in rule for rule in rules)  # Solr synonym rules


def test_example_outputs_give_the_analyzer_settings(example_synth: Synthesised) -> None:
    outputs = example_synth.template["Outputs"]
    resource_id, _ = only_resource_of_type(example_synth.template, CUSTOM)
    alias = synonyms_entry(example_synth.template)["Alias"]
    path = {"Fn::GetAtt": [resource_id, f"ReferencePath.{alias}"]}
    assert outputs["SynonymsPath"]["Value"] == path
    assert outputs["SynonymsVersion"]["Value"] == {
        "Fn::GetAtt": [resource_id, f"PackageVersion.{alias}"]
    }
    before, reference, after = outputs["IndexSettings"]["Value"]["Fn::Join"][1]
    assert reference == path
    settings = json.loads(before + "analyzers/F123" + after)
    synonym_filter = settings["settings"]["index"]["analysis"]["filter"]["example_synonyms"]
    assert synonym_filter == {
        "type": "synonym_graph",
        "synonyms_path": "analyzers/F123",
        "updateable": True,
    }
    assert settings["mappings"]["properties"]["text"]["search_analyzer"] == "synonyms_search"


def test_example_context() -> None:
    template = example_template({"domainName": "my-search", "packageIds": "F1, G2,pkg-0a"})
    _, domain = only_resource_of_type(template, "AWS::OpenSearchService::Domain")
    assert domain["Properties"]["DomainName"] == "my-search"
    _, resource = only_resource_of_type(template, CUSTOM)
    assert resource["Properties"]["Packages"] == [
        synonyms_entry(template),
        {"PackageID": "F1"},
        {"PackageID": "G2"},
        {"PackageID": "pkg-0a"},
    ]


def test_example_rejects_invalid_context() -> None:
    with pytest.raises(RuntimeError, match=r"Invalid domainName 'My_Search'"):  # Domain's check
        example_template({"domainName": "My_Search"})
    with pytest.raises(ValueError, match=r"package ID 'x1' is not a valid"):
        example_template({"packageIds": "F1,x1"})


def test_cdk_nag_reports_nothing_unacknowledged(example_synth: Synthesised) -> None:
    # synth raises on any finding (error or warning); the report confirms it is empty
    assert validation_violations(example_synth.outdir) == []


def test_cdk_nag_does_check_the_example(tmp_path: Path) -> None:
    """Control: the same app with a non-compliant resource added fails synthesis."""
    app, stack = unbundled_example(tmp_path)
    sqs.Queue(stack, "UncheckedQueue")
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    names = {v["ruleName"] for v in validation_violations(tmp_path)}
    assert "AwsSolutions-SQS3" in names
    assert all("UncheckedQueue" in json.dumps(v) for v in validation_violations(tmp_path))


def test_library_acknowledgements_do_not_hide_user_findings(tmp_path: Path) -> None:
    """The handler's acknowledged IAM5[Resource::*] (the package actions) applies to the
    handler's policy only: the same finding on a user's policy still fails synthesis."""
    app, stack = unbundled_example(tmp_path)
    role = iam.Role(stack, "UserRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    (violation,) = validation_violations(tmp_path)
    assert violation["ruleName"] == "AwsSolutions-IAM5[Resource::*]"
    assert [c["constructPath"] for c in violation["violatingConstructs"]] == [
        f"{HARDENED_STACK}/UserRole/DefaultPolicy/Resource"
    ]


def test_cfn_lint_is_clean_except_known_cdk_warnings(example_synth: Synthesised) -> None:
    template_file = example_synth.outdir / f"{HARDENED_STACK}.template.json"
    assert unexpected_lint_findings(template_file) == []


def test_example_under_recommended_feature_flags(tmp_path: Path) -> None:
    """New projects (`cdk init`) set the CLI's recommended feature flags: still clean."""
    require_node_modules(RECOMMENDED_FLAGS_FILE)
    flags = json.loads(RECOMMENDED_FLAGS_FILE.read_text())
    assert "@aws-cdk/aws-iam:minimizePolicies" in flags
    context = {**flags, "aws:cdk:bundling-stacks": []}
    hardened_app.build_app(cdk.App(outdir=str(tmp_path), context=context)).synth()
    assert validation_violations(tmp_path) == []
    assert unexpected_lint_findings(tmp_path / f"{HARDENED_STACK}.template.json") == []
