"""A DomainPackages that waits longer than an hour (issue 21): its WaitConditionHandle and
WaitCondition, new for each change and the same for an unchanged app; the custom resource's
ServiceTimeout and WaitHandle; the IAM to read its stack; and what dependents wait for. Up to an
hour nothing of it is there."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3

from opensearch_packages import DomainPackages, Package, PackageAssociation
from opensearch_packages.associations.long_wait import SERVICE_KEYS, WAIT_HANDLE_PROPERTY
from tests.constructs.support import (
    association_policy_statements,
    default_policy_statements,
    only_resource_of_type,
    resources_of_type,
    template_of,
    unexpected_lint_findings,
)

CUSTOM = "Custom::OpenSearchDomainPackages"
PACKAGE = "Custom::OpenSearchPackage"
HANDLE = "AWS::CloudFormation::WaitConditionHandle"
CONDITION = "AWS::CloudFormation::WaitCondition"
STACK_ACTION = "cloudformation:DescribeStackResource"
#: The construct IDs followed by 8 upper-case hex digits, then CDK's own 8 of the path.
HANDLE_ID = re.compile(r"^PackagesWaitHandle(?P<hash>[0-9A-F]{8})[0-9A-F]{8}$")
CONDITION_ID = re.compile(r"^PackagesWait(?P<hash>[0-9A-F]{8})[0-9A-F]{8}$")


def new_stack(id: str = "TestStack") -> cdk.Stack:
    return cdk.Stack(cdk.App(context={"aws:cdk:bundling-stacks": []}), id)


def s3_package(stack: cdk.Stack, id: str = "Synonyms", **kwargs: Any) -> Package:
    return Package(
        stack, id, source=s3.Location(bucket_name="my-packages", object_key=f"{id}.txt"), **kwargs
    )


def make(stack: cdk.Stack, timeout: Duration | None, **kwargs: Any) -> DomainPackages:
    kwargs.setdefault("domain_name", "my-domain")
    kwargs.setdefault("packages", ["F1"])
    return DomainPackages(stack, "Packages", timeout=timeout, **kwargs)


def statements_with(template: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """Every statement of every policy in the template that grants ``action``."""
    policies = resources_of_type(template, "AWS::IAM::Policy").values()
    return [
        statement
        for policy in policies
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if action in (a if isinstance(a := statement["Action"], list) else [a])
    ]


def wait_ids(template: dict[str, Any]) -> tuple[str, str]:
    """The handle's and the condition's logical IDs (exactly one of each)."""
    handle, _ = only_resource_of_type(template, HANDLE)
    condition, _ = only_resource_of_type(template, CONDITION)
    return handle, condition


# --- up to an hour: nothing changes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("timeout", "seconds"),
    [(None, 3600), (Duration.minutes(30), 1800), (Duration.seconds(3600), 3600)],
)
def test_up_to_an_hour_there_is_no_wait_condition(
    stack: cdk.Stack, timeout: Duration | None, seconds: int
) -> None:
    packages = make(stack, timeout)
    template = template_of(stack)
    assert resources_of_type(template, CONDITION) == {}
    assert resources_of_type(template, HANDLE) == {}
    _, resource = only_resource_of_type(template, CUSTOM)
    assert resource["Properties"]["ServiceTimeout"] == str(seconds)
    assert resource["Properties"]["TimeoutSeconds"] == seconds
    assert WAIT_HANDLE_PROPERTY not in resource["Properties"]
    assert statements_with(template, STACK_ACTION) == []
    assert packages.wait_condition is None
    assert packages.timeout.to_seconds() == seconds


def test_up_to_an_hour_tokens_are_the_custom_resources_attributes(stack: cdk.Stack) -> None:
    packages = make(stack, Duration.hours(1))
    parameter(stack, "Version", packages.package_version("F1"))
    template = template_of(stack)
    resource_id, _ = only_resource_of_type(template, CUSTOM)
    assert template["Resources"]["Version"]["Properties"]["Value"] == {
        "Fn::GetAtt": [resource_id, "PackageVersion.F1"]
    }


# --- above an hour: a handle and a condition ---------------------------------------------------


@pytest.mark.parametrize("seconds", [3601, 6 * 3600, 43200])
def test_above_an_hour_the_stack_waits_on_one_condition(stack: cdk.Stack, seconds: int) -> None:
    packages = make(stack, Duration.seconds(seconds))
    template = template_of(stack)
    handle_id, condition_id = wait_ids(template)
    resource_id, resource = only_resource_of_type(template, CUSTOM)
    handle_match, condition_match = HANDLE_ID.match(handle_id), CONDITION_ID.match(condition_id)
    assert handle_match, handle_id
    assert condition_match, condition_id
    assert handle_match["hash"] == condition_match["hash"]
    assert template["Resources"][handle_id] == {"Type": HANDLE}
    assert template["Resources"][condition_id] == {
        "Type": CONDITION,
        "Properties": {"Handle": {"Ref": handle_id}, "Timeout": str(seconds), "Count": 1},
        "DependsOn": [resource_id],
    }
    properties = resource["Properties"]
    assert properties["ServiceTimeout"] == "3600"
    assert properties["TimeoutSeconds"] == seconds
    assert properties[WAIT_HANDLE_PROPERTY] == {"Ref": handle_id}
    assert packages.wait_condition is not None
    assert stack.resolve(packages.wait_condition.ref) == {"Ref": condition_id}
    assert packages.timeout.to_seconds() == seconds


def test_the_hash_is_over_what_the_handlers_are_given(stack: cdk.Stack) -> None:
    """The contract's definition, recomputed from the template: the custom resource's
    properties without WaitHandle, then each Package's (listed, then prerequisites, once each),
    without CloudFormation's own ServiceToken and ServiceTimeout."""
    synonyms = s3_package(stack)
    plugin = s3_package(
        stack, "Plugin", package_type="ZIP-PLUGIN", engine_version="OpenSearch_2.19"
    )
    licence = s3_package(stack, "Licence", package_type="PACKAGE-LICENSE")
    make(
        stack,
        Duration.hours(5),
        packages=[synonyms, PackageAssociation(licence, prerequisites=[plugin]), plugin, "F1"],
    )
    template = template_of(stack)
    _, condition_id = wait_ids(template)
    _, resource = only_resource_of_type(template, CUSTOM)
    own = {
        k: v
        for k, v in resource["Properties"].items()
        if k not in {*SERVICE_KEYS, WAIT_HANDLE_PROPERTY}
    }
    packages = resources_of_type(template, PACKAGE)
    by_prefix = {k.removesuffix(k[-8:]): v for k, v in packages.items()}
    applied = [own] + [
        {k: v for k, v in by_prefix[name]["Properties"].items() if k not in SERVICE_KEYS}
        for name in ("Synonyms", "Licence", "Plugin")
    ]
    text = json.dumps(applied, sort_keys=True, separators=(",", ":"))
    expected = hashlib.sha256(text.encode()).hexdigest()[:8].upper()
    match = CONDITION_ID.match(condition_id)
    assert match is not None
    assert match["hash"] == expected


