"""integ.runner.results: assertion stack outputs (as the CLI writes them) read as results."""

from __future__ import annotations

import json

from integ.runner.results import AssertionResult, assertion_results, declared_assertions

STACK = "DeployDeployAssertA9DE05F8"


def test_declared_assertions_are_the_result_outputs_sorted() -> None:
    template = {
        "Outputs": {
            "AssertionResultsLambdaInvokeB": {"Value": "x"},
            "Other": {"Value": "y"},
            "AssertionResultsLambdaInvokeA": {"Value": "z"},
        }
    }
    assert declared_assertions(template) == [
        "AssertionResultsLambdaInvokeA",
        "AssertionResultsLambdaInvokeB",
    ]
    assert declared_assertions({}) == []


def test_each_declared_assertion_gets_a_result() -> None:
    outputs = {
        STACK: {
            "AssertionResultsA": json.dumps({"status": "success"}),
            "AssertionResultsB": '{"status":"fail","message":"Expected [couch]\nbut got []"}',
            "AssertionResultsC": "not json",
            "AssertionResultsD": json.dumps({"status": "pending"}),
        },
        "SomeOtherStack": {"AssertionResultsE": json.dumps({"status": "success"})},
    }
    declared = [f"AssertionResults{x}" for x in "ABCDE"]
    assert assertion_results(outputs, STACK, declared) == [
        AssertionResult("AssertionResultsA", passed=True),
        AssertionResult("AssertionResultsB", passed=False, message="Expected [couch]\nbut got []"),
        AssertionResult("AssertionResultsC", passed=False, message="unreadable result: not json"),
        AssertionResult(
            "AssertionResultsD", passed=False, message='unknown result: {"status": "pending"}'
        ),
        AssertionResult(
            "AssertionResultsE", passed=False, message="no result: the assertion did not run"
        ),
    ]


def test_no_outputs_at_all_fails_every_declared_assertion() -> None:
    results = assertion_results({}, STACK, ["AssertionResultsA"])
    assert [r.passed for r in results] == [False]
    assert "did not run" in results[0].message


def test_a_non_object_result_is_unknown() -> None:
    name = "AssertionResultsA"
    (result,) = assertion_results({STACK: {name: "[1]"}}, STACK, [name])
    assert result == AssertionResult(name, passed=False, message="unknown result: [1]")
