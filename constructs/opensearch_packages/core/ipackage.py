"""``IPackage``: what the associations kind knows of a package, and all it knows.

``DomainPackages`` and ``PackageAssociation`` accept any ``IPackage``: a ``Package`` the stack
makes, or a reference to a package made elsewhere. What they need of it comes through this
protocol (its ID and version for the custom resource's properties, what a domain of the stack
must wait for), so that the associations kind never imports the packages kind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from aws_cdk import CustomResource
from constructs import IConstruct, Node

from opensearch_packages.core.api import PackageType

#: Hex digits of an alias, a hash of the construct path.
_ALIAS_LENGTH = 8


@runtime_checkable
class IPackage(Protocol):
    """An Amazon OpenSearch Service package, as ``DomainPackages`` and ``PackageAssociation``
    accept it: a ``Package`` the stack makes and manages, or a package made elsewhere (by hand,
    by another stack, by Terraform) referenced with ``Package.from_package_id`` or
    ``Package.from_package_attributes``, which the stack never updates or deletes.
    """

    @property
    def node(self) -> Node:
        """The construct's tree node."""
        ...

    @property
    def package_id(self) -> str:
        """The package's ID, e.g. ``F123456789`` (may be a token)."""
        ...

    @property
    def package_name(self) -> str | None:
        """The package's name, if known at synth time or given."""
        ...

    @property
    def package_type(self) -> PackageType | None:
        """``TXT-DICTIONARY``, ``ZIP-PLUGIN``, ``PACKAGE-LICENSE`` or ``PACKAGE-CONFIG``, if
        known."""
        ...

    @property
    def package_version(self) -> str | None:
        """For a ``Package``: its available version (a token), which ``DomainPackages`` makes
        the domain run. ``None`` for a referenced package: its versions are not the stack's."""
        ...

    @property
    def domain_waits_for(self) -> IConstruct | None:
        """What a domain of the same stack that runs the package must depend on, or ``None``:
        a ZIP-PLUGIN ``Package``'s custom resource, since the package for a new engine version
        must exist before the domain upgrades to it (README, "Engine upgrades")."""
        ...


@dataclass(frozen=True)
class NameLookup:
    """How the handler finds a package whose ID no one knows at synth time: by its name and
    owner, against the domain's engine version and Region, when it runs.

    :param name: The package's name, e.g. ``analysis-sudachi`` (may be a token).
    :param owner: ``"AWS"`` for AWS's optional plugins, an account ID, or None (any owner; the
        handler then wants exactly one package of that name).
    """

    name: str
    owner: str | None


@runtime_checkable
class IPackageByName(IPackage, Protocol):
    """An ``IPackage`` known only by name (``Package.from_package_name``): its ID differs per
    engine version and Region and is resolved at deploy time, so ``DomainPackages`` sends the
    name instead of an ID. Its ``package_id`` is a token that fails the synth if used."""

    @property
    def lookup(self) -> NameLookup:
        """The name and owner the handler looks the package up by."""
        ...


@runtime_checkable
class IManagedPackage(IPackage, Protocol):
    """An ``IPackage`` the stack makes and manages (a ``Package``), seen through its custom
    resource: whose properties change with each change of the package (new file content, new
    options), which a ``DomainPackages`` that waits longer than an hour hashes into the IDs of
    its wait condition (``associations/long_wait.py``). A reference has no resource."""

    @property
    def resource(self) -> CustomResource:
        """The package's ``Custom::OpenSearchPackage`` custom resource."""
        ...


class _InTheTree(Protocol):
    @property
    def node(self) -> Node: ...


def alias_of(package: _InTheTree) -> str:
    """A short name for a package fixed at synth time, a hash of its construct path:
    ``DomainPackages`` keys its attributes by it (``ReferencePath.<alias>``) when the ID is a
    token, and sends it to the handler, which keys them alike."""
    return hashlib.sha256(package.node.path.encode()).hexdigest()[:_ALIAS_LENGTH]
