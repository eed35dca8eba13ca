"""AWS CDK construct that associates Amazon OpenSearch Service packages with a domain.

``DomainPackages`` associates a list of packages (dictionaries, plugins, licences, configs) with a
domain in one batch, waits until every package is ACTIVE, applies changes on stack updates and
dissociates them on delete, failing with the service's own error reasons.
"""

from opensearch_packages._association import PackageAssociation
from opensearch_packages._domain_packages import DomainPackages

__all__ = ["DomainPackages", "PackageAssociation"]
