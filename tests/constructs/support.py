"""Helpers shared by the construct, example-app and packaging tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The stacks of the examples: app.py (the minimal one, what `make synth` synthesises) and
#: example/hardened_app.py.
MINIMAL_STACK = "OpenSearchPackagesMinimalExample"
HARDENED_STACK = "OpenSearchPackagesExample"
#: The feature flags `cdk init` writes for the pinned CLI (node_modules, from `npm ci`).
RECOMMENDED_FLAGS_FILE = (
    REPO_ROOT / "node_modules/aws-cdk/lib/init-templates/.recommended-feature-flags.json"
)


def require_node_modules(path: Path) -> None:
    """Skip (fail on CI) when ``path``, a file `npm ci` installs, is missing."""
    if path.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing: run `make test`, which runs npm ci")
    pytest.skip(f"{path} is missing (npm ci); `make test` installs it")


@dataclass(frozen=True)
class Synthesised:
    """A synthesised app: its cloud assembly directory and one stack's template."""

    outdir: Path
    stack_name: str
    template: dict[str, Any]

    def asset_dirs(self) -> list[Path]:
        """The stack's file assets that are directories (not the template itself)."""
        assets = json.loads((self.outdir / f"{self.stack_name}.assets.json").read_text())
        paths = [self.outdir / a["source"]["path"] for a in assets["files"].values()]
        return [p for p in paths if p.is_dir()]

    def handler_asset_dir(self) -> Path:
        (asset,) = self.asset_dirs()
        return asset


def resources_of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def only_resource_of_type(template: dict[str, Any], type_: str) -> tuple[str, dict[str, Any]]:
    found = resources_of_type(template, type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.items()))


def run_python_in_asset(
    asset: Path,
    code: str,
    *args: str,
    env: Mapping[str, str],
    cwd: Path | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as Lambda runs the handler: a fresh ``python -S -B`` (no site-packages, no
    bytecode written), given the asset directory as ``sys.argv[1]`` and ``args`` after it; the
    code puts the asset on ``sys.path`` itself.

    ``-B`` as on Lambda (read-only /var/task), and because the asset is shared with other tests
    and must stay free of ``__pycache__``.
    """
    return subprocess.run(
        [sys.executable, "-S", "-B", "-c", code, str(asset), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=cwd,
        timeout=120,
        check=False,
    )


def template_of(stack: cdk.Stack) -> dict[str, Any]:
    return dict(Template.from_stack(stack).to_json())


def handler_policy_statements(template: dict[str, Any], marker: str) -> list[dict[str, Any]]:
    """The statements of the handler's one policy whose logical ID contains ``marker``."""
    policies = resources_of_type(template, "AWS::IAM::Policy")
    (policy,) = [p for k, p in policies.items() if marker in k]
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def default_policy_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of the handler role's default policy."""
    return handler_policy_statements(template, "ServiceRoleDefaultPolicy")


def association_policy_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of the handler's association policy (domain actions, iam:PassRole)."""
    return handler_policy_statements(template, "HandlerAssociationPolicy")


def validation_violations(outdir: Path) -> list[dict[str, Any]]:
    """Violations in the policy validation report that cdk-nag 3 (a validation plugin) writes."""
    report = json.loads((outdir / "validation-report.json").read_text())
    violations: list[dict[str, Any]] = [
        violation
        for plugin in report["pluginReports"]
        for violation in plugin.get("violations", [])
    ]
    return violations


def is_known_cdk_finding(rule_id: str, path: list[Any], resources: dict[str, Any]) -> bool:
    """W3005 on a Lambda function's DependsOn its own role, which its Role property already
    references: CDK adds that DependsOn itself (aws/aws-cdk#24578)."""
    if rule_id != "W3005" or len(path) != 4 or path[0] != "Resources" or path[2] != "DependsOn":
        return False
    resource = resources[path[1]]
    if resource["Type"] != "AWS::Lambda::Function":
        return False
    role = resource["Properties"]["Role"]
    return bool(role == {"Fn::GetAtt": [resource["DependsOn"][path[3]], "Arn"]})


def unexpected_lint_findings(template_file: Path) -> list[str]:
    """cfn-lint's findings on a synthesised template, less the known CDK ones, as
    ``"<rule> <path>: <message>"`` lines."""
    from cfnlint.api import lint_file  # ~0.5 s to import: only the tests that lint pay for it

    resources = json.loads(template_file.read_text())["Resources"]
    return [
        f"{m.rule.id} {m.path_string}: {m.message}"
        for m in lint_file(template_file)
        if not is_known_cdk_finding(m.rule.id, list(m.path), resources)
    ]


def requirement_lines(requirements: Path) -> list[str]:
    """The requirements of a requirements file as pip reads them: lines ending in a backslash
    joined to the next, comments dropped, whitespace collapsed to single spaces."""
    joined = re.sub(r"\\\n", " ", requirements.read_text())
    lines = (re.sub(r"(^|\s+)#.*$", "", line) for line in joined.splitlines())
    return [" ".join(line.split()) for line in lines if line.strip()]


def pinned_versions(requirements: Path) -> dict[str, str]:
    """``name -> version`` of the ``name==version`` requirements (hashes ignored)."""
    pins = {}
    for line in requirement_lines(requirements):
        name, version = line.split()[0].split("==")
        pins[name.lower()] = version
    return pins


def dist_version(asset: Path, distribution: str) -> str:
    """Version of ``distribution`` installed in an asset, from its ``.dist-info`` folder."""
    normalised = distribution.lower().replace("-", "_")
    found = [
        p.name.removesuffix(".dist-info").split("-", 1)[1]
        for p in asset.glob("*.dist-info")
        if p.name.lower().split("-", 1)[0] == normalised
    ]
    assert len(found) == 1, f"expected one {distribution} in {asset}, found {found}"
    return found[0]


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3])


def check_handler_asset(asset: Path, requirements: Path) -> None:
    """The asset holds the handler, crhelper and boto3/botocore at the pinned versions."""
    assert (asset / "domain_packages_handler" / "main.py").is_file()
    assert (asset / "domain_packages_handler" / "__init__.py").is_file()
    for package in ("crhelper", "boto3", "botocore"):
        assert (asset / package / "__init__.py").is_file(), f"{package} missing from {asset}"
    pins = pinned_versions(requirements)
    for distribution in pins:
        assert dist_version(asset, distribution) == pins[distribution], distribution
    assert version_tuple(dist_version(asset, "botocore")) >= (1, 35, 58)
    assert not (asset / "bin").exists()
    assert not list(asset.glob("domain_packages_handler/**/__pycache__"))
    assert not list(asset.glob("domain_packages_handler/**/*.pyc"))
