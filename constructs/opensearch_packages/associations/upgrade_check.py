"""The upgrade check: a custom resource that runs before the domain's update and fails the
deploy, before the domain starts an engine upgrade it cannot undo, when a plugin the stack
associates with it has no package for the target engine version (README, "Engine upgrades").

Made by a ``DomainPackages`` given a ``Domain`` of its own stack when its list holds plugins:
the stack's own ``ZIP-PLUGIN`` ``Package`` s (listed, or named as prerequisites) and packages by
name (``Package.from_package_name``; a dictionary by name has no engine version and always
passes). The order CloudFormation gets: plugin Packages → check → domain → DomainPackages. The
check never references the domain (its ``DomainName`` is the literal name, or the construct
path): the domain waits for it, so a reference back would be a cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import CfnResource, CustomResource, Duration, Stack
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct, IConstruct

from opensearch_packages.associations.association import PackageAssociation
from opensearch_packages.core.ipackage import IPackage, IPackageByName
from opensearch_packages.core.provider import Provider
from opensearch_packages.core.values import is_literal

#: CloudFormation resource type of the check (lambda/domain_packages_handler/upgrade_check/).
RESOURCE_TYPE = "Custom::OpenSearchPackagesUpgradeCheck"
#: Construct ID of the check, under its ``DomainPackages``.
CHECK_ID = "UpgradeCheck"
#: It only reads (DescribePackages per name): minutes are plenty, throttling included.
TIMEOUT = Duration.minutes(5)


def domain_resource_of_stack(scope: Construct, domain: opensearch.IDomain) -> CfnResource | None:
    """The domain's ``AWS::OpenSearchService::Domain`` resource when it is of ``scope``'s stack
    (its update and this stack's resources can then be ordered), else None."""
    resource = domain.node.default_child
    if (
        isinstance(resource, CfnResource)
        and resource.cfn_resource_type == "AWS::OpenSearchService::Domain"
        and Stack.of(resource).node.path == Stack.of(scope).node.path
    ):
        return resource
    return None


def engine_version_of(resource: CfnResource) -> str | None:
    """The engine version the template declares for the domain (a string or a token)."""
    return resource.engine_version if isinstance(resource, opensearch.CfnDomain) else None


def add_upgrade_check(
    scope: Construct, domain: opensearch.IDomain, packages: Sequence[PackageAssociation]
) -> CustomResource | None:
    """The check for ``domain`` (a domain of ``scope``'s stack) and the plugins among
    ``packages``, ordered after the stack's plugin Packages and before the domain; None when
    the domain is not of this stack or nothing is a plugin."""
    stack = Stack.of(scope)
    domain_resource = domain_resource_of_stack(scope, domain)
    if domain_resource is None:
        return None
    names: dict[tuple[str, str | None], None] = {}
    waits_for: list[IConstruct] = []
    for ref in (r for p in packages for r in (p.package, *p.prerequisites)):
        plugin = _plugin(ref, stack)
        if plugin is None:
            continue
        names.setdefault(plugin[0], None)
        if plugin[1] is not None:
            waits_for.append(plugin[1])
    if not names:
        return None
    cfn = domain_resource
    engine_version = engine_version_of(cfn)
    literal_name = cfn.domain_name if isinstance(cfn, opensearch.CfnDomain) else None
    label = literal_name if literal_name and is_literal(literal_name) else domain.node.path
    check = Provider.of(scope).custom_resource(
        Construct(scope, CHECK_ID),
        resource_type=RESOURCE_TYPE,
        timeout=TIMEOUT,
        properties={
            "DomainName": label,
            "TargetEngineVersion": engine_version or "",
            "PluginNames": [_entry(name, owner) for name, owner in names],
            "TimeoutSeconds": int(TIMEOUT.to_seconds()),
        },
    )
    for package in waits_for:
        check.node.add_dependency(package)
    domain_resource.node.add_dependency(check)
    return check


def _plugin(
    ref: str | IPackage, stack: Stack
) -> tuple[tuple[str, str | None], IConstruct | None] | None:
    """(name, owner) a plugin's package for every version is called by, and the resource the
    check waits for; None for what is not a plugin the check can name."""
    if isinstance(ref, str):
        return None
    if isinstance(ref, IPackageByName):
        return (ref.lookup.name, ref.lookup.owner), None
    own = ref.domain_waits_for
    if (
        ref.package_type != "ZIP-PLUGIN"
        or ref.package_name is None
        or own is None
        or Stack.of(own).node.path != stack.node.path
    ):
        return None
    return (ref.package_name, None), own


def _entry(name: str, owner: str | None) -> dict[str, Any]:
    return {"PackageName": name, **({"PackageOwner": owner} if owner is not None else {})}
