"""The checks of a ``Package``'s arguments, run before any construct is made.

``check_arguments`` runs them all, in the order a user would fix them (the source, the type and
engine version, the file itself, then names, texts and options), and returns what the
construct needs in checked form. Each message names the ``Package`` (``core.errors.Subject``),
the value, and what to give instead. Only literal values are checked: tokens pass unchecked.
"""

from __future__ import annotations

import os
import re

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from opensearch_packages.core.api import (
    MAX_TIMEOUT_SECONDS,
    TXT_DICTIONARY,
    ZIP_PLUGIN,
    PackageType,
)
from opensearch_packages.core.errors import Subject
from opensearch_packages.core.naming import check_package_name
from opensearch_packages.core.values import (
    TimeoutLimit,
    check_package_type,
    check_removal_policy,
    check_timeout,
    is_literal,
)
from opensearch_packages.packages.checks import check_file
from opensearch_packages.packages.checks.dictionary import DICTIONARY_FORMATS, DictionaryFormat
from opensearch_packages.packages.configuration import (
    PackageConfiguration,
    check_package_configuration,
)
from opensearch_packages.packages.options import (
    PackageSettings,
    check_encryption_key,
    check_shared_with,
    check_vending_enabled,
)

#: ``EngineVersion`` of a ZIP-PLUGIN package, e.g. ``OpenSearch_2.19``.
ENGINE_VERSION_PATTERN = re.compile(r"^(OpenSearch|Elasticsearch)_[0-9]+\.[0-9]+$")
#: ``PackageDescription``'s maximum length in the service's model.
SERVICE_MAX_DESCRIPTION_LENGTH = 1024
#: The handler's ownership mark, ``[opensearch-packages:<12 hex digits>]``, which it appends to
#: every description it sends, after a space, to recognise a package it created
#: (``lambda/domain_packages_handler/packages/ownership.py``; a test holds the two to it).
OWNERSHIP_MARK_LENGTH = len("[opensearch-packages:") + 12 + len("]")
#: What a description may hold: the service's maximum less the space and the ownership mark.
MAX_DESCRIPTION_LENGTH = SERVICE_MAX_DESCRIPTION_LENGTH - 1 - OWNERSHIP_MARK_LENGTH
#: A ``Package`` waits for the service's validation of its file (minutes), which one custom
#: resource can wait for; applying a version to domains (a plugin's blue/green, hours on a large
#: domain) is its ``DomainPackages``' wait, which allows 12 hours.
PACKAGE_TIMEOUT = TimeoutLimit(
    MAX_TIMEOUT_SECONDS,
    "CloudFormation allows a custom resource to wait, and a Package waits only for the "
    "service to validate its file (minutes; a DomainPackages applies it to domains, for up to "
    "12 hours)",
)


def check_arguments(
    subject: Subject,
    *,
    source: object,
    package_type: object,
    package_name: object,
    engine_version: str | None,
    description: str | None,
    source_key: object,
    package_configuration: PackageConfiguration | None,
    encryption_key: kms.IKey | None,
    vending_enabled: bool | None,
    shared_with: object,
    removal_policy: RemovalPolicy | None,
    timeout: Duration | None,
    check_source: bool,
    dictionary_format: object,
) -> PackageSettings:
    """Raise on the first mistake in a ``Package``'s arguments; else its settings, checked.

    Typed as ``Package`` takes them; every check still looks at the value (a Python caller
    may pass anything).
    """
    check_source_argument(subject, source, source_key)
    checked_type = check_type_and_engine(subject, package_type, engine_version)
    checked_format = check_dictionary_format(subject, checked_type, dictionary_format)
    if check_source and isinstance(source, str):
        engine = None  # a literal engine version only: a token cannot be compared
        if isinstance(engine_version, str) and is_literal(engine_version):
            engine = engine_version
        check_file(subject, source, checked_type, engine, checked_format)
    if package_name is not None:
        check_package_name(package_name)
    check_description(subject, description)
    check_package_configuration(subject, package_configuration)
    check_encryption_key(subject, checked_type, encryption_key)
    check_vending_enabled(subject, vending_enabled)
    scope_users = check_shared_with(subject, shared_with)
    removal = check_removal_policy(
        subject, removal_policy, "delete the package once no domain uses it", "keep it"
    )
    return PackageSettings(
        package_type=checked_type,
        engine_version=engine_version,
        description=description,
        configuration=package_configuration,
        encryption_key=encryption_key,
        vending_enabled=vending_enabled,
        scope_users=scope_users,
        removal_policy=removal,
        timeout_seconds=check_timeout(subject, timeout, PACKAGE_TIMEOUT),
    )


