"""``Package``: an OpenSearch Service package made from a file in the repository (or in S3)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from opensearch_packages._handler import DomainPackagesHandler
from opensearch_packages._ipackage import alias_of
from opensearch_packages._options import (
    PackageConfiguration,
    check_package_configuration,
    check_shared_with,
    check_vending_enabled,
)
from opensearch_packages._reference import ReferencedPackage
from opensearch_packages._source_checks import DICTIONARY_FORMATS, DictionaryFormat, check_source
from opensearch_packages._validation import (
    DERIVED_PACKAGE_NAME_MAX_LENGTH,
    ENGINE_VERSION_PATTERN,
    MAX_DESCRIPTION_LENGTH,
    check_package_name,
    check_package_type,
    check_removal_policy,
    check_timeout,
    is_given,
    is_literal,
)

#: CloudFormation resource type of the custom resource.
RESOURCE_TYPE = "Custom::OpenSearchPackage"
DEFAULT_PACKAGE_TYPE = "TXT-DICTIONARY"
if TYPE_CHECKING:
    from opensearch_packages._ipackage import IPackage

#: Hex digits of the hash in a derived package name.
_HASH_LENGTH = 8
#: Problems of a source file listed in the error; the rest are counted.
_PROBLEMS_SHOWN = 5


class _Attribute:
    """A read-only attribute of a ``Package``'s custom resource: a token (``Fn::GetAtt``)."""

    def __init__(self, attribute: str, doc: str) -> None:
        self._attribute = attribute
        self.__doc__ = f"{doc} A token (``{attribute}``)."

    @overload
    def __get__(self, package: None, owner: type | None = None) -> _Attribute: ...
    @overload
    def __get__(self, package: Package, owner: type | None = None) -> str: ...
    def __get__(self, package: Package | None, owner: type | None = None) -> _Attribute | str:
        if package is None:
            return self
        return package.resource.get_att_string(self._attribute)

    def __set__(self, package: Package, value: object) -> None:
        raise AttributeError(f"{self._attribute} is read-only: the service reports it")


