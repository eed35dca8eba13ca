"""Running an app's test cases on AWS with the cdk CLI, the way integ-runner does, and
destroying what they deployed at the end, also when a deploy or an assertion fails or the run
is interrupted.

For each case, in order: deploy its stacks; deploy its assertion stack on its own, without
rollback and with ``--outputs-file`` (so every assertion reports, even after one fails); read
the results; destroy the case's stacks unless a later case updates them. The first failing case
ends the run. Whatever happened, once anything was deployed, ``cdk destroy --all`` removes every
stack of the app.

Commands go through an ``Execute`` callable (the command line runs them with subprocess), so
the order of commands and the cleanup are tested without a CLI or an account.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from integ.runner.cases import IntegCase
from integ.runner.results import AssertionResult, assertion_results, declared_assertions

#: The CLI pinned in package.json.
CDK = ("npx", "--no-install", "cdk")
#: What integ-runner passes to every synth and deploy, so that deployed templates are the
#: snapshot's: no construct paths, no asset metadata, no CDKMetadata resource.
COMMON_OPTIONS = ("--no-path-metadata", "--no-asset-metadata", "--no-version-reporting")
#: Same as COMMON_OPTIONS, as context: for synths that run the app without the CLI.
COMMON_CONTEXT: Mapping[str, object] = {
    "aws:cdk:enable-path-metadata": False,
    "aws:cdk:enable-asset-metadata": False,
    "aws:cdk:version-reporting": False,
}

#: Runs a command; returns its exit status.
Execute = Callable[[Sequence[str]], int]
#: Reads a JSON file the CLI wrote (None when it did not).
ReadJson = Callable[[Path], Any]


@dataclass(frozen=True)
class IntegApp:
    """One integration test app as the CLI runs it."""

    name: str
    #: The ``--app`` command line.
    command: str
    #: Where the CLI writes the app's cloud assembly during the run. Emptied before a run, so
    #: that no outputs file of an earlier run is read as this run's results.
    output_dir: Path

    def outputs_file(self, case: IntegCase) -> Path:
        """Where the case's assertion stack outputs go (next to, not in, the assembly)."""
        return self.output_dir.parent / f"{self.output_dir.name}.{case.name}.outputs.json"


@dataclass(frozen=True)
class CaseReport:
    name: str
    #: Why the case failed before its assertions could report ("" when it got that far).
    error: str = ""
    assertions: tuple[AssertionResult, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.error and all(result.passed for result in self.assertions)


@dataclass
class AppReport:
    app: str
    cases: list[CaseReport] = field(default_factory=list)
    #: None when nothing was deployed, so nothing needed destroying.
    cleaned_up: bool | None = None

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(c.passed for c in self.cases) and self.cleaned_up is True


def context_options(context: Mapping[str, str]) -> list[str]:
    return [option for key in sorted(context) for option in ("-c", f"{key}={context[key]}")]


def deploy_command(
    app: IntegApp,
    stacks: Iterable[str],
    context: Mapping[str, str],
    *,
    outputs_file: Path | None = None,
) -> list[str]:
    """``cdk deploy``; with ``outputs_file``, the assertion stack's deploy: only that stack,
    no rollback (every assertion reports even after one fails), outputs written."""
    command = [
        *CDK,
        "deploy",
        "--app",
        app.command,
        "--output",
        str(app.output_dir),
        *COMMON_OPTIONS,
        "--require-approval",
        "never",
        "--progress",
        "events",
        *context_options(context),
    ]
    if outputs_file is not None:
        command += ["--exclusively", "--no-rollback", "--outputs-file", str(outputs_file)]
    return [*command, *stacks]


def destroy_command(
    app: IntegApp, stacks: Iterable[str] | None, context: Mapping[str, str]
) -> list[str]:
    """``cdk destroy`` of ``stacks``, or of every stack of the app when None."""
    selection = ["--all"] if stacks is None else list(stacks)
    return [
        *CDK,
        "destroy",
        "--app",
        app.command,
        "--output",
        str(app.output_dir),
        *COMMON_OPTIONS,
        "--force",
        *context_options(context),
        *selection,
    ]


def run_case(app: IntegApp, case: IntegCase, execute: Execute, read_json: ReadJson) -> CaseReport:
    """Deploy one case, read its assertions, destroy it if nothing later needs it."""
    status = execute(deploy_command(app, case.stacks, case.deploy_context))
    if status != 0:
        return CaseReport(case.name, error=f"cdk deploy of {', '.join(case.stacks)}: exit {status}")
    results: tuple[AssertionResult, ...] = ()
    if case.assertion_stack is not None:
        outputs_file = app.outputs_file(case)
        status = execute(
            deploy_command(
                app, [case.assertion_stack], case.deploy_context, outputs_file=outputs_file
            )
        )
        results = tuple(_results(app, case, read_json, outputs_file))
        if status != 0 and all(r.passed for r in results):
            # Failed without a failed assertion to show for it: the deploy's own error.
            return CaseReport(
                case.name, error=f"cdk deploy of {case.assertion_stack}: exit {status}"
            )
        if not results:
            return CaseReport(
                case.name, error=f"{case.assertion_stack}: its template declares no assertions"
            )
    if case.destroy_after:
        stacks = [*case.stacks, *([case.assertion_stack] if case.assertion_stack else [])]
        status = execute(destroy_command(app, stacks, case.destroy_context or case.deploy_context))
        if status != 0:
            return CaseReport(case.name, error=f"cdk destroy: exit {status}", assertions=results)
    return CaseReport(case.name, assertions=results)


def _results(
    app: IntegApp, case: IntegCase, read_json: ReadJson, outputs_file: Path
) -> list[AssertionResult]:
    stack_name = case.assertion_stack_name or ""
    template = read_json(app.output_dir / f"{stack_name}.template.json") or {}
    declared = declared_assertions(template)
    outputs = read_json(outputs_file) or {}
    return assertion_results(outputs, stack_name, declared)


def run_app(
    app: IntegApp, cases: Sequence[IntegCase], execute: Execute, read_json: ReadJson
) -> AppReport:
    """Every case in order until one fails; then every stack of the app destroyed."""
    report = AppReport(app.name)
    context: Mapping[str, str] = {}
    try:
        for case in cases:
            context = case.destroy_context or case.deploy_context
            report.cleaned_up = False  # from here on, something may exist
            case_report = run_case(app, case, execute, read_json)
            report.cases.append(case_report)
            if not case_report.passed:
                break
    finally:
        if report.cleaned_up is False:
            report.cleaned_up = execute(destroy_command(app, None, context)) == 0
    return report


def read_json_file(path: Path) -> Any:
    """The JSON in ``path``, or None when the CLI did not write it."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def render_report(report: AppReport) -> str:
    """A few lines per case for the terminal; failures with their messages."""
    lines = [f"{report.app}: {'PASSED' if report.passed else 'FAILED'}"]
    for case in report.cases:
        lines.append(f"  {case.name}: {'passed' if case.passed else 'FAILED'}")
        if case.error:
            lines.append(f"    {case.error}")
        for result in case.assertions:
            if not result.passed:
                lines.append(f"    {result.output}: {result.message}")
    if report.cleaned_up is False:
        lines.append(
            "  cleanup FAILED: some stacks may still exist; run `make integ-destroy` or delete "
            "them in the CloudFormation console"
        )
    return "\n".join(lines)
