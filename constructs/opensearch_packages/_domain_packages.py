"""``DomainPackages``: the public construct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import CfnResource, CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from opensearch_packages._association import PackageAssociation
from opensearch_packages._handler import DomainPackagesHandler
from opensearch_packages._ipackage import (
    IPackage,
    attribute_key,
    package_id_of,
    package_key,
    package_label,
)
from opensearch_packages._package import Package
from opensearch_packages._validation import (
    MAX_PACKAGES_PER_DOMAIN,
    check_domain_name,
    check_removal_policy,
    check_timeout,
    find_prerequisite_cycle,
    is_literal,
)

#: CloudFormation resource type of the custom resource.
RESOURCE_TYPE = "Custom::OpenSearchDomainPackages"


class DomainPackages(Construct):
    """Associates packages with an Amazon OpenSearch Service domain and waits until they are ACTIVE.

    On create the packages are associated in one ``AssociatePackages`` call (packages already
    ACTIVE on the domain are adopted); on update added packages are associated, removed ones
    dissociated and changed ones re-associated; on delete they are dissociated. Each operation
    waits for the service to finish and fails with the service's own error reasons.

    Packages made by a ``Package`` construct carry their version: when the package gets a new
    version (new file content), the update associates it again and waits until the domain runs
    that version. A package made elsewhere, referenced with ``Package.from_package_id``, is
    associated like its ID: the stack never updates or deletes the package itself.

    One Lambda function per stack serves every ``DomainPackages`` and ``Package`` of that stack.

    Example::

        synonyms = Package(self, "Synonyms", source="search/synonyms.txt")
        packages = DomainPackages(
            self, "SearchPackages",
            domain=domain,
            packages=[synonyms, PackageAssociation("pkg-0a1b2c3d", prerequisites=["F2"])],
        )
        synonyms_path = packages.reference_path(synonyms)

    :param scope: The construct's scope.
    :param id: The construct's ID.
    :param domain: The domain to associate the packages with. Exactly one of ``domain`` and
        ``domain_name`` is required. The association waits for the domain's resources (domain,
        access and log policies) when they are in the same stack. Default: none, use
        ``domain_name``.
    :param domain_name: The name of the domain, for a domain not defined as an ``IDomain``.
        Default: none, use ``domain``.
    :param packages: The packages to associate, in order: package IDs, ``IPackage`` objects
        (``Package`` constructs or ``Package.from_package_id`` references) or
        ``PackageAssociation`` objects; 1 to 20 (the service's per-domain quota), each once.
    :param removal_policy: ``RemovalPolicy.DESTROY`` (default) dissociates the packages when the
        resource is deleted (removed from the stack, replaced, or the stack destroyed).
        ``RemovalPolicy.RETAIN`` leaves them associated (CloudFormation's ``DeletionPolicy`` and
        ``UpdateReplacePolicy`` ``Retain``).
    :param timeout: The longest one create, update or delete may wait for the service. Also the
        custom resource's ``ServiceTimeout``. At most 1 hour, CloudFormation's limit; plugins
        can take tens of minutes (blue/green deployment). Default: 1 hour.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: opensearch.IDomain | None = None,
        domain_name: str | None = None,
        packages: Sequence[str | IPackage | PackageAssociation],
        timeout: Duration | None = None,
        removal_policy: RemovalPolicy | None = None,
    ) -> None:
        if (domain is None) == (domain_name is None):
            given = "both" if domain is not None else "neither"
            raise ValueError(
                f"DomainPackages {id!r}: {given} of domain and domain_name given; pass exactly "
                "one: domain=<an aws_opensearchservice.IDomain> or domain_name='<name>'"
            )
        if isinstance(domain, str):
            raise TypeError(
                f"DomainPackages {id!r}: domain {domain!r} is a string; pass a domain name as "
                f"domain_name={domain!r}, or an aws_opensearchservice.IDomain as domain"
            )
        if domain_name is not None:
            check_domain_name(domain_name)
        normalised = _normalise_packages(id, packages)
        timeout_seconds = check_timeout(f"DomainPackages {id!r}", timeout)
        removal = check_removal_policy(
            f"DomainPackages {id!r}",
            removal_policy,
            "dissociate the packages on delete",
            "leave them associated",
        )

        super().__init__(scope, id)
        self._packages = normalised
        self._timeout = Duration.seconds(timeout_seconds)
        if domain is not None:
            self._domain_name = domain.domain_name
            domain_arn = domain.domain_arn
        else:
            assert domain_name is not None  # checked above; narrows the type
            self._domain_name = domain_name
            domain_arn = Stack.of(self).format_arn(
                service="es", resource="domain", resource_name=domain_name
            )

        handler = DomainPackagesHandler.of(self)
        handler.allow_domain(domain_arn)
        for package in normalised:
            if package.key_access_role is not None:
                handler.allow_pass_role(package.key_access_role)
        self._function: lambda_.IFunction = handler.function

        self._resource = handler.custom_resource(
            self,
            resource_type=RESOURCE_TYPE,
            timeout=self._timeout,
            properties={
                "DomainName": self._domain_name,
                "Packages": [_package_property(p) for p in normalised],
                "TimeoutSeconds": timeout_seconds,
            },
            removal_policy=removal,
            associates=True,
        )
        if domain is not None:
            _depend_on_domain(self._resource, domain)
            _domain_waits_for_plugins(domain, normalised, self)

    @property
    def domain_name(self) -> str:
        """The name of the domain the packages are associated with (may be a token)."""
        return self._domain_name

    @property
    def packages(self) -> tuple[PackageAssociation, ...]:
        """The packages, in declaration order, package-ID strings and ``IPackage`` objects
        turned into ``PackageAssociation`` objects."""
        return self._packages

    @property
    def timeout(self) -> Duration:
        """The longest one lifecycle operation may wait (the custom resource's ServiceTimeout)."""
        return self._timeout

    @property
    def function(self) -> lambda_.IFunction:
        """The handler function, shared by every ``DomainPackages`` in the stack."""
        return self._function

    def reference_path(self, package: str | IPackage) -> str:
        """The package's path on the domain's nodes (a token), e.g. for a TXT-DICTIONARY the
        ``synonyms_path`` to use in index settings.

        :param package: One of the package IDs or ``IPackage`` objects given to this construct.
        :raises ValueError: if ``package`` is not one of them.
        """
        return self._resource.get_att_string(f"ReferencePath.{self._attribute_key(package)}")

    def package_version(self, package: str | IPackage) -> str:
        """The version of the package the domain runs (a token), once the operation is done.

        :param package: One of the package IDs or ``IPackage`` objects given to this construct.
        :raises ValueError: if ``package`` is not one of them.
        """
        return self._resource.get_att_string(f"PackageVersion.{self._attribute_key(package)}")

    def _attribute_key(self, package: str | IPackage) -> str:
        """The package's key in the attribute names: its ID, or for an ``IPackage`` whose ID is
        known only at deploy time its alias, which the handler also keys the attributes by."""
        if not isinstance(package, str | IPackage):
            raise TypeError(
                f"package {package!r} is a {type(package).__name__}; expected a package-ID "
                "string or an IPackage (a Package, or Package.from_package_id)"
            )
        keys = [package_key(p.package_id) for p in self._packages]
        if package_key(package) not in keys:
            labels = ", ".join(package_label(p.package_id) for p in self._packages)
            raise ValueError(
                f"package {package_label(package)} is not among the packages of DomainPackages "
                f"{self.node.path!r}; its packages are: {labels}"
            )
        return attribute_key(package)