class Package(Construct):
    """An Amazon OpenSearch Service package (a synonym dictionary, a plugin, its licence or
    config) made from a local file or an existing S3 object, kept up to date by CloudFormation.

    On create the package is created (``CreatePackage``) and the deployment waits until it is
    AVAILABLE; when the file's content changes (a new asset hash, so a new S3 key) it is updated
    (``UpdatePackage``) and the deployment waits for the new version; on delete it is deleted
    once no domain uses it. Validation failures fail the deployment with the service's reason.

    Give the ``Package`` itself to ``DomainPackages``: a new package version then makes the
    domain apply it (re-association) in the same deployment. For a package made elsewhere, use
    ``Package.from_package_id`` instead: the stack then references it, never owns it.

    Engine upgrades of a domain with a plugin are one deployment: change the ZIP-PLUGIN's
    ``engine_version`` and the domain's ``version`` together. CloudFormation replaces the
    ``Package`` by a package of the same name for the new version (a plugin's derived name does
    not depend on the engine version); a ``DomainPackages`` given a ``Domain`` of the same stack
    makes that domain depend on the plugin, so the new package exists before the domain
    upgrades; the domain's blue/green deployment moves to it; ``DomainPackages`` finds the new
    ID associated and makes no call for it; CloudFormation's cleanup deletes the old package.
    For a domain or plugin in another stack, or a ``domain_name``, declare that order yourself
    (README, "Engine upgrades").

    Example::

        synonyms = Package(self, "Synonyms", source="search/synonyms.txt")
        packages = DomainPackages(self, "SearchPackages", domain=domain, packages=[synonyms])
        synonyms_path = packages.reference_path(synonyms)  # for the index's analyzer settings

    :param scope: The construct's scope.
    :param id: The construct's ID.
    :param source: A local file (uploaded as a CDK asset when the stack is deployed; a relative
        path is relative to the directory ``cdk`` runs in) or an existing S3 object,
        ``aws_s3.Location(bucket_name=..., object_key=...)``.
    :param package_type: ``TXT-DICTIONARY`` (default), ``ZIP-PLUGIN``, ``PACKAGE-LICENSE`` or
        ``PACKAGE-CONFIG``.
    :param package_name: The package's name, unique in the account and Region (a ZIP-PLUGIN's:
        per engine version): 3 to 256 characters, ``[a-z][a-z0-9-]+``. Default: derived from the
        construct ID and a hash of its path, its type and ``vending_enabled`` if set (at most 28
        characters, e.g. ``synonyms-1a2b3c4d``), so that a new type gets a new name and
        CloudFormation replaces the package; not from the engine version (see
        ``engine_version``).
    :param engine_version: For a ZIP-PLUGIN (required there, not allowed otherwise): the engine
        version the plugin is built for, e.g. ``OpenSearch_2.19``. To upgrade the domain, change
        it together with the domain's ``version`` in one deployment: CloudFormation replaces this
        package by one of the same name for the new version (the service wants it so, and
        created before the domain upgrades: a ``DomainPackages`` given a ``Domain`` of this stack
        makes the domain depend on its ZIP-PLUGIN ``Package``s), the domain's blue/green
        deployment moves to the new package, ``DomainPackages`` finds it associated, and
        CloudFormation's cleanup deletes the old package.
    :param description: The package's description, at most 989 characters (the service's
        1,024 less the handler's 35-character ownership mark). Default: none.
    :param source_key: For an S3 ``source`` encrypted with a customer managed KMS key (SSE-KMS):
        the key. The service reads the object with the handler's permissions, so the handler is
        granted ``kms:Decrypt`` on this key; a key in another stack or account must also allow
        it in its key policy. Default: none, the object is not encrypted with a customer managed
        key (SSE-S3, or the AWS managed key ``aws/s3``). A local ``source`` needs none: its asset
        bucket's key is allowed through S3 for that object only.
    :param package_configuration: What the package (a plugin) needs besides itself: a
        ``PackageConfiguration`` (licence and configuration requirements, licence file path,
        restart on a configuration update). A change is a new package version
        (``UpdatePackage``). Default: none.
    :param encryption_key: For a ZIP-PLUGIN only: a customer managed KMS key (symmetric) that
        encrypts the package at rest on top of the AWS owned key (the developer guide's "custom
        package AWS KMS integration"). The handler is granted ``kms:CreateGrant``,
        ``kms:GenerateDataKey``, ``kms:Decrypt`` and ``kms:DescribeKey`` on exactly this key,
        through the key's own ``grant`` (a key of this stack, whose key policy trusts the
        account's IAM policies, needs nothing more). A key made elsewhere (another stack, by
        hand, another account) must allow those four actions to the handler's role
        (``DomainPackages.function.role``, the stack's ``OpenSearchDomainPackagesHandler``) in
        its key policy; a key of another account must also be named by its full ARN.
        Disabling or deleting the key (or revoking the service's grants) can
        leave the domains that run the plugin inoperable. Default: none, the AWS owned key only.
    :param vending_enabled: Whether the package may be vended to other users
        (``PackageVendingOptions``). Only ``CreatePackage`` takes it: changing it makes a new
        package (a new derived name; give an explicit ``package_name`` a new value), which
        CloudFormation creates before it deletes the old one. Default: not set, the service's
        default.
    :param shared_with: The accounts the package is shared with: 12-digit account IDs, or
        ``["GLOBAL"]`` (``PackageScope``, kept in step with ``UpdatePackageScope``; no new
        package, no new version). Default: none, not shared.
    :param removal_policy: ``RemovalPolicy.DESTROY`` (default) deletes the package when it is
        removed from the stack or replaced; the deletion fails, naming the domains, while a
        domain still uses the package. ``RemovalPolicy.RETAIN`` keeps it (CloudFormation's
        ``DeletionPolicy`` and ``UpdateReplacePolicy`` ``Retain``).
    :param timeout: The longest one create, update or delete may wait for the service; also the
        custom resource's ``ServiceTimeout``. At most 1 hour. Default: 1 hour.
    :param check_source: Check a local ``source`` file at synth time for what the service or the
        engine would reject (README, "Checked before deploy"): a ZIP-PLUGIN's zip, descriptor,
        ``opensearch.version`` against ``engine_version`` and size; a PACKAGE-LICENSE's JSON or
        XML; a PACKAGE-CONFIG named .zip being a zip; a TXT-DICTIONARY's UTF-8 and, for a
        synonyms file, each line's Solr grammar. A problem raises a ``ValueError`` naming the
        file, the line or entry and the rule. An S3 ``source`` is never checked. Default: True,
        since a bad file otherwise costs an upload, minutes of validation and a failed
        deployment; turn it off for a file the checks misjudge (e.g. a format they do not know).
    :param dictionary_format: For a TXT-DICTIONARY: ``"synonyms"`` (check each line as a Solr
        synonym rule) or ``"plain"`` (stop words, stemmer overrides, user dictionaries: UTF-8
        only). Default: ``None``, decided by the file name: a name containing ``synonym`` (e.g.
        ``synonyms.txt``) is a synonyms file, any other is plain.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: str | s3.Location,
        package_type: str = DEFAULT_PACKAGE_TYPE,
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
        owner = f"Package {id!r}"
        _check_source(owner, source, source_key)
        _check_type_and_engine(owner, package_type, engine_version)
        _check_dictionary_format(owner, package_type, dictionary_format)
        if check_source and isinstance(source, str):
            _check_source_content(owner, source, package_type, engine_version, dictionary_format)
        if package_name is not None:
            check_package_name(package_name)
        _check_description(owner, description)
        check_package_configuration(owner, package_configuration)
        _check_encryption_key(owner, package_type, encryption_key)
        check_vending_enabled(owner, vending_enabled)
        scope_users = check_shared_with(owner, shared_with)
        removal = check_removal_policy(
            owner, removal_policy, "delete the package once no domain uses it", "keep it"
        )
        timeout_seconds = check_timeout(owner, timeout)

        super().__init__(scope, id)
        #: ``TXT-DICTIONARY``, ``ZIP-PLUGIN``, ``PACKAGE-LICENSE`` or ``PACKAGE-CONFIG``.
        self.package_type = package_type
        #: The engine version a ZIP-PLUGIN is built for (None for other types).
        self.engine_version = engine_version
        #: The longest one operation may wait (the custom resource's ServiceTimeout).
        self.timeout = Duration.seconds(timeout_seconds)
        #: The package's name, as given or derived.
        self.package_name = package_name or derive_package_name(
            id, self.node.path, package_type, vending_enabled
        )
        self._alias = alias_of(self.node.path)

        handler = DomainPackagesHandler.of(self)
        #: The asset holding a local ``source`` file (None for an S3 ``source``).
        self.asset: s3_assets.Asset | None = None
        if isinstance(source, str):
            self.asset = s3_assets.Asset(self, "Source", path=source)
            bucket_name = self.asset.s3_bucket_name
            object_key = self.asset.s3_object_key
            object_arn = self.asset.bucket.arn_for_objects(object_key)
            handler.allow_decrypt_via_s3(self.asset.bucket.bucket_arn, object_arn)
        else:
            bucket_name = source.bucket_name
            object_key = source.object_key
            object_arn = Stack.of(self).format_arn(
                service="s3",
                region="",
                account="",
                resource=bucket_name,
                resource_name=object_key,
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            )
        handler.allow_package_management()
        handler.allow_read_object(object_arn)
        if source_key is not None:
            handler.allow_decrypt(source_key)
        if encryption_key is not None:
            handler.allow_package_key(encryption_key)
        #: Where the package is created from: the asset's bucket and key, or the given object.
        self.source_location = s3.Location(bucket_name=bucket_name, object_key=object_key)

        properties: dict[str, Any] = {
            "PackageName": self.package_name,
            "PackageType": package_type,
            "PackageSource": {"S3BucketName": bucket_name, "S3Key": object_key},
        }
        if engine_version is not None:
            properties["EngineVersion"] = engine_version
        if description is not None:
            properties["PackageDescription"] = description
        properties.update(
            _option_properties(package_configuration, encryption_key, vending_enabled, scope_users)
        )
        properties["TimeoutSeconds"] = timeout_seconds

        #: The ``Custom::OpenSearchPackage`` custom resource.
        self.resource = handler.custom_resource(
            self,
            resource_type=RESOURCE_TYPE,
            timeout=self.timeout,
            properties=properties,
            removal_policy=removal,
        )

    @classmethod
    def from_package_id(cls, scope: Construct, id: str, package_id: str) -> IPackage:
        """Reference an existing package (made by hand, by another stack, by Terraform) by its
        ID, ``F…``, ``G…`` or ``pkg-…`` (checked unless a token). The stack never updates or
        deletes it: no resource, no package-management permission."""
        return ReferencedPackage(scope, id, package_id, None, None)

    @classmethod
    def from_package_attributes(
        cls,
        scope: Construct,
        id: str,
        *,
        package_id: str,
        package_name: str | None = None,
        package_type: str | None = None,
    ) -> IPackage:
        """Like ``from_package_id``, also recording the package's name and type (checked when
        given; for reference only, nothing is looked up). Default: both unknown (``None``)."""
        return ReferencedPackage(scope, id, package_id, package_name, package_type)

    @property
    def package_id(self) -> str:
        """The package's ID (a token), e.g. ``F123456789``: the custom resource's physical ID."""
        return self.resource.ref

    @property
    def package_version(self) -> str:
        """The package's available version (a token), e.g. ``v3``: new content, new version."""
        return self.resource.get_att_string("PackageVersion")

    plugin_name = _Attribute(
        "PluginName", "A ZIP-PLUGIN's plugin name, from its descriptor (empty for other types)."
    )
    plugin_version = _Attribute(
        "PluginVersion", "A ZIP-PLUGIN's plugin version (empty for other types)."
    )
    plugin_class_name = _Attribute(
        "PluginClassName", "A ZIP-PLUGIN's plugin class name (empty for other types)."
    )
    package_owner = _Attribute(
        "PackageOwner", "The package's owner as the service reports it, an account ID."
    )
    available_configuration = _Attribute(
        "AvailablePackageConfiguration",
        "The package's available configuration as the service reports it, a JSON string "
        "(empty when none).",
    )

    @property
    def alias(self) -> str:
        """A short name for this package, fixed at synth time, that ``DomainPackages`` uses in
        its attribute names (``ReferencePath.<alias>``): the ID is only known at deploy time."""
        return self._alias


