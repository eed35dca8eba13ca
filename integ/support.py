"""What the integration test apps share: the app (feature flags), a small domain that only the
test's search function may call, and deterministic zips.

The apps import nothing from the examples (`app.py`, `example/`): those are written for users
to read and copy, and may change without changing these templates.

The apps run with `make integ` (deploy, assert, destroy) and `make snapshots` (synthesise and
compare with the committed snapshots, no AWS), both through `integ.runner`. README:
"Integration tests on real AWS".
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import Duration, RemovalPolicy, cx_api
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import cloud_assembly_schema as schema
from aws_cdk import integ_tests_alpha as integ
from constructs import Construct

REPO_ROOT = Path(__file__).resolve().parents[1]
HERE = REPO_ROOT / "integ"
SEARCH_FUNCTION_DIR = HERE / "search_function"

#: The smallest data node that takes custom packages: burstable T2/T3 instances are left out
#: (README, "Integration tests on real AWS"). One node, no standby, no dedicated masters.
INSTANCE_TYPE = "m6g.large.search"
ENGINE = opensearch.EngineVersion.OPENSEARCH_2_19
#: A fixed timestamp for every zip entry: the same files give the same zip, byte for byte.
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def recommended_flags() -> dict[str, object]:
    """The feature flags of `cdk.json` (what `cdk init` writes for the pinned CDK)."""
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return {key: value for key, value in context.items() if key.startswith("@aws-cdk")}


def integ_app() -> cdk.App:
    """An app with the project's feature flags. The rest of its context comes from whoever
    runs it: the cdk CLI under `make integ`, `integ.runner` (no bundling) for snapshots."""
    return cdk.App(context=recommended_flags())


def zipped(directory: Path, into: Path) -> str:
    """`directory`'s files in a zip at `into`, deterministic, top-level entries: the same files
    give the same asset (and the same package version)."""
    with zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(directory).as_posix(), _ZIP_TIME)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return str(into)


class SearchDomain(Construct):
    """A one-node domain, removed with the stack, that admits only ``function``'s role: a Lambda
    function (``integ/search_function``) that makes SigV4-signed calls to it for the assertions.
    Meets the custom-plugin requirements too (OpenSearch 2.19, node-to-node encryption,
    encryption at rest, HTTPS only with the PFS TLS policy)."""

    def __init__(self, scope: Construct, id: str, *, domain_name: str) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        # Named, so that the access policy can name it without referring to the domain itself.
        domain_arn = stack.format_arn(service="es", resource="domain", resource_name=domain_name)
        self.function = lambda_.Function(
            self,
            "Search",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="index.handler",
            code=lambda_.Code.from_asset(
                str(SEARCH_FUNCTION_DIR), exclude=["__pycache__", "*.pyc", "__init__.py"]
            ),
            timeout=Duration.minutes(2),
            memory_size=256,
            log_group=logs.LogGroup(
                self,
                "SearchLogs",
                retention=logs.RetentionDays.ONE_WEEK,
                removal_policy=RemovalPolicy.DESTROY,
            ),
        )
        role = self.function.role
        assert role is not None
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"],
                resources=[f"{domain_arn}/*"],
            )
        )
        self.domain = opensearch.Domain(
            self,
            "Domain",
            domain_name=domain_name,
            version=ENGINE,
            enable_version_upgrade=True,  # an engine change upgrades in place, never replaces
            capacity=opensearch.CapacityConfig(
                data_nodes=1,
                data_node_instance_type=INSTANCE_TYPE,
                multi_az_with_standby_enabled=False,
            ),
            ebs=opensearch.EbsOptions(volume_size=10, volume_type=ec2.EbsDeviceVolumeType.GP3),
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        # Set on the CloudFormation resource: Domain's access_policies would add a custom
        # resource (and a Lambda) to apply it after creation.
        domain_cfn = self.domain.node.default_child
        assert isinstance(domain_cfn, opensearch.CfnDomain)
        domain_cfn.access_policies = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    principals=[iam.ArnPrincipal(role.role_arn)],
                    actions=["es:ESHttp*"],
                    resources=[f"{domain_arn}/*"],
                )
            ]
        ).to_json()
        self.function.add_environment("DOMAIN_ENDPOINT", f"https://{self.domain.domain_endpoint}")


#: Stands for the n-th token while an event is rendered by `invoke_payload`.
_SPLICE_MARK = "@@integ-splice-{}@@"


def invoke_payload(event: Mapping[str, Any]) -> str:
    """The ``payload`` for ``assertions.invoke_function`` of an event that may hold deploy-time
    values (tokens), such as a package's reference path.

    The assertion provider JSON-encodes each parameter at synth time, while a token is still a
    placeholder, and JSON-decodes it at deploy time. A payload rendered with
    ``Stack.to_json_string`` therefore resolves to ``"{"action": ...}"``, quotes unescaped: the
    decode fails, and Lambda rejects the raw text as a payload. Here the event's JSON is escaped
    once more, as the inside of a JSON string, and the tokens are spliced in with ``Fn::Join``;
    the provider's encoding adds the outer quotes, so its decode yields the event's JSON. The
    tokens' values must need no escaping (names, ARNs, reference paths do not).
    """
    tokens: list[str] = []

    def marked(value: Any) -> Any:
        if isinstance(value, str) and cdk.Token.is_unresolved(value):
            tokens.append(value)
            return _SPLICE_MARK.format(len(tokens) - 1)
        if isinstance(value, Mapping):
            return {key: marked(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [marked(item) for item in value]
        return value

    text = json.dumps(marked(event))
    if not tokens:
        return text
    escaped = json.dumps(text)[1:-1]
    pieces: list[str] = []
    for number, token in enumerate(tokens):
        before, escaped = escaped.split(_SPLICE_MARK.format(number), 1)
        pieces += [before, token]
    return cdk.Fn.join("", [*pieces, escaped])


def write_integ_manifest(
    assembly: cx_api.CloudAssembly,
    cases: Sequence[integ.IntegTestCase],
    *,
    enable_lookups: bool = False,
) -> None:
    """Several test cases of one app in the assembly's ``integ.json``, which `integ.runner` (and
    integ-runner) run in this order. (`IntegTest` writes one default case, plus one per
    `IntegTestCaseStack`, which is a stack of its own: not two cases on the same stack.) Call
    after ``app.synth()``."""
    test_cases: dict[str, schema.TestCase] = {}
    for case in cases:
        test_cases.update(case.manifest.test_cases)
    manifest = schema.IntegManifest(
        version=schema.Manifest.version(), test_cases=test_cases, enable_lookups=enable_lookups
    )
    schema.Manifest.save_integ_manifest(manifest, str(Path(assembly.directory) / "integ.json"))
