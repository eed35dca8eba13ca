#!/usr/bin/env python3
"""The smallest complete example: an OpenSearch Service domain, a synonym dictionary made from
`example/synonyms.txt` (a Package), and a DomainPackages that keeps it applied on the domain.

    npx cdk synth       # no AWS account needed (`make synth` sets up and runs it)
    npx cdk deploy      # output: SynonymsPath, the synonyms_path for your index's analyzer
    # edit example/synonyms.txt, deploy again: a new package version, applied on the domain

The same with logs, an access policy and cdk-nag's checks: example/hardened_app.py.
"""

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from opensearch_packages import DomainPackages, Package

#: Next to this file, so that `cdk` may run from any directory.
SYNONYMS_FILE = Path(__file__).resolve().parent / "example" / "synonyms.txt"


class SearchStack(cdk.Stack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        domain = opensearch.Domain(
            self,
            "Domain",
            version=opensearch.EngineVersion.OPENSEARCH_2_19,
            enable_version_upgrade=True,  # a new `version` upgrades in place, never replaces
            # One node, no standby. Not a burstable T2/T3 instance: those take no custom packages.
            capacity=opensearch.CapacityConfig(
                data_nodes=1,
                data_node_instance_type="m6g.large.search",
                multi_az_with_standby_enabled=False,
            ),
            ebs=opensearch.EbsOptions(volume_size=10),
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2,
            removal_policy=cdk.RemovalPolicy.DESTROY,  # a demo: deleted with the stack
        )
        synonyms = Package(self, "Synonyms", source=str(SYNONYMS_FILE))
        packages = DomainPackages(self, "Packages", domain=domain, packages=[synonyms])
        cdk.CfnOutput(self, "SynonymsPath", value=packages.reference_path(synonyms))


if __name__ == "__main__":
    app = cdk.App()
    SearchStack(app, "OpenSearchPackagesMinimalExample")
    app.synth()
