"""A package made elsewhere, referenced by its ID: ``Package.from_package_id`` and
``Package.from_package_attributes`` (defined here, as ``reference_by_id`` and
``reference_by_attributes``) return one."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from opensearch_packages.core.api import PackageType
from opensearch_packages.core.errors import Subject
from opensearch_packages.core.ipackage import IPackage
from opensearch_packages.core.naming import check_package_id, check_package_name
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
