"""The plugin example (example/plugin_app.py): a third-party-style plugin with its licence and
configuration, associated in one DomainPackages on a domain that can run custom plugins."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from example import plugin_app
from tests.constructs.support import resources_of_type


def synth(build_dir: Path) -> dict[str, Any]:
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = plugin_app.build(app, build_dir)
    return dict(Template.from_stack(stack).to_json())


def test_the_plugin_its_licence_and_config_go_in_one_domain_packages(tmp_path: Path) -> None:
    template = synth(tmp_path)
    packages = resources_of_type(template, "Custom::OpenSearchPackage")
    by_type = {r["Properties"]["PackageType"]: logical for logical, r in packages.items()}
    assert set(by_type) == {"ZIP-PLUGIN", "PACKAGE-LICENSE", "PACKAGE-CONFIG"}
    assert packages[by_type["ZIP-PLUGIN"]]["Properties"]["EngineVersion"] == "OpenSearch_2.19"
    [domain_packages] = resources_of_type(template, "Custom::OpenSearchDomainPackages").values()
    entries = domain_packages["Properties"]["Packages"]
    plugin_ref = {"Ref": by_type["ZIP-PLUGIN"]}
    assert entries[0]["PackageID"] == plugin_ref
    assert [e["PackageID"] for e in entries[1:]] == [
        {"Ref": by_type["PACKAGE-LICENSE"]},
        {"Ref": by_type["PACKAGE-CONFIG"]},
    ]
    assert all(e["Prerequisites"] == [plugin_ref] for e in entries[1:])


def test_the_domain_meets_what_custom_plugins_need(tmp_path: Path) -> None:
    [domain] = resources_of_type(synth(tmp_path), "AWS::OpenSearchService::Domain").values()
    properties = domain["Properties"]
    assert properties["EngineVersion"] == "OpenSearch_2.19"
    assert properties["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    assert properties["EncryptionAtRestOptions"]["Enabled"] is True
    assert properties["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert properties["DomainEndpointOptions"]["TLSSecurityPolicy"] == (
        "Policy-Min-TLS-1-2-PFS-2023-10"
    )


def test_the_zips_are_the_same_for_the_same_files(tmp_path: Path) -> None:
    first = Path(plugin_app.zipped(plugin_app.HERE / "plugin", tmp_path / "a.zip"))
    second = Path(plugin_app.zipped(plugin_app.HERE / "plugin", tmp_path / "b.zip"))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["plugin-descriptor.properties"]
