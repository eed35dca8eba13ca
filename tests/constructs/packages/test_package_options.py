"""Package's options beyond its file (configuration, encryption, vending, sharing), its
read-only attributes, and engine upgrades: a plugin's name and the domain's dependency on it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3

from opensearch_packages import (
    REQUIREMENT_LEVELS,
    DomainPackages,
    Package,
    PackageAssociation,
    PackageConfiguration,
)
from opensearch_packages.packages.naming import derive_package_name
from tests.constructs.support import (
    default_policy_statements,
    only_resource_of_type,
    resources_of_type,
    template_of,
    unexpected_lint_findings,
)

PACKAGE = "Custom::OpenSearchPackage"
DOMAIN_PACKAGES = "Custom::OpenSearchDomainPackages"
DOMAIN = "AWS::OpenSearchService::Domain"
KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ACTIONS = ["kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"]


def plugin(stack: cdk.Stack, id: str = "Plugin", **kwargs: Any) -> Package:
    kwargs.setdefault("engine_version", "OpenSearch_2.19")
    return Package(
        stack,
        id,
        source=s3.Location(bucket_name="my-packages", object_key=f"plugins/{id}.zip"),
        package_type="ZIP-PLUGIN",
        **kwargs,
    )


def dictionary(stack: cdk.Stack, id: str = "Synonyms", **kwargs: Any) -> Package:
    return Package(
        stack, id, source=s3.Location(bucket_name="my-packages", object_key="syn.txt"), **kwargs
    )


def properties_of(template: dict[str, Any], logical_id: str | None = None) -> dict[str, Any]:
    if logical_id is None:
        _, resource = only_resource_of_type(template, PACKAGE)
    else:
        resource = template["Resources"][logical_id]
    return {k: v for k, v in resource["Properties"].items() if k != "ServiceToken"}


def logical_id(stack: cdk.Stack, construct: Any) -> str:
    child = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
    return stack.get_logical_id(child)


# --- the options on the wire --------------------------------------------------------------------


def test_every_option_is_written_in_the_handlers_wire_format(stack: cdk.Stack) -> None:
    key = kms.Key.from_key_arn(stack, "Key", KEY_ARN)
    plugin(
        stack,
        package_configuration=PackageConfiguration(
            license_requirement="REQUIRED",
            configuration_requirement="OPTIONAL",
            license_filepath="config/license.json",
            requires_restart_for_configuration_update=True,
        ),
        encryption_key=key,
        vending_enabled=True,
        shared_with=["444455556666", "111122223333"],
    )
    properties = properties_of(template_of(stack))
    assert properties["PackageConfiguration"] == {
        "LicenseRequirement": "REQUIRED",
        "ConfigurationRequirement": "OPTIONAL",
        "LicenseFilepath": "config/license.json",
        "RequiresRestartForConfigurationUpdate": True,
    }
    assert properties["PackageEncryptionOptions"] == {
        "EncryptionEnabled": True,
        "KmsKeyIdentifier": KEY_ARN,
    }
    assert properties["PackageVendingOptions"] == {"VendingEnabled": True}
    assert properties["PackageScope"] == ["444455556666", "111122223333"]


def test_options_are_omitted_unless_set(stack: cdk.Stack) -> None:
    plugin(
        stack,
        package_configuration=PackageConfiguration("NONE", "REQUIRED"),
        vending_enabled=False,
        shared_with=[],  # not shared: the same as None
    )
    properties = properties_of(template_of(stack))
    assert properties["PackageConfiguration"] == {
        "LicenseRequirement": "NONE",
        "ConfigurationRequirement": "REQUIRED",
    }
    assert properties["PackageVendingOptions"] == {"VendingEnabled": False}
    assert "PackageScope" not in properties
    assert "PackageEncryptionOptions" not in properties


def test_package_configuration_is_immutable() -> None:
    configuration = PackageConfiguration("REQUIRED", "NONE")
    with pytest.raises(AttributeError):
        configuration.license_requirement = "NONE"  # type: ignore[misc]
    assert REQUIREMENT_LEVELS == ("REQUIRED", "OPTIONAL", "NONE")


@pytest.mark.parametrize(
    ("configuration", "error", "message"),
    [
        (
            PackageConfiguration("MANDATORY", "NONE"),  # type: ignore[arg-type]
            ValueError,
            r"Package 'Plugin': package_configuration.license_requirement 'MANDATORY' is not one "
            r"of REQUIRED, OPTIONAL, NONE",
        ),
        (
            PackageConfiguration("NONE", "required"),  # type: ignore[arg-type]
            ValueError,
            r"package_configuration.configuration_requirement 'required' is not one of",
        ),
        (
            PackageConfiguration("REQUIRED", "NONE", license_filepath="../license.json"),
            ValueError,
            r"license_filepath '../license.json' is not a licence path the service accepts: "
            r"use a relative path of at most 256 characters",
        ),
        (
            PackageConfiguration("REQUIRED", "NONE", license_filepath="/etc/license.json"),
            ValueError,
            r"license_filepath '/etc/license.json' is not a licence path",
        ),
        (
            PackageConfiguration("REQUIRED", "NONE", license_filepath="a" * 257),
            ValueError,
            r"license_filepath 'a{257}' is not a licence path",
        ),
        (
            PackageConfiguration("REQUIRED", "NONE", requires_restart_for_configuration_update="y"),  # type: ignore[arg-type]
            TypeError,
            r"requires_restart_for_configuration_update 'y' is a str; expected True, False",
        ),
        (
            {"LicenseRequirement": "REQUIRED"},
            TypeError,
            r"package_configuration \{'LicenseRequirement': 'REQUIRED'\} is a dict; expected a "
            r"PackageConfiguration",
        ),
    ],
)
def test_package_configuration_is_checked(
    stack: cdk.Stack, configuration: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        plugin(stack, package_configuration=configuration)


def test_longest_licence_path_and_tokens_pass(stack: cdk.Stack) -> None:
    token = cdk.CfnParameter(stack, "Level").value_as_string
    path = cdk.CfnParameter(stack, "Path").value_as_string
    plugin(stack, package_configuration=PackageConfiguration("REQUIRED", "NONE", "a/" * 127 + "bc"))
    plugin(stack, "Other", package_configuration=PackageConfiguration(token, token, path))  # type: ignore[arg-type]


def test_vending_enabled_is_a_bool(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"Package 'Plugin': vending_enabled 'yes' is a str"):
        plugin(stack, vending_enabled="yes")


@pytest.mark.parametrize(
    ("shared_with", "error", "message"),
    [
        ("111122223333", TypeError, r"shared_with '111122223333' is a str; expected a list"),
        (["11112222333"], ValueError, r"shared_with entry '11112222333' is neither a 12-digit"),
        (["global"], ValueError, r"shared_with entry 'global' is neither"),
        ([111122223333], TypeError, r"shared_with entry 111122223333 is a int"),
        (["111122223333", "111122223333"], ValueError, r"lists '111122223333' twice"),
    ],
)
def test_shared_with_is_checked(
    stack: cdk.Stack, shared_with: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        dictionary(stack, shared_with=shared_with)


def test_shared_with_global_or_a_token(stack: cdk.Stack) -> None:
    account = cdk.CfnParameter(stack, "Account").value_as_string
    dictionary(stack, shared_with=["GLOBAL"])
    dictionary(stack, "Other", shared_with=[account])
    scopes = [
        p["Properties"]["PackageScope"]
        for p in resources_of_type(template_of(stack), PACKAGE).values()
    ]
    assert sorted(scopes, key=json.dumps) == sorted(
        [["GLOBAL"], [{"Ref": "Account"}]], key=json.dumps
    )


def test_read_only_attributes(stack: cdk.Stack) -> None:
    the_plugin = plugin(stack)
    logical = logical_id(stack, the_plugin.resource)
    attributes = {
        "plugin_name": "PluginName",
        "plugin_version": "PluginVersion",
        "plugin_class_name": "PluginClassName",
        "package_owner": "PackageOwner",
        "available_configuration": "AvailablePackageConfiguration",
    }
    for name, attribute in attributes.items():
        assert stack.resolve(getattr(the_plugin, name)) == {"Fn::GetAtt": [logical, attribute]}
        with pytest.raises(AttributeError):
            setattr(the_plugin, name, "x")
    # What the stack declares is read-only too: one attribute style, properties.
    declared = ("package_id", "package_version", "package_name", "package_type", "engine_version")
    for name in (*declared, "timeout", "asset", "source_location", "resource", "domain_waits_for"):
        with pytest.raises(AttributeError):
            setattr(the_plugin, name, None)
    assert the_plugin.domain_waits_for is the_plugin.resource  # a ZIP-PLUGIN


# --- the encryption key -------------------------------------------------------------------------


def test_encryption_key_is_for_plugins_only(stack: cdk.Stack) -> None:
    key = kms.Key.from_key_arn(stack, "Key", KEY_ARN)
    with pytest.raises(
        ValueError,
        match=r"Package 'Synonyms': encryption_key is only for a ZIP-PLUGIN .* not a "
        r"TXT-DICTIONARY; drop encryption_key",
    ):
        dictionary(stack, encryption_key=key)
    with pytest.raises(TypeError, match=r"encryption_key 'alias/mine' is a str; expected an aws_k"):
        plugin(stack, encryption_key="alias/mine")


def test_encryption_key_is_granted_exactly(stack: cdk.Stack) -> None:
    own = kms.Key(stack, "Own")
    plugin(stack, encryption_key=own)
    plugin(stack, "Imported", encryption_key=kms.Key.from_key_arn(stack, "Key", KEY_ARN))
    plugin(stack, "Plain")
    template = template_of(stack)
    key_statements = [s for s in default_policy_statements(template) if s["Action"] == KEY_ACTIONS]
    own_arn = {"Fn::GetAtt": [logical_id(stack, own), "Arn"]}
    assert key_statements == [
        {"Action": KEY_ACTIONS, "Effect": "Allow", "Resource": own_arn},
        {"Action": KEY_ACTIONS, "Effect": "Allow", "Resource": KEY_ARN},
    ]
    encrypted = [
        p["Properties"]["PackageEncryptionOptions"]["KmsKeyIdentifier"]
        for p in resources_of_type(template, PACKAGE).values()
        if "PackageEncryptionOptions" in p["Properties"]
    ]
    assert sorted(encrypted, key=json.dumps) == sorted([own_arn, KEY_ARN], key=json.dumps)


# --- names and engine upgrades ------------------------------------------------------------------


def test_a_plugins_derived_name_ignores_the_engine_version() -> None:
    """The service wants a plugin's package for a new engine version under the same name
    (developer guide, custom plugins: upgrading)."""
    names = set()
    for version in ("OpenSearch_2.17", "OpenSearch_2.19"):
        app = cdk.App(context={"aws:cdk:bundling-stacks": []})
        names.add(plugin(cdk.Stack(app, "S"), engine_version=version).package_name)
    assert len(names) == 1
    assert re.fullmatch(r"plugin-[0-9a-f]{8}", names.pop())


def test_derived_names_of_other_types_did_not_change() -> None:
    """Names derived before the engine version left the hash: path and type only."""
    assert derive_package_name("Synonyms", "Search/Synonyms", "TXT-DICTIONARY") == (
        "synonyms-" + _old_hash("Search/Synonyms\nTXT-DICTIONARY")
    )


def _old_hash(identity: str) -> str:
    import hashlib

    return hashlib.sha256(identity.encode()).hexdigest()[:8]


def test_new_type_or_vending_gives_a_new_name() -> None:
    """They need a new package, which cannot have the old one's name while that exists."""
    names = {
        derive_package_name("Plugin", "S/Plugin", "ZIP-PLUGIN"),
        derive_package_name("Plugin", "S/Plugin", "PACKAGE-CONFIG"),
        derive_package_name("Plugin", "S/Plugin", "ZIP-PLUGIN", True),
        derive_package_name("Plugin", "S/Plugin", "ZIP-PLUGIN", False),
    }
    assert len(names) == 4
    assert all(len(n) <= 28 for n in names)


