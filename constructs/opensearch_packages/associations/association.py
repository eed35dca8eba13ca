"""``PackageAssociation``: one package to associate, with its association options.

A public, immutable value. Its ``package`` may be an ID or an ``IPackage``; the field was
called ``package_id``, a name that hid the second case, and still answers to it (deprecated).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_iam as iam

from opensearch_packages.associations.keys import PackageRef, package_key, package_label
from opensearch_packages.core.ipackage import IPackage, IPackageByName
from opensearch_packages.core.naming import check_package_id


@dataclass(frozen=True, init=False)
class PackageAssociation:
    """A package to associate with a domain, with its association options.

    Immutable. A plain package-ID string or an ``IPackage`` given to ``DomainPackages`` is the
    same as ``PackageAssociation(package)``.

    Example::

        PackageAssociation("F111111111")  # a TXT-DICTIONARY, say
        PackageAssociation(
            "pkg-0a1b2c3d",  # a third-party plugin's PACKAGE-CONFIG
            prerequisites=["pkg-99ff0011"],  # the plugin it configures
            key_store_access_enabled=True,
            key_access_role=role,
        )
        PackageAssociation(config, prerequisites=[plugin])  # Package constructs
        PackageAssociation(Package.from_package_id(self, "Plugin", "F222222222"))

    :param package: The package: its ID, ``F…`` (custom package), ``G…`` (AWS-provided
        package) or ``pkg-…``, as ``aws opensearch describe-packages`` shows it; a ``Package``
        construct, whose new versions the domain then applies; or a package referenced with
        ``Package.from_package_id``, which the stack never updates or deletes; or a package
        referenced by name with ``Package.from_package_name``, whose ID the handler resolves at
        deploy time (it may then have no prerequisites).
    :param prerequisites: Packages this one requires (IDs or ``IPackage`` objects, not packages
        referenced by name, whose IDs are unknown at synth time; for a
        PACKAGE-CONFIG or PACKAGE-LICENSE package: the plugin it belongs to). They are associated
        in the same call, so list them in the same ``DomainPackages`` unless they are already
        associated. Default: no prerequisites.
    :param key_store_access_enabled: Whether the package may read the domain's key store
        (``AssociationConfiguration.KeyStoreAccessOption.KeyStoreAccessEnabled``).
        Default: not set, the service's default applies (no key store access).
    :param key_access_role: The IAM role the service assumes to access the key store
        (``KeyAccessRoleArn``); requires ``key_store_access_enabled=True``. The handler is
        granted ``iam:PassRole`` on exactly this role. Default: no role.
    :param package_id: Deprecated: the former name of ``package``.
    """

    package: PackageRef
    prerequisites: tuple[PackageRef, ...]
    key_store_access_enabled: bool | None
    key_access_role: iam.IRole | None

    def __init__(
        self,
        package: PackageRef | None = None,
        prerequisites: Sequence[PackageRef] = (),
        key_store_access_enabled: bool | None = None,
        key_access_role: iam.IRole | None = None,
        *,
        package_id: PackageRef | None = None,
    ) -> None:
        if package_id is not None:
            if package is not None:
                raise TypeError("give package, or package_id (its deprecated name), not both")
            warnings.warn(
                "PackageAssociation(package_id=...) is deprecated: write "
                "PackageAssociation(package=...) or pass the package first",
                DeprecationWarning,
                stacklevel=2,
            )
            package = package_id
        if package is None:
            raise TypeError("PackageAssociation needs a package: an ID or an IPackage")
        checked = _check_prerequisites(package, prerequisites)
        _check_key_store(package, key_store_access_enabled, key_access_role)
        object.__setattr__(self, "package", package)
        object.__setattr__(self, "prerequisites", checked)
        object.__setattr__(self, "key_store_access_enabled", key_store_access_enabled)
        object.__setattr__(self, "key_access_role", key_access_role)

    @property
    def package_id(self) -> PackageRef:
        """Deprecated: ``package``, the ID or ``IPackage`` given (not always an ID)."""
        warnings.warn(
            "PackageAssociation.package_id is deprecated: it may hold a package, not an ID; "
            "read PackageAssociation.package",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.package


def _check_prerequisites(
    package: object, prerequisites: Sequence[PackageRef]
) -> tuple[PackageRef, ...]:
    if not isinstance(package, IPackage):
        check_package_id(package)
    assert isinstance(package, str | IPackage)  # checked; narrows the type
    label = package_label(package)
    if isinstance(prerequisites, str):
        raise TypeError(
            f"prerequisites of package {label} is the string {prerequisites!r}; "
            f"expected a list of package IDs, e.g. [{prerequisites!r}]"
        )
    if isinstance(prerequisites, IPackage):
        raise TypeError(
            f"prerequisites of package {label} is a single "
            f"{package_label(prerequisites)}; expected a list, e.g. [plugin]"
        )
    checked = tuple(prerequisites)
    if checked and isinstance(package, IPackageByName):
        raise ValueError(
            f"package {label} is referenced by name and cannot have prerequisites: its entry "
            "carries a name, not an ID, and prerequisites of packages by name are not supported; "
            "reference it with Package.from_package_id to give it prerequisites"
        )
    seen: set[str] = set()
    for prerequisite in checked:
        if isinstance(prerequisite, IPackageByName):
            raise ValueError(
                f"prerequisite {package_label(prerequisite)} of package {label} is referenced "
                "by name: prerequisites are package IDs, and the ID of a package by name is "
                "known only at deploy time, per domain; reference the prerequisite with "
                "Package.from_package_id (or a Package)"
            )
        if not isinstance(prerequisite, IPackage):
            check_package_id(prerequisite, f"prerequisite of package {label}")
        key = package_key(prerequisite)
        if key in seen:
            raise ValueError(
                f"prerequisite {package_label(prerequisite)} is listed twice for package "
                f"{label}; list each prerequisite once"
            )
        seen.add(key)
    return checked


def _check_key_store(package: PackageRef, enabled: object, role: object) -> None:
    label = package_label(package)
    if enabled is not None and not isinstance(enabled, bool):
        raise TypeError(
            f"key_store_access_enabled of package {label} is {enabled!r}; expected True, False "
            "or None"
        )
    if role is not None and enabled is not True:
        raise ValueError(
            f"package {label} has a key_access_role but key_store_access_enabled is "
            f"{enabled!r}: a key access role is only used with key store access, so set "
            "key_store_access_enabled=True or drop key_access_role"
        )
