"""The synth-time warning that a domain of the stack would be replaced, not upgraded, when its
engine version changes.

Without the ``EnableVersionUpgrade`` update policy (``Domain(enable_version_upgrade=True)``),
CloudFormation replaces an ``AWS::OpenSearchService::Domain`` whose ``EngineVersion`` changes:
a new, empty domain, or a failed update when the domain has an explicit name (aws-cdk-lib's
``DomainProps.enableVersionUpgrade``). An engine upgrade is how a stack moves its plugins to a
new engine version (README, "Engine upgrades"), so ``DomainPackages`` says so for the domain it
is given. A warning, not an error: the flag changes nothing until the version changes, and
existing stacks keep synthesising.
"""

from __future__ import annotations

import jsii
from aws_cdk import Annotations, CfnResource, Stack
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct, IValidation

#: The warning's ID, for ``Annotations.of(packages).acknowledge_warning``.
WARNING_ID = "opensearch-packages:domainReplacedOnEngineVersionChange"
DOMAIN_TYPE = "AWS::OpenSearchService::Domain"


def warn_if_replaced_on_version_change(scope: Construct, domain: opensearch.IDomain) -> None:
    """Warn on ``scope`` at synth time if ``domain`` is a domain of ``scope``'s stack without
    the ``EnableVersionUpgrade`` update policy. Checked when the app is synthesised, so that an
    update policy set after ``scope`` was made counts too."""
    domain_resource = domain.node.default_child
    if not (
        isinstance(domain_resource, CfnResource)
        and domain_resource.cfn_resource_type == DOMAIN_TYPE
        and Stack.of(domain_resource).node.path == Stack.of(scope).node.path
    ):
        return
    scope.node.add_validation(_UpgradeInPlaceCheck(scope, domain_resource))


def replacement_warning(domain_path: str) -> str:
    """The warning's text, naming the domain's construct path and the flag."""
    return (
        f"The domain {domain_path!r} has no EnableVersionUpgrade update policy: a change of its "
        "engine version would make CloudFormation replace it (a new, empty domain; or a failed "
        "update if it has an explicit domain_name) instead of upgrading it in place with its "
        "data and packages. Declare it with enable_version_upgrade=True (README, "
        '"Engine upgrades").'
    )


@jsii.implements(IValidation)
class _UpgradeInPlaceCheck:
    """Adds the warning when the tree is validated; never fails the synth."""

    def __init__(self, scope: Construct, domain_resource: CfnResource) -> None:
        self._scope = scope
        self._domain_resource = domain_resource

    def validate(self) -> list[str]:
        policy = self._domain_resource.cfn_options.update_policy
        if policy is None or policy.enable_version_upgrade is not True:
            domain_path = self._domain_resource.node.scope
            path = domain_path.node.path if domain_path is not None else ""
            Annotations.of(self._scope).add_warning_v2(WARNING_ID, replacement_warning(path))
        return []