def derive_package_name(
    construct_id: str, path: str, package_type: str, vending_enabled: bool | None = None
) -> str:
    """A valid package name, readable (from the construct ID) and unique (a hash of the path).

    The hash also covers the type and ``vending_enabled`` when set: changing them needs a new
    package, whose name must differ while the old one still exists. Not the engine version: the
    service wants a plugin's package for a new engine version under the same name (developer
    guide, custom plugins: upgrading), and a ZIP-PLUGIN's name is unique per engine version.
    At most 28 characters, as names always were derived.
    """
    prefix = re.sub(r"[^a-z0-9]+", "-", construct_id.lower())
    prefix = re.sub(r"^[^a-z]+", "", prefix)  # must start with a letter
    prefix = prefix[: DERIVED_PACKAGE_NAME_MAX_LENGTH - _HASH_LENGTH - 1].strip("-") or "package"
    identity = f"{path}\n{package_type}"
    if vending_enabled is not None:
        identity += f"\nvending={vending_enabled}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:_HASH_LENGTH]
    return f"{prefix}-{digest}"


def _check_source(owner: str, source: object, source_key: object) -> None:
    if isinstance(source, str) and source_key is not None:
        raise ValueError(
            f"{owner}: source_key is for an aws_s3.Location source; drop it for the local file "
            f"{source!r}: its CDK asset bucket's key is already allowed, through S3, for that "
            "file only"
        )
    if source_key is not None and not hasattr(source_key, "grant_decrypt"):
        raise TypeError(
            f"{owner}: source_key {source_key!r} is a {type(source_key).__name__}; expected an "
            "aws_kms.IKey, e.g. aws_kms.Key.from_key_arn(self, 'SourceKey', '<key ARN>')"
        )
    if isinstance(source, str):
        if not os.path.isfile(source):
            what = "a directory" if os.path.isdir(source) else "not found"
            raise ValueError(
                f"{owner}: source {source!r} is {what} (looked for it from {os.getcwd()!r}); "
                "give the path of a file, e.g. 'search/synonyms.txt', or an "
                "aws_s3.Location(bucket_name=..., object_key=...)"
            )
        return
    if isinstance(source, s3.Location):
        for name, value in (
            ("bucket_name", source.bucket_name),
            ("object_key", source.object_key),
        ):
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f"{owner}: source {name} {value!r} is empty; an aws_s3.Location needs both "
                    "bucket_name and object_key"
                )
        return
    raise TypeError(
        f"{owner}: source {source!r} is a {type(source).__name__}; expected a file path string "
        "or an aws_s3.Location(bucket_name=..., object_key=...)"
    )