def check_source_argument(subject: Subject, source: object, source_key: object) -> None:
    """A local file that exists, or an ``aws_s3.Location`` with both names; a ``source_key``
    only for the latter."""
    if isinstance(source, str) and source_key is not None:
        raise subject.invalid(
            f"source_key is for an aws_s3.Location source; drop it for the local file {source!r}: "
            "its CDK asset bucket's key is already allowed, through S3, for that file only"
        )
    if source_key is not None and not hasattr(source_key, "grant_decrypt"):
        raise subject.wrong_type(
            "source_key",
            source_key,
            "an aws_kms.IKey, e.g. aws_kms.Key.from_key_arn(self, 'SourceKey', '<key ARN>')",
        )
    if isinstance(source, str):
        if not os.path.isfile(source):
            what = "a directory" if os.path.isdir(source) else "not found"
            raise subject.invalid(
                f"source {source!r} is {what} (looked for it from {os.getcwd()!r}); give the "
                "path of a file, e.g. 'search/synonyms.txt', or an "
                "aws_s3.Location(bucket_name=..., object_key=...)"
            )
        return
    if isinstance(source, s3.Location):
        for name, value in (("bucket_name", source.bucket_name), ("object_key", source.object_key)):
            if not isinstance(value, str) or not value:
                raise subject.invalid(
                    f"source {name} {value!r} is empty; an aws_s3.Location needs both "
                    "bucket_name and object_key"
                )
        return
    expected = "a file path string or an aws_s3.Location(bucket_name=..., object_key=...)"
    raise subject.wrong_type("source", source, expected)


def check_type_and_engine(
    subject: Subject, package_type: object, engine_version: object
) -> PackageType:
    """The package type; an engine version for a ZIP-PLUGIN, and for no other type."""
    checked = check_package_type(subject, package_type)
    if engine_version is None:
        if checked == ZIP_PLUGIN:
            raise subject.invalid(
                "a ZIP-PLUGIN needs engine_version, the engine version the plugin is built for, "
                "e.g. engine_version='OpenSearch_2.19'"
            )
        return checked
    if not isinstance(engine_version, str):
        raise subject.wrong_type(
            "engine_version", engine_version, "a string such as 'OpenSearch_2.19'"
        )
    if checked != ZIP_PLUGIN:
        raise subject.invalid(
            "engine_version is only allowed for a ZIP-PLUGIN (the service rejects it for a "
            f"{checked}); drop engine_version={engine_version!r}"
        )
    if is_literal(engine_version) and not ENGINE_VERSION_PATTERN.match(engine_version):
        raise subject.invalid(
            f"engine_version {engine_version!r} is not an engine version: expected "
            "OpenSearch_X.Y or Elasticsearch_X.Y, e.g. 'OpenSearch_2.19'"
        )
    return checked


def check_dictionary_format(
    subject: Subject, package_type: PackageType, dictionary_format: object
) -> DictionaryFormat | None:
    """One of ``DICTIONARY_FORMATS`` for a TXT-DICTIONARY, or None (decide by the file name)."""
    if dictionary_format is None:
        return None
    checked = next((f for f in DICTIONARY_FORMATS if f == dictionary_format), None)
    if checked is None:
        raise subject.invalid(
            f"dictionary_format {dictionary_format!r} is not one of "
            f"{', '.join(DICTIONARY_FORMATS)} (or None to decide by the file name)"
        )
    if package_type != TXT_DICTIONARY:
        raise subject.invalid(
            f"dictionary_format is only for a TXT-DICTIONARY, not a {package_type}; "
            f"drop dictionary_format={dictionary_format!r}"
        )
    return checked


def check_description(subject: Subject, description: object) -> None:
    if not subject.given("description", description, str, "a string"):
        return
    assert isinstance(description, str)  # checked; narrows the type
    if is_literal(description) and len(description) > MAX_DESCRIPTION_LENGTH:
        raise subject.invalid(
            f"description is {len(description)} characters long; use at most "
            f"{MAX_DESCRIPTION_LENGTH} (the service allows {SERVICE_MAX_DESCRIPTION_LENGTH:,}, "
            f"and the handler appends a {OWNERSHIP_MARK_LENGTH + 1}-character ownership mark)"
        )
