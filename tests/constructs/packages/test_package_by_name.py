"""Packages referenced by name, with Package.from_package_name: an IPackage whose ID the handler
resolves at deploy time, checked at synth, making nothing and granting nothing."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest

from opensearch_packages import DomainPackages, IPackage, Package
from opensearch_packages.core.ipackage import IPackageByName, NameLookup
from tests.constructs.support import default_policy_statements, resources_of_type, template_of


def test_a_package_by_name_is_an_ipackage(stack: cdk.Stack) -> None:
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    mine = Package.from_package_name(stack, "Mine", "my-plugin", owner="123456789012")
    anyone = Package.from_package_name(stack, "Anyone", "my-plugin")
    for package in (sudachi, mine, anyone):
        assert isinstance(package, IPackage)
        assert isinstance(package, IPackageByName)
        assert package.package_version is None
        assert package.domain_waits_for is None
        assert package.package_type is None
        assert cdk.Token.is_unresolved(package.package_id)
    assert isinstance(sudachi, IPackageByName)
    assert isinstance(anyone, IPackageByName)
    assert sudachi.package_name == "analysis-sudachi"
    assert sudachi.lookup == NameLookup(name="analysis-sudachi", owner="AWS")
    assert anyone.lookup == NameLookup(name="my-plugin", owner=None)
    assert sudachi.node.path == "TestStack/Sudachi"


def test_references_by_id_are_not_by_name(stack: cdk.Stack) -> None:
    assert not isinstance(Package.from_package_id(stack, "ById", "G1"), IPackageByName)


def test_a_package_by_name_makes_and_grants_nothing(stack: cdk.Stack) -> None:
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=[sudachi])
    template = template_of(stack)
    assert resources_of_type(template, "Custom::OpenSearchPackage") == {}
    statements = default_policy_statements(template)
    actions = json.dumps([s["Action"] for s in statements])
    for action in ("es:CreatePackage", "es:UpdatePackage", "es:DeletePackage", "s3:GetObject"):
        assert action not in actions
    # what the handler resolves the name with, on * (no resource-level permissions)
    assert any(
        "es:DescribePackages" in json.dumps(s["Action"]) and s["Resource"] == "*"
        for s in statements
    )


def test_its_id_fails_the_synth_if_used(app: cdk.App, stack: cdk.Stack) -> None:
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    cdk.CfnOutput(stack, "Id", value=sudachi.package_id)
    with pytest.raises(
        RuntimeError,
        match=r"Package 'TestStack/Sudachi': a package referenced by name has no ID at synth "
        r"time .*read DomainPackages\.package_id\(package\)",
    ):
        app.synth()


@pytest.mark.parametrize(
    "name", ["Analysis-Sudachi", "analysis_sudachi", "ab", "1analysis", "a" * 257, ""]
)
def test_invalid_name(stack: cdk.Stack, name: str) -> None:
    with pytest.raises(ValueError, match=rf"package_name '{name}' is not a valid OpenSearch"):
        Package.from_package_name(stack, "Plugin", name, owner="AWS")


@pytest.mark.parametrize("owner", ["aws", "Amazon", "12345678901", "1234567890123", "", "AWS "])
def test_invalid_owner(stack: cdk.Stack, owner: str) -> None:
    with pytest.raises(
        ValueError, match=rf"owner '{owner}' is not a package owner: use 'AWS' .*12-digit"
    ):
        Package.from_package_name(stack, "Plugin", "analysis-nori", owner=owner)


def test_wrong_types(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"package_name 7 is a int"):
        Package.from_package_name(stack, "A", 7)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"owner 123456789012 is a int; expected 'AWS'"):
        Package.from_package_name(stack, "B", "my-plugin", owner=123456789012)  # type: ignore[arg-type]


def test_tokens_pass_unchecked(stack: cdk.Stack) -> None:
    name = cdk.CfnParameter(stack, "Name").value_as_string
    package = Package.from_package_name(stack, "Plugin", name, owner=cdk.Aws.ACCOUNT_ID)
    assert isinstance(package, IPackageByName)
    assert package.lookup == NameLookup(name=name, owner=cdk.Aws.ACCOUNT_ID)