def _normalise_packages(
    id: str, packages: Sequence[str | IPackage | PackageAssociation]
) -> tuple[PackageAssociation, ...]:
    if isinstance(packages, IPackage):
        raise TypeError(
            f"DomainPackages {id!r}: packages must be a list, not a single "
            f"{package_label(packages)}; write packages=[<the package>]"
        )
    if isinstance(packages, str | PackageAssociation):
        raise TypeError(
            f"DomainPackages {id!r}: packages must be a list, not a single "
            f"{type(packages).__name__} {packages!r}; write packages=[{packages!r}]"
        )
    normalised: list[PackageAssociation] = []
    for package in packages:
        if isinstance(package, PackageAssociation):
            normalised.append(package)
        elif isinstance(package, str | IPackage):
            normalised.append(PackageAssociation(package))
        else:
            raise TypeError(
                f"DomainPackages {id!r}: package {package!r} is a {type(package).__name__}; "
                "expected a package-ID string, an IPackage or a PackageAssociation"
            )
    if not normalised:
        raise ValueError(
            f"DomainPackages {id!r}: packages is empty; give 1 to {MAX_PACKAGES_PER_DOMAIN} "
            "package IDs or PackageAssociation objects"
        )
    if len(normalised) > MAX_PACKAGES_PER_DOMAIN:
        raise ValueError(
            f"DomainPackages {id!r}: {len(normalised)} packages given; the service allows at "
            f"most {MAX_PACKAGES_PER_DOMAIN} packages per domain"
        )
    seen: set[str] = set()
    for package in normalised:
        key = package_key(package.package_id)
        if key in seen:
            raise ValueError(
                f"DomainPackages {id!r}: package {package_label(package.package_id)} is listed "
                "more than once; list each package once (a PackageAssociation carries all its "
                "options)"
            )
        seen.add(key)
    aliases: dict[str, str] = {}
    for package in normalised:
        ref = package.package_id
        if not isinstance(ref, str) and not is_literal(ref.package_id):
            other = aliases.setdefault(ref.alias, ref.node.path)
            if other != ref.node.path:  # 1 in 4 billion; still, say so
                raise ValueError(
                    f"DomainPackages {id!r}: Packages {other!r} and {ref.node.path!r} have the "
                    f"same alias {ref.alias!r}; rename one of them"
                )
    cycle = find_prerequisite_cycle(
        {package_key(p.package_id): [package_key(r) for r in p.prerequisites] for p in normalised}
    )
    if cycle is not None:
        raise ValueError(
            f"DomainPackages {id!r}: the prerequisites form a cycle: {' -> '.join(cycle)}; "
            "prerequisites must form a hierarchy (e.g. a plugin's config and licence packages "
            "list the plugin, the plugin lists neither)"
        )
    return tuple(normalised)


