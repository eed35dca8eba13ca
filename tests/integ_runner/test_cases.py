"""integ.runner.cases: the integ manifest read into test cases, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integ.runner.cases import IntegCase, UnsupportedManifest, read_cases

SNAPSHOT = Path(__file__).resolve().parents[2] / "integ" / "integ_synonyms.py.snapshot"


def case(**overrides: Any) -> dict[str, Any]:
    return {"stacks": ["Stack"], "stackUpdateWorkflow": False, **overrides}


def test_the_synonyms_app_manifest_reads_as_two_cases_in_order() -> None:
    manifest = json.loads((SNAPSHOT / "integ.json").read_text())
    first, second = read_cases(manifest)
    assert first == IntegCase(
        name="Deploy",
        stacks=("OpenSearchPackagesIntegSynonyms",),
        assertion_stack="Deploy/DeployAssert",
        assertion_stack_name="DeployDeployAssertA9DE05F8",
        deploy_context={},
        destroy_context={},
        destroy_after=False,
    )
    assert second.name == "Redeploy"
    assert second.deploy_context == {"integ-synonyms:step": "2"}
    assert second.destroy_context == {"integ-synonyms:step": "2"}
    assert second.destroy_after is True


def test_context_values_are_strings_as_the_cli_passes_them() -> None:
    raw = case(cdkCommandOptions={"deploy": {"args": {"context": {"step": 2, "on": True}}}})
    (read,) = read_cases({"testCases": {"A": raw}})
    assert read.deploy_context == {"step": "2", "on": "True"}


def test_snapshot_only_keys_are_ignored() -> None:
    (read,) = read_cases({"testCases": {"A": case(allowDestroy=["AWS::S3::Bucket"])}})
    assert read.stacks == ("Stack",)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ({"testCases": {}}, "no test cases"),
        ({}, "no test cases"),
        ({"enableLookups": True, "testCases": {"A": case()}}, "enableLookups"),
        ({"testCases": {"A": {"stacks": ["S"]}}}, "stack_update_workflow=False"),
        ({"testCases": {"A": case(stackUpdateWorkflow=True)}}, "stack_update_workflow=False"),
        ({"testCases": {"A": case(stacks=[])}}, "no stacks"),
        ({"testCases": {"A": case(hooks={"preDeploy": ["x"]})}}, "unsupported keys ['hooks']"),
        ({"testCases": {"A": case(regions=["eu-west-1"])}}, "unsupported keys ['regions']"),
        (
            {"testCases": {"A": case(cdkCommandOptions={"deploy": {"expectError": True}})}},
            "deploy: unsupported ['expectError']",
        ),
        (
            {"testCases": {"A": case(cdkCommandOptions={"deploy": {"enabled": False}})}},
            "does not deploy",
        ),
        (
            {"testCases": {"A": case(cdkCommandOptions={"destroy": {"args": {"force": True}}})}},
            "destroy args: unsupported ['force']",
        ),
    ],
)
def test_what_the_runner_does_not_do_fails_before_any_deploy(
    manifest: dict[str, Any], message: str
) -> None:
    with pytest.raises(UnsupportedManifest) as raised:
        read_cases(manifest)
    assert message in str(raised.value)