def _option_properties(
    configuration: PackageConfiguration | None,
    encryption_key: kms.IKey | None,
    vending_enabled: bool | None,
    scope_users: tuple[str, ...] | None,
) -> dict[str, Any]:
    """The custom resource's properties for the options that are set (the handler's wire
    format, ``packages/options.py``)."""
    properties: dict[str, Any] = {}
    if configuration is not None:
        properties["PackageConfiguration"] = configuration.to_property()
    if encryption_key is not None:
        properties["PackageEncryptionOptions"] = {
            "EncryptionEnabled": True,
            "KmsKeyIdentifier": encryption_key.key_arn,
        }
    if vending_enabled is not None:
        properties["PackageVendingOptions"] = {"VendingEnabled": vending_enabled}
    if scope_users:
        properties["PackageScope"] = list(scope_users)
    return properties


def _check_encryption_key(owner: str, package_type: str, key: object) -> None:
    if key is None:
        return
    if not hasattr(key, "grant") or not hasattr(key, "key_arn"):
        raise TypeError(
            f"{owner}: encryption_key {key!r} is a {type(key).__name__}; expected an "
            "aws_kms.IKey, e.g. aws_kms.Key.from_key_arn(self, 'PluginKey', '<key ARN>')"
        )
    if package_type != "ZIP-PLUGIN":
        raise ValueError(
            f"{owner}: encryption_key is only for a ZIP-PLUGIN (the service encrypts plugin "
            f"packages with a customer managed key), not a {package_type}; drop encryption_key"
        )


