"""A package made elsewhere, referenced by its ID: ``Package.from_package_id`` and
``Package.from_package_attributes`` return one."""

from __future__ import annotations

from constructs import Construct

from opensearch_packages._ipackage import alias_of
from opensearch_packages._validation import (
    check_package_id,
    check_package_name,
    check_package_type,
)


class ReferencedPackage(Construct):
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
        self, scope: Construct, id: str, package_id: str, name: str | None, type_: str | None
    ) -> None:
        owner = f"Package {id!r}"
        check_package_id(package_id, f"{owner}: package_id")
        if name is not None:
            check_package_name(name)
        if type_ is not None:
            check_package_type(owner, type_)
        super().__init__(scope, id)
        self._package_id = package_id
        self._package_name = name
        self._package_type = type_
        self._alias = alias_of(self.node.path)

    @property
    def package_id(self) -> str:
        """The package's ID, as given (may be a token)."""
        return self._package_id

    @property
    def package_name(self) -> str | None:
        """The package's name, if given."""
        return self._package_name

    @property
    def package_type(self) -> str | None:
        """The package's type, if given."""
        return self._package_type

    @property
    def package_version(self) -> None:
        """None: the package's versions are not the stack's to apply."""
        return None

    @property
    def alias(self) -> str:
        """A hash of the construct path: the attribute key when the ID is a token."""
        return self._alias
