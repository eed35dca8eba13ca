"""FakeCloudFormation: the events it makes, and the TLS receiver crhelper's own sender answers."""

from __future__ import annotations

import ssl
import types
import urllib.error
import urllib.request

import crhelper.utils
import pytest
from crhelper.utils import _send_response  # type: ignore[attr-defined] # not in its stubs

from testsupport.fakes.cloudformation import FakeCloudFormation, ResponseRejected, cfn_stringify
from testsupport.fakes.support import (
    DOMAIN,
    response_body,
)


@pytest.fixture
def quick_crhelper_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """crhelper sleeps 2 s between send attempts; patch only its own module's view of time."""
    monkeypatch.setattr(crhelper.utils, "time", types.SimpleNamespace(sleep=lambda _: None))


def test_make_event_stringifies_like_cloudformation(
    fake_cloudformation: FakeCloudFormation,
) -> None:
    properties = {"Domain": DOMAIN, "Wait": True, "Timeout": 5, "Nested": {"L": [1, False, 2.5]}}
    event = fake_cloudformation.make_event(
        "Update",
        properties=properties,
        old_properties={"Wait": False},
        physical_id="pid",
        service_timeout=600,
    )
    assert event["ResourceProperties"] == {
        "ServiceToken": event["ServiceToken"],
        "ServiceTimeout": "600",
        "Domain": DOMAIN,
        "Wait": "true",
        "Timeout": "5",
        "Nested": {"L": ["1", "false", "2.5"]},
    }
    assert event["OldResourceProperties"]["Wait"] == "false"
    assert event["PhysicalResourceId"] == "pid"
    assert event["StackId"].startswith("arn:aws:cloudformation:us-east-1:123456789012:stack/stack/")
    assert event["ResponseURL"].startswith(f"https://localhost:{fake_cloudformation.port}/")
    create = fake_cloudformation.make_event("Create", properties={})
    assert "PhysicalResourceId" not in create
    assert "OldResourceProperties" not in create
    assert create["StackId"] == event["StackId"]  # same stack, same ID
    assert cfn_stringify({"x": None, "y": [True]}) == {"y": ["true"]}
    with pytest.raises(ValueError, match="PhysicalResourceId"):
        fake_cloudformation.make_event("Delete", properties={})


def test_crhelper_sender_reaches_the_tls_listener(
    fake_cloudformation: FakeCloudFormation,
    monkeypatch: pytest.MonkeyPatch,
    quick_crhelper_retries: None,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", fake_cloudformation.ca_pem_path)
    event = fake_cloudformation.make_event("Create", properties={"Domain": DOMAIN})
    fake_cloudformation.fail_next_puts(1, "drop")  # crhelper retries a dropped connection
    _send_response(event["ResponseURL"], response_body(event))
    response = fake_cloudformation.wait_for_response(event["RequestId"], timeout=5)
    assert response["Data"] == {"Count": "1"}
    puts = fake_cloudformation.puts(event["RequestId"])
    assert [(p.injected_fault, p.status_code) for p in puts] == [("drop", 0), (None, 200)]
    assert fake_cloudformation.responses(event["RequestId"]) == [response]

    # Without the CA, the default context must refuse the certificate.
    monkeypatch.delenv("SSL_CERT_FILE")
    context = ssl.create_default_context()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(event["ResponseURL"], context=context, timeout=5)


def test_invalid_responses_are_rejected(
    fake_cloudformation: FakeCloudFormation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", fake_cloudformation.ca_pem_path)
    event = fake_cloudformation.make_event("Create", properties={})
    oversize = response_body(event, Status="FAILED", Reason="x" * 5000)
    _send_response(event["ResponseURL"], oversize)
    with pytest.raises(ResponseRejected, match="too long"):
        fake_cloudformation.wait_for_response(event["RequestId"], timeout=5)
    [rejected] = fake_cloudformation.rejected(event["RequestId"])
    assert rejected.status_code == 400

    other = fake_cloudformation.make_event("Create", properties={})
    bad = response_body(other, LogicalResourceId="Other", PhysicalResourceId="", Data={"n": 1})
    _send_response(other["ResponseURL"], bad)
    with pytest.raises(ResponseRejected) as rejection:
        fake_cloudformation.wait_for_response(other["RequestId"], timeout=5)
    assert len(rejection.value.put.errors) == 3
    with pytest.raises(TimeoutError):
        fake_cloudformation.wait_for_response("never-sent", timeout=0.05)
