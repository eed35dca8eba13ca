"""How a package in a ``DomainPackages`` is identified, named and keyed at synth time, when its
ID may be a token known only at deploy time."""

from __future__ import annotations

from opensearch_packages.core.errors import Subject
from opensearch_packages.core.ipackage import IPackage, IPackageByName, alias_of
from opensearch_packages.core.values import is_literal

#: A package as ``DomainPackages`` accepts it: its ID, or an ``IPackage`` (a ``Package`` the
#: stack makes, or a reference to a package made elsewhere).
PackageRef = str | IPackage


def package_key(package: PackageRef) -> str:
    """The package's identity at synth time: its ID when known, else its construct's path."""
    if isinstance(package, str):
        return package
    if is_literal(package.package_id):
        return package.package_id
    return f"Package {package.node.path}"


def package_label(package: PackageRef) -> str:
    """How error messages name the package: its ID, its construct's path, or both."""
    if isinstance(package, str):
        return repr(package)
    label = str(Subject("Package", package.node.path))
    if isinstance(package, IPackageByName):
        label += f" (by name {package.lookup.name!r})"
    elif is_literal(package.package_id):
        label += f" ({package.package_id})"
    return label


def package_id_of(package: PackageRef) -> str:
    """The package ID (a token for a ``Package``; for a package by name, a token that fails
    the synth if it reaches the template)."""
    return package if isinstance(package, str) else package.package_id


def attribute_key(package: PackageRef) -> str:
    """The package's key in ``DomainPackages`` attribute names (``ReferencePath.<key>``): its
    ID when known at synth time, else its alias, which the handler then keys the attributes by
    (always the alias for a package by name, whose ID is a token)."""
    package_id = package_id_of(package)
    if isinstance(package, str) or is_literal(package_id):
        return package_id
    return alias_of(package)