def domain(stack: cdk.Stack, id: str = "Domain") -> opensearch.Domain:
    return opensearch.Domain(stack, id, version=opensearch.EngineVersion.OPENSEARCH_2_19)


def _depends_on(template: dict[str, Any], logical: str) -> list[str]:
    return list(template["Resources"][logical].get("DependsOn", []))


def _references(value: Any) -> set[str]:
    """Logical IDs that ``value`` names through Ref, Fn::GetAtt or Fn::Sub."""
    if isinstance(value, list):
        return {r for v in value for r in _references(v)}
    if not isinstance(value, dict):
        return set()
    found: set[str] = set()
    for key, inner in value.items():
        if key == "Ref" and isinstance(inner, str):
            found.add(inner)
        elif key == "Fn::GetAtt":
            found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
        elif key == "Fn::Sub":
            text = inner if isinstance(inner, str) else inner[0]
            found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)}
            if not isinstance(inner, str):
                found |= _references(inner[1])
        else:
            found |= _references(inner)
    return found


def find_cycle(template: dict[str, Any]) -> list[str] | None:
    """A cycle among the template's resources (DependsOn and references), or None."""
    resources = template["Resources"]
    edges = {
        k: {d for d in [*_depends_on(template, k), *_references(v)] if d in resources}
        for k, v in resources.items()
    }
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(resources):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def upgrade_stack(stack: cdk.Stack) -> tuple[opensearch.Domain, Package, Package, Package]:
    the_domain = domain(stack)
    the_plugin = plugin(stack)
    config = Package(
        stack,
        "Config",
        source=s3.Location(bucket_name="my-packages", object_key="config.zip"),
        package_type="PACKAGE-CONFIG",
    )
    other_plugin = plugin(stack, "Prerequisite")
    synonyms = dictionary(stack)
    DomainPackages(
        stack,
        "Packages",
        domain=the_domain,
        packages=[
            the_plugin,
            synonyms,
            PackageAssociation(config, prerequisites=[other_plugin]),
            other_plugin,
        ],
    )
    return the_domain, the_plugin, other_plugin, synonyms


