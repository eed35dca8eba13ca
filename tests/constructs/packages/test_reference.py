"""Packages made elsewhere, referenced with Package.from_package_id / from_package_attributes:
associated like their IDs, never updated or deleted, no package-management permission."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from opensearch_packages import DomainPackages, IPackage, Package, PackageAssociation
from opensearch_packages.core.ipackage import alias_of
from tests.constructs.support import (
    default_policy_statements,
    only_resource_of_type,
    resources_of_type,
    template_of,
)

PACKAGE = "Custom::OpenSearchPackage"
DOMAIN_PACKAGES = "Custom::OpenSearchDomainPackages"
MANAGEMENT_ACTIONS = (
    "es:CreatePackage",
    "es:UpdatePackage",
    "es:DeletePackage",
    "es:ListDomainsForPackage",
    "es:GetPackageVersionHistory",
)


def packages_property(stack: cdk.Stack) -> list[dict[str, object]]:
    _, resource = only_resource_of_type(template_of(stack), DOMAIN_PACKAGES)
    entries: list[dict[str, object]] = resource["Properties"]["Packages"]
    return entries


# --- what a reference is ------------------------------------------------------------------------


# Python 3.11's isinstance on a runtime protocol reads each member with hasattr, so asking
# whether a PackageAssociation is an IPackage reads its deprecated package_id (3.12 does not).
@pytest.mark.filterwarnings("ignore:PackageAssociation.package_id is deprecated")
def test_package_and_references_are_ipackages(stack: cdk.Stack) -> None:
    made = Package(stack, "Made", source=s3.Location(bucket_name="b", object_key="k.txt"))
    by_id = Package.from_package_id(stack, "ById", "F111111111")
    by_attributes = Package.from_package_attributes(
        stack,
        "ByAttributes",
        package_id="pkg-0a1b",
        package_name="synonyms",
        package_type="TXT-DICTIONARY",
    )
    for package in (made, by_id, by_attributes):
        assert isinstance(package, IPackage)
    for other in ("F1", PackageAssociation("F1"), stack):
        assert not isinstance(other, IPackage)
    assert (by_id.package_id, by_id.package_name, by_id.package_type) == ("F111111111", None, None)
    assert (by_attributes.package_name, by_attributes.package_type) == (
        "synonyms",
        "TXT-DICTIONARY",
    )
    assert by_id.package_version is None
    assert made.package_version is not None
    assert re.fullmatch(r"[0-9a-f]{8}", alias_of(by_id))
    assert alias_of(by_id) != alias_of(by_attributes)


def test_a_reference_makes_nothing(stack: cdk.Stack) -> None:
    Package.from_package_id(stack, "Existing", "F111111111")
    assert template_of(stack).get("Resources", {}) == {}


# --- in DomainPackages --------------------------------------------------------------------------


def test_referenced_package_is_associated_like_its_id(stack: cdk.Stack) -> None:
    existing = Package.from_package_id(stack, "Existing", "F111111111")
    plugin = Package.from_package_attributes(
        stack, "Plugin", package_id="pkg-99ff0011", package_type="ZIP-PLUGIN"
    )
    packages = DomainPackages(
        stack,
        "Packages",
        domain_name="my-domain",
        packages=[existing, plugin, PackageAssociation("pkg-0a1b2c3d", prerequisites=[plugin])],
    )
    cdk.CfnOutput(stack, "Path", value=packages.reference_path(existing))
    cdk.CfnOutput(stack, "SamePath", value=packages.reference_path("F111111111"))
    cdk.CfnOutput(stack, "Version", value=packages.package_version(plugin))
    template = template_of(stack)
    assert packages_property(stack) == [
        {"PackageID": "F111111111"},
        {"PackageID": "pkg-99ff0011"},
        {"PackageID": "pkg-0a1b2c3d", "Prerequisites": ["pkg-99ff0011"]},
    ]
    resource_id, _ = only_resource_of_type(template, DOMAIN_PACKAGES)
    outputs = {name: output["Value"]["Fn::GetAtt"] for name, output in template["Outputs"].items()}
    assert outputs == {
        "Path": [resource_id, "ReferencePath.F111111111"],
        "SamePath": [resource_id, "ReferencePath.F111111111"],
        "Version": [resource_id, "PackageVersion.pkg-99ff0011"],
    }
    assert resources_of_type(template, PACKAGE) == {}


def test_only_references_grant_no_package_management(stack: cdk.Stack) -> None:
    existing = Package.from_package_id(stack, "Existing", "F111111111")
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=[existing])
    template = template_of(stack)
    actions = json.dumps([s["Action"] for s in default_policy_statements(template)])
    for action in (*MANAGEMENT_ACTIONS, "s3:GetObject", "kms:Decrypt"):
        assert action not in actions
    assert "es:DescribePackages" in actions  # what any DomainPackages needs
    assert resources_of_type(template, PACKAGE) == {}


@pytest.mark.parametrize("source", ["parameter", "import"])
def test_token_id_is_keyed_by_its_alias(stack: cdk.Stack, source: str) -> None:
    package_id = (
        cdk.CfnParameter(stack, "PackageId").value_as_string
        if source == "parameter"
        else cdk.Fn.import_value("SharedSynonymsPackageId")
    )
    existing = Package.from_package_id(stack, "Existing", package_id)
    packages = DomainPackages(
        stack,
        "Packages",
        domain_name="my-domain",
        packages=[existing, PackageAssociation("F2", prerequisites=[existing])],
    )
    cdk.CfnOutput(stack, "Path", value=packages.reference_path(existing))
    template = template_of(stack)
    resolved_id = stack.resolve(package_id)
    assert packages_property(stack) == [
        {"PackageID": resolved_id, "Alias": alias_of(existing)},
        {"PackageID": "F2", "Prerequisites": [resolved_id]},
    ]
    resource_id, _ = only_resource_of_type(template, DOMAIN_PACKAGES)
    assert template["Outputs"]["Path"]["Value"] == {
        "Fn::GetAtt": [resource_id, f"ReferencePath.{alias_of(existing)}"]
    }


def test_the_alias_property_is_deprecated_but_still_the_alias(stack: cdk.Stack) -> None:
    """`alias` left IPackage (DomainPackages names its attributes itself); the packages that had
    it still answer, with a warning."""
    made = Package(stack, "Made", source=s3.Location(bucket_name="b", object_key="k.txt"))
    referenced = Package.from_package_id(stack, "ById", "F111111111")
    for package in (made, referenced):
        with pytest.warns(DeprecationWarning, match=r"\.alias is deprecated"):
            assert package.alias == alias_of(package)  # type: ignore[attr-defined]


def test_alias_follows_the_construct_path(app: cdk.App) -> None:
    def alias_in(stack_name: str) -> str:
        stack = cdk.Stack(app, stack_name)
        return alias_of(Package.from_package_id(stack, "Existing", cdk.Aws.ACCOUNT_ID))

    assert alias_in("One") != alias_in("Two")
    again = cdk.App(context={"aws:cdk:bundling-stacks": []})
    assert alias_of(Package.from_package_id(cdk.Stack(again, "One"), "Existing", "F1")) == (
        alias_of(app.node.find_child("One").node.find_child("Existing"))
    )


def test_reference_and_its_id_are_the_same_package(stack: cdk.Stack) -> None:
    existing = Package.from_package_id(stack, "Existing", "F111111111")
    with pytest.raises(
        ValueError,
        match=r"package Package 'TestStack/Existing' \(F111111111\) is listed more than once",
    ):
        DomainPackages(
            stack, "Packages", domain_name="my-domain", packages=["F111111111", existing]
        )
    with pytest.raises(ValueError, match=r"cycle: F111111111 -> F111111111"):
        DomainPackages(
            stack,
            "Cycle",
            domain_name="my-domain",
            packages=[PackageAssociation(existing, prerequisites=["F111111111"])],
        )


def test_two_references_to_one_token_are_two_entries(stack: cdk.Stack) -> None:
    """Their IDs are unknown at synth time: the construct cannot tell that they are the same."""
    package_id = cdk.CfnParameter(stack, "PackageId").value_as_string
    first = Package.from_package_id(stack, "First", package_id)
    second = Package.from_package_id(stack, "Second", package_id)
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=[first, second])
    assert [e["Alias"] for e in packages_property(stack)] == [alias_of(first), alias_of(second)]


def test_reference_path_of_a_reference_not_in_the_list(stack: cdk.Stack) -> None:
    listed = Package.from_package_id(stack, "Listed", "F1")
    other = Package.from_package_id(stack, "Other", cdk.Aws.ACCOUNT_ID)
    packages = DomainPackages(stack, "Packages", domain_name="my-domain", packages=[listed])
    with pytest.raises(
        ValueError,
        match=r"package Package 'TestStack/Other' is not among the packages of DomainPackages "
        r"'TestStack/Packages'; its packages are: Package 'TestStack/Listed' \(F1\)$",
    ):
        packages.reference_path(other)


def test_single_reference_instead_of_a_list(stack: cdk.Stack) -> None:
    existing = Package.from_package_id(stack, "Existing", "F1")
    with pytest.raises(TypeError, match=r"packages must be a list, not a single Package 'Test"):
        DomainPackages(stack, "Packages", domain_name="my-domain", packages=existing)  # type: ignore[arg-type]


# --- validation at construct time ---------------------------------------------------------------


@pytest.mark.parametrize("package_id", ["f1", "F", "pkg-XYZ", "package-1", ""])
def test_invalid_literal_id(stack: cdk.Stack, package_id: str) -> None:
    with pytest.raises(
        ValueError,
        match=rf"Package 'Existing': package_id {re.escape(repr(package_id))} is not a valid "
        r"OpenSearch Service package ID: expected 'F' or 'G' followed by digits",
    ):
        Package.from_package_id(stack, "Existing", package_id)
    assert stack.node.try_find_child("Existing") is None  # raised before the construct was added


def test_id_of_wrong_type(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"Package 'Existing': package_id 1 is a int; expected a"):
        Package.from_package_id(stack, "Existing", 1)  # type: ignore[arg-type]


def test_invalid_attributes(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"Package 'Existing': package_type 'TXT' is not one of"):
        Package.from_package_attributes(stack, "Existing", package_id="F1", package_type="TXT")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"package_name 'Synonyms' is not a valid .* 3 to 256"):
        Package.from_package_attributes(stack, "Existing", package_id="F1", package_name="Synonyms")
    with pytest.raises(ValueError, match=r"package_id 'F1x' is not a valid"):
        Package.from_package_attributes(stack, "Existing", package_id="F1x")
