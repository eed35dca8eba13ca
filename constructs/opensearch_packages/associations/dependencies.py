"""What waits for what between a ``DomainPackages``, its domain and the packages it lists.

The service rejects package changes while a domain is processing, so the association waits for
the domain and what changes it after creation; and a domain of the stack waits for what its
packages say it must (through ``IPackage.domain_waits_for``: a plugin's package for a new engine
version must exist before the domain upgrades to it).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnResource, CustomResource, Stack
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from opensearch_packages.associations.association import PackageAssociation


def depend_on_domain(resource: CustomResource, domain: opensearch.IDomain) -> None:
    """Make ``resource`` wait for the domain and the resources that belong to it.

    Besides the domain itself, the domain's construct holds resources that change it after
    creation (access policy, log publishing policies). When the resource already references the
    domain's own CloudFormation resource (``Ref`` in ``DomainName``), an explicit ``DependsOn``
    on it would be redundant (cfn-lint W3005) and is left out.
    """
    stack = Stack.of(resource)
    domain_resource = domain.node.default_child
    if not (
        isinstance(domain_resource, CfnResource)
        and Stack.of(domain_resource).node.path == stack.node.path
        and stack.resolve(domain.domain_name) == {"Ref": stack.get_logical_id(domain_resource)}
    ):
        resource.node.add_dependency(domain)
        return
    for child in domain.node.children:
        # (jsii proxies of one JavaScript object need not be identical: compare paths)
        if child.node.path != domain_resource.node.path:
            resource.node.add_dependency(child)


def domain_waits_for_packages(
    domain: opensearch.IDomain, packages: Sequence[PackageAssociation], scope: Construct
) -> None:
    """Make a domain of this stack depend on what each package it is given (listed, or a
    prerequisite) says a domain must wait for, when that is in this stack too.

    The handler's domain-scoped permissions are in their own policy, on which a package does not
    depend: no cycle. Nothing of another stack is waited for (the stacks could then depend on
    each other).
    """
    stack = Stack.of(scope)
    domain_resource = domain.node.default_child
    if not (
        isinstance(domain_resource, CfnResource)
        and Stack.of(domain_resource).node.path == stack.node.path
    ):
        return
    refs = [ref for p in packages for ref in (p.package, *p.prerequisites)]
    for ref in refs:
        if isinstance(ref, str):
            continue
        waits_for = ref.domain_waits_for
        if waits_for is not None and Stack.of(waits_for).node.path == stack.node.path:
            domain_resource.node.add_dependency(waits_for)
