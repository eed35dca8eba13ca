"""An assertion stack's outputs read as results.

integ-tests-alpha turns each ``expect(...)`` into a stack output ``AssertionResults<id>`` whose
value is ``{"status": "success"}`` or ``{"status": "fail", "message": ...}`` (its assertion
provider, lambda-handler/assertion.ts); the CLI's ``--outputs-file`` writes them as
``{stack name: {output: value}}``. An assertion the template declares but the outputs lack has
not run, which is a failure too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The prefix integ-tests-alpha gives the outputs that carry assertion results.
RESULT_OUTPUT_PREFIX = "AssertionResults"


@dataclass(frozen=True)
class AssertionResult:
    output: str
    passed: bool
    message: str = ""


def declared_assertions(template: Mapping[str, Any]) -> list[str]:
    """The result outputs an assertion stack's template declares, sorted."""
    outputs: Mapping[str, Any] = template.get("Outputs") or {}
    return sorted(name for name in outputs if name.startswith(RESULT_OUTPUT_PREFIX))


def assertion_results(
    outputs: Mapping[str, Mapping[str, str]], stack_name: str, declared: Iterable[str]
) -> list[AssertionResult]:
    """One result per declared assertion, in the order declared."""
    stack_outputs = outputs.get(stack_name, {})
    return [_result(name, stack_outputs.get(name)) for name in declared]


def _result(name: str, value: str | None) -> AssertionResult:
    if value is None:
        return AssertionResult(name, passed=False, message="no result: the assertion did not run")
    try:
        # The CLI writes the value as CloudFormation returned it: a newline in the mismatch
        # message arrives unescaped (integ-runner escapes it the same way before parsing).
        parsed = json.loads(value.replace("\n", "\\n"))
    except ValueError:
        return AssertionResult(name, passed=False, message=f"unreadable result: {value[:500]}")
    status = parsed.get("status") if isinstance(parsed, dict) else None
    if status == "success":
        return AssertionResult(name, passed=True)
    if status == "fail":
        return AssertionResult(name, passed=False, message=str(parsed.get("message", "")))
    return AssertionResult(name, passed=False, message=f"unknown result: {value[:500]}")
