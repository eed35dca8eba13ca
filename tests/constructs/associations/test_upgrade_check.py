"""The upgrade check a DomainPackages adds for a Domain of its stack that runs plugins (issue 20):
its properties, and the order CloudFormation gets: plugin Packages → check → Domain →
DomainPackages, with no cycle."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

from opensearch_packages import DomainPackages, Package, PackageAssociation
from opensearch_packages.associations.upgrade_check import RESOURCE_TYPE
from tests.constructs.packages.test_package_options import find_cycle
from tests.constructs.support import only_resource_of_type, resources_of_type, template_of

ENGINE = opensearch.EngineVersion.OPENSEARCH_2_19


def domain(stack: cdk.Stack, **kwargs: Any) -> opensearch.Domain:
    return opensearch.Domain(stack, "Domain", version=ENGINE, enable_version_upgrade=True, **kwargs)


def package(stack: cdk.Stack, id: str, package_type: str, **kwargs: Any) -> Package:
    return Package(
        stack,
        id,
        source=s3.Location(bucket_name="my-packages", object_key=f"{id}.zip"),
        package_type=package_type,  # type: ignore[arg-type]
        **kwargs,
    )


def logical_id(stack: cdk.Stack, construct: IConstruct) -> str:
    child = construct.node.default_child or construct
    return stack.resolve(stack.get_logical_id(child))  # type: ignore[arg-type,no-any-return]


def depends_on(template: dict[str, Any], logical: str) -> set[str]:
    return set(template["Resources"][logical].get("DependsOn", []))


def plugin_stack(stack: cdk.Stack, **domain_kwargs: Any) -> dict[str, Any]:
    the_domain = domain(stack, **domain_kwargs)
    own = package(stack, "Plugin", "ZIP-PLUGIN", engine_version="OpenSearch_2.19")
    prerequisite = package(stack, "Prerequisite", "ZIP-PLUGIN", engine_version="OpenSearch_2.19")
    config = package(stack, "Config", "PACKAGE-CONFIG")
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    referenced = Package.from_package_id(stack, "Elsewhere", "F123")
    packages = DomainPackages(
        stack,
        "Packages",
        domain=the_domain,
        packages=[
            own,
            sudachi,
            PackageAssociation(config, prerequisites=[prerequisite]),
            referenced,
            "F9",
        ],
    )
    return {"domain": the_domain, "own": own, "prerequisite": prerequisite, "config": config,
            "packages": packages}  # fmt: skip


def test_the_check_names_every_plugin_and_the_target_version(stack: cdk.Stack) -> None:
    made = plugin_stack(stack, domain_name="search")
    _, check = only_resource_of_type(template_of(stack), RESOURCE_TYPE)
    own, prerequisite = made["own"], made["prerequisite"]
    assert check["Properties"] == {
        "ServiceToken": check["Properties"]["ServiceToken"],
        "ServiceTimeout": "300",
        "DomainName": "search",
        "TargetEngineVersion": "OpenSearch_2.19",
        "PluginNames": [
            {"PackageName": own.package_name},
            {"PackageName": "analysis-sudachi", "PackageOwner": "AWS"},
            {"PackageName": prerequisite.package_name},
        ],
        "TimeoutSeconds": 300,
    }
    assert made["packages"].upgrade_check is not None


def test_a_domain_cloudformation_names_is_labelled_by_its_path(stack: cdk.Stack) -> None:
    plugin_stack(stack)
    _, check = only_resource_of_type(template_of(stack), RESOURCE_TYPE)
    assert check["Properties"]["DomainName"] == "TestStack/Domain"


def test_plugin_packages_then_check_then_domain_then_domain_packages(stack: cdk.Stack) -> None:
    made = plugin_stack(stack)
    template = template_of(stack)
    (check_id,) = resources_of_type(template, RESOURCE_TYPE)
    (packages_id,) = resources_of_type(template, "Custom::OpenSearchDomainPackages")
    domain_id = logical_id(stack, made["domain"])
    own_id = logical_id(stack, made["own"].resource)
    prerequisite_id = logical_id(stack, made["prerequisite"].resource)
    config_id = logical_id(stack, made["config"].resource)
    assert {own_id, prerequisite_id} <= depends_on(template, check_id)
    assert config_id not in depends_on(template, check_id)  # not engine-bound
    assert domain_id not in depends_on(template, check_id)
    assert check_id in depends_on(template, domain_id)
    # DomainPackages names the domain (Ref in DomainName): it comes after it.
    properties = template["Resources"][packages_id]["Properties"]
    assert properties["DomainName"] == {"Ref": domain_id}
    assert find_cycle(template) is None
    # The check waits for the handler's permissions, but not for the domain-scoped policy.
    policies = resources_of_type(template, "AWS::IAM::Policy")
    (association,) = [k for k in policies if "AssociationPolicy" in k]
    assert association not in depends_on(template, check_id)


def test_no_check_without_plugins_or_a_domain_of_the_stack(app: cdk.App) -> None:
    dictionaries = cdk.Stack(app, "Dictionaries")
    synonyms = package(dictionaries, "Syn", "TXT-DICTIONARY")
    DomainPackages(dictionaries, "Packages", domain=domain(dictionaries), packages=[synonyms])
    by_name = cdk.Stack(app, "ByName")
    plugin = package(by_name, "Plugin", "ZIP-PLUGIN", engine_version="OpenSearch_2.19")
    DomainPackages(by_name, "Packages", domain_name="search", packages=[plugin])
    imported = cdk.Stack(app, "Imported")
    sudachi = Package.from_package_name(imported, "Sudachi", "analysis-sudachi", owner="AWS")
    other = opensearch.Domain.from_domain_endpoint(
        imported, "Domain", "https://search-other-abc.us-east-1.es.amazonaws.com"
    )
    DomainPackages(imported, "Packages", domain=other, packages=[sudachi])
    for stack in (dictionaries, by_name, imported):
        assert resources_of_type(template_of(stack), RESOURCE_TYPE) == {}, stack.node.path
