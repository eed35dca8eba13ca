"""integ.support.invoke_payload: an event with deploy-time values survives the assertion
provider's encoding. The provider JSON-encodes each parameter at synth time (``encode`` in
integ-tests-alpha's provider.ts: ``JSON.stringify``) and JSON-decodes it at deploy time
(``decodeParameters`` in its lambda handler); the event Lambda receives is that decode."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest

from integ.support import invoke_payload

PATH_VALUE = "analyzers/F123456789"
ARN_VALUE = "arn:aws:iam::123456789012:role/search"


def deployed(stack: cdk.Stack, payload: str, values: dict[str, str]) -> Any:
    """The event the function receives: the provider's encoding, resolved as CloudFormation
    would with ``values`` for the parameters, then the provider's decoding."""
    encoded = stack.resolve(json.dumps(payload))  # JSON.stringify of the (token) string

    def evaluate(value: Any) -> str:
        if isinstance(value, str):
            return value
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(evaluate(part) for part in parts)
        return values[value["Ref"]]

    return json.loads(json.loads(evaluate(encoded)))


def test_tokens_anywhere_in_the_event_arrive_as_their_values() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    path = cdk.CfnParameter(stack, "Path").value_as_string
    role = cdk.CfnParameter(stack, "Role").value_as_string
    event = {
        "action": "setup",
        "body": {"filter": {"synonyms_path": path, "note": 'quotes " and \\ kept'}},
        "roles": [role, "plain"],
        "count": 2,
    }
    payload = invoke_payload(event)
    assert cdk.Token.is_unresolved(payload)
    assert deployed(stack, payload, {"Path": PATH_VALUE, "Role": ARN_VALUE}) == {
        "action": "setup",
        "body": {"filter": {"synonyms_path": PATH_VALUE, "note": 'quotes " and \\ kept'}},
        "roles": [ARN_VALUE, "plain"],
        "count": 2,
    }


def test_the_plain_rendering_breaks_which_is_why_this_exists() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    path = cdk.CfnParameter(stack, "Path").value_as_string
    broken = stack.to_json_string({"synonyms_path": path})
    with pytest.raises(json.JSONDecodeError):
        deployed(stack, broken, {"Path": PATH_VALUE})


def test_an_event_without_tokens_is_its_json() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    payload = invoke_payload({"action": "plugins", "component": "analysis-icu"})
    assert payload == '{"action": "plugins", "component": "analysis-icu"}'
    assert deployed(stack, payload, {}) == {"action": "plugins", "component": "analysis-icu"}
