"""The synth-time warning that a domain of the stack would be replaced, not upgraded, when its
engine version changes: a Domain without enable_version_upgrade=True (EnableVersionUpgrade)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk.assertions import Annotations, Match

from opensearch_packages import DomainPackages
from opensearch_packages.associations.upgrades import WARNING_ID
from tests.constructs.support import template_of

ENGINE = opensearch.EngineVersion.OPENSEARCH_2_19
EXPECTED = (
    "The domain 'TestStack/Domain' has no EnableVersionUpgrade update policy: a change of its "
    "engine version would make CloudFormation replace it (a new, empty domain; or a failed "
    "update if it has an explicit domain_name) instead of upgrading it in place with its data "
    'and packages. Declare it with enable_version_upgrade=True (README, "Engine upgrades"). '
    "[ack: opensearch-packages:domainReplacedOnEngineVersionChange]"
)


def warnings_of(stack: cdk.Stack) -> list[tuple[str, object]]:
    """The stack's warnings whose text mentions EnableVersionUpgrade."""
    found = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("EnableVersionUpgrade")
    )
    return [(m.id, m.entry.data) for m in found]


def test_a_domain_without_version_upgrade_is_warned_about(stack: cdk.Stack) -> None:
    domain = opensearch.Domain(stack, "Domain", version=ENGINE)
    DomainPackages(stack, "Packages", domain=domain, packages=["F1"])
    assert WARNING_ID == "opensearch-packages:domainReplacedOnEngineVersionChange"
    assert warnings_of(stack) == [("/TestStack/Packages", EXPECTED)]
    assert "UpdatePolicy" not in template_of(stack)["Resources"]["Domain66AC69E0"]


def test_enable_version_upgrade_false_is_warned_about(stack: cdk.Stack) -> None:
    domain = opensearch.Domain(stack, "Domain", version=ENGINE, enable_version_upgrade=False)
    DomainPackages(stack, "Packages", domain=domain, packages=["F1"])
    assert warnings_of(stack) == [("/TestStack/Packages", EXPECTED)]


def test_no_warning_with_enable_version_upgrade(stack: cdk.Stack) -> None:
    domain = opensearch.Domain(stack, "Domain", version=ENGINE, enable_version_upgrade=True)
    DomainPackages(stack, "Packages", domain=domain, packages=["F1"])
    assert warnings_of(stack) == []


def test_an_update_policy_set_later_counts(stack: cdk.Stack) -> None:
    """Checked at synth: an update policy set on the CfnDomain after the DomainPackages."""
    domain = opensearch.Domain(stack, "Domain", version=ENGINE)
    DomainPackages(stack, "Packages", domain=domain, packages=["F1"])
    cfn_domain = domain.node.default_child
    assert isinstance(cfn_domain, opensearch.CfnDomain)
    cfn_domain.cfn_options.update_policy = cdk.CfnUpdatePolicy(enable_version_upgrade=True)
    assert warnings_of(stack) == []


def test_the_warning_can_be_acknowledged(stack: cdk.Stack) -> None:
    domain = opensearch.Domain(stack, "Domain", version=ENGINE)
    packages = DomainPackages(stack, "Packages", domain=domain, packages=["F1"])
    cdk.Annotations.of(packages).acknowledge_warning(WARNING_ID, "upgrades are not done here")
    assert warnings_of(stack) == []


def test_no_warning_without_a_domain_of_the_stack(app: cdk.App, stack: cdk.Stack) -> None:
    """By name, imported, or a domain of another stack: not the stack's to fix here."""
    DomainPackages(stack, "ByName", domain_name="my-domain", packages=["F1"])
    imported = opensearch.Domain.from_domain_endpoint(
        stack, "Imported", "https://search-my-domain-abc.eu-west-1.es.amazonaws.com"
    )
    DomainPackages(stack, "Imported Packages", domain=imported, packages=["F1"])
    other = cdk.Stack(app, "DomainStack")
    elsewhere = opensearch.Domain(other, "Domain", version=ENGINE)
    DomainPackages(stack, "Elsewhere", domain=elsewhere, packages=["F1"])
    assert warnings_of(stack) == []
