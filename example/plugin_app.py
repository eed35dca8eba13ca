#!/usr/bin/env python3
"""Example CDK app: a third-party-style plugin with its licence and configuration packages.

    npx cdk synth --app ".venv/bin/python example/plugin_app.py"

A vendor's plugin comes as three packages (guide: "Third-party plugins"): the plugin itself
(ZIP-PLUGIN, built for one engine version), its licence (PACKAGE-LICENSE, a .json or .xml file)
and its configuration (PACKAGE-CONFIG, a .zip). They are associated in one AssociatePackages
call, the licence and the configuration listing the plugin as a prerequisite. Custom plugins
need OpenSearch 2.15 or later, node-to-node encryption, encryption at rest, HTTPS and the
Policy-Min-TLS-1-2-PFS-2023-10 TLS policy (guide: "Managing custom plugins").

`example/plugin/` holds a stand-in descriptor, not a working plugin: replace it with your
plugin's files before deploying. The zips are built at synth time with fixed timestamps, so the
assets (and the packages) change only when the files do.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from opensearch_packages import DomainPackages, Package, PackageAssociation

HERE = Path(__file__).resolve().parent
ENGINE = opensearch.EngineVersion.OPENSEARCH_2_19
#: The package's engine version: the domain's, as CreatePackage spells it.
PLUGIN_ENGINE_VERSION = "OpenSearch_2.19"
#: A fixed timestamp for every zip entry: the same files give the same zip, byte for byte.
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def zipped(directory: Path, into: Path) -> str:
    """`directory`'s files in a zip at `into`, deterministic, top-level entries."""
    with zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(directory).as_posix(), _ZIP_TIME)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return str(into)


class PluginStack(Stack):
    """A domain that can run custom plugins, and a third-party plugin with licence and config."""

    def __init__(self, scope: Construct, id: str, *, build_dir: Path, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        domain = opensearch.Domain(
            self,
            "Domain",
            version=ENGINE,
            enable_version_upgrade=True,  # a new `version` upgrades in place, never replaces
            capacity=opensearch.CapacityConfig(
                data_nodes=1,
                data_node_instance_type="r6g.large.search",
                multi_az_with_standby_enabled=False,
            ),
            ebs=opensearch.EbsOptions(volume_size=10),
            node_to_node_encryption=True,
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        plugin = Package(
            self,
            "Plugin",
            source=zipped(HERE / "plugin", build_dir / "example-analysis.zip"),
            package_type="ZIP-PLUGIN",
            engine_version=PLUGIN_ENGINE_VERSION,
            description="Example third-party analysis plugin",
        )
        licence = Package(
            self,
            "PluginLicence",
            source=str(HERE / "plugin-license.json"),
            package_type="PACKAGE-LICENSE",
        )
        config = Package(
            self,
            "PluginConfig",
            source=zipped(HERE / "plugin-config", build_dir / "example-analysis-config.zip"),
            package_type="PACKAGE-CONFIG",
        )
        # One DomainPackages, one AssociatePackages call: the plugin with its licence and config.
        DomainPackages(
            self,
            "PluginPackages",
            domain=domain,
            packages=[
                plugin,
                PackageAssociation(licence, prerequisites=[plugin]),
                PackageAssociation(config, prerequisites=[plugin]),
            ],
        )


def build(app: cdk.App, build_dir: Path) -> PluginStack:
    return PluginStack(app, "OpenSearchPluginExample", build_dir=build_dir)


if __name__ == "__main__":
    app = cdk.App()
    with tempfile.TemporaryDirectory(prefix="plugin-zips-") as build_dir:
        build(app, Path(build_dir))
        app.synth()  # assets are copied into cdk.out before the zips go
