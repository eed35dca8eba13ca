"""What DomainPackages synthesises: the shared handler, the custom resources and the IAM."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk.assertions import Match, Template
from constructs import Construct

from opensearch_packages import DomainPackages, PackageAssociation
from tests.constructs.support import (
    association_policy_statements,
    default_policy_statements,
    only_resource_of_type,
    resources_of_type,
    template_of,
)

FUNCTION = "AWS::Lambda::Function"
CUSTOM = "Custom::OpenSearchDomainPackages"
DOMAIN_ACTIONS = [
    "es:AssociatePackages",
    "es:DissociatePackages",
    "es:AssociatePackage",
    "es:DissociatePackage",
    "es:ListPackagesForDomain",
    "es:DescribeDomain",
    "es:DescribeDomainChangeProgress",
]


def domain(stack: cdk.Stack, id: str = "Domain", **kwargs: Any) -> opensearch.Domain:
    return opensearch.Domain(stack, id, version=opensearch.EngineVersion.OPENSEARCH_2_19, **kwargs)


def logical_id(stack: cdk.Stack, construct: Construct) -> str:
    child = construct.node.default_child
    assert isinstance(child, cdk.CfnElement)
    return stack.get_logical_id(child)


def statement_for(statements: list[dict[str, Any]], action: str) -> dict[str, Any]:
    found = [
        s
        for s in statements
        if action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]
    assert len(found) == 1, f"{action}: {found}"
    return found[0]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- the shared handler -------------------------------------------------------------------------


def test_one_function_for_all_domain_packages_of_a_stack(stack: cdk.Stack) -> None:
    first = DomainPackages(stack, "First", domain_name="first-domain", packages=["F1"])
    nested = Construct(stack, "Nested")
    second = DomainPackages(nested, "Second", domain_name="second-domain", packages=["F2"])
    template = template_of(stack)

    function_id, _ = only_resource_of_type(template, FUNCTION)
    assert function_id.startswith("OpenSearchDomainPackagesHandler")
    customs = resources_of_type(template, CUSTOM)
    assert len(customs) == 2
    for resource in customs.values():
        assert resource["Properties"]["ServiceToken"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert first.function.function_arn == second.function.function_arn
    assert len(resources_of_type(template, "AWS::IAM::Role")) == 1
    assert len(resources_of_type(template, "AWS::Logs::LogGroup")) == 1


def test_one_function_per_stack(app: cdk.App) -> None:
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range(2)]
    for stack in stacks:
        DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    for stack in stacks:
        only_resource_of_type(template_of(stack), FUNCTION)


def test_function_configuration(stack: cdk.Stack) -> None:
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    template = Template.from_stack(stack)
    template.has_resource_properties(
        FUNCTION,
        {
            "Handler": "domain_packages_handler.main.handler",
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "MemorySize": 256,
            "Timeout": 900,
            "LoggingConfig": {"LogGroup": {"Ref": Match.string_like_regexp("LogGroup")}},
            "Environment": Match.absent(),
        },
    )
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    # built role, no AWS managed policy (cdk-nag AwsSolutions-IAM4)
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
                "Version": "2012-10-17",
            },
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_reserved_construct_id(stack: cdk.Stack) -> None:
    Construct(stack, "OpenSearchDomainPackagesHandler")
    with pytest.raises(TypeError, match=r"'OpenSearchDomainPackagesHandler' .* is reserved"):
        DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])


# --- the custom resource ------------------------------------------------------------------------


def test_custom_resource_properties(stack: cdk.Stack) -> None:
    role = iam.Role(stack, "KeyRole", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))
    DomainPackages(
        stack,
        "Packages",
        domain_name="my-domain",
        packages=[
            "F111111111",
            PackageAssociation(
                "pkg-0a1b2c3d",
                prerequisites=["pkg-99ff0011"],
                key_store_access_enabled=True,
                key_access_role=role,
            ),
            PackageAssociation("G222", key_store_access_enabled=False),
        ],
        timeout=Duration.minutes(30),
    )
    template = template_of(stack)
    function_id, _ = only_resource_of_type(template, FUNCTION)
    _, resource = only_resource_of_type(template, CUSTOM)
    assert resource["Properties"] == {
        "ServiceToken": {"Fn::GetAtt": [function_id, "Arn"]},
        "ServiceTimeout": "1800",
        "DomainName": "my-domain",
        "Packages": [
            {"PackageID": "F111111111"},
            {
                "PackageID": "pkg-0a1b2c3d",
                "Prerequisites": ["pkg-99ff0011"],
                "KeyStoreAccessEnabled": True,
                "KeyAccessRoleArn": {"Fn::GetAtt": [logical_id(stack, role), "Arn"]},
            },
            {"PackageID": "G222", "KeyStoreAccessEnabled": False},
        ],
        "TimeoutSeconds": 1800,
    }
    assert resource["DeletionPolicy"] == "Delete"
    assert resource["UpdateReplacePolicy"] == "Delete"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(cdk.RemovalPolicy.RETAIN, "Retain"), (cdk.RemovalPolicy.DESTROY, "Delete")],
)
def test_removal_policy(stack: cdk.Stack, policy: cdk.RemovalPolicy, expected: str) -> None:
    """RETAIN: the associations stay when the resource is deleted or replaced (a new domain)."""
    DomainPackages(
        stack, "Packages", domain_name="my-domain", packages=["F1"], removal_policy=policy
    )
    _, resource = only_resource_of_type(template_of(stack), CUSTOM)
    assert resource["DeletionPolicy"] == expected
    assert resource["UpdateReplacePolicy"] == expected


def test_default_timeout_is_one_hour(stack: cdk.Stack) -> None:
    packages = DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    _, resource = only_resource_of_type(template_of(stack), CUSTOM)
    assert resource["Properties"]["ServiceTimeout"] == "3600"
    assert resource["Properties"]["TimeoutSeconds"] == 3600
    assert packages.timeout.to_seconds() == 3600


def test_properties_stay_compact_with_20_packages(stack: cdk.Stack) -> None:
    """The event (properties included) is what a hand-over carries: keep it small."""
    packages = [
        PackageAssociation(f"pkg-{i:020x}", prerequisites=[f"pkg-{i + 100:020x}"])
        for i in range(20)
    ]
    DomainPackages(stack, "Packages", domain_name="a" * 28, packages=packages)
    _, resource = only_resource_of_type(template_of(stack), CUSTOM)
    properties = {k: v for k, v in resource["Properties"].items() if k != "ServiceToken"}
    assert len(json.dumps(properties, separators=(",", ":"))) < 2500


def test_depends_on_handler_policies(stack: cdk.Stack) -> None:
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    template = template_of(stack)
    _, resource = only_resource_of_type(template, CUSTOM)
    policies = sorted(resources_of_type(template, "AWS::IAM::Policy"))
    # the role's default policy, the self-invoke policy and the association policy
    assert len(policies) == 3
    assert sorted(resource["DependsOn"]) == policies


def test_waits_for_the_domain_and_its_policies(stack: cdk.Stack) -> None:
    """Same-stack domain: Ref on the domain, DependsOn the domain's other resources (here the
    access policy custom resource, which changes the domain after it is created)."""
    the_domain = domain(
        stack,
        access_policies=[
            iam.PolicyStatement(
                principals=[iam.AccountRootPrincipal()], actions=["es:ESHttp*"], resources=["*"]
            )
        ],
    )
    DomainPackages(stack, "Packages", domain=the_domain, packages=["F1"])
    template = template_of(stack)
    _, resource = only_resource_of_type(template, CUSTOM)
    domain_id = logical_id(stack, the_domain)
    assert resource["Properties"]["DomainName"] == {"Ref": domain_id}
    access_policy_id, _ = only_resource_of_type(template, "Custom::OpenSearchAccessPolicy")
    assert access_policy_id in resource["DependsOn"]
    # the Ref already orders it after the domain: an explicit DependsOn would be redundant
    assert domain_id not in resource["DependsOn"]


def test_depends_on_domain_in_another_stack(app: cdk.App) -> None:
    domain_stack = cdk.Stack(app, "DomainStack")
    packages_stack = cdk.Stack(app, "PackagesStack")
    the_domain = domain(domain_stack)
    DomainPackages(packages_stack, "Packages", domain=the_domain, packages=["F1"])
    _, resource = only_resource_of_type(template_of(packages_stack), CUSTOM)
    assert "Fn::ImportValue" in resource["Properties"]["DomainName"]
    assert domain_stack in packages_stack.dependencies


def test_imported_domain(stack: cdk.Stack) -> None:
    imported = opensearch.Domain.from_domain_attributes(
        stack,
        "Imported",
        domain_arn="arn:aws:es:eu-west-1:123456789012:domain/imported-domain",
        domain_endpoint="https://search-imported-domain-abc.eu-west-1.es.amazonaws.com",
    )
    packages = DomainPackages(stack, "Packages", domain=imported, packages=["F1"])
    template = template_of(stack)
    _, resource = only_resource_of_type(template, CUSTOM)
    assert resource["Properties"]["DomainName"] == "imported-domain"
    assert packages.domain_name == "imported-domain"
    domain_statement = statement_for(
        association_policy_statements(template), "es:AssociatePackages"
    )
    assert (
        domain_statement["Resource"] == "arn:aws:es:eu-west-1:123456789012:domain/imported-domain"
    )


def test_attribute_names(stack: cdk.Stack) -> None:
    packages = DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1", "G2"])
    cdk.CfnOutput(stack, "Path", value=packages.reference_path("F1"))
    cdk.CfnOutput(stack, "Version", value=packages.package_version("G2"))
    template = template_of(stack)
    resource_id, _ = only_resource_of_type(template, CUSTOM)
    assert template["Outputs"]["Path"]["Value"] == {"Fn::GetAtt": [resource_id, "ReferencePath.F1"]}
    assert template["Outputs"]["Version"]["Value"] == {
        "Fn::GetAtt": [resource_id, "PackageVersion.G2"]
    }


def test_read_only_properties(stack: cdk.Stack) -> None:
    packages = DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    assert packages.domain_name == "my-domain"
    assert packages.packages == (PackageAssociation("F1"),)
    for name in ("domain_name", "packages", "function", "timeout"):
        with pytest.raises(AttributeError):
            setattr(packages, name, None)


# --- IAM ----------------------------------------------------------------------------------------


def test_iam_statements(stack: cdk.Stack) -> None:
    the_domain = domain(stack)
    DomainPackages(stack, "Packages", domain=the_domain, packages=["F1"])
    template = template_of(stack)
    function_id, _ = only_resource_of_type(template, FUNCTION)
    log_group_id, _ = only_resource_of_type(template, "AWS::Logs::LogGroup")
    assert default_policy_statements(template) == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
        },
        {"Action": "es:DescribePackages", "Effect": "Allow", "Resource": "*"},
    ]
    # in a policy of their own, which the function does not depend on (README, IAM)
    assert association_policy_statements(template) == [
        {
            "Action": DOMAIN_ACTIONS,
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [logical_id(stack, the_domain), "Arn"]},
        },
    ]
    self_invoke = [
        p for k, p in resources_of_type(template, "AWS::IAM::Policy").items() if "SelfInvoke" in k
    ]
    assert [p["Properties"]["PolicyDocument"]["Statement"] for p in self_invoke] == [
        [
            {
                "Action": "lambda:InvokeFunction",
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [function_id, "Arn"]},
            }
        ]
    ]


def test_domain_name_is_scoped_to_its_arn(stack: cdk.Stack) -> None:
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    statement = statement_for(
        association_policy_statements(template_of(stack)), "es:DescribeDomain"
    )
    assert statement["Action"] == DOMAIN_ACTIONS
    assert statement["Resource"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":es:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":domain/my-domain",
            ],
        ]
    }


def test_domain_arns_are_deduplicated(stack: cdk.Stack) -> None:
    the_domain = domain(stack)
    DomainPackages(stack, "A", domain=the_domain, packages=["F1"])
    DomainPackages(stack, "B", domain=the_domain, packages=["F2"])
    DomainPackages(stack, "C", domain_name="other", packages=["F1"])
    DomainPackages(stack, "D", domain_name="other", packages=["F2"])
    statements = association_policy_statements(template_of(stack))
    domain_statements = [s for s in statements if s["Action"] == DOMAIN_ACTIONS]
    assert len(domain_statements) == 1
    assert len(as_list(domain_statements[0]["Resource"])) == 2


def _resolve(value: Any, domain_names: dict[str, str]) -> Any:
    """Resolve the intrinsics of a policy as CloudFormation would, for measuring its size."""
    if isinstance(value, list):
        return [_resolve(v, domain_names) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        pseudo = {"AWS::Partition": "aws", "AWS::Region": "ap-southeast-2"}
        return pseudo.get(value["Ref"], "123456789012")
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_resolve(p, domain_names) for p in parts)
    if "Fn::GetAtt" in value:
        name = domain_names.get(value["Fn::GetAtt"][0], "x" * 64)
        return f"arn:aws:es:ap-southeast-2:123456789012:domain/{name}"
    return {k: _resolve(v, domain_names) for k, v in value.items()}


def test_fifty_domain_packages_fit_the_inline_policy_limit(stack: cdk.Stack) -> None:
    role = iam.Role(stack, "KeyRole", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))
    names = {}
    for i in range(50):
        if i % 2:
            the_domain = domain(stack, f"Domain{i}")
            names[logical_id(stack, the_domain)] = f"d{i:02d}".ljust(28, "x")
            kwargs: dict[str, Any] = {"domain": the_domain}
        else:
            kwargs = {"domain_name": f"n{i:02d}".ljust(28, "x")}
        package = PackageAssociation("F1", key_store_access_enabled=True, key_access_role=role)
        DomainPackages(stack, f"Packages{i}", packages=[package, "F2"], **kwargs)
    template = template_of(stack)
    statements = association_policy_statements(template)
    assert len(as_list(statement_for(statements, "es:AssociatePackages")["Resource"])) == 50
    assert len(as_list(statement_for(statements, "iam:PassRole")["Resource"])) == 1
    # IAM's 10,240 characters are for all of a role's inline policies together
    sizes = [
        len(
            json.dumps(
                {"Version": "2012-10-17", "Statement": _resolve(s, names)}, separators=(",", ":")
            )
        )
        for s in (statements, default_policy_statements(template))
    ]
    assert sum(sizes) < 10_240


def test_no_pass_role_without_key_access_role(stack: cdk.Stack) -> None:
    DomainPackages(
        stack,
        "Packages",
        domain_name="my-domain",
        packages=[PackageAssociation("F1", key_store_access_enabled=True)],
    )
    text = json.dumps(template_of(stack))
    assert "iam:PassRole" not in text


def test_pass_role_only_on_the_roles_used(stack: cdk.Stack) -> None:
    roles = [
        iam.Role(stack, f"KeyRole{i}", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))
        for i in range(3)
    ]
    iam.Role(stack, "UnusedRole", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))

    def with_role(package_id: str, role: iam.IRole) -> PackageAssociation:
        return PackageAssociation(package_id, key_store_access_enabled=True, key_access_role=role)

    DomainPackages(
        stack,
        "A",
        domain_name="domain-a",
        packages=[with_role("F1", roles[0]), with_role("F2", roles[1])],
    )
    DomainPackages(
        stack,
        "B",
        domain_name="domain-b",
        packages=[with_role("F1", roles[1]), with_role("F3", roles[2]), "F4"],
    )
    statement = statement_for(association_policy_statements(template_of(stack)), "iam:PassRole")
    assert statement == {
        "Action": "iam:PassRole",
        "Effect": "Allow",
        "Resource": [{"Fn::GetAtt": [logical_id(stack, r), "Arn"]} for r in roles],
    }
