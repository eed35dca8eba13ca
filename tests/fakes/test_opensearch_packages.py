"""FakeOpenSearch's packages, through a real boto3 client: CreatePackage / UpdatePackage from the
fake S3, validation outcomes, versions, DeletePackage.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_opensearch import OpenSearchServiceClient
from mypy_boto3_opensearch.type_defs import DescribePackagesFilterTypeDef

from testsupport.fakes.clock import SimClock
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.opensearch.model import ApiError
from testsupport.fakes.opensearch.s3 import S3Objects
from testsupport.fakes.support import (
    BUCKET,
    DOMAIN,
    error_code,
    single_attempt_client,
)


def _create(
    client: OpenSearchServiceClient, name: str, key: str, package_type: str = "TXT-DICTIONARY"
) -> dict[str, Any]:
    details = client.create_package(
        PackageName=name,
        PackageType=package_type,  # type: ignore[arg-type]
        PackageSource={"S3BucketName": BUCKET, "S3Key": key},
    )["PackageDetails"]
    return dict(details)


def _describe(client: OpenSearchServiceClient, package_id: str) -> dict[str, Any]:
    [details] = client.describe_packages(Filters=[{"Name": "PackageID", "Value": [package_id]}])[
        "PackageDetailsList"
    ]
    return dict(details)


def test_create_package_copies_validates_and_becomes_available(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    created = _create(client, "synonyms", "synonyms-v1.txt")
    package_id = created["PackageID"]
    assert re.match(r"^F[0-9]+$", package_id)
    assert (created["PackageStatus"], created["PackageName"]) == ("COPYING", "synonyms")
    assert "AvailablePackageVersion" not in created  # no version has passed validation yet
    assert "ErrorDetails" not in created
    clock.advance(5)
    assert _describe(client, package_id)["PackageStatus"] == "VALIDATING"
    clock.advance(5)
    available = _describe(client, package_id)
    assert (available["PackageStatus"], available["AvailablePackageVersion"]) == (
        "AVAILABLE",
        "v1",
    )
    history = client.get_package_version_history(PackageID=package_id)
    assert [v["PackageVersion"] for v in history["PackageVersionHistoryList"]] == ["v1"]
    assert isinstance(history["PackageVersionHistoryList"][0]["CreatedAt"], datetime)
    plugin = client.create_package(
        PackageName="my-plugin",
        PackageType="ZIP-PLUGIN",
        PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"},
        EngineVersion="OpenSearch_2.19",
        PackageDescription="a plugin",
    )["PackageDetails"]
    assert re.match(r"^pkg-[a-f0-9]+$", plugin["PackageID"])
    assert (plugin["EngineVersion"], plugin["PackageDescription"]) == (
        "OpenSearch_2.19",
        "a plugin",
    )


def test_create_package_errors(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient
) -> None:
    with pytest.raises(ClientError) as error:
        _create(client, "synonyms", "missing.txt")
    assert error_code(error) == "ValidationException"
    assert f"s3://{BUCKET}/missing.txt" in str(error.value)
    _create(client, "synonyms", "synonyms-v1.txt")
    with pytest.raises(ClientError) as error:
        _create(client, "synonyms", "synonyms-v2.txt")
    assert error_code(error) == "ResourceAlreadyExistsException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(ClientError) as error:
        _create(client, "no-engine", "synonyms-v1.txt", package_type="ZIP-PLUGIN")
    assert error_code(error) == "ValidationException"
    assert "EngineVersion is required" in str(error.value)
    with pytest.raises(ClientError) as error:
        client.create_package(
            PackageName="dictionary",
            PackageType="TXT-DICTIONARY",
            PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"},
            EngineVersion="OpenSearch_2.19",
        )
    assert "only be specified for ZIP-PLUGIN" in str(error.value)
    for bad_name in ("Synonyms", "x" * 257, "1abc"):  # model: 3 to 256
        with pytest.raises(ClientError) as error:
            _create(client, bad_name, "synonyms-v1.txt")
        assert error_code(error) == "ValidationException"
    packages_fake.max_custom_packages = 1
    with pytest.raises(ClientError) as error:
        _create(single_attempt_client(packages_fake), "one-too-many", "synonyms-v1.txt")
    assert error_code(error) == "LimitExceededException"


def test_update_package_gives_a_new_version_that_domains_take_when_reassociated(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    package_id = _create(client, "synonyms", "synonyms-v1.txt")["PackageID"]
    clock.advance(10)
    client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    clock.advance(60)
    assert packages_fake.association_status(DOMAIN, package_id) == "ACTIVE"

    updated = client.update_package(
        PackageID=package_id,
        PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v2.txt"},
        CommitMessage="add ultrabook",
    )["PackageDetails"]
    # the update is being copied; the available version is still the old one
    assert (updated["PackageStatus"], updated["AvailablePackageVersion"]) == ("COPYING", "v1")
    with pytest.raises(ClientError) as error:  # not while it is being copied and validated
        client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    assert error_code(error) == "ValidationException"
    with pytest.raises(ClientError) as error:  # nor a second update
        client.update_package(
            PackageID=package_id,
            PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"},
        )
    assert error_code(error) == "ValidationException"
    assert "cannot be updated while it is COPYING" in str(error.value)
    clock.advance(10)
    assert _describe(client, package_id)["AvailablePackageVersion"] == "v2"
    [association] = packages_fake.associations(DOMAIN)
    assert association["PackageVersion"] == "v1"  # domains keep theirs until re-associated
    client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    clock.advance(60)
    [association] = packages_fake.associations(DOMAIN)
    assert (association["DomainPackageStatus"], association["PackageVersion"]) == ("ACTIVE", "v2")
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    assert "already in desired state" in str(error.value)
    history = client.get_package_version_history(PackageID=package_id)["PackageVersionHistoryList"]
    assert [(v["PackageVersion"], v["CommitMessage"]) for v in history] == [
        ("v2", "add ultrabook"),
        ("v1", ""),
    ]


def test_failed_validation_on_create_and_on_update(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    packages_fake.put_object(BUCKET, "broken.txt", b"=> => =>\n")
    packages_fake.fail_validation(
        BUCKET, "broken.txt", error_type="InvalidSynonymFile", message="Line 1: no terms"
    )
    broken_id = _create(client, "broken", "broken.txt")["PackageID"]
    clock.advance(10)
    broken = _describe(client, broken_id)
    assert broken["PackageStatus"] == "VALIDATION_FAILED"
    assert broken["ErrorDetails"] == {
        "ErrorType": "InvalidSynonymFile",
        "ErrorMessage": "Line 1: no terms",
    }
    assert "AvailablePackageVersion" not in broken
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID=broken_id, DomainName=DOMAIN)
    assert "VALIDATION_FAILED" in str(error.value)

    good_id = _create(client, "synonyms", "synonyms-v1.txt")["PackageID"]
    clock.advance(10)
    client.update_package(
        PackageID=good_id, PackageSource={"S3BucketName": BUCKET, "S3Key": "broken.txt"}
    )
    clock.advance(10)
    failed = _describe(client, good_id)
    assert (failed["PackageStatus"], failed["AvailablePackageVersion"]) == (
        "VALIDATION_FAILED",
        "v1",  # the last good version stays available
    )
    assert failed["ErrorDetails"]["ErrorType"] == "InvalidSynonymFile"
    # fixing the file is an update like any other, and takes the next version number
    client.update_package(
        PackageID=good_id, PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v2.txt"}
    )
    clock.advance(10)
    fixed = _describe(client, good_id)
    assert (fixed["PackageStatus"], fixed["AvailablePackageVersion"]) == ("AVAILABLE", "v2")
    assert "ErrorDetails" not in fixed

    packages_fake.put_object(BUCKET, "unreadable.txt", b"x")
    packages_fake.fail_validation(
        BUCKET, "unreadable.txt", "AccessDenied", "Access Denied", status="COPY_FAILED"
    )
    copy_failed = _create(client, "unreadable", "unreadable.txt")["PackageID"]
    clock.advance(10)
    assert _describe(client, copy_failed)["PackageStatus"] == "COPY_FAILED"
    with pytest.raises(ValueError, match="status must be one of"):
        packages_fake.fail_validation(BUCKET, "x", status="DELETE_FAILED")  # type: ignore[arg-type]


def test_update_errors(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    with pytest.raises(ClientError) as error:
        client.update_package(
            PackageID="F404", PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"}
        )
    assert error_code(error) == "ValidationException"  # field: "Package not found"
    assert "Package not found: F404" in str(error.value)
    packages_fake.package_not_found_error = "ResourceNotFoundException"
    with pytest.raises(ClientError) as error:
        client.update_package(
            PackageID="F404", PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"}
        )
    assert error_code(error) == "ResourceNotFoundException"  # the model's code
    packages_fake.add_package("F1")
    with pytest.raises(ClientError) as error:
        client.update_package(
            PackageID="F1", PackageSource={"S3BucketName": BUCKET, "S3Key": "missing.txt"}
        )
    assert error_code(error) == "ValidationException"
    assert f"s3://{BUCKET}/missing.txt" in str(error.value)
    # a seeded package counts its versions on from the seeded one
    packages_fake.add_package("F2", version="v7")
    client.update_package(
        PackageID="F2", PackageSource={"S3BucketName": BUCKET, "S3Key": "synonyms-v1.txt"}
    )
    clock.advance(10)
    seen_by_test = packages_fake.package("F2")
    assert seen_by_test is not None
    assert seen_by_test["AvailablePackageVersion"] == "v8"
    assert _describe(client, "F2")["AvailablePackageVersion"] == "v8"


def test_delete_package_refused_while_in_use_then_deleting_then_gone(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    package_id = _create(client, "synonyms", "synonyms-v1.txt")["PackageID"]
    clock.advance(10)
    packages_fake.add_domain("other-domain")
    client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    client.associate_package(PackageID=package_id, DomainName="other-domain")
    clock.advance(60)
    with pytest.raises(ClientError) as error:
        client.delete_package(PackageID=package_id)
    assert error_code(error) == "ConflictException"
    assert f"in use by domain(s) other-domain, {DOMAIN}" in str(error.value)

    client.dissociate_package(PackageID=package_id, DomainName=DOMAIN)
    listed = client.list_domains_for_package(PackageID=package_id)["DomainPackageDetailsList"]
    assert {d["DomainName"]: d["DomainPackageStatus"] for d in listed} == {
        DOMAIN: "DISSOCIATING",
        "other-domain": "ACTIVE",
    }
    client.dissociate_package(PackageID=package_id, DomainName="other-domain")
    with pytest.raises(ClientError) as error:  # still dissociating: still in use
        client.delete_package(PackageID=package_id)
    assert error_code(error) == "ConflictException"
    clock.advance(30)
    assert client.list_domains_for_package(PackageID=package_id)["DomainPackageDetailsList"] == []

    deleting = client.delete_package(PackageID=package_id)["PackageDetails"]
    assert deleting["PackageStatus"] == "DELETING"
    assert _describe(client, package_id)["PackageStatus"] == "DELETING"
    with pytest.raises(ClientError) as error:
        client.associate_package(PackageID=package_id, DomainName=DOMAIN)
    assert error_code(error) == "ValidationException"
    clock.advance(10)
    assert packages_fake.package(package_id) is None
    # gone: every package operation answers "Package not found", DescribePackages included, as
    # a ValidationException (field) or ResourceNotFoundException (model)
    for not_found_error in ("ValidationException", "ResourceNotFoundException"):
        packages_fake.package_not_found_error = not_found_error
        for call in (
            lambda: client.describe_packages(
                Filters=[{"Name": "PackageID", "Value": [package_id]}]
            ),
            lambda: client.delete_package(PackageID=package_id),
            lambda: client.list_domains_for_package(PackageID=package_id),
            lambda: client.get_package_version_history(PackageID=package_id),
        ):
            with pytest.raises(ClientError) as error:
                call()
            assert error_code(error) == not_found_error
            assert f"Package not found: {package_id}" in str(error.value)
    # a name no package has: "not found" too (undocumented; the default), or an empty list
    by_name: list[DescribePackagesFilterTypeDef] = [{"Name": "PackageName", "Value": ["synonyms"]}]
    with pytest.raises(ClientError) as error:
        client.describe_packages(Filters=by_name)
    assert "Package not found: synonyms" in str(error.value)
    packages_fake.describe_unknown_ids = "omit"
    assert client.describe_packages(Filters=by_name)["PackageDetailsList"] == []
    # the name is free again
    _create(client, "synonyms", "synonyms-v2.txt")

    packages_fake.add_package("G123", package_type="ZIP-PLUGIN")
    with pytest.raises(ClientError) as error:
        client.delete_package(PackageID="G123")
    assert "This package cannot be deleted" in str(error.value)


def test_s3_objects_hold_sources_and_scripted_outcomes() -> None:
    objects = S3Objects()
    objects.put(BUCKET, "a.txt", b"x")
    source = {"PackageSource": {"S3BucketName": BUCKET, "S3Key": "a.txt"}}
    assert objects.read_source(source) == (BUCKET, "a.txt")
    assert objects.scripted_failure((BUCKET, "a.txt")) is None
    objects.script_failure(BUCKET, "a.txt", "COPY_FAILED", "AccessDenied", "Access Denied")
    assert objects.scripted_failure((BUCKET, "a.txt")) == (
        "COPY_FAILED",
        "AccessDenied",
        "Access Denied",
    )
    for params in (
        {},
        {"PackageSource": "s3://bucket/key"},
        {"PackageSource": {"S3BucketName": BUCKET}},
        {"PackageSource": {"S3BucketName": "", "S3Key": "a.txt"}},
    ):
        with pytest.raises(ApiError, match="requires S3BucketName and S3Key"):
            objects.read_source(params)
    with pytest.raises(ApiError, match=f"s3://{BUCKET}/b.txt does not exist"):
        objects.read_source({"PackageSource": {"S3BucketName": BUCKET, "S3Key": "b.txt"}})
    S3Objects.check_failed_status("VALIDATION_FAILED")
    with pytest.raises(ValueError, match="status must be one of"):
        S3Objects.check_failed_status("AVAILABLE")


def _plugin_zip(**descriptor: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "plugin-descriptor.properties",
            "# made by a test\n" + "".join(f"{k}={v}\n" for k, v in descriptor.items()),
        )
        archive.writestr("my-plugin.jar", b"\0" * 100)
    return buffer.getvalue()


def test_plugin_options_are_stored_and_reported_as_the_model_names_them(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    packages_fake.put_object(
        BUCKET,
        "plugin.zip",
        _plugin_zip(name="my-plugin", version="2.19.0.1", classname="org.example.MyPlugin"),
    )
    configuration = {"LicenseRequirement": "REQUIRED", "ConfigurationRequirement": "NONE",
                     "LicenseFilepath": "license.json"}  # fmt: skip
    created = client.create_package(
        PackageName="my-plugin",
        PackageType="ZIP-PLUGIN",
        PackageSource={"S3BucketName": BUCKET, "S3Key": "plugin.zip"},
        EngineVersion="OpenSearch_2.19",
        PackageConfiguration=configuration,  # type: ignore[arg-type]
        PackageEncryptionOptions={"EncryptionEnabled": True, "KmsKeyIdentifier": "alias/mine"},
        PackageVendingOptions={"VendingEnabled": False},
    )["PackageDetails"]
    package_id = created["PackageID"]
    assert "AvailablePluginProperties" not in created  # nothing available before validation
    clock.advance(10)
    details = _describe(client, package_id)
    assert details["AvailablePluginProperties"] == {
        "Name": "my-plugin",
        "Description": "",
        "Version": "2.19.0.1",
        "ClassName": "org.example.MyPlugin",
        "UncompressedSizeInBytes": len("# made by a test\n")
        + len("name=my-plugin\nversion=2.19.0.1\nclassname=org.example.MyPlugin\n")
        + 100,
    }
    assert details["AvailablePackageConfiguration"] == configuration
    assert details["PackageEncryptionOptions"] == {
        "EncryptionEnabled": True,
        "KmsKeyIdentifier": "alias/mine",
    }
    assert details["PackageVendingOptions"] == {"VendingEnabled": False}


def test_update_package_scope_adds_overrides_and_removes_accounts(
    packages_fake: FakeOpenSearch, client: OpenSearchServiceClient, clock: SimClock
) -> None:
    package_id = _create(client, "shared-synonyms", "synonyms-v1.txt")["PackageID"]
    clock.advance(10)
    client.update_package_scope(PackageID=package_id, Operation="ADD",
                                PackageUserList=["111111111111", "222222222222"])  # fmt: skip
    assert _describe(client, package_id)["AllowListedUserList"] == [
        "111111111111",
        "222222222222",
    ]
    answer = client.update_package_scope(
        PackageID=package_id, Operation="OVERRIDE", PackageUserList=["GLOBAL"]
    )
    assert (answer["Operation"], answer["PackageUserList"]) == ("OVERRIDE", ["GLOBAL"])
    client.update_package_scope(
        PackageID=package_id, Operation="REMOVE", PackageUserList=["GLOBAL"]
    )
    assert "AllowListedUserList" not in _describe(client, package_id)
    for bad in (["1234567"], ["everyone"]):  # botocore checks lengths, the service patterns
        with pytest.raises(ClientError) as error:
            client.update_package_scope(PackageID=package_id, Operation="ADD", PackageUserList=bad)
        assert error_code(error) == "ValidationException"
    with pytest.raises(ClientError) as error:
        client.update_package_scope(PackageID="F1", Operation="ADD", PackageUserList=["GLOBAL"])
    assert error_code(error) == "ValidationException"
    assert "Package not found: F1" in str(error.value)
