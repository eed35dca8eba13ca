"""Pure decisions of the Package resource."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from domain_packages_handler.core.names import is_package_id
from domain_packages_handler.core.outcome import Done, ErrorDetails, Fail, Wait
from domain_packages_handler.core.package_status import PackageAvailability
from domain_packages_handler.core.properties import InvalidProperties
from domain_packages_handler.packages import plan as package_plan
from domain_packages_handler.packages import spec as package_spec


def props(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "PackageName": "synonyms-1a2b",
        "PackageType": "TXT-DICTIONARY",
        "PackageSource": {"S3BucketName": "assets", "S3Key": "abc.txt"},
        "TimeoutSeconds": "1800",
    }
    base.update(overrides)
    return base


def test_properties_are_parsed() -> None:
    spec = package_spec.parse_package_properties(props(PackageDescription="synonyms"))
    assert spec == package_spec.PackageSpec(
        "synonyms-1a2b", "TXT-DICTIONARY", "assets", "abc.txt", None, "synonyms", 1800
    )


def test_a_plugins_engine_version_is_kept() -> None:
    spec = package_spec.parse_package_properties(
        props(PackageType="ZIP-PLUGIN", EngineVersion="OpenSearch_2.19")
    )
    assert (spec.package_type, spec.engine_version) == ("ZIP-PLUGIN", "OpenSearch_2.19")
    assert package_spec.parse_package_properties(props()).description is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"PackageName": "Bad Name"}, "PackageName 'Bad Name' is not a package name"),
        ({"PackageType": "JAR"}, "PackageType 'JAR' of package synonyms-1a2b is not one of"),
        ({"PackageSource": {"S3BucketName": "b"}}, "needs S3BucketName and S3Key"),
        ({"PackageSource": {"S3Key": "k"}}, "needs S3BucketName and S3Key"),
        ({"PackageSource": "s3://b/k"}, "needs S3BucketName and S3Key"),
        ({"PackageType": "ZIP-PLUGIN"}, "is a ZIP-PLUGIN: EngineVersion is required"),
    ],
)
def test_invalid_properties(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidProperties, match=message):
        package_spec.parse_package_properties(props(**overrides))


def test_change_kinds() -> None:
    spec = package_spec.parse_package_properties(props())
    assert package_spec.change_kind(spec, spec) == "none"
    assert package_spec.change_kind(spec, replace(spec, key="def.txt")) == "update"
    assert package_spec.change_kind(spec, replace(spec, description="x")) == "update"
    assert package_spec.change_kind(spec, replace(spec, name="other-name")) == "replace"
    assert package_spec.change_kind(spec, replace(spec, package_type="PACKAGE-CONFIG")) == (
        "replace"
    )
    assert package_spec.change_kind(spec, replace(spec, timeout_seconds=5)) == "none"


def pkg(status: str, version: str = "v1", error: ErrorDetails | None = None) -> PackageAvailability:
    return PackageAvailability("pkg-1", status, error, "synonyms-1a2b", version)


@pytest.mark.parametrize(
    ("package", "previous", "expected"),
    [
        (None, None, Wait),
        (pkg("COPYING"), None, Wait),
        (pkg("VALIDATING"), None, Wait),
        (pkg("AVAILABLE"), None, Done),
        (pkg("AVAILABLE", "v1"), "v1", Wait),  # the update has not shown yet
        (pkg("AVAILABLE", "v2"), "v1", Done),
        (pkg("VALIDATION_FAILED"), None, Fail),
        (pkg("COPY_FAILED"), "v1", Fail),
        (pkg("DELETED"), None, Fail),
    ],
)
def test_available_decision(
    package: PackageAvailability | None, previous: str | None, expected: type
) -> None:
    assert type(package_plan.available_decision(package, previous)) is expected


def test_validation_failure_carries_the_services_words() -> None:
    broken = pkg("VALIDATION_FAILED", error=ErrorDetails("InvalidSynonym", "line 2: '=>' alone"))
    decision = package_plan.available_decision(broken, None)
    assert isinstance(decision, Fail)
    assert decision.failures[0].error_type == "InvalidSynonym"
    assert decision.failures[0].error_message == "line 2: '=>' alone"


def test_in_use_decision() -> None:
    assert package_plan.in_use_decision({}) is None
    assert isinstance(package_plan.in_use_decision({"d": "DISSOCIATING"}), Wait)
    failing = package_plan.in_use_decision({"a": "ACTIVE", "b": "DISSOCIATING", "c": "ACTIVE"})
    assert failing == package_plan.InUse(("a", "c"))


def test_gone_decision() -> None:
    assert isinstance(package_plan.gone_decision(None), Done)
    assert isinstance(package_plan.gone_decision(pkg("DELETED")), Done)
    assert isinstance(package_plan.gone_decision(pkg("DELETING")), Wait)
    assert isinstance(package_plan.gone_decision(pkg("DELETE_FAILED")), Fail)


def test_package_ids_are_recognised() -> None:
    assert is_package_id("pkg-0a1b")
    assert is_package_id("F123")
    assert not is_package_id("synonyms:Res:uuid")


def test_data_names_id_version_and_name() -> None:
    assert package_plan.package_data(pkg("AVAILABLE", "v3")) == {
        "PackageID": "pkg-1",
        "PackageVersion": "v3",
        "PackageName": "synonyms-1a2b",
    }
