"""Values the OpenSearch Service API and CloudFormation fix, that both kinds use.

Package types are typed (``PackageType``) and named once: a ``Package`` checks and sends its
type, and ``DomainPackages`` learns through ``IPackage`` what a package of a type needs.
"""

from __future__ import annotations

from typing import Final, Literal

from aws_cdk import Duration

#: ``PackageType`` of the OpenSearch Service API.
PackageType = Literal["TXT-DICTIONARY", "ZIP-PLUGIN", "PACKAGE-LICENSE", "PACKAGE-CONFIG"]
TXT_DICTIONARY: Final = "TXT-DICTIONARY"
ZIP_PLUGIN: Final = "ZIP-PLUGIN"
PACKAGE_LICENSE: Final = "PACKAGE-LICENSE"
PACKAGE_CONFIG: Final = "PACKAGE-CONFIG"
PACKAGE_TYPES: tuple[PackageType, ...] = (
    TXT_DICTIONARY,
    ZIP_PLUGIN,
    PACKAGE_LICENSE,
    PACKAGE_CONFIG,
)

#: CloudFormation's ``ServiceTimeout`` maximum for a custom resource, in seconds.
MAX_TIMEOUT_SECONDS = 3600
#: Timeout of a ``DomainPackages`` or ``Package`` when none is given: the maximum.
DEFAULT_TIMEOUT = Duration.hours(1)
