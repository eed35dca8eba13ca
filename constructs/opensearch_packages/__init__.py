"""AWS CDK constructs for Amazon OpenSearch Service packages.

``Package`` makes a package (a synonym dictionary, a plugin, its licence or config) from a file
in the repository or in S3, and keeps it up to date: new content, new package version.
A ``PackageConfiguration`` describes what a plugin package needs (licence, configuration).
``Package.from_package_id`` references a package made elsewhere (an ``IPackage``, as is a
``Package``): the stack associates it but never updates or deletes it.
``Package.from_package_name`` references one by name (AWS's optional plugins, one package per
engine version): ``DomainPackages`` resolves its ID against the domain's engine version.

``DomainPackages`` associates a list of packages with a domain in one batch, waits until every
package is ACTIVE (on the latest version of a ``Package``), applies changes on stack updates and
dissociates them on delete, failing with the service's own error reasons.

The public API is what ``__all__`` lists; the subpackages are the library's inside, laid out as
the handler is (README, "Repository layout"): ``core`` shared by the two kinds, ``packages`` and
``associations``, which never import each other.

The watch tool, ``opensearch-packages-watch DOMAIN``, is the package ``opensearch_packages_watch``
beside this one. Its older spelling, ``python -m opensearch_packages watch DOMAIN``, imports this
module first: while Python looks for ``__main__`` (``sys.argv[0]`` is ``"-m"`` then, as the
``-m`` documentation says), the constructs are left unloaded, so that the command starts
neither aws-cdk-lib nor Node.js. Every other import loads them here, eagerly.
"""

from __future__ import annotations

import sys

__all__ = [
    "PACKAGE_TYPES",
    "REQUIREMENT_LEVELS",
    "DomainPackages",
    "IPackage",
    "Package",
    "PackageAssociation",
    "PackageConfiguration",
    "PackageType",
    "RequirementLevel",
]

# Not while `python -m opensearch_packages` looks for its __main__ (an embedded interpreter
# may have no sys.argv at all).
if getattr(sys, "argv", [])[:1] != ["-m"]:
    from opensearch_packages.associations.association import PackageAssociation
    from opensearch_packages.associations.domain_packages import DomainPackages
    from opensearch_packages.core.api import PACKAGE_TYPES, PackageType
    from opensearch_packages.core.ipackage import IPackage
    from opensearch_packages.packages.configuration import (
        REQUIREMENT_LEVELS,
        PackageConfiguration,
        RequirementLevel,
    )
    from opensearch_packages.packages.package import Package