def _check_dictionary_format(owner: str, package_type: str, dictionary_format: object) -> None:
    if dictionary_format is None:
        return
    if dictionary_format not in DICTIONARY_FORMATS:
        raise ValueError(
            f"{owner}: dictionary_format {dictionary_format!r} is not one of "
            f"{', '.join(DICTIONARY_FORMATS)} (or None to decide by the file name)"
        )
    if package_type != "TXT-DICTIONARY":
        raise ValueError(
            f"{owner}: dictionary_format is only for a TXT-DICTIONARY, not a {package_type}; "
            f"drop dictionary_format={dictionary_format!r}"
        )


def _check_source_content(
    owner: str,
    path: str,
    package_type: str,
    engine_version: str | None,
    dictionary_format: DictionaryFormat | None,
) -> None:
    """Raise a ValueError listing what is wrong with the local file at ``path``."""
    with open(path, "rb") as file:
        data = file.read()
    problems = check_source(
        package_type,
        data,
        os.path.basename(path),
        engine_version=engine_version if engine_version and is_literal(engine_version) else None,
        dictionary_format=dictionary_format,
    )
    if not problems:
        return
    shown = problems[:_PROBLEMS_SHOWN]
    lines = [
        f"{path}{' ' + p.where if p.where else ''}: {p.what}; {p.fix}, or pass check_source=False"
        for p in shown
    ]
    more = len(problems) - len(shown)
    if more:
        lines.append(f"... and {more} more problem{'s' if more > 1 else ''}")
    raise ValueError(f"{owner}: " + "\n".join(lines))


def _check_type_and_engine(owner: str, package_type: object, engine_version: object) -> None:
    check_package_type(owner, package_type)
    if engine_version is None:
        if package_type == "ZIP-PLUGIN":
            raise ValueError(
                f"{owner}: a ZIP-PLUGIN needs engine_version, the engine version the plugin is "
                "built for, e.g. engine_version='OpenSearch_2.19'"
            )
        return
    if not isinstance(engine_version, str):
        raise TypeError(
            f"{owner}: engine_version {engine_version!r} is a {type(engine_version).__name__}; "
            "expected a string such as 'OpenSearch_2.19'"
        )
    if package_type != "ZIP-PLUGIN":
        raise ValueError(
            f"{owner}: engine_version is only allowed for a ZIP-PLUGIN (the service rejects it "
            f"for a {package_type}); drop engine_version={engine_version!r}"
        )
    if is_literal(engine_version) and not ENGINE_VERSION_PATTERN.match(engine_version):
        raise ValueError(
            f"{owner}: engine_version {engine_version!r} is not an engine version: expected "
            "OpenSearch_X.Y or Elasticsearch_X.Y, e.g. 'OpenSearch_2.19'"
        )


def _check_description(owner: str, description: object) -> None:
    if not is_given(owner, "description", description, str, "a string"):
        return
    assert isinstance(description, str)  # checked; narrows the type
    if is_literal(description) and len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValueError(
            f"{owner}: description is {len(description)} characters long; use at most "
            f"{MAX_DESCRIPTION_LENGTH} (the service allows 1,024, and the handler appends a "
            "35-character ownership mark)"
        )
