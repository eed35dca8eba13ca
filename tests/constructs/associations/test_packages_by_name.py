"""DomainPackages with packages referenced by name: the entry it writes for the handler (name,
owner, alias; no ID), the attributes keyed by the alias, and what they may not be."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_opensearchservice as opensearch

from opensearch_packages import DomainPackages, Package, PackageAssociation
from opensearch_packages.core.ipackage import alias_of
from tests.constructs.support import only_resource_of_type, template_of

DOMAIN_PACKAGES = "Custom::OpenSearchDomainPackages"


def test_the_entry_is_the_name_owner_and_alias(stack: cdk.Stack) -> None:
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    mine = Package.from_package_name(stack, "Mine", "my-plugin", owner="123456789012")
    anyone = Package.from_package_name(stack, "Anyone", "my-dictionary")
    role = iam.Role(stack, "KeyRole", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))
    DomainPackages(
        stack,
        "Packages",
        domain_name="my-domain",
        packages=[
            sudachi,
            PackageAssociation(mine, key_store_access_enabled=True, key_access_role=role),
            anyone,
            "F1",
        ],
    )
    _, resource = only_resource_of_type(template_of(stack), DOMAIN_PACKAGES)
    role_arn = stack.resolve(role.role_arn)
    assert resource["Properties"]["Packages"] == [
        {"PackageName": "analysis-sudachi", "PackageOwner": "AWS", "Alias": alias_of(sudachi)},
        {
            "PackageName": "my-plugin",
            "PackageOwner": "123456789012",
            "Alias": alias_of(mine),
            "KeyStoreAccessEnabled": True,
            "KeyAccessRoleArn": role_arn,
        },
        {"PackageName": "my-dictionary", "Alias": alias_of(anyone)},
        {"PackageID": "F1"},
    ]
    # the alias: the first 8 hex digits of the sha256 of the construct path
    assert [alias_of(p) for p in (sudachi, mine, anyone)] == ["cd63b4bf", "83fde2be", "5878de94"]


def test_tokens_are_written_as_given(stack: cdk.Stack) -> None:
    name = cdk.CfnParameter(stack, "PluginName").value_as_string
    plugin = Package.from_package_name(stack, "Plugin", name, owner=cdk.Aws.ACCOUNT_ID)
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=[plugin])
    _, resource = only_resource_of_type(template_of(stack), DOMAIN_PACKAGES)
    assert resource["Properties"]["Packages"] == [
        {
            "PackageName": {"Ref": "PluginName"},
            "PackageOwner": {"Ref": "AWS::AccountId"},
            "Alias": alias_of(plugin),
        }
    ]


def test_attributes_are_keyed_by_the_alias(stack: cdk.Stack) -> None:
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    synonyms = Package.from_package_id(stack, "Synonyms", "F111111111")
    packages = DomainPackages(
        stack, "Packages", domain_name="my-domain", packages=[sudachi, synonyms, "G2"]
    )
    cdk.CfnOutput(stack, "Path", value=packages.reference_path(sudachi))
    cdk.CfnOutput(stack, "Version", value=packages.package_version(sudachi))
    cdk.CfnOutput(stack, "Id", value=packages.package_id(sudachi))
    template = template_of(stack)
    resource_id, _ = only_resource_of_type(template, DOMAIN_PACKAGES)
    alias = alias_of(sudachi)
    assert {name: o["Value"] for name, o in template["Outputs"].items()} == {
        "Path": {"Fn::GetAtt": [resource_id, f"ReferencePath.{alias}"]},
        "Version": {"Fn::GetAtt": [resource_id, f"PackageVersion.{alias}"]},
        "Id": {"Fn::GetAtt": [resource_id, f"PackageID.{alias}"]},
    }
    # any other package's ID is its own
    assert packages.package_id(synonyms) == "F111111111"
    assert packages.package_id("G2") == "G2"


def test_package_id_of_a_package_not_in_the_list(stack: cdk.Stack) -> None:
    listed = Package.from_package_name(stack, "Listed", "analysis-nori", owner="AWS")
    other = Package.from_package_name(stack, "Other", "analysis-sudachi", owner="AWS")
    packages = DomainPackages(stack, "Packages", domain_name="my-domain", packages=[listed])
    with pytest.raises(
        ValueError,
        match=r"package Package 'TestStack/Other' \(by name 'analysis-sudachi'\) is not among "
        r"the packages of DomainPackages 'TestStack/Packages'; its packages are: "
        r"Package 'TestStack/Listed' \(by name 'analysis-nori'\)",
    ):
        packages.package_id(other)


def test_one_name_twice_is_two_references(stack: cdk.Stack) -> None:
    """Two constructs for one name are two entries (each its own alias); the same construct
    twice is one package listed twice."""
    first = Package.from_package_name(stack, "First", "analysis-nori", owner="AWS")
    second = Package.from_package_name(stack, "Second", "analysis-nori", owner="AWS")
    DomainPackages(stack, "Two", domain_name="my-domain", packages=[first, second])
    with pytest.raises(ValueError, match=r"package Package 'TestStack/First' \(by name "):
        DomainPackages(stack, "Twice", domain_name="my-domain", packages=[first, first])


def test_a_package_by_name_may_not_be_a_prerequisite(stack: cdk.Stack) -> None:
    plugin = Package.from_package_name(stack, "Plugin", "my-plugin", owner="123456789012")
    with pytest.raises(
        ValueError,
        match=r"prerequisite Package 'TestStack/Plugin' \(by name 'my-plugin'\) of package "
        r"'pkg-0a' is referenced by name: prerequisites are package IDs.*Package\.from_package_id",
    ):
        PackageAssociation("pkg-0a", prerequisites=[plugin])


def test_a_package_by_name_may_not_have_prerequisites(stack: cdk.Stack) -> None:
    plugin = Package.from_package_name(stack, "Plugin", "my-plugin")
    with pytest.raises(
        ValueError,
        match=r"package Package 'TestStack/Plugin' \(by name 'my-plugin'\) is referenced by "
        r"name and cannot have prerequisites",
    ):
        PackageAssociation(plugin, prerequisites=["F1"])


def test_the_domains_engine_version_is_followed_only_with_names_and_a_domain_of_the_stack(
    stack: cdk.Stack,
) -> None:
    """An engine upgrade must send the DomainPackages an Update (its names resolve anew), so
    the domain's declared version is among its properties; without a package by name, or with
    a domain given by name, nothing is added and templates stay as they were."""
    domain = opensearch.Domain(
        stack,
        "Domain",
        version=opensearch.EngineVersion.OPENSEARCH_2_19,
        enable_version_upgrade=True,
    )
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    DomainPackages(stack, "Named", domain=domain, packages=[sudachi])
    DomainPackages(stack, "ById", domain=domain, packages=["F1"])
    DomainPackages(stack, "ByDomainName", domain_name="other-domain", packages=[sudachi])
    resources = template_of(stack)["Resources"]
    properties = {
        logical.rstrip("0123456789ABCDEF"): r["Properties"]
        for logical, r in resources.items()
        if r["Type"] == DOMAIN_PACKAGES
    }
    assert properties["Named"]["EngineVersion"] == "OpenSearch_2.19"
    assert "EngineVersion" not in properties["ById"]
    assert "EngineVersion" not in properties["ByDomainName"]