# --- a new handle and condition per change, the same ones for the same app -----------------------


def ids_of(build: Callable[[cdk.Stack], object]) -> tuple[str, str]:
    stack = new_stack()
    build(stack)
    return wait_ids(template_of(stack))


def with_file(
    path: Path, content: str, hours: int = 6, more: tuple[str, ...] = ()
) -> Callable[[cdk.Stack], object]:
    """An app with a Package of a local file (an asset: its key is a hash of the content)."""

    def build(stack: cdk.Stack) -> DomainPackages:
        path.write_text(content)
        synonyms = Package(stack, "Synonyms", source=str(path))
        return make(stack, Duration.hours(hours), packages=[synonyms, *more])

    return build


def plugin_app(
    engine_version: str = "OpenSearch_2.19", **package_kwargs: Any
) -> Callable[[cdk.Stack], object]:
    def build(stack: cdk.Stack) -> DomainPackages:
        plugin = s3_package(
            stack,
            "Plugin",
            package_type="ZIP-PLUGIN",
            engine_version=engine_version,
            **package_kwargs,
        )
        return make(stack, Duration.hours(6), packages=[plugin])

    return build


def test_an_unchanged_app_keeps_its_ids(tmp_path: Path) -> None:
    build = with_file(tmp_path / "synonyms.txt", "laptop, notebook\n")
    assert ids_of(build) == ids_of(build)
    assert ids_of(plugin_app()) == ids_of(plugin_app())


