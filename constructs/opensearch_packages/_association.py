"""``PackageAssociation``: one package to associate, with its association options."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_iam as iam

from opensearch_packages._validation import check_package_id


@dataclass(frozen=True)
class PackageAssociation:
    """A package to associate with a domain, with its association options.

    Immutable. A plain package-ID string given to ``DomainPackages`` is the same as
    ``PackageAssociation(package_id)``.

    Example::

        PackageAssociation("F111111111")  # a TXT-DICTIONARY, say
        PackageAssociation(
            "pkg-0a1b2c3d",  # a third-party plugin's PACKAGE-CONFIG
            prerequisites=["pkg-99ff0011"],  # the plugin it configures
            key_store_access_enabled=True,
            key_access_role=role,
        )

    :param package_id: The package's ID: ``F…`` (custom package), ``G…`` (AWS-provided package)
        or ``pkg-…``, as ``aws opensearch describe-packages`` shows it.
    :param prerequisites: IDs of packages this one requires (for a PACKAGE-CONFIG or
        PACKAGE-LICENSE package: the plugin it belongs to). They are associated in the same call,
        so list them in the same ``DomainPackages`` unless they are already associated.
        Default: no prerequisites.
    :param key_store_access_enabled: Whether the package may read the domain's key store
        (``AssociationConfiguration.KeyStoreAccessOption.KeyStoreAccessEnabled``).
        Default: not set, the service's default applies (no key store access).
    :param key_access_role: The IAM role the service assumes to access the key store
        (``KeyAccessRoleArn``); requires ``key_store_access_enabled=True``. The handler is
        granted ``iam:PassRole`` on exactly this role. Default: no role.
    """

    package_id: str
    prerequisites: Sequence[str] = ()
    key_store_access_enabled: bool | None = None
    key_access_role: iam.IRole | None = None

    def __post_init__(self) -> None:
        check_package_id(self.package_id)
        if isinstance(self.prerequisites, str):
            raise TypeError(
                f"prerequisites of package {self.package_id!r} is the string "
                f"{self.prerequisites!r}; expected a list of package IDs, e.g. "
                f"[{self.prerequisites!r}]"
            )
        prerequisites = tuple(self.prerequisites)
        seen: set[str] = set()
        for prerequisite in prerequisites:
            check_package_id(prerequisite, f"prerequisite of package {self.package_id!r}")
            if prerequisite in seen:
                raise ValueError(
                    f"prerequisite {prerequisite!r} is listed twice for package "
                    f"{self.package_id!r}; list each prerequisite once"
                )
            seen.add(prerequisite)
        object.__setattr__(self, "prerequisites", prerequisites)
        if self.key_store_access_enabled is not None and not isinstance(
            self.key_store_access_enabled, bool
        ):
            raise TypeError(
                f"key_store_access_enabled of package {self.package_id!r} is "
                f"{self.key_store_access_enabled!r}; expected True, False or None"
            )
        if self.key_access_role is not None and self.key_store_access_enabled is not True:
            raise ValueError(
                f"package {self.package_id!r} has a key_access_role but key_store_access_enabled "
                f"is {self.key_store_access_enabled!r}: a key access role is only used with key "
                "store access, so set key_store_access_enabled=True or drop key_access_role"
            )
