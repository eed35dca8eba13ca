"""The synonyms integration test's assertions, replayed locally.

Each assertion resource of the committed snapshot (``Custom::DeployAssert@SdkCallLambdainvoke``:
its payload and its expected answer), in the order its ``DependsOn`` chain gives, is sent to
the search function, which calls the signature-checking domain of signed_domain.py. That domain's
search analyzer applies ``integ/synonyms/v1.txt`` for the first case and ``v2.txt`` for the
second, as the real domain does once each deploy has associated that version. So the assertions
are known to ask what the function understands, and to expect what the dictionaries give.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from integ.search_function import index
from tests.integ_apps.signed_domain import FakeDomain

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "integ" / "integ_synonyms.py.snapshot"
DICTIONARIES = REPO / "integ" / "synonyms"
ASSERTION_TYPE = "Custom::DeployAssert@SdkCallLambdainvoke"
#: Stand-ins for the test stack's outputs that the assertion stacks read.
REFERENCE_PATH = "analyzers/F111111111"
FUNCTION_NAME = "OpenSearchPackagesIntegSynonyms-SearchFunction"
INDEX = "synonyms-test"


def stack_output(name: str) -> str:
    if "ReferencePath" in name:
        return REFERENCE_PATH
    if name.startswith("PublishOutputRefSearch"):
        return FUNCTION_NAME
    raise AssertionError(f"an output the replay does not know: {name}")


def resolve(value: Any) -> Any:
    """The intrinsics the assertion parameters use: Fn::Join and Fn::GetStackOutput."""
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(resolve(part) for part in parts)
    if isinstance(value, dict) and "Fn::GetStackOutput" in value:
        return stack_output(value["Fn::GetStackOutput"]["OutputName"])
    assert isinstance(value, str), value
    return value


def assertion_calls(template_file: str) -> list[tuple[dict[str, Any], Any]]:
    """(event, expected answer) per assertion, each after the ones it depends on."""
    resources: Mapping[str, Any] = json.loads((SNAPSHOT / template_file).read_text())["Resources"]
    calls = {k: r for k, r in resources.items() if r["Type"] == ASSERTION_TYPE}
    ordered: list[str] = []
    while len(ordered) < len(calls):
        ready = [
            k
            for k, r in calls.items()
            if k not in ordered and set(r.get("DependsOn", [])) & set(calls) <= set(ordered)
        ]
        assert ready, "a dependency cycle"
        ordered += sorted(ready)
    result = []
    for key in ordered:
        properties = calls[key]["Properties"]
        parameters = properties["parameters"]
        # The SDK call's parameters are JSON-encoded values (the provider decodes each).
        assert json.loads(resolve(parameters["FunctionName"])) == FUNCTION_NAME
        event = json.loads(json.loads(resolve(parameters["Payload"])))
        expected = json.loads(properties["expected"])
        result.append((event, expected["$ObjectLike"]["Payload"]["$SerializedJson"]))
    return result


def dictionary(name: str) -> dict[str, set[str]]:
    """Solr equivalent synonyms, one set per line: each term expands to the others."""
    synonyms: dict[str, set[str]] = {}
    for line in (DICTIONARIES / name).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            terms = {term.strip().lower() for term in line.split(",")}
            for term in terms:
                synonyms.setdefault(term, set()).update(terms - {term})
    return synonyms


def replay(domain: FakeDomain, template_file: str) -> list[tuple[Any, Any]]:
    """(answer, expected) for each assertion call of one assertion stack."""
    outcomes = []
    for event, expected in assertion_calls(template_file):
        # No waiting here: the wait itself is tested in test_search_function.py.
        sent = {**event, "waitSeconds": 0} if "waitSeconds" in event else event
        # The Payload the assertion matches is the JSON the function returns.
        outcomes.append((json.loads(json.dumps(index.handler(sent))), expected))
    return outcomes


def test_both_cases_pass_against_their_dictionaries(environment: FakeDomain) -> None:
    environment.synonyms = dictionary("v1.txt")
    first = replay(environment, "DeployDeployAssertA9DE05F8.template.json")
    assert [expected for _, expected in first] == [
        {"index": INDEX, "documents": 2},
        {"ids": ["couch"]},
        {"ids": []},
    ]
    assert [answer for answer, _ in first] == [expected for _, expected in first]
    analysis = environment.indices[INDEX]["settings"]["index"]["analysis"]
    assert analysis["filter"]["example_synonyms"] == {
        "type": "synonym_graph",
        "synonyms_path": REFERENCE_PATH,
        "updateable": True,
    }
    text_field = environment.indices[INDEX]["mappings"]["properties"]["text"]
    assert text_field["search_analyzer"] == "synonyms_search"

    environment.synonyms = dictionary("v2.txt")  # the second deploy's version, associated
    second = replay(environment, "RedeployDeployAssert41FDAC22.template.json")
    assert [expected for _, expected in second] == [{"ids": ["tv"]}, {"ids": ["couch"]}]
    assert [answer for answer, _ in second] == [expected for _, expected in second]


@pytest.mark.parametrize("dictionary_file", ["v1.txt", "v2.txt"])
def test_the_replay_can_fail(environment: FakeDomain, dictionary_file: str) -> None:
    """The first case fails with the second dictionary ("television" finds "tv" too early) and
    the second case fails with the first (it never does)."""
    environment.synonyms = dictionary(dictionary_file)
    replay(environment, "DeployDeployAssertA9DE05F8.template.json")
    if dictionary_file == "v2.txt":
        outcomes = replay(environment, "DeployDeployAssertA9DE05F8.template.json")
    else:
        outcomes = replay(environment, "RedeployDeployAssert41FDAC22.template.json")
    assert any(answer != expected for answer, expected in outcomes)