def test_a_changed_package_file_gives_new_ids(tmp_path: Path) -> None:
    before = ids_of(with_file(tmp_path / "synonyms.txt", "laptop, notebook\n"))
    after = ids_of(with_file(tmp_path / "synonyms.txt", "laptop, notebook, portable\n"))
    assert before[0] != after[0]
    assert before[1] != after[1]


def test_a_changed_package_list_gives_new_ids(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    before = ids_of(with_file(path, "a, b\n"))
    after = ids_of(with_file(path, "a, b\n", more=("F2",)))
    assert set(before).isdisjoint(after)


def test_a_changed_timeout_gives_new_ids(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    before = ids_of(with_file(path, "a, b\n", hours=6))
    after = ids_of(with_file(path, "a, b\n", hours=7))
    assert set(before).isdisjoint(after)


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(plugin_app("OpenSearch_2.17"), id="engine version"),
        pytest.param(plugin_app(description="v2 of the plugin"), id="package option"),
        pytest.param(plugin_app(timeout=Duration.minutes(30)), id="package timeout"),
    ],
)
def test_a_changed_package_gives_new_ids(changed: Callable[[cdk.Stack], object]) -> None:
    assert set(ids_of(plugin_app())).isdisjoint(ids_of(changed))


def test_a_changed_domain_gives_new_ids() -> None:
    def on(domain_name: str) -> Callable[[cdk.Stack], object]:
        return lambda stack: make(stack, Duration.hours(2), domain_name=domain_name)

    assert set(ids_of(on("one"))).isdisjoint(ids_of(on("two")))


def test_two_long_waits_in_one_stack_have_their_own(stack: cdk.Stack) -> None:
    make(stack, Duration.hours(2))
    DomainPackages(stack, "Other", domain_name="other", packages=["F1"], timeout=Duration.hours(2))
    template = template_of(stack)
    assert len(resources_of_type(template, CONDITION)) == 2
    assert len(resources_of_type(template, HANDLE)) == 2


# --- IAM ---------------------------------------------------------------------------------------


def test_a_long_wait_may_read_its_own_stack_once(stack: cdk.Stack) -> None:
    make(stack, Duration.hours(2))
    DomainPackages(stack, "Other", domain_name="other", packages=["F1"], timeout=Duration.hours(3))
    DomainPackages(stack, "Short", domain_name="short", packages=["F1"])
    template = template_of(stack)
    assert statements_with(template, STACK_ACTION) == [
        {"Action": STACK_ACTION, "Effect": "Allow", "Resource": {"Ref": "AWS::StackId"}}
    ]
    # In the association policy, on which only DomainPackages resources depend.
    assert statements_with(template, STACK_ACTION)[0] in association_policy_statements(template)
    assert all(STACK_ACTION not in json.dumps(s) for s in default_policy_statements(template))


def test_a_stack_without_a_long_wait_may_not(app: cdk.App) -> None:
    short = cdk.Stack(app, "Short")
    make(short, Duration.hours(1))
    long = cdk.Stack(app, "Long")
    make(long, Duration.hours(2))
    assert statements_with(template_of(short), STACK_ACTION) == []
    assert len(statements_with(template_of(long), STACK_ACTION)) == 1


# --- dependents wait for the condition ---------------------------------------------------------


def selects(template: dict[str, Any], attribute: str, condition_id: str) -> dict[str, Any]:
    resource_id, _ = only_resource_of_type(template, CUSTOM)
    return {"Fn::Select": [0, [{"Fn::GetAtt": [resource_id, attribute]}, {"Ref": condition_id}]]}


def parameter(scope: cdk.Stack, id: str, value: str) -> cdk.CfnResource:
    return cdk.CfnResource(
        scope, id, type="AWS::SSM::Parameter", properties={"Type": "String", "Value": value}
    )