def _depend_on_domain(resource: CustomResource, domain: opensearch.IDomain) -> None:
    """Make ``resource`` wait for the domain and the resources that belong to it.

    Besides the domain itself, the domain's construct holds resources that change it after
    creation (access policy, log publishing policies); the service rejects package changes while
    the domain is processing, so the association waits for all of them. When the resource already
    references the domain's own CloudFormation resource (``Ref`` in ``DomainName``), an explicit
    ``DependsOn`` on it would be redundant (cfn-lint W3005) and is left out.
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


def _domain_waits_for_plugins(
    domain: opensearch.IDomain, packages: Sequence[PackageAssociation], scope: Construct
) -> None:
    """Make a domain of this stack depend on the ZIP-PLUGIN ``Package``s of this stack that it
    is given (listed, or prerequisites).

    The service wants a plugin's package for a new engine version to exist before the domain
    upgrades to that version (developer guide, custom plugins): a deployment that changes the
    ``Package``'s ``engine_version`` and the domain's version together then replaces the package
    first, and the domain's blue/green moves to it. The handler's domain-scoped permissions are
    in their own policy, on which a ``Package`` does not depend: no cycle. A domain or package
    of another stack gets no dependency (it could make the stacks depend on each other).
    """
    stack = Stack.of(scope)
    domain_resource = domain.node.default_child
    if not (
        isinstance(domain_resource, CfnResource)
        and Stack.of(domain_resource).node.path == stack.node.path
    ):
        return
    refs = [ref for p in packages for ref in (p.package_id, *p.prerequisites)]
    for ref in refs:
        if (
            isinstance(ref, Package)
            and ref.package_type == "ZIP-PLUGIN"
            and Stack.of(ref).node.path == stack.node.path
        ):
            domain_resource.node.add_dependency(ref.resource)


def _package_property(package: PackageAssociation) -> dict[str, Any]:
    """The package's entry in the custom resource's ``Packages`` property (unset keys omitted).

    A ``Package`` also contributes its version, so that a new version changes the property and
    CloudFormation sends an Update; a package referenced by ID has none. A package whose ID is a
    token contributes its alias, which the handler keys the attributes by.
    """
    ref = package.package_id
    entry: dict[str, Any] = {"PackageID": package_id_of(ref)}
    if not isinstance(ref, str):
        if ref.package_version is not None:
            entry["PackageVersion"] = ref.package_version
        if not is_literal(ref.package_id):
            entry["Alias"] = ref.alias
    if package.prerequisites:
        entry["Prerequisites"] = [package_id_of(p) for p in package.prerequisites]
    if package.key_store_access_enabled is not None:
        entry["KeyStoreAccessEnabled"] = package.key_store_access_enabled
    if package.key_access_role is not None:
        entry["KeyAccessRoleArn"] = package.key_access_role.role_arn
    return entry
