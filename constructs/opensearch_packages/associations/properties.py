"""The ``Packages`` entries of the ``Custom::OpenSearchDomainPackages`` resource: the handler's
wire format (``lambda/domain_packages_handler/associations/spec.py``), unset keys omitted."""

from __future__ import annotations

from typing import Any

from opensearch_packages.associations.association import PackageAssociation
from opensearch_packages.associations.keys import package_id_of
from opensearch_packages.core.ipackage import IPackageByName, alias_of
from opensearch_packages.core.values import is_literal


def package_property(association: PackageAssociation) -> dict[str, Any]:
    """The package's entry in the custom resource's ``Packages`` property.

    A ``Package`` also contributes its version, so that a new version changes the property and
    CloudFormation sends an Update; a package referenced by ID has none. A package whose ID is a
    token contributes its alias, which the handler keys the attributes by. A package by name
    (``Package.from_package_name``) has no ID: its entry is ``PackageName``, ``PackageOwner``
    when given, and its alias; the handler resolves the ID against the domain's engine version.
    """
    ref = association.package
    entry: dict[str, Any]
    if isinstance(ref, IPackageByName):
        entry = {"PackageName": ref.lookup.name}
        if ref.lookup.owner is not None:
            entry["PackageOwner"] = ref.lookup.owner
        entry["Alias"] = alias_of(ref)
    else:
        entry = {"PackageID": package_id_of(ref)}
    if not isinstance(ref, str | IPackageByName):
        if ref.package_version is not None:
            entry["PackageVersion"] = ref.package_version
        if not is_literal(ref.package_id):
            entry["Alias"] = alias_of(ref)
    if association.prerequisites:
        entry["Prerequisites"] = [package_id_of(p) for p in association.prerequisites]
    if association.key_store_access_enabled is not None:
        entry["KeyStoreAccessEnabled"] = association.key_store_access_enabled
    if association.key_access_role is not None:
        entry["KeyAccessRoleArn"] = association.key_access_role.role_arn
    return entry