def test_tokens_of_a_long_wait_wait_for_its_condition(stack: cdk.Stack) -> None:
    synonyms = s3_package(stack)
    sudachi = Package.from_package_name(stack, "Sudachi", "analysis-sudachi", owner="AWS")
    packages = make(stack, Duration.hours(4), packages=[synonyms, sudachi, "F1"])
    parameter(stack, "Path", packages.reference_path(synonyms))
    parameter(stack, "Version", packages.package_version("F1"))
    parameter(stack, "Id", packages.package_id(sudachi))
    template = template_of(stack)
    _, condition_id = wait_ids(template)
    path_value = template["Resources"]["Path"]["Properties"]["Value"]
    key = path_value["Fn::Select"][1][0]["Fn::GetAtt"][1]  # keyed by the Package's alias
    assert key.startswith("ReferencePath.")
    assert path_value == selects(template, key, condition_id)
    assert template["Resources"]["Version"]["Properties"]["Value"] == selects(
        template, "PackageVersion.F1", condition_id
    )
    id_value = template["Resources"]["Id"]["Properties"]["Value"]
    assert id_value["Fn::Select"][1][0]["Fn::GetAtt"][1].startswith("PackageID.")
    assert id_value["Fn::Select"][1][1] == {"Ref": condition_id}


def test_ids_known_before_the_association_wait_for_nothing(stack: cdk.Stack) -> None:
    synonyms = s3_package(stack)
    packages = make(stack, Duration.hours(4), packages=[synonyms, "F1"])
    assert packages.package_id("F1") == "F1"
    assert stack.resolve(packages.package_id(synonyms)) == stack.resolve(synonyms.package_id)


def test_a_dependency_on_the_construct_waits_for_the_condition(stack: cdk.Stack) -> None:
    packages = make(stack, Duration.hours(4))
    index = parameter(stack, "Index", "settings")
    index.node.add_dependency(packages)
    template = template_of(stack)
    _, condition_id = wait_ids(template)
    resource_id, _ = only_resource_of_type(template, CUSTOM)
    assert {resource_id, condition_id} <= set(template["Resources"]["Index"]["DependsOn"])


def test_another_stack_imports_only_the_attribute(app: cdk.App) -> None:
    """Another stack is deployed after this one, wait included: it needs no reference to the
    condition, whose export would change with each change and so could never be removed while
    imported."""
    producer = cdk.Stack(app, "Producer")
    consumer = cdk.Stack(app, "Consumer")
    packages = make(producer, Duration.hours(4))
    parameter(consumer, "Version", packages.package_version("F1"))
    assembly = app.synth()
    produced = assembly.get_stack_by_name("Producer").template
    consumed = assembly.get_stack_by_name("Consumer").template
    _, condition_id = wait_ids(produced)
    exports = json.dumps(produced["Outputs"])
    assert "PackageVersion" in exports
    assert condition_id not in exports
    assert set(consumed["Resources"]["Version"]["Properties"]["Value"]) == {"Fn::ImportValue"}


def test_a_nested_stack_waits_for_the_condition_through_its_stack_resource(
    stack: cdk.Stack,
) -> None:
    packages = make(stack, Duration.hours(4))
    nested = cdk.NestedStack(stack, "Nested")
    parameter(nested, "Version", packages.package_version("F1"))
    template = template_of(stack)
    _, condition_id = wait_ids(template)
    (nested_resource,) = resources_of_type(template, "AWS::CloudFormation::Stack").values()
    assert {"Ref": condition_id} in nested_resource["Properties"]["Parameters"].values()


def test_a_long_wait_template_lints_clean(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path), context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Lint")
    domain = opensearch.Domain(stack, "Domain", version=opensearch.EngineVersion.OPENSEARCH_2_19)
    synonyms = s3_package(stack)
    packages = DomainPackages(
        stack, "Packages", domain=domain, packages=[synonyms], timeout=Duration.hours(8)
    )
    parameter(stack, "Path", packages.reference_path(synonyms))
    parameter(stack, "After", "settings").node.add_dependency(packages)
    app.synth()
    assert unexpected_lint_findings(tmp_path / "Lint.template.json") == []
