"""``Package``: an OpenSearch Service package made from a file in the repository (or in S3).

The construct itself only wires: ``validation`` checks its arguments (``checks`` the file),
``naming`` derives its name, ``source`` places the file and grants the handler what it needs,
``options`` holds the checked settings and writes the custom resource's properties,
``attributes`` reads what the service reports, and the shared ``core.provider`` serves the
``Custom::OpenSearchPackage`` resource.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CustomResource, Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct, IConstruct

from opensearch_packages.core.api import TXT_DICTIONARY, ZIP_PLUGIN, PackageType
from opensearch_packages.core.errors import Subject
from opensearch_packages.core.provider import Provider
from opensearch_packages.packages.attributes import ReportedAttributes
from opensearch_packages.packages.base import PackageBase
from opensearch_packages.packages.checks.dictionary import DictionaryFormat
from opensearch_packages.packages.configuration import PackageConfiguration
from opensearch_packages.packages.naming import derive_package_name
from opensearch_packages.packages.reference import (
    reference_by_attributes,
    reference_by_id,
    reference_by_name,
)
from opensearch_packages.packages.source import place_source
from opensearch_packages.packages.validation import check_arguments

#: CloudFormation resource type of the custom resource.
RESOURCE_TYPE = "Custom::OpenSearchPackage"
DEFAULT_PACKAGE_TYPE: PackageType = TXT_DICTIONARY


class Package(PackageBase, ReportedAttributes):
    """An Amazon OpenSearch Service package (a synonym dictionary, a plugin, its licence or
    config) made from a local file or an existing S3 object, kept up to date by CloudFormation.

    New file content is a new package version. Give the ``Package`` itself to
    ``DomainPackages``: the domain then applies each new version in the same deployment. For a
    package made elsewhere, use ``Package.from_package_id``: the stack references it, never owns it.

    Example::

        synonyms = Package(self, "Synonyms", source="search/synonyms.txt")
        packages = DomainPackages(self, "SearchPackages", domain=domain, packages=[synonyms])
        synonyms_path = packages.reference_path(synonyms)  # for the index's analyzer settings

    :param source: A local file (a CDK asset; a relative path is relative to where ``cdk``
        runs) or an existing S3 object, ``aws_s3.Location(bucket_name=..., object_key=...)``.
    :param package_type: ``TXT-DICTIONARY`` (default), ``ZIP-PLUGIN``, ``PACKAGE-LICENSE`` or
        ``PACKAGE-CONFIG``.
    :param package_name: Unique in the account and Region (a ZIP-PLUGIN's: per engine version):
        3 to 256 characters, ``[a-z][a-z0-9-]+``. Default: the construct ID and a hash of its
        path, its type and ``vending_enabled`` if set (at most 28 characters, e.g.
        ``synonyms-1a2b3c4d``), not of the engine version.
    :param engine_version: For a ZIP-PLUGIN only (and required there): the engine version it is
        built for, e.g. ``OpenSearch_2.19``. Change it with the domain's ``version`` in one
        deployment: the package is replaced by one of the same name, created before the domain
        upgrades when the domain is in this stack (README, "Engine upgrades").
    :param description: At most 989 characters (the service's 1,024 less the handler's
        35-character ownership mark). Default: none.
    :param source_key: For an S3 ``source`` encrypted with a customer managed KMS key: the key,
        on which the handler gets ``kms:Decrypt`` (a key of another stack or account must also
        allow it). Default: none (SSE-S3 or ``aws/s3``). Not for a local file.
    :param package_configuration: What a plugin needs besides itself (a
        ``PackageConfiguration``); a change is a new version. Default: none.
    :param encryption_key: For a ZIP-PLUGIN only: a symmetric customer managed KMS key that
        encrypts the package at rest; the handler's role gets ``kms:CreateGrant``,
        ``kms:GenerateDataKey``, ``kms:Decrypt`` and ``kms:DescribeKey`` on it through the key's
        ``grant`` (a key made elsewhere must allow them to ``DomainPackages.function.role``).
        Disabling or deleting it can leave the domains that run the plugin inoperable.
        Default: none.
    :param vending_enabled: ``PackageVendingOptions``; only ``CreatePackage`` takes it, so a
        change makes a new package (a new derived name). Default: not set.
    :param shared_with: 12-digit account IDs, or ``["GLOBAL"]`` (``PackageScope``, kept in step
        with ``UpdatePackageScope``). Default: not shared.
    :param removal_policy: ``RemovalPolicy.DESTROY`` (default: delete the package once no domain
        uses it) or ``RemovalPolicy.RETAIN`` (keep it).
    :param timeout: The longest one operation may wait, at most 1 hour (the custom resource's
        ``ServiceTimeout``). An hour is plenty: a ``Package`` waits for the service to copy and
        validate its file, minutes; applying a new version to domains, a plugin's blue/green
        that can take hours, is the wait of the ``DomainPackages`` that lists it, which accepts
        up to 12 hours. Default: 1 hour.
    :param check_source: Check a local ``source`` at synth time for what the service or the
        engine would reject (README, "Checked before deploy"), raising a ``ValueError`` naming
        the file, the line or entry and the rule. Default: True; turn it off for a file the
        checks misjudge.
    :param dictionary_format: For a TXT-DICTIONARY: ``"synonyms"`` (each line a Solr synonym
        rule) or ``"plain"`` (UTF-8 only). Default: by the file name, ``synonym`` in it or not.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: str | s3.Location,
        package_type: PackageType = DEFAULT_PACKAGE_TYPE,
        package_name: str | None = None,
        engine_version: str | None = None,
        description: str | None = None,
        source_key: kms.IKey | None = None,
        package_configuration: PackageConfiguration | None = None,
        encryption_key: kms.IKey | None = None,
        vending_enabled: bool | None = None,
        shared_with: Sequence[str] | None = None,
        removal_policy: RemovalPolicy | None = None,
        timeout: Duration | None = None,
        check_source: bool = True,
        dictionary_format: DictionaryFormat | None = None,
    ) -> None:
        settings = check_arguments(
            Subject("Package", id),
            source=source,
            package_type=package_type,
            package_name=package_name,
            engine_version=engine_version,
            description=description,
            source_key=source_key,
            package_configuration=package_configuration,
            encryption_key=encryption_key,
            vending_enabled=vending_enabled,
            shared_with=shared_with,
            removal_policy=removal_policy,
            timeout=timeout,
            check_source=check_source,
            dictionary_format=dictionary_format,
        )
        super().__init__(scope, id)
        self._settings = settings
        self._package_name = package_name or derive_package_name(
            id, self.node.path, settings.package_type, vending_enabled
        )
        provider = Provider.of(self)
        self._asset, self._source_location = place_source(
            self, source, provider, source_key=source_key, encryption_key=encryption_key
        )
        self._resource = provider.custom_resource(
            self,
            resource_type=RESOURCE_TYPE,
            timeout=settings.timeout,
            properties=settings.properties(self._package_name, self._source_location),
            removal_policy=settings.removal_policy,
        )

    from_package_id = classmethod(reference_by_id)
    from_package_attributes = classmethod(reference_by_attributes)
    from_package_name = classmethod(reference_by_name)

    @property
    def package_id(self) -> str:
        """The package's ID (a token), e.g. ``F123456789``: the custom resource's physical ID."""
        return self._resource.ref

    @property
    def package_version(self) -> str:
        """The package's available version (a token), e.g. ``v3``: new content, new version."""
        return self._resource.get_att_string("PackageVersion")

    @property
    def package_name(self) -> str:
        """The package's name, as given or derived."""
        return self._package_name

    @property
    def package_type(self) -> PackageType:
        """``TXT-DICTIONARY``, ``ZIP-PLUGIN``, ``PACKAGE-LICENSE`` or ``PACKAGE-CONFIG``."""
        return self._settings.package_type

    @property
    def engine_version(self) -> str | None:
        """The engine version a ZIP-PLUGIN is built for (None for other types)."""
        return self._settings.engine_version

    @property
    def timeout(self) -> Duration:
        """The longest one operation may wait (the custom resource's ServiceTimeout)."""
        return self._settings.timeout

    @property
    def asset(self) -> s3_assets.Asset | None:
        """The asset holding a local ``source`` file (None for an S3 ``source``)."""
        return self._asset

    @property
    def source_location(self) -> s3.Location:
        """Where the package is created from: the asset's bucket and key, or the given object."""
        return self._source_location

    @property
    def resource(self) -> CustomResource:
        """The ``Custom::OpenSearchPackage`` custom resource."""
        return self._resource

    @property
    def domain_waits_for(self) -> IConstruct | None:
        """A ZIP-PLUGIN's custom resource (README, "Engine upgrades"); None for other types."""
        return self._resource if self._settings.package_type == ZIP_PLUGIN else None
