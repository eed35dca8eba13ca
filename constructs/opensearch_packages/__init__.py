"""AWS CDK constructs for Amazon OpenSearch Service packages.

``Package`` makes a package (a synonym dictionary, a plugin, its licence or config) from a file
in the repository or in S3, and keeps it up to date: new content, new package version.
A ``PackageConfiguration`` describes what a plugin package needs (licence, configuration).
``Package.from_package_id`` references a package made elsewhere (an ``IPackage``, as is a
``Package``): the stack associates it but never updates or deletes it.

``DomainPackages`` associates a list of packages with a domain in one batch, waits until every
package is ACTIVE (on the latest version of a ``Package``), applies changes on stack updates and
dissociates them on delete, failing with the service's own error reasons.
"""

from opensearch_packages._association import PackageAssociation
from opensearch_packages._domain_packages import DomainPackages
from opensearch_packages._ipackage import IPackage
from opensearch_packages._options import REQUIREMENT_LEVELS, PackageConfiguration, RequirementLevel
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
