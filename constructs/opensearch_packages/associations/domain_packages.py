"""``DomainPackages``: the construct that associates packages with a domain.

The construct itself only wires: ``validation`` checks its arguments, ``properties`` writes the
custom resource's entries, ``dependencies`` orders it against the domain, ``keys`` names its
attributes, ``long_wait`` adds the wait condition of a wait over an hour, and the shared
``core.provider`` serves the ``Custom::OpenSearchDomainPackages`` resource.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import CfnWaitCondition, CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from opensearch_packages.associations.association import PackageAssociation
from opensearch_packages.associations.dependencies import (
    depend_on_domain,
    domain_waits_for_packages,
)
from opensearch_packages.associations.keys import (
    attribute_key,
    package_id_of,
    package_key,
    package_label,
)
from opensearch_packages.associations.long_wait import (
    DOMAIN_PACKAGES_TIMEOUT,
    WAIT_HANDLE_PROPERTY,
    LongWait,
    after_wait,
    is_long,
    service_timeout,
)
from opensearch_packages.associations.properties import package_property
from opensearch_packages.associations.upgrade_check import (
    add_upgrade_check,
    domain_resource_of_stack,
    engine_version_of,
)
from opensearch_packages.associations.upgrades import warn_if_replaced_on_version_change
from opensearch_packages.associations.validation import check_domain, normalise_packages
from opensearch_packages.core.errors import Subject
from opensearch_packages.core.ipackage import IPackage, IPackageByName
from opensearch_packages.core.provider import Provider
from opensearch_packages.core.values import check_removal_policy, check_timeout

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
        access and log policies) when they are in the same stack, and a domain of the same
        stack waits for its plugins' packages. Default: none, use ``domain_name``.
    :param domain_name: The name of the domain, for a domain not defined as an ``IDomain``.
        Default: none, use ``domain``.
    :param packages: The packages to associate, in order: package IDs, ``IPackage`` objects
        (``Package`` constructs or ``Package.from_package_id`` references) or
        ``PackageAssociation`` objects; 1 to 20 (the service's per-domain quota), each once.
    :param removal_policy: ``RemovalPolicy.DESTROY`` (default) dissociates the packages when the
        resource is deleted (removed from the stack, replaced, or the stack destroyed).
        ``RemovalPolicy.RETAIN`` leaves them associated (CloudFormation's ``DeletionPolicy`` and
        ``UpdateReplacePolicy`` ``Retain``).
    :param timeout: The longest one create, update or delete may wait for the service, at most
        12 hours. Up to 1 hour it is the custom resource's ``ServiceTimeout``. Above (plugins
        run a blue/green deployment, which takes hours on a large domain or with the
        capacity-optimized strategy), the custom resource answers once the service accepts the
        change, within an hour, and the stack waits on a ``WaitCondition`` with this
        ``Timeout``, which the handler signals when the packages are ACTIVE or gone
        (``wait_condition``; README, "Long waits: plugins on large domains"). Default: 1 hour.
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
        subject = Subject("DomainPackages", id)
        check_domain(subject, domain, domain_name)
        normalised = normalise_packages(subject, packages)
        timeout_seconds = check_timeout(subject, timeout, DOMAIN_PACKAGES_TIMEOUT)
        removal = check_removal_policy(
            subject, removal_policy, "dissociate the packages on delete", "leave them associated"
        )

        super().__init__(scope, id)
        self._packages = normalised
        self._timeout = Duration.seconds(timeout_seconds)
        self._domain_name, domain_arn = _name_and_arn(self, domain, domain_name)

        provider = Provider.of(self)
        provider.allow_domain(domain_arn)
        for package in normalised:
            if package.key_access_role is not None:
                provider.allow_pass_role(package.key_access_role)
        self._function: lambda_.IFunction = provider.function

        self._upgrade_check: CustomResource | None = None
        entries = [package_property(p) for p in normalised]
        properties: dict[str, Any] = {
            "DomainName": self._domain_name,
            "Packages": entries,
            "TimeoutSeconds": timeout_seconds,
        }
        engine_version = _engine_version_to_follow(self, domain, entries)
        if engine_version is not None:
            # A package by name resolves per engine version: a new version must send this
            # resource an Update, which CloudFormation runs after the domain's upgrade.
            properties["EngineVersion"] = engine_version
        long_wait = None
        if is_long(timeout_seconds):
            long_wait = LongWait(
                self, properties=properties, packages=normalised, timeout_seconds=timeout_seconds
            )
            properties[WAIT_HANDLE_PROPERTY] = long_wait.url
            provider.allow_describe_own_stack()
        self._resource = provider.custom_resource(
            self,
            resource_type=RESOURCE_TYPE,
            timeout=service_timeout(timeout_seconds),
            properties=properties,
            removal_policy=removal,
            associates=True,
        )
        self._wait_condition = None if long_wait is None else long_wait.follow(self._resource)
        if domain is not None:
            depend_on_domain(self._resource, domain)
            domain_waits_for_packages(domain, normalised, self)
            self._upgrade_check = add_upgrade_check(self, domain, normalised)
            warn_if_replaced_on_version_change(self, domain)

    @property
    def domain_name(self) -> str:
        """The name of the domain the packages are associated with (may be a token)."""
        return self._domain_name

    @property
    def upgrade_check(self) -> CustomResource | None:
        """The check that every plugin has a package for the domain's engine version, which
        the domain waits for (README, "Engine upgrades"); None without a ``Domain`` of this
        stack or without plugins."""
        return self._upgrade_check

    @property
    def packages(self) -> tuple[PackageAssociation, ...]:
        """The packages, in declaration order, package-ID strings and ``IPackage`` objects
        turned into ``PackageAssociation`` objects."""
        return self._packages

    @property
    def timeout(self) -> Duration:
        """The longest one lifecycle operation may wait: up to an hour the custom resource's
        ServiceTimeout, above the wait condition's Timeout."""
        return self._timeout

    @property
    def wait_condition(self) -> CfnWaitCondition | None:
        """The ``AWS::CloudFormation::WaitCondition`` the stack waits on when ``timeout`` is over
        an hour (a new one, with a new handle, for each change); None up to an hour. A child of
        this construct, so ``node.add_dependency(packages)`` waits for it too."""
        return self._wait_condition

    @property
    def function(self) -> lambda_.IFunction:
        """The handler function, shared by every ``DomainPackages`` in the stack."""
        return self._function

    def reference_path(self, package: str | IPackage) -> str:
        """The package's path on the domain's nodes (a token), e.g. for a TXT-DICTIONARY the
        ``synonyms_path`` to use in index settings. What uses it waits for the packages (and,
        above an hour, for the ``wait_condition``).

        :param package: One of the package IDs or ``IPackage`` objects given to this construct.
        :raises ValueError: if ``package`` is not one of them.
        """
        return self._attribute(f"ReferencePath.{self._attribute_key(package)}")

    def package_version(self, package: str | IPackage) -> str:
        """The version of the package the domain runs (a token), once the operation is done
        (above an hour: once the ``wait_condition`` is).

        :param package: One of the package IDs or ``IPackage`` objects given to this construct.
        :raises ValueError: if ``package`` is not one of them.
        """
        return self._attribute(f"PackageVersion.{self._attribute_key(package)}")

    def package_id(self, package: str | IPackage) -> str:
        """The ID of the package the domain runs: for a package referenced by name
        (``Package.from_package_name``) the ID the handler resolved against the domain's engine
        version (a token, the ``PackageID.<alias>`` attribute, new after an engine upgrade);
        for any other package its own ID (a string, or the ``Package``'s token), which is known
        before the association and so waits for nothing.

        :param package: One of the package IDs or ``IPackage`` objects given to this construct.
        :raises ValueError: if ``package`` is not one of them.
        """
        key = self._attribute_key(package)
        if isinstance(package, IPackageByName):
            return self._attribute(f"PackageID.{key}")
        return package_id_of(package)

    def _attribute(self, name: str) -> str:
        """The custom resource's attribute ``name`` (a token), made to wait for the wait
        condition too when there is one."""
        return after_wait(self._resource.get_att_string(name), self._wait_condition)

    def _attribute_key(self, package: str | IPackage) -> str:
        """The package's key in the attribute names: its ID, or for an ``IPackage`` whose ID is
        known only at deploy time its alias, which the handler also keys the attributes by."""
        if not isinstance(package, str | IPackage):
            raise TypeError(
                f"package {package!r} is a {type(package).__name__}; expected a package-ID "
                "string or an IPackage (a Package, or Package.from_package_id)"
            )
        if package_key(package) not in [package_key(p.package) for p in self._packages]:
            labels = ", ".join(package_label(p.package) for p in self._packages)
            raise ValueError(
                f"package {package_label(package)} is not among the packages of "
                f"{Subject('DomainPackages', self.node.path)}; its packages are: {labels}"
            )
        return attribute_key(package)


def _engine_version_to_follow(
    scope: Construct, domain: opensearch.IDomain | None, entries: list[dict[str, Any]]
) -> str | None:
    """The domain's declared engine version, when a package is named (its ID depends on the
    version) and the domain is of this stack; None otherwise, so that other templates stay
    as they were."""
    if domain is None or not any("PackageName" in entry for entry in entries):
        return None
    resource = domain_resource_of_stack(scope, domain)
    return None if resource is None else engine_version_of(resource)


def _name_and_arn(
    scope: Construct, domain: opensearch.IDomain | None, domain_name: str | None
) -> tuple[str, str]:
    """The domain's name and ARN, from the ``IDomain`` or the name (exactly one is given)."""
    if domain is not None:
        return domain.domain_name, domain.domain_arn
    assert domain_name is not None  # checked; narrows the type
    arn = Stack.of(scope).format_arn(service="es", resource="domain", resource_name=domain_name)
    return domain_name, arn