def test_the_domain_upgrades_after_its_plugin_packages_exist(stack: cdk.Stack) -> None:
    the_domain, the_plugin, other_plugin, synonyms = upgrade_stack(stack)
    template = template_of(stack)
    domain_depends = _depends_on(template, logical_id(stack, the_domain))
    assert logical_id(stack, the_plugin.resource) in domain_depends
    assert logical_id(stack, other_plugin.resource) in domain_depends
    assert logical_id(stack, synonyms.resource) not in domain_depends  # not engine-bound
    assert find_cycle(template) is None


def test_packages_do_not_wait_for_the_domain_scoped_policy(stack: cdk.Stack) -> None:
    the_domain, the_plugin, _, _ = upgrade_stack(stack)
    template = template_of(stack)
    policies = resources_of_type(template, "AWS::IAM::Policy")
    (association,) = [k for k in policies if "AssociationPolicy" in k]
    (default,) = [k for k in policies if "DefaultPolicy" in k]
    (self_invoke,) = [k for k in policies if "SelfInvoke" in k]
    assert sorted(_depends_on(template, logical_id(stack, the_plugin.resource))) == sorted(
        [default, self_invoke]
    )
    (packages_id,) = resources_of_type(template, DOMAIN_PACKAGES)
    assert {default, self_invoke, association} <= set(_depends_on(template, packages_id))
    # the default policy, on which the function depends, names no domain
    domain_id = logical_id(stack, the_domain)
    assert domain_id not in json.dumps(policies[default]["Properties"]["PolicyDocument"])
    assert domain_id in json.dumps(policies[association]["Properties"]["PolicyDocument"])


