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
from domain_packages_handler.packages.options import EncryptionOptions, PackageConfiguration


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
        "PluginName": "",
        "PluginVersion": "",
        "PluginClassName": "",
        "PackageOwner": "",
        "AvailablePackageConfiguration": "",
    }


def test_data_carries_what_the_service_reads_from_a_plugin() -> None:
    plugin = PackageAvailability(
        "pkg-1",
        "AVAILABLE",
        name="my-plugin",
        available_version="v1",
        plugin=("my-plugin", "1.2.0", "org.example.MyPlugin"),
        owner="123456789012",
        configuration='{"LicenseRequirement":"NONE"}',
    )
    data = package_plan.package_data(plugin)
    assert (data["PluginName"], data["PluginVersion"], data["PluginClassName"]) == (
        "my-plugin",
        "1.2.0",
        "org.example.MyPlugin",
    )
    assert data["PackageOwner"] == "123456789012"
    assert data["AvailablePackageConfiguration"] == '{"LicenseRequirement":"NONE"}'


OPTIONS = {
    "PackageConfiguration": {
        "LicenseRequirement": "REQUIRED",
        "ConfigurationRequirement": "NONE",
        "LicenseFilepath": "licenses/license.json",
        "RequiresRestartForConfigurationUpdate": "false",
    },
    "PackageEncryptionOptions": {"EncryptionEnabled": "true", "KmsKeyIdentifier": "alias/k"},
    "PackageVendingOptions": {"VendingEnabled": "true"},
    "PackageScope": ["222222222222", "111111111111"],
}


def test_every_package_option_is_read() -> None:
    spec = package_spec.parse_package_properties(
        props(PackageType="ZIP-PLUGIN", EngineVersion="OpenSearch_2.19", **OPTIONS)
    )
    assert spec.configuration == PackageConfiguration(
        "REQUIRED", "NONE", "licenses/license.json", False
    )
    assert spec.configuration.to_api() == {
        "LicenseRequirement": "REQUIRED",
        "ConfigurationRequirement": "NONE",
        "LicenseFilepath": "licenses/license.json",
        "RequiresRestartForConfigurationUpdate": False,
    }
    assert spec.encryption == EncryptionOptions(True, "alias/k")
    assert spec.encryption.to_api() == {"EncryptionEnabled": True, "KmsKeyIdentifier": "alias/k"}
    assert spec.vending_enabled is True
    assert spec.scope == ("111111111111", "222222222222")
    assert package_spec.parse_package_properties(props(PackageScope="GLOBAL")).scope == ("GLOBAL",)
    plain = package_spec.parse_package_properties(props())
    assert (plain.configuration, plain.encryption, plain.vending_enabled, plain.scope) == (
        None,
        None,
        None,
        (),
    )
    assert PackageConfiguration("NONE", "NONE").to_api() == {
        "LicenseRequirement": "NONE",
        "ConfigurationRequirement": "NONE",
    }
    assert EncryptionOptions(True).to_api() == {"EncryptionEnabled": True}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"PackageConfiguration": {"LicenseRequirement": "MAYBE", "ConfigurationRequirement":
          "NONE"}}, "LicenseRequirement 'MAYBE' is not one of REQUIRED, OPTIONAL, NONE"),
        ({"PackageConfiguration": {"LicenseRequirement": "NONE"}}, "ConfigurationRequirement ''"),
        ({"PackageConfiguration": {"LicenseRequirement": "NONE", "ConfigurationRequirement":
          "NONE", "LicenseFilepath": "../etc/passwd"}}, "LicenseFilepath '../etc/passwd'"),
        ({"PackageConfiguration": "yes"}, "PackageConfiguration of package synonyms-1a2b must"),
        ({"PackageEncryptionOptions": {"KmsKeyIdentifier": "k"}}, "EncryptionEnabled is required"),
        ({"PackageEncryptionOptions": {"EncryptionEnabled": "true",
          "KmsKeyIdentifier": "k" * 501}}, "KmsKeyIdentifier is over 500"),
        ({"PackageVendingOptions": {"VendingEnabled": "perhaps"}}, "must be true or false"),
        ({"PackageScope": ["12345"]}, "'12345' is not a 12-digit account ID or GLOBAL"),
        ({"PackageScope": {"a": 1}}, "must be a list of account IDs"),
    ],
)  # fmt: skip
def test_invalid_options_say_what_and_why(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidProperties) as error:
        package_spec.parse_package_properties(props(**overrides))
    assert message in str(error.value)


def test_options_decide_between_a_new_version_and_a_new_package() -> None:
    spec = package_spec.parse_package_properties(
        props(PackageType="ZIP-PLUGIN", EngineVersion="OpenSearch_2.19", **OPTIONS)
    )
    assert package_spec.change_kind(spec, replace(spec, configuration=None)) == "update"
    assert package_spec.change_kind(spec, replace(spec, encryption=None)) == "update"
    assert package_spec.change_kind(spec, replace(spec, vending_enabled=False)) == "replace"
    assert package_spec.change_kind(spec, replace(spec, scope=())) == "none"


@pytest.mark.parametrize(
    ("before", "after", "call"),
    [
        ((), (), None),
        (("1",), ("1",), None),
        ((), ("1", "2"), ("OVERRIDE", ("1", "2"))),
        (("1",), ("2",), ("OVERRIDE", ("2",))),
        (("1", "2"), (), ("REMOVE", ("1", "2"))),
    ],
)
def test_sharing_is_kept_in_step_with_one_call(
    before: tuple[str, ...], after: tuple[str, ...], call: tuple[str, tuple[str, ...]] | None
) -> None:
    assert package_plan.scope_change(before, after) == call
