"""The contract between the two halves: what the constructs synthesise, for every option of both
kinds, is what the handler's request parsing reads, and it comes out as the intended request,
valid against botocore's model. The wire tests write properties by hand
(testsupport/wire/harness.py): they are checked here to parse to the same thing as the
synthesised ones.

The template's intrinsic functions are resolved with stand-in values, and every scalar is turned
into a string, as CloudFormation delivers custom resource properties.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import botocore.session
import pytest
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_opensearchservice as opensearch
from botocore.validate import ParamValidator
from domain_packages_handler.associations.service import association_request
from domain_packages_handler.associations.spec import ResourceSpec, parse_properties
from domain_packages_handler.core.properties import read_wait_handle
from domain_packages_handler.packages.plan import scope_change
from domain_packages_handler.packages.service import OpenSearchPackageStore
from domain_packages_handler.packages.spec import PackageSpec, parse_package_properties
from domain_packages_handler.upgrade_check.kind import RESOURCE_TYPE as CHECK_TYPE
from domain_packages_handler.upgrade_check.spec import CheckSpec, Plugin, parse_check_properties

from opensearch_packages import DomainPackages, Package, PackageAssociation, PackageConfiguration
from testsupport.wire.harness import package, package_props, props

REPO = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "123456789012", "us-east-1"
VERSION = "v3"
SHARED_WITH = "111122223333"


def fake_package_id(logical_id: str) -> str:
    return "pkg-" + hashlib.sha256(logical_id.encode()).hexdigest()[:12]


def role_arn(logical_id: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{logical_id}"


def handle_url(logical_id: str) -> str:
    """A WaitConditionHandle's Ref: a presigned S3 URL (the user guide's example's shape)."""
    return (
        f"https://cloudformation-waitcondition-{REGION}.s3.amazonaws.com/"
        f"arn%3Aaws%3Acloudformation%3A{REGION}%3A{ACCOUNT}%3Astack%2FContract%2Fid%2F{logical_id}"
        "?X-Amz-Signature=stand-in"
    )


def key_arn(logical_id: str) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{logical_id.lower()}"


class Resolver:
    """Stand-in values for what CloudFormation resolves at deploy time."""

    def __init__(self, resources: Mapping[str, Mapping[str, Any]]) -> None:
        self.types = {logical: str(r["Type"]) for logical, r in resources.items()}

    def ref(self, logical: str) -> str:
        if self.types[logical] == "Custom::OpenSearchPackage":
            return fake_package_id(logical)
        if self.types[logical] == "AWS::CloudFormation::WaitConditionHandle":
            return handle_url(logical)
        return logical

    def get_att(self, logical: str, attribute: str) -> str:
        kind = self.types[logical]
        if kind == "Custom::OpenSearchPackage" and attribute == "PackageVersion":
            return VERSION
        if kind == "Custom::OpenSearchPackage" and attribute == "PackageID":
            return fake_package_id(logical)
        if kind == "AWS::IAM::Role" and attribute == "Arn":
            return role_arn(logical)
        if kind == "AWS::KMS::Key" and attribute == "Arn":
            return key_arn(logical)
        if kind == "AWS::Lambda::Function" and attribute == "Arn":
            return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{logical}"
        raise AssertionError(f"no stand-in for {logical}.{attribute} ({kind})")

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"Ref"}:
                return self.ref(value["Ref"])
            if set(value) == {"Fn::GetAtt"}:
                return self.get_att(*value["Fn::GetAtt"])
            assert not any(k.startswith("Fn::") for k in value), f"unresolved {value}"
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


