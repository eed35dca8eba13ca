"""``IPackage``: what ``DomainPackages`` and ``PackageAssociation`` accept as a package, and how
they key it at synth time."""

from __future__ import annotations

import hashlib
from typing import Protocol, runtime_checkable

from constructs import Node

from opensearch_packages._validation import is_literal

#: Hex digits of the alias, a hash of the construct path.
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
    def package_type(self) -> str | None:
        """``TXT-DICTIONARY``, ``ZIP-PLUGIN``, ``PACKAGE-LICENSE`` or ``PACKAGE-CONFIG``, if
        known."""
        ...

    @property
    def package_version(self) -> str | None:
        """For a ``Package``: its available version (a token), which ``DomainPackages`` makes
        the domain run. ``None`` for a referenced package: its versions are not the stack's."""
        ...

    @property
    def alias(self) -> str:
        """A short name fixed at synth time (a hash of the construct path) that
        ``DomainPackages`` uses in its attribute names when the ID is a token."""
        ...


def alias_of(path: str) -> str:
    """The alias of the package construct at ``path``."""
    return hashlib.sha256(path.encode()).hexdigest()[:_ALIAS_LENGTH]


def package_key(package: str | IPackage) -> str:
    """The package's identity at synth time: its ID when known, else its construct's path."""
    if isinstance(package, str):
        return package
    if is_literal(package.package_id):
        return package.package_id
    return f"Package {package.node.path}"


def package_label(package: str | IPackage) -> str:
    """How error messages name the package: its ID, its construct's path, or both."""
    if isinstance(package, str):
        return repr(package)
    label = f"Package {package.node.path!r}"
    if is_literal(package.package_id):
        label += f" ({package.package_id})"
    return label


def package_id_of(package: str | IPackage) -> str:
    """The package ID (a token for a ``Package``)."""
    return package if isinstance(package, str) else package.package_id


def attribute_key(package: str | IPackage) -> str:
    """The package's key in ``DomainPackages`` attribute names (``ReferencePath.<key>``): its
    ID when known at synth time, else its alias, which the handler then keys the attributes by."""
    package_id = package_id_of(package)
    if isinstance(package, str) or is_literal(package_id):
        return package_id
    return package.alias
