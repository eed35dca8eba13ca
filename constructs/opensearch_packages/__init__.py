"""AWS CDK constructs for Amazon OpenSearch Service packages.

``Package`` makes a package (a synonym dictionary, a plugin, its licence or config) from a file
in the repository or in S3, and keeps it up to date: new content, new package version.
A ``PackageConfiguration`` describes what a plugin package needs (licence, configuration).
``Package.from_package_id`` references a package made elsewhere (an ``IPackage``, as is a
``Package``): the stack associates it but never updates or deletes it.

``DomainPackages`` associates a list of packages with a domain in one batch, waits until every
package is ACTIVE (on the latest version of a ``Package``), applies changes on stack updates and
dissociates them on delete, failing with the service's own error reasons.

The watch tool, ``opensearch-packages-watch DOMAIN`` (also ``python -m opensearch_packages watch
DOMAIN``), is the package ``opensearch_packages_watch`` beside this one.

The constructs are imported on first use: ``python -m opensearch_packages`` runs this module
first, and the command needs neither aws-cdk-lib nor the Node.js runtime jsii starts with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opensearch_packages._association import PackageAssociation
    from opensearch_packages._domain_packages import DomainPackages
    from opensearch_packages._ipackage import IPackage
    from opensearch_packages._options import (
        REQUIREMENT_LEVELS,
        PackageConfiguration,
        RequirementLevel,
    )
    from opensearch_packages._package import Package

__all__ = [
    "REQUIREMENT_LEVELS",
    "DomainPackages",
    "IPackage",
    "Package",
    "PackageAssociation",
    "PackageConfiguration",
    "RequirementLevel",
]

_MODULES = {
    "DomainPackages": "opensearch_packages._domain_packages",
    "IPackage": "opensearch_packages._ipackage",
    "Package": "opensearch_packages._package",
    "PackageAssociation": "opensearch_packages._association",
    "PackageConfiguration": "opensearch_packages._options",
    "RequirementLevel": "opensearch_packages._options",
    "REQUIREMENT_LEVELS": "opensearch_packages._options",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