def as_cloudformation_delivers(value: Any) -> Any:
    """Every scalar of a custom resource's properties arrives as a string."""
    if isinstance(value, dict):
        return {k: as_cloudformation_delivers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_cloudformation_delivers(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def delivered(resolve: Resolver, resource: Mapping[str, Any]) -> dict[str, Any]:
    return as_cloudformation_delivers(resolve(resource["Properties"]))  # type: ignore[no-any-return]


class RecordingCalls:
    """Stands for the adapter: records each request, answers what the handler reads."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        self.requests.append((operation, request))
        return {"PackageDetails": {"PackageID": "pkg-0", "PackageStatus": "COPYING"}}


_MODEL = botocore.session.get_session().get_service_model("opensearch")


def assert_valid(operation: str, request: Mapping[str, Any]) -> None:
    """The request as botocore would send it: valid against the service model."""
    shape = _MODEL.operation_model(operation).input_shape
    assert shape is not None
    report = ParamValidator().validate(dict(request), shape)
    assert not report.has_errors(), report.generate_report()


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """One stack declaring every option of both kinds."""
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Contract", env=cdk.Environment(account=ACCOUNT, region=REGION))
    role = iam.Role(stack, "KeyAccess", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))
    key = kms.Key(stack, "PluginKey")
    synonyms = Package(
        stack,
        "Synonyms",
        source=str(REPO / "example" / "synonyms.txt"),
        description="shop synonyms",
        shared_with=[SHARED_WITH],
        timeout=Duration.minutes(30),
    )
    plugin = Package(
        stack,
        "Plugin",
        source=str(REPO / "example" / "synonyms.txt"),
        package_type="ZIP-PLUGIN",
        engine_version="OpenSearch_2.19",
        package_configuration=PackageConfiguration(
            "REQUIRED",
            "OPTIONAL",
            license_filepath="license.json",
            requires_restart_for_configuration_update=True,
        ),
        encryption_key=key,
        vending_enabled=True,
        check_source=False,
    )
    licence = Package(
        stack,
        "Licence",
        source=str(REPO / "example" / "plugin-license.json"),
        package_type="PACKAGE-LICENSE",
    )
    DomainPackages(
        stack,
        "SearchPackages",
        domain_name="my-domain",
        packages=[
            synonyms,
            plugin,
            PackageAssociation(
                licence,
                prerequisites=[plugin],
                key_store_access_enabled=True,
                key_access_role=role,
            ),
            "F111111111",
            PackageAssociation("G123456789", key_store_access_enabled=False),
            Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS"),
            Package.from_package_name(stack, "Stopwords", "shop-stopwords"),
        ],
        timeout=Duration.minutes(45),
    )
    template: dict[str, Any] = app.synth().get_stack_by_name("Contract").template
    return template


def resource_of(template: Mapping[str, Any], type_: str, prefix: str) -> tuple[str, Any]:
    [(logical, resource)] = [
        (k, r)
        for k, r in template["Resources"].items()
        if r["Type"] == type_ and k.startswith(prefix)
    ]
    return logical, resource


def package_spec(template: Mapping[str, Any], prefix: str) -> tuple[str, PackageSpec]:
    logical, resource = resource_of(template, "Custom::OpenSearchPackage", prefix)
    return logical, parse_package_properties(delivered(Resolver(template["Resources"]), resource))


def association_spec(template: Mapping[str, Any]) -> ResourceSpec:
    _, resource = resource_of(template, "Custom::OpenSearchDomainPackages", "SearchPackages")
    return parse_properties(delivered(Resolver(template["Resources"]), resource))


def test_domain_packages_properties_come_out_as_the_intended_association_request(
    template: dict[str, Any],
) -> None:
    spec = association_spec(template)
    plugin_id = fake_package_id(resource_of(template, "Custom::OpenSearchPackage", "Plugin")[0])
    licence_id = fake_package_id(resource_of(template, "Custom::OpenSearchPackage", "Licence")[0])
    role_logical, _ = resource_of(template, "AWS::IAM::Role", "KeyAccess")
    assert spec.domain_name == "my-domain"
    assert spec.timeout_seconds == 2700
    # Packages by name are resolved to an ID at run time; the request is then the same shape.
    package_list = [association_request(p) for p in spec.packages if p.package_id]
    assert_valid("AssociatePackages", {"DomainName": spec.domain_name, "PackageList": package_list})
    entries = {entry["PackageID"]: entry for entry in package_list}
    assert entries[licence_id] == {
        "PackageID": licence_id,
        "PrerequisitePackageIDList": [plugin_id],
        "AssociationConfiguration": {
            "KeyStoreAccessOption": {
                "KeyStoreAccessEnabled": True,
                "KeyAccessRoleArn": role_arn(role_logical),
            }
        },
    }
    assert entries["G123456789"] == {
        "PackageID": "G123456789",
        "AssociationConfiguration": {"KeyStoreAccessOption": {"KeyStoreAccessEnabled": False}},
    }
    assert entries["F111111111"] == {"PackageID": "F111111111"}
    managed = {p.package_id: p for p in spec.packages if p.package_version is not None}
    assert set(managed) == {plugin_id, licence_id, *[i for i in entries if i.startswith("pkg-")]}
    assert all(p.package_version == VERSION and p.alias for p in managed.values())
    unmanaged = [p for p in spec.packages if p.package_id in ("F111111111", "G123456789")]
    assert all(p.package_version is None and p.alias is None for p in unmanaged)
    named = {p.package_name: p for p in spec.packages if p.package_name}
    assert set(named) == {"analysis-sudachi", "shop-stopwords"}
    assert named["analysis-sudachi"].package_owner == "AWS"
    assert named["shop-stopwords"].package_owner is None
    assert all(p.alias and not p.package_id for p in named.values())


def test_package_properties_come_out_as_the_intended_create_request(
    template: dict[str, Any],
) -> None:
    logical, spec = package_spec(template, "Plugin")
    calls = RecordingCalls()
    OpenSearchPackageStore(calls).create_package(spec, "described")  # type: ignore[arg-type]
    [(operation, request)] = calls.requests
    assert operation == "CreatePackage"
    assert_valid(operation, request)
    key_logical, _ = resource_of(template, "AWS::KMS::Key", "PluginKey")
    assert request["PackageType"] == "ZIP-PLUGIN"
    assert request["EngineVersion"] == "OpenSearch_2.19"
    assert request["PackageConfiguration"] == {
        "LicenseRequirement": "REQUIRED",
        "ConfigurationRequirement": "OPTIONAL",
        "LicenseFilepath": "license.json",
        "RequiresRestartForConfigurationUpdate": True,
    }
    assert request["PackageEncryptionOptions"] == {
        "EncryptionEnabled": True,
        "KmsKeyIdentifier": key_arn(key_logical),
    }
    assert request["PackageVendingOptions"] == {"VendingEnabled": True}
    assert request["PackageSource"]["S3BucketName"].startswith("cdk-")
    assert spec.timeout_seconds == 3600
    assert logical.startswith("Plugin")


def test_a_dictionarys_update_and_sharing_requests_are_valid_and_intended(
    template: dict[str, Any],
) -> None:
    _, spec = package_spec(template, "Synonyms")
    assert (spec.package_type, spec.description, spec.timeout_seconds) == (
        "TXT-DICTIONARY",
        "shop synonyms",
        1800,
    )
    calls = RecordingCalls()
    store = OpenSearchPackageStore(calls)  # type: ignore[arg-type]
    store.update_package("F900000001", spec, "shop synonyms [mark]", "request-id")
    change = scope_change((), spec.scope)
    assert change is not None
    store.update_scope("F900000001", *change)
    (update_operation, update), (scope_operation, scope) = calls.requests
    assert_valid(update_operation, update)
    assert_valid(scope_operation, scope)
    assert "EngineVersion" not in update
    assert scope["PackageUserList"] == [SHARED_WITH]


def test_every_package_type_parses(template: dict[str, Any]) -> None:
    types = {package_spec(template, prefix)[1].package_type for prefix in ("Syn", "Plug", "Lic")}
    assert types == {"TXT-DICTIONARY", "ZIP-PLUGIN", "PACKAGE-LICENSE"}


def test_the_wire_tests_hand_written_properties_parse_as_the_synthesised_ones(
    template: dict[str, Any],
) -> None:
    """testsupport/wire/harness.py writes the properties the wire tests send by hand; for the same
    declaration they must read exactly as the constructs' do."""
    synthesised = association_spec(template)
    entries = []
    for desired in synthesised.packages:
        options: dict[str, Any] = {}
        if desired.prerequisites:
            options["Prerequisites"] = list(desired.prerequisites)
        if desired.key_store_access_enabled is not None:
            options["KeyStoreAccessEnabled"] = desired.key_store_access_enabled
        if desired.key_access_role_arn:
            options["KeyAccessRoleArn"] = desired.key_access_role_arn
        if desired.package_version:
            options["PackageVersion"] = desired.package_version
        if desired.alias:
            options["Alias"] = desired.alias
        if desired.package_name:  # an entry by name (its ID is resolved at run time)
            named = {"PackageName": desired.package_name, **options}
            if desired.package_owner:
                named["PackageOwner"] = desired.package_owner
            entries.append(named)
            continue
        entries.append(package(desired.package_id, **options))
    by_hand = props("my-domain", *entries, timeout=2700)
    assert parse_properties(as_cloudformation_delivers(by_hand)) == synthesised

    _, plugin = package_spec(template, "Plugin")
    assert plugin.configuration is not None
    assert plugin.encryption is not None
    by_hand_plugin = package_props(
        plugin.name,
        plugin.key,
        bucket=plugin.bucket,
        package_type="ZIP-PLUGIN",
        timeout=3600,
        EngineVersion="OpenSearch_2.19",
        PackageConfiguration={
            "LicenseRequirement": "REQUIRED",
            "ConfigurationRequirement": "OPTIONAL",
            "LicenseFilepath": "license.json",
            "RequiresRestartForConfigurationUpdate": True,
        },
        PackageEncryptionOptions={
            "EncryptionEnabled": True,
            "KmsKeyIdentifier": plugin.encryption.to_api()["KmsKeyIdentifier"],
        },
        PackageVendingOptions={"VendingEnabled": True},
    )
    assert parse_package_properties(as_cloudformation_delivers(by_hand_plugin)) == plugin


def test_the_upgrade_checks_properties_parse_as_the_intended_check() -> None:
    """A Domain of the stack with its own plugin, a prerequisite plugin and AWS's Sudachi by name:
    the check the construct adds reads as those three names and the domain's version."""
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Check", env=cdk.Environment(account=ACCOUNT, region=REGION))
    domain = opensearch.Domain(
        stack,
        "Domain",
        domain_name="my-domain",
        version=opensearch.EngineVersion.OPENSEARCH_2_19,
        enable_version_upgrade=True,
    )
    plugins = [
        Package(
            stack,
            id,
            source=str(REPO / "example" / "synonyms.txt"),
            package_type="ZIP-PLUGIN",
            engine_version="OpenSearch_2.19",
            check_source=False,
        )
        for id in ("Plugin", "Prerequisite")
    ]
    licence = Package(
        stack,
        "Licence",
        source=str(REPO / "example" / "plugin-license.json"),
        package_type="PACKAGE-LICENSE",
    )
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    DomainPackages(
        stack,
        "SearchPackages",
        domain=domain,
        packages=[plugins[0], sudachi, PackageAssociation(licence, prerequisites=[plugins[1]])],
    )
    synthesised: dict[str, Any] = app.synth().get_stack_by_name("Check").template
    _, check = resource_of(synthesised, CHECK_TYPE, "SearchPackagesUpgradeCheck")
    parsed = parse_check_properties(delivered(Resolver(synthesised["Resources"]), check))
    names = [p.package_name for p in plugins]
    assert parsed == CheckSpec(
        "my-domain",
        "OpenSearch_2.19",
        (Plugin(names[0]), Plugin("analysis-sudachi", "AWS"), Plugin(names[1])),
        300,
    )


@pytest.mark.parametrize("hours", [2, 12])
def test_a_long_waits_properties_parse_with_its_handle_and_whole_timeout(hours: int) -> None:
    """Above an hour the construct sends the handle's URL and the whole timeout, and answers
    within CloudFormation's hour (ServiceTimeout): the handler reads both, unclamped."""
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Contract", env=cdk.Environment(account=ACCOUNT, region=REGION))
    synonyms = Package(stack, "Synonyms", source=str(REPO / "example" / "synonyms.txt"))
    DomainPackages(
        stack,
        "SearchPackages",
        domain_name="my-domain",
        packages=[synonyms, "F111111111"],
        timeout=Duration.hours(hours),
    )
    synthesised: dict[str, Any] = app.synth().get_stack_by_name("Contract").template
    _, resource = resource_of(synthesised, "Custom::OpenSearchDomainPackages", "SearchPackages")
    handle, _ = resource_of(synthesised, "AWS::CloudFormation::WaitConditionHandle", "Search")
    properties = delivered(Resolver(synthesised["Resources"]), resource)
    assert properties["ServiceTimeout"] == "3600"
    assert read_wait_handle(properties) == handle_url(handle)
    spec = parse_properties(properties)
    assert spec.timeout_seconds == hours * 3600
    synonyms_logical, _ = resource_of(synthesised, "Custom::OpenSearchPackage", "Synonyms")
    assert spec.package_ids == (fake_package_id(synonyms_logical), "F111111111")


def test_up_to_an_hour_there_is_no_handle(template: dict[str, Any]) -> None:
    _, resource = resource_of(template, "Custom::OpenSearchDomainPackages", "SearchPackages")
    assert read_wait_handle(delivered(Resolver(template["Resources"]), resource)) is None
