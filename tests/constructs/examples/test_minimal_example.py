"""The minimal example (app.py), the first file a new user opens: one screen, only what a user's
app imports, and complete: a domain, a Package from a file, a DomainPackages, one output. It is
what `make synth` (`npx cdk synth`, through cdk.json) synthesises."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

import app as minimal_app
from tests.constructs.support import (
    MINIMAL_STACK,
    RECOMMENDED_FLAGS_FILE,
    REPO_ROOT,
    only_resource_of_type,
    require_node_modules,
    resources_of_type,
    unexpected_lint_findings,
)

APP_FILE = REPO_ROOT / "app.py"
#: What a user's CDK app has installed: the CDK, constructs and this library (and the stdlib).
USER_APP_MODULES = {"aws_cdk", "constructs", "opensearch_packages"}
CUSTOM = "Custom::OpenSearchDomainPackages"
PACKAGE = "Custom::OpenSearchPackage"
DOMAIN = "AWS::OpenSearchService::Domain"


def synth_minimal(outdir: Path, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The minimal example synthesised into `outdir` without bundling the handler: its template."""
    app = cdk.App(outdir=str(outdir), context={"aws:cdk:bundling-stacks": [], **(context or {})})
    minimal_app.SearchStack(app, MINIMAL_STACK)
    app.synth()
    template: dict[str, Any] = json.loads((outdir / f"{MINIMAL_STACK}.template.json").read_text())
    return template


@pytest.fixture(scope="module")
def minimal_outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("minimal-cdk.out")
    synth_minimal(outdir)
    return outdir


@pytest.fixture(scope="module")
def template(minimal_outdir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (minimal_outdir / f"{MINIMAL_STACK}.template.json").read_text()
    )
    return loaded


def imported_top_level_modules(source: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def test_the_minimal_example_fits_on_one_screen() -> None:
    assert len(APP_FILE.read_text().splitlines()) <= 60


def test_the_minimal_example_imports_only_what_a_user_app_has() -> None:
    modules = imported_top_level_modules(APP_FILE)
    assert modules - sys.stdlib_module_names == USER_APP_MODULES
    assert "cdk_nag" not in modules


def test_make_synth_synthesises_the_minimal_example() -> None:
    """`make synth` runs `npx cdk synth`, which runs cdk.json's app: this one."""
    assert json.loads((REPO_ROOT / "cdk.json").read_text())["app"] == ".venv/bin/python app.py"


def test_a_domain_a_package_from_the_file_its_association_and_one_output(
    template: dict[str, Any], minimal_outdir: Path
) -> None:
    domain_id, _ = only_resource_of_type(template, DOMAIN)
    package_id, package = only_resource_of_type(template, PACKAGE)
    resource_id, resource = only_resource_of_type(template, CUSTOM)

    assert package["Properties"]["PackageType"] == "TXT-DICTIONARY"
    key = package["Properties"]["PackageSource"]["S3Key"]
    assert (minimal_outdir / f"asset.{key}").read_text() == minimal_app.SYNONYMS_FILE.read_text()
    assert minimal_app.SYNONYMS_FILE == REPO_ROOT / "example" / "synonyms.txt"

    (entry,) = resource["Properties"]["Packages"]
    assert entry["PackageID"] == {"Ref": package_id}
    assert entry["PackageVersion"] == {"Fn::GetAtt": [package_id, "PackageVersion"]}
    assert resource["Properties"]["DomainName"] == {"Ref": domain_id}

    (output,) = template["Outputs"].values()
    assert template["Outputs"] == {"SynonymsPath": output}
    assert output["Value"] == {"Fn::GetAtt": [resource_id, f"ReferencePath.{entry['Alias']}"]}


def test_the_domain_is_small_deletable_and_takes_custom_packages(
    template: dict[str, Any],
) -> None:
    _, domain = only_resource_of_type(template, DOMAIN)
    properties = domain["Properties"]
    assert properties["EngineVersion"] == "OpenSearch_2.19"
    cluster = properties["ClusterConfig"]
    assert (cluster["InstanceCount"], cluster["InstanceType"]) == (1, "m6g.large.search")
    assert not cluster["InstanceType"].startswith(("t2.", "t3."))  # no custom packages on those
    assert properties["EncryptionAtRestOptions"] == {"Enabled": True}
    assert properties["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    assert properties["DomainEndpointOptions"] == {
        "EnforceHTTPS": True,
        "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
    }
    assert domain["DeletionPolicy"] == "Delete"
    # A new engine version upgrades the domain in place instead of replacing it (and its data).
    assert domain["UpdatePolicy"] == {"EnableVersionUpgrade": True}
    # The library's handler is the only function: no custom resource of the Domain construct's.
    (function_id,) = resources_of_type(template, "AWS::Lambda::Function")
    assert function_id.startswith("OpenSearchDomainPackagesHandler")


def test_the_minimal_example_is_environment_agnostic(minimal_outdir: Path) -> None:
    manifest = json.loads((minimal_outdir / "manifest.json").read_text())
    environment = manifest["artifacts"][MINIMAL_STACK]["environment"]
    assert environment == "aws://unknown-account/unknown-region"


def test_cfn_lint_is_clean_except_known_cdk_warnings(minimal_outdir: Path) -> None:
    assert unexpected_lint_findings(minimal_outdir / f"{MINIMAL_STACK}.template.json") == []


def test_the_minimal_example_under_recommended_feature_flags(tmp_path: Path) -> None:
    """New projects (`cdk init`) set the CLI's recommended feature flags: the same resources."""
    require_node_modules(RECOMMENDED_FLAGS_FILE)
    flags = json.loads(RECOMMENDED_FLAGS_FILE.read_text())
    template = synth_minimal(tmp_path, flags)
    for type_ in (DOMAIN, PACKAGE, CUSTOM):
        only_resource_of_type(template, type_)
    assert list(template["Outputs"]) == ["SynonymsPath"]
    assert unexpected_lint_findings(tmp_path / f"{MINIMAL_STACK}.template.json") == []


@pytest.mark.slow
def test_cdk_cli_synthesises_the_example(tmp_path: Path) -> None:
    """`npx cdk synth`, as the README's quick start runs it (CLI and library must agree): the
    minimal example, its only stack."""
    cdk_cli = REPO_ROOT / "node_modules" / ".bin" / "cdk"
    require_node_modules(cdk_cli)
    if not (REPO_ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("cdk.json runs the app with .venv/bin/python; `make test` creates it")
    outdir = tmp_path / "cdk.out"
    result = subprocess.run(
        [str(cdk_cli), "synth", "--quiet", "--no-notices", "--output", str(outdir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true"},
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (outdir / f"{MINIMAL_STACK}.template.json").is_file()
    assert sorted(p.name for p in outdir.glob("*.template.json")) == [
        f"{MINIMAL_STACK}.template.json"
    ]
    shutil.rmtree(outdir)
