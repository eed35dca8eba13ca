#!/usr/bin/env python3
"""Example CDK app, hardened: `app.py`'s example with what a real stack adds around it. A small
OpenSearch Service domain with slow and application logs (their own log groups and CloudWatch
Logs resource policy) and an access policy for IAM-signed requests from the account; a synonym
dictionary made from `example/synonyms.txt` (a Package) associated with the domain by
DomainPackages; outputs that include ready-made index settings using it; and cdk-nag's
AwsSolutions checks on the whole app (the remaining findings acknowledged with their reasons).
Its stack, `OpenSearchPackagesExample`, is the one `app.py` defined before release 0.3.0, with
the same template.

    npx cdk synth --app ".venv/bin/python example/hardened_app.py"
    npx cdk deploy --app ".venv/bin/python example/hardened_app.py" -c domainName=my-search
    # edit example/synonyms.txt, then deploy again: new package version, applied on the domain

Needs `cdk-nag` besides the library (`pip install cdk-nag`; the dev extra has it).

Context:
    domainName  the domain's name (3-28 characters, [a-z][a-z0-9-]+). Default: packages-demo.
    packageIds  comma-separated IDs of existing packages to associate as well, after the
                synonyms, in order (e.g. F111111111,G222222222). Default: none.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from opensearch_packages import DomainPackages, Package

DEFAULT_DOMAIN_NAME = "packages-demo"
#: The synonym dictionary, next to this file (so `cdk` may run from any directory).
SYNONYMS_FILE = Path(__file__).resolve().parent / "synonyms.txt"


class ExampleStack(Stack):
    """A single-node domain for trying packages out, a synonym dictionary made from
    ``example/synonyms.txt``, and a ``DomainPackages`` that keeps it applied on the domain."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain_name: str,
        package_ids: list[str],
        **kwargs: object,
    ) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]

        log_groups = {
            name: logs.LogGroup(
                self,
                f"{name}Logs",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=RemovalPolicy.DESTROY,
            )
            for name in ("SearchSlow", "IndexSlow", "App")
        }
        # The domain's log publishing needs a CloudWatch Logs resource policy. Created here as a
        # plain resource instead of the custom resource (and its Lambda) the Domain would add.
        logs_policy = logs.ResourcePolicy(
            self,
            "DomainLogsPolicy",
            policy_statements=[
                iam.PolicyStatement(
                    principals=[iam.ServicePrincipal("es.amazonaws.com")],
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[g.log_group_arn for g in log_groups.values()],
                    conditions={"StringEquals": {"aws:SourceAccount": self.account}},
                )
            ],
        )

        domain = opensearch.Domain(
            self,
            "Domain",
            domain_name=domain_name,
            version=opensearch.EngineVersion.OPENSEARCH_2_19,
            enable_version_upgrade=True,  # a new `version` upgrades in place, never replaces
            capacity=opensearch.CapacityConfig(
                data_nodes=1,
                data_node_instance_type="t3.small.search",
                multi_az_with_standby_enabled=False,
            ),
            ebs=opensearch.EbsOptions(
                volume_size=10,
                volume_type=cdk.aws_ec2.EbsDeviceVolumeType.GP3,
            ),
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2,
            logging=opensearch.LoggingOptions(
                slow_search_log_enabled=True,
                slow_search_log_group=log_groups["SearchSlow"],
                slow_index_log_enabled=True,
                slow_index_log_group=log_groups["IndexSlow"],
                app_log_enabled=True,
                app_log_group=log_groups["App"],
            ),
            suppress_logs_resource_policy=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        domain.node.add_dependency(logs_policy)
        # The access policy is set on the CloudFormation resource directly: Domain's
        # access_policies would add a custom resource (and a Lambda) to apply it.
        domain_cfn = domain.node.default_child
        assert isinstance(domain_cfn, opensearch.CfnDomain)
        domain_cfn.access_policies = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    principals=[iam.AccountRootPrincipal()],
                    actions=["es:ESHttp*"],
                    resources=[
                        self.format_arn(
                            service="es", resource="domain", resource_name=f"{domain_name}/*"
                        )
                    ],
                )
            ]
        ).to_json()
        Validations.of(domain).acknowledge(
            Acknowledgment(
                id="AwsSolutions-OS1",
                reason="Demo domain with a public endpoint, to need no VPC: its access policy "
                "admits only IAM-signed requests from principals of this account that are granted "
                "es:ESHttp*.",
            ),
            Acknowledgment(
                id="AwsSolutions-OS3",
                reason="No IP allowlist: access is by IAM-signed requests from this account "
                "only (see the domain's access policy).",
            ),
            Acknowledgment(
                id="AwsSolutions-OS4",
                reason="Single-node demo domain: dedicated master nodes would triple its cost.",
            ),
            Acknowledgment(
                id="AwsSolutions-OS7",
                reason="Single-node demo domain: zone awareness needs at least two data nodes.",
            ),
        )

        synonyms = Package(
            self,
            "Synonyms",
            source=str(SYNONYMS_FILE),
            description="Synonyms of the opensearch-packages example (example/synonyms.txt)",
        )
        packages = DomainPackages(
            self,
            "Packages",
            domain=domain,
            packages=[synonyms, *package_ids],
            timeout=Duration.minutes(60),
        )

        synonyms_path = packages.reference_path(synonyms)
        cdk.CfnOutput(self, "DomainEndpoint", value=domain.domain_endpoint)
        cdk.CfnOutput(self, "SynonymsPackageId", value=synonyms.package_id)
        cdk.CfnOutput(
            self,
            "SynonymsVersion",
            description="Version of the synonyms the domain runs",
            value=packages.package_version(synonyms),
        )
        cdk.CfnOutput(
            self,
            "SynonymsPath",
            description="synonyms_path of the synonym dictionary, for index settings",
            value=synonyms_path,
        )
        cdk.CfnOutput(
            self,
            "IndexSettings",
            description="Settings for an index whose 'text' analyzer uses the synonyms",
            value=self.to_json_string(index_settings(synonyms_path)),
        )


def index_settings(synonyms_path: str) -> dict[str, object]:
    """Index settings with a search-time analyzer that applies the synonym dictionary."""
    return {
        "settings": {
            "index": {
                "analysis": {
                    "filter": {
                        "example_synonyms": {
                            "type": "synonym_graph",
                            "synonyms_path": synonyms_path,
                            "updateable": True,
                        }
                    },
                    "analyzer": {
                        "synonyms_search": {
                            "type": "custom",
                            "tokenizer": "standard",
                            "filter": ["lowercase", "example_synonyms"],
                        }
                    },
                }
            }
        },
        "mappings": {
            "properties": {
                "text": {
                    "type": "text",
                    "analyzer": "standard",
                    "search_analyzer": "synonyms_search",
                }
            }
        },
    }


def build_app(app: cdk.App | None = None) -> cdk.App:
    """The example app, reading ``domainName`` and ``packageIds`` from the context."""
    app = app or cdk.App()
    domain_name = str(app.node.try_get_context("domainName") or DEFAULT_DOMAIN_NAME)
    raw_ids = app.node.try_get_context("packageIds")
    # A list (cdk.json, App(context=...)) or a comma-separated string (``-c packageIds=...``).
    if raw_ids is None:
        items: Sequence[object] = ()
    elif isinstance(raw_ids, list):
        items = raw_ids
    else:
        items = str(raw_ids).split(",")
    package_ids = [stripped for stripped in (str(i).strip() for i in items) if stripped]
    ExampleStack(app, "OpenSearchPackagesExample", domain_name=domain_name, package_ids=package_ids)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


if __name__ == "__main__":
    build_app().synth()
