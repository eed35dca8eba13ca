"""Reading CloudFormation's event: when the request was issued, from its presigned ResponseURL."""

from __future__ import annotations

import calendar
import time

import pytest
from domain_packages_handler.core.kind import Request, issued_at

SIGV4 = (
    "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3A"
    "cloudformation%3A...?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20201111T215705Z"
    "&X-Amz-SignedHeaders=host&X-Amz-Expires=7200&X-Amz-Signature=abc"
)
SIGV2 = "https://example.s3.amazonaws.com/x?AWSAccessKeyId=AKIA&Expires=1555451971&Signature=x"
ISSUED = float(calendar.timegm(time.strptime("20201111T215705Z", "%Y%m%dT%H%M%SZ")))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SIGV4, ISSUED),
        (SIGV2, 1555451971.0 - 7200),
        ("https://localhost/x?signature=test", None),
        ("", None),
        ("https://x/y?X-Amz-Date=yesterday", None),
        ("https://x/y?Expires=soon", None),
    ],
)
def test_the_issue_time_comes_from_the_presigned_url(url: str, expected: float | None) -> None:
    assert issued_at(url) == expected


def test_the_deadline_counts_from_the_request_never_from_the_future() -> None:
    event = {
        "RequestType": "Create",
        "ResponseURL": SIGV4,
        "StackId": "arn:aws:cloudformation:us-east-1:1:stack/s/uuid",
        "LogicalResourceId": "Res",
    }
    request = Request.of(event)
    assert request.issued_at == ISSUED
    assert request.started_at(ISSUED + 100) == ISSUED
    assert request.started_at(ISSUED - 5) == ISSUED - 5  # a clock behind the signer's
    assert Request.of({**event, "ResponseURL": ""}).started_at(42.0) == 42.0


def test_the_request_reads_every_field_it_needs() -> None:
    event = {
        "RequestType": "Update",
        "ResponseURL": SIGV4,
        "StackId": "arn:aws:cloudformation:us-east-1:1:stack/s/0b7c-uuid",
        "RequestId": "r-1",
        "LogicalResourceId": "Res",
        "PhysicalResourceId": "F1",
        "ResourceProperties": {"A": "1"},
        "OldResourceProperties": {"A": "0"},
    }
    assert Request.of(event) == Request(
        "Update",
        {"A": "1"},
        {"A": "0"},
        "F1",
        "arn:aws:cloudformation:us-east-1:1:stack/s/0b7c-uuid",
        "Res",
        ISSUED,
        "r-1",
    )
    bare = Request.of({"RequestType": "Create"})
    assert (bare.physical_id, bare.stack_id, bare.logical_id, bare.request_id) == (
        "",
        "",
        "resource",
        "",
    )
    assert (bare.properties, bare.old_properties, bare.issued_at) == (None, None, None)
    assert Request.of(event).new_physical_id("syn") == "syn:Res:0b7c-uuid"
