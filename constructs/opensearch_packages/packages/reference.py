"""A package made elsewhere, referenced by its ID (``Package.from_package_id`` and
``Package.from_package_attributes``) or by its name (``Package.from_package_name``), defined
here as ``reference_by_id``, ``reference_by_attributes`` and ``reference_by_name``."""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import IResolveContext, IStringProducer, Lazy
from constructs import Construct

from opensearch_packages.core.api import PackageType
from opensearch_packages.core.errors import Subject
from opensearch_packages.core.ipackage import IPackage, NameLookup
from opensearch_packages.core.naming import (
    check_package_id,
    check_package_name,
    check_package_owner,
)
from opensearch_packages.core.values import check_package_type
from opensearch_packages.packages.base import PackageBase


class ReferencedPackage(PackageBase):
    """An existing package (made by hand, by another stack, by Terraform) that the stack uses
    but does not own: it creates no resource and no permission, so CloudFormation never updates
    or deletes the package. ``DomainPackages`` associates it like a package-ID string.

    :param scope: The construct's scope.
    :param id: The construct's ID.
    :param package_id: The package's ID, ``F…``, ``G…`` or ``pkg-…`` (checked unless a token).
    :param name: Its name, for reference only, or None.
    :param type_: Its type, for reference only, or None.
    """

    def __init__(
        self, scope: Construct, id: str, package_id: str, name: str | None, type_: object
    ) -> None:
        subject = Subject("Package", id)
        check_package_id(package_id, f"{subject}: package_id")
        if name is not None:
            check_package_name(name)
        checked_type = None if type_ is None else check_package_type(subject, type_)
        super().__init__(scope, id)
        self._package_id = package_id
        self._package_name = name
        self._package_type = checked_type

    @property
    def package_id(self) -> str:
        """The package's ID, as given (may be a token)."""
        return self._package_id

    @property
    def package_name(self) -> str | None:
        """The package's name, if given."""
        return self._package_name

    @property
    def package_type(self) -> PackageType | None:
        """The package's type, if given."""
        return self._package_type


def reference_by_id(_cls: Any, scope: Construct, id: str, package_id: str) -> IPackage:
    """Reference an existing package (made by hand, by another stack, by Terraform) by its ID,
    ``F…``, ``G…`` or ``pkg-…`` (checked unless a token). The stack never updates or deletes it:
    no resource, no package-management permission. (``Package.from_package_id``.)"""
    return ReferencedPackage(scope, id, package_id, None, None)


def reference_by_attributes(
    _cls: Any,
    scope: Construct,
    id: str,
    *,
    package_id: str,
    package_name: str | None = None,
    package_type: PackageType | None = None,
) -> IPackage:
    """Like ``from_package_id``, also recording the package's name and type (checked when
    given; for reference only, nothing is looked up). Default: both unknown (``None``).
    (``Package.from_package_attributes``.)"""
    return ReferencedPackage(scope, id, package_id, package_name, package_type)


class NamedPackage(PackageBase):
    """An existing package known by name, not ID: one of AWS's optional plugins (one package per
    engine version and Region, so no ID is known at synth time) or a package of the user's made
    elsewhere. ``DomainPackages`` sends its name and owner; the handler resolves the ID against
    the domain's engine version when it runs. Like a reference by ID, it creates no resource and
    no permission, and the stack never updates or deletes the package.

    :param scope: The construct's scope.
    :param id: The construct's ID.
    :param name: The package's name (checked unless a token).
    :param owner: ``"AWS"``, a 12-digit account ID, or None (checked unless a token).
    """

    def __init__(self, scope: Construct, id: str, name: str, owner: str | None) -> None:
        check_package_name(name)
        check_package_owner(owner)
        super().__init__(scope, id)
        self._lookup = NameLookup(name=name, owner=owner)
        # Uncached: a cached Lazy reaches the producer without its context through jsii.
        unknown = _ResolvedPerDomain(Subject("Package", self.node.path))
        self._package_id = Lazy.uncached_string(unknown)

    @property
    def lookup(self) -> NameLookup:
        """The name and owner the handler looks the package up by."""
        return self._lookup

    @property
    def package_id(self) -> str:
        """A token that fails the synth if it reaches the template: the ID depends on the
        domain's engine version, so read ``DomainPackages.package_id(package)`` instead."""
        return self._package_id

    @property
    def package_name(self) -> str:
        """The package's name, as given."""
        return self._lookup.name

    @property
    def package_owner(self) -> str | None:
        """``"AWS"``, the account ID given, or None."""
        return self._lookup.owner

    @property
    def package_type(self) -> PackageType | None:
        """None: not given, and nothing is looked up at synth time."""
        return None


@jsii.implements(IStringProducer)
class _ResolvedPerDomain:
    """A ``NamedPackage``'s ``package_id``: no value to give, one per domain at deploy time."""

    def __init__(self, subject: Subject) -> None:
        self._subject = subject

    def produce(self, context: IResolveContext) -> str | None:
        raise self._subject.invalid(
            "a package referenced by name has no ID at synth time (it is resolved per domain, "
            "against the domain's engine version, at deploy time); read "
            "DomainPackages.package_id(package) for the ID a domain runs"
        )


def reference_by_name(
    _cls: Any, scope: Construct, id: str, package_name: str, *, owner: str | None = None
) -> IPackage:
    """Reference an existing package by its name (checked unless a token): one of AWS's
    optional plugins (``owner="AWS"``, e.g. ``analysis-sudachi``, ``analysis-nori``), or a
    package made by another stack or by hand (``owner`` its account ID, or None). Its ID is
    resolved when ``DomainPackages`` runs, against the domain's engine version and Region, so
    the same code works in every Region and across engine upgrades. The stack never updates or
    deletes it: no resource, no package-management permission. It may not be a prerequisite
    (prerequisites are IDs). (``Package.from_package_name``.)"""
    return NamedPackage(scope, id, package_name, owner)