def test_the_cycle_check_finds_a_cycle(stack: cdk.Stack) -> None:
    the_domain, the_plugin, _, _ = upgrade_stack(stack)
    template = template_of(stack)
    broken = json.loads(json.dumps(template))
    plugin_id = logical_id(stack, the_plugin.resource)
    broken["Resources"][plugin_id].setdefault("DependsOn", []).append(logical_id(stack, the_domain))
    assert find_cycle(broken) is not None


def test_no_domain_dependency_across_stacks(app: cdk.App) -> None:
    """A plugin of another stack: the user declares the order (README), the construct adds no
    cross-stack dependency that could make the stacks depend on each other."""
    plugin_stack = cdk.Stack(app, "PluginStack")
    domain_stack = cdk.Stack(app, "DomainStack")
    the_plugin = plugin(plugin_stack)
    the_domain = domain(domain_stack)
    DomainPackages(domain_stack, "Packages", domain=the_domain, packages=[the_plugin])
    template = template_of(domain_stack)
    assert _depends_on(template, logical_id(domain_stack, the_domain)) == []
    assert domain_stack not in plugin_stack.dependencies
    app.synth()


def test_no_domain_dependency_by_name(stack: cdk.Stack) -> None:
    domain(stack)
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=[plugin(stack)])
    (domain_resource,) = resources_of_type(template_of(stack), DOMAIN).values()
    assert "DependsOn" not in domain_resource


def test_upgrade_stack_lints_clean(tmp_path: Path) -> None:
    """cfn-lint (its circular-dependency rule included) and CDK's own template validation."""
    app = cdk.App(outdir=str(tmp_path), context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "S")
    upgrade_stack(stack)
    app.synth()
    assert unexpected_lint_findings(tmp_path / "S.template.json") == []
    report = tmp_path / "validation-report.json"
    assert not report.exists() or "Circular" not in report.read_text()
