"""``PackageAssociation``: one package to associate, with its association options."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_iam as iam

from opensearch_packages._ipackage import IPackage, package_key, package_label
from opensearch_packages._validation import check_package_id

#: A package as ``DomainPackages`` accepts it: its ID, a ``Package`` construct that makes it, or
#: a reference to a package made elsewhere (``Package.from_package_id``).
PackageRef = str | IPackage


@dataclass(frozen=True)
class PackageAssociation:
    """A package to associate with a domain, with its association options.

    Immutable. A plain package-ID string or an ``IPackage`` given to ``DomainPackages`` is the
    same as ``PackageAssociation(package_id)``.

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

    :param package_id: The package: its ID, ``F…`` (custom package), ``G…`` (AWS-provided
        package) or ``pkg-…``, as ``aws opensearch describe-packages`` shows it; a ``Package``
        construct, whose new versions the domain then applies; or a package referenced with
        ``Package.from_package_id``, which the stack never updates or deletes.
    :param prerequisites: Packages this one requires (IDs or ``IPackage`` objects; for a
        PACKAGE-CONFIG or PACKAGE-LICENSE package: the plugin it belongs to). They are associated
        in the same call, so list them in the same ``DomainPackages`` unless they are already
        associated. Default: no prerequisites.
    :param key_store_access_enabled: Whether the package may read the domain's key store
        (``AssociationConfiguration.KeyStoreAccessOption.KeyStoreAccessEnabled``).
        Default: not set, the service's default applies (no key store access).
    :param key_access_role: The IAM role the service assumes to access the key store
        (``KeyAccessRoleArn``); requires ``key_store_access_enabled=True``. The handler is
        granted ``iam:PassRole`` on exactly this role. Default: no role.
    """

    package_id: PackageRef
    prerequisites: Sequence[PackageRef] = ()
    key_store_access_enabled: bool | None = None
    key_access_role: iam.IRole | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.package_id, IPackage):
            check_package_id(self.package_id)
        label = package_label(self.package_id)
        if isinstance(self.prerequisites, str):
            raise TypeError(
                f"prerequisites of package {label} is the string {self.prerequisites!r}; "
                f"expected a list of package IDs, e.g. [{self.prerequisites!r}]"
            )
        if isinstance(self.prerequisites, IPackage):
            raise TypeError(
                f"prerequisites of package {label} is a single "
                f"{package_label(self.prerequisites)}; expected a list, e.g. [plugin]"
            )
        prerequisites = tuple(self.prerequisites)
        seen: set[str] = set()
        for prerequisite in prerequisites:
            if not isinstance(prerequisite, IPackage):
                check_package_id(prerequisite, f"prerequisite of package {label}")
            key = package_key(prerequisite)
            if key in seen:
                raise ValueError(
                    f"prerequisite {package_label(prerequisite)} is listed twice for package "
                    f"{label}; list each prerequisite once"
                )
            seen.add(key)
        object.__setattr__(self, "prerequisites", prerequisites)
        if self.key_store_access_enabled is not None and not isinstance(
            self.key_store_access_enabled, bool
        ):
            raise TypeError(
                f"key_store_access_enabled of package {label} is "
                f"{self.key_store_access_enabled!r}; expected True, False or None"
            )
        if self.key_access_role is not None and self.key_store_access_enabled is not True:
            raise ValueError(
                f"package {label} has a key_access_role but key_store_access_enabled "
                f"is {self.key_store_access_enabled!r}: a key access role is only used with key "
                "store access, so set key_store_access_enabled=True or drop key_access_role"
            )
