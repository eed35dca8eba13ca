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

#: CloudFormation's ``ServiceTimeout`` maximum for a custom resource, in seconds: the longest a
#: custom resource may take to answer, so a ``Package``'s longest wait, and the longest a
#: ``DomainPackages`` waits without a wait condition.
MAX_TIMEOUT_SECONDS = 3600
#: CloudFormation's ``Timeout`` maximum for an ``AWS::CloudFormation::WaitCondition``, in seconds
#: (12 hours): the longest a ``DomainPackages`` waits, through a wait condition above an hour.
MAX_WAIT_SECONDS = 43200
#: Timeout of a ``DomainPackages`` or ``Package`` when none is given: one hour, the longest wait
#: that needs no wait condition.
DEFAULT_TIMEOUT = Duration.hours(1)
