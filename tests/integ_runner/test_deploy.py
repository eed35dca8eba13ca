"""integ.runner.deploy: the cdk commands of a run, in order, and the cleanup that always
follows, against a fake CLI that records commands and writes what the real one writes
(the assertion stack's template in the output directory, its outputs in --outputs-file)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from integ.runner.cases import IntegCase
from integ.runner.deploy import (
    CDK,
    AppReport,
    CaseReport,
    IntegApp,
    deploy_command,
    destroy_command,
    read_json_file,
    render_report,
    run_app,
)
from integ.runner.results import AssertionResult

APP = IntegApp("integ_x", "python integ/integ_x.py", Path("/build/integ/integ_x.out"))
SUCCESS = json.dumps({"status": "success"})
FIRST = IntegCase(
    "Deploy",
    ("Stack",),
    "Deploy/DeployAssert",
    "DeployAssertStack",
    destroy_after=False,
)
SECOND = IntegCase(
    "Redeploy",
    ("Stack",),
    "Redeploy/DeployAssert",
    "RedeployAssertStack",
    deploy_context={"step": "2"},
    destroy_context={"step": "2"},
)

#: The assertion stacks' CloudFormation names by the ID the CLI selects them with.
ASSERTION_STACK_NAMES = {
    str(case.assertion_stack): str(case.assertion_stack_name) for case in (FIRST, SECOND)
}


@dataclass
class FakeCli:
    """Exit statuses by (verb, first stack); assertion outputs by assertion stack name."""

    statuses: dict[tuple[str, str], int] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    declared: dict[str, list[str]] = field(default_factory=dict)
    files: dict[Path, Any] = field(default_factory=dict)
    commands: list[list[str]] = field(default_factory=list)
    interrupt_on: tuple[str, str] | None = None

    def __call__(self, command: Sequence[str]) -> int:
        command = list(command)
        self.commands.append(command)
        verb, target = command[len(CDK)], command[-1]
        if (verb, target) == self.interrupt_on:
            raise KeyboardInterrupt
        if "--outputs-file" in command:
            stack_name = ASSERTION_STACK_NAMES[target]
            out_dir = Path(command[command.index("--output") + 1])
            declared = self.declared.get(stack_name, ["AssertionResultsA"])
            self.files[out_dir / f"{stack_name}.template.json"] = {
                "Outputs": {name: {} for name in declared}
            }
            if stack_name in self.outputs:
                outputs_file = Path(command[command.index("--outputs-file") + 1])
                self.files[outputs_file] = {stack_name: self.outputs[stack_name]}
        return self.statuses.get((verb, target), 0)

    def read_json(self, path: Path) -> Any:
        return self.files.get(path)

    def summary(self) -> list[str]:
        """Each command as 'verb target [context]'."""
        lines = []
        for command in self.commands:
            verb, target = command[len(CDK)], command[-1]
            context = [command[i + 1] for i, arg in enumerate(command) if arg == "-c"]
            lines.append(" ".join([verb, target, *context]))
        return lines


def passing_cli() -> FakeCli:
    return FakeCli(
        outputs={
            "DeployAssertStack": {"AssertionResultsA": SUCCESS},
            "RedeployAssertStack": {"AssertionResultsA": SUCCESS},
        }
    )


def test_deploy_command_carries_integ_runner_defaults_context_and_stacks() -> None:
    command = deploy_command(APP, ["Stack"], {"b": "2", "a": "1"})
    assert command == [
        *CDK,
        "deploy",
        "--app",
        "python integ/integ_x.py",
        "--output",
        "/build/integ/integ_x.out",
        "--no-path-metadata",
        "--no-asset-metadata",
        "--no-version-reporting",
        "--require-approval",
        "never",
        "--progress",
        "events",
        "-c",
        "a=1",
        "-c",
        "b=2",
        "Stack",
    ]


def test_the_assertion_deploy_is_exclusive_without_rollback_and_writes_outputs() -> None:
    command = deploy_command(APP, ["A/DeployAssert"], {}, outputs_file=Path("/o.json"))
    assert command[-5:] == [
        "--exclusively",
        "--no-rollback",
        "--outputs-file",
        "/o.json",
        "A/DeployAssert",
    ]
    assert command[:-5] == deploy_command(APP, [], {})


def test_destroy_command_forces_and_selects_all_or_the_stacks() -> None:
    assert destroy_command(APP, None, {"step": "2"})[-4:] == ["--force", "-c", "step=2", "--all"]
    assert destroy_command(APP, ["S", "A/DeployAssert"], {})[-3:] == [
        "--force",
        "S",
        "A/DeployAssert",
    ]


def test_a_passing_run_deploys_each_case_then_destroys_everything() -> None:
    cli = passing_cli()
    report = run_app(APP, [FIRST, SECOND], cli, cli.read_json)
    assert cli.summary() == [
        "deploy Stack",
        "deploy Deploy/DeployAssert",
        # the first case's destroy is disabled: the second updates its stack
        "deploy Stack step=2",
        "deploy Redeploy/DeployAssert step=2",
        "destroy Redeploy/DeployAssert step=2",
        "destroy --all step=2",
    ]
    assert report.passed
    assert report.cleaned_up is True
    assert [c.name for c in report.cases] == ["Deploy", "Redeploy"]
    assert report.cases[0].assertions == (AssertionResult("AssertionResultsA", passed=True),)


def test_each_case_reads_its_own_outputs_file() -> None:
    cli = passing_cli()
    run_app(APP, [FIRST, SECOND], cli, cli.read_json)
    files = [c[c.index("--outputs-file") + 1] for c in cli.commands if "--outputs-file" in c]
    assert files == [
        "/build/integ/integ_x.out.Deploy.outputs.json",
        "/build/integ/integ_x.out.Redeploy.outputs.json",
    ]


def test_a_failed_deploy_stops_the_run_and_still_destroys_everything() -> None:
    cli = passing_cli()
    cli.statuses[("deploy", "Stack")] = 1
    report = run_app(APP, [FIRST, SECOND], cli, cli.read_json)
    assert cli.summary() == ["deploy Stack", "destroy --all"]
    assert not report.passed
    assert report.cases == [CaseReport("Deploy", error="cdk deploy of Stack: exit 1")]
    assert report.cleaned_up is True


def test_a_failed_assertion_stops_the_run_and_is_reported_with_its_message() -> None:
    cli = passing_cli()
    cli.outputs["DeployAssertStack"] = {
        "AssertionResultsA": json.dumps({"status": "fail", "message": "Expected ids [couch]"})
    }
    cli.statuses[("deploy", "Deploy/DeployAssert")] = 0
    report = run_app(APP, [FIRST, SECOND], cli, cli.read_json)
    assert cli.summary() == ["deploy Stack", "deploy Deploy/DeployAssert", "destroy --all"]
    assert not report.passed
    (case,) = report.cases
    assert case.error == ""
    assert case.assertions == (
        AssertionResult("AssertionResultsA", passed=False, message="Expected ids [couch]"),
    )
    assert "AssertionResultsA: Expected ids [couch]" in render_report(report)


def test_an_assertion_deploy_that_fails_without_failed_assertions_reports_the_deploy() -> None:
    cli = passing_cli()
    cli.statuses[("deploy", "Deploy/DeployAssert")] = 1
    report = run_app(APP, [FIRST], cli, cli.read_json)
    assert report.cases[0].error == "cdk deploy of Deploy/DeployAssert: exit 1"
    assert not report.passed


def test_assertions_whose_results_never_arrive_fail() -> None:
    cli = passing_cli()
    del cli.outputs["DeployAssertStack"]
    report = run_app(APP, [FIRST], cli, cli.read_json)
    (result,) = report.cases[0].assertions
    assert not result.passed
    assert "did not run" in result.message


def test_an_assertion_stack_that_declares_nothing_is_a_failure_not_a_pass() -> None:
    cli = passing_cli()
    cli.declared["DeployAssertStack"] = []
    report = run_app(APP, [FIRST], cli, cli.read_json)
    assert report.cases[0].error == "Deploy/DeployAssert: its template declares no assertions"
    assert not report.passed


def test_a_case_without_assertions_passes_on_its_deploy() -> None:
    cli = FakeCli()
    plain = IntegCase("Plain", ("Stack",))
    report = run_app(APP, [plain], cli, cli.read_json)
    assert cli.summary() == ["deploy Stack", "destroy Stack", "destroy --all"]
    assert report.passed


def test_a_failed_case_destroy_is_a_failure() -> None:
    cli = passing_cli()
    cli.statuses[("destroy", "Redeploy/DeployAssert")] = 1
    report = run_app(APP, [FIRST, SECOND], cli, cli.read_json)
    assert report.cases[1].error == "cdk destroy: exit 1"
    assert not report.passed


def test_a_failed_cleanup_fails_the_run_and_says_what_to_do() -> None:
    cli = passing_cli()
    cli.statuses[("destroy", "--all")] = 1
    report = run_app(APP, [FIRST, SECOND], cli, cli.read_json)
    assert all(case.passed for case in report.cases)
    assert report.cleaned_up is False
    assert not report.passed
    assert "make integ-destroy" in render_report(report)


def test_an_interrupted_run_still_destroys_everything() -> None:
    cli = passing_cli()
    cli.interrupt_on = ("deploy", "Redeploy/DeployAssert")
    with pytest.raises(KeyboardInterrupt):
        run_app(APP, [FIRST, SECOND], cli, cli.read_json)
    assert cli.summary()[-1] == "destroy --all step=2"


def test_nothing_deployed_nothing_destroyed() -> None:
    cli = FakeCli()
    report = run_app(APP, [], cli, cli.read_json)
    assert cli.commands == []
    assert report.cleaned_up is None
    assert not report.passed  # no case ran: not a pass


def test_render_report_lists_cases_and_failures() -> None:
    report = AppReport(
        "integ_x",
        cases=[
            CaseReport("Deploy", assertions=(AssertionResult("AssertionResultsA", True),)),
            CaseReport("Redeploy", error="cdk deploy of Stack: exit 1"),
        ],
        cleaned_up=True,
    )
    assert render_report(report).splitlines() == [
        "integ_x: FAILED",
        "  Deploy: passed",
        "  Redeploy: FAILED",
        "    cdk deploy of Stack: exit 1",
    ]


def test_read_json_file_reads_or_says_none(tmp_path: Path) -> None:
    path = tmp_path / "o.json"
    assert read_json_file(path) is None
    path.write_text('{"a": 1}')
    assert read_json_file(path) == {"a": 1}
