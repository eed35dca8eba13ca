"""The checks of a ``DomainPackages``'s arguments, run before any construct is made: exactly
one domain, and a list of packages the service would take (1 to 20, each once, prerequisites
without cycles), normalised to ``PackageAssociation``s. Each message names the construct
(``core.errors.Subject``)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_opensearchservice as opensearch

from opensearch_packages.associations.association import PackageAssociation
from opensearch_packages.associations.cycles import find_prerequisite_cycle
from opensearch_packages.associations.keys import package_key, package_label
from opensearch_packages.core.errors import Subject
from opensearch_packages.core.ipackage import IPackage, alias_of
from opensearch_packages.core.naming import check_domain_name
from opensearch_packages.core.values import is_literal

#: Service quota: packages associated with one domain.
MAX_PACKAGES_PER_DOMAIN = 20


def check_domain(
    subject: Subject, domain: opensearch.IDomain | None, domain_name: str | None
) -> None:
    """Exactly one of ``domain`` (an ``IDomain``) and ``domain_name`` (a valid name)."""
    if (domain is None) == (domain_name is None):
        given = "both" if domain is not None else "neither"
        raise subject.invalid(
            f"{given} of domain and domain_name given; pass exactly one: "
            "domain=<an aws_opensearchservice.IDomain> or domain_name='<name>'"
        )
    if isinstance(domain, str):
        raise TypeError(
            f"{subject}: domain {domain!r} is a string; pass a domain name as "
            f"domain_name={domain!r}, or an aws_opensearchservice.IDomain as domain"
        )
    if domain_name is not None:
        check_domain_name(domain_name)


def normalise_packages(
    subject: Subject, packages: Sequence[str | IPackage | PackageAssociation]
) -> tuple[PackageAssociation, ...]:
    """The packages as ``PackageAssociation``s, in order; raise if the service would refuse
    the list."""
    if isinstance(packages, str | PackageAssociation):
        raise TypeError(
            f"{subject}: packages must be a list, not a single {type(packages).__name__} "
            f"{packages!r}; write packages=[{packages!r}]"
        )
    if isinstance(packages, IPackage):
        raise TypeError(
            f"{subject}: packages must be a list, not a single {package_label(packages)}; "
            "write packages=[<the package>]"
        )
    normalised: list[PackageAssociation] = []
    for package in packages:
        if isinstance(package, PackageAssociation):
            normalised.append(package)
        elif isinstance(package, str | IPackage):
            normalised.append(PackageAssociation(package))
        else:
            raise subject.wrong_type(
                "package", package, "a package-ID string, an IPackage or a PackageAssociation"
            )
    _check_count(subject, normalised)
    _check_each_once(subject, normalised)
    _check_cycles(subject, normalised)
    return tuple(normalised)


def _check_count(subject: Subject, packages: list[PackageAssociation]) -> None:
    if not packages:
        raise subject.invalid(
            f"packages is empty; give 1 to {MAX_PACKAGES_PER_DOMAIN} package IDs or "
            "PackageAssociation objects"
        )
    if len(packages) > MAX_PACKAGES_PER_DOMAIN:
        raise subject.invalid(
            f"{len(packages)} packages given; the service allows at most "
            f"{MAX_PACKAGES_PER_DOMAIN} packages per domain"
        )


def _check_each_once(subject: Subject, packages: list[PackageAssociation]) -> None:
    """Each package once; packages whose IDs are tokens keyed by distinct aliases."""
    seen: set[str] = set()
    for association in packages:
        key = package_key(association.package)
        if key in seen:
            raise subject.invalid(
                f"package {package_label(association.package)} is listed more than once; list "
                "each package once (a PackageAssociation carries all its options)"
            )
        seen.add(key)
    aliases: dict[str, str] = {}
    for association in packages:
        ref = association.package
        if not isinstance(ref, str) and not is_literal(ref.package_id):
            alias = alias_of(ref)
            other = aliases.setdefault(alias, ref.node.path)
            if other != ref.node.path:  # 1 in 4 billion; still, say so
                raise subject.invalid(
                    f"Packages {other!r} and {ref.node.path!r} have the same alias {alias!r}; "
                    "rename one of them"
                )


def _check_cycles(subject: Subject, packages: list[PackageAssociation]) -> None:
    cycle = find_prerequisite_cycle(
        {package_key(p.package): [package_key(r) for r in p.prerequisites] for p in packages}
    )
    if cycle is not None:
        raise subject.invalid(
            f"the prerequisites form a cycle: {' -> '.join(cycle)}; prerequisites must form a "
            "hierarchy (e.g. a plugin's config and licence packages list the plugin, the plugin "
            "lists neither)"
        )
