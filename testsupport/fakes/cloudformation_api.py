"""The CloudFormation query API pieces of FakeCloudFormation: stack-resource records and the
XML DescribeStackResource answers with them, as botocore's `query` protocol reads them.

Model (botocore `cloudformation` 2010-05-15): protocol `query`, every operation POST / with a
form-encoded body naming `Action` and `Version`, answers wrapped in `<Action>Response` /
`<Action>Result` in the `http://cloudformation.amazonaws.com/doc/2010-05-15/` namespace, errors as
`ErrorResponse/Error/{Type, Code, Message}` (the shape boto/boto3#2807 shows from the real
service).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal
from xml.sax.saxutils import escape

from testsupport.fakes._http import ACCOUNT_ID, REGION, Response

__all__ = [
    "HANDLER_ROLE_SESSION",
    "XML_NAMESPACE",
    "ApiCall",
    "DescribeMode",
    "StackResource",
    "access_denied_message",
    "describe_stack_resource_response",
    "error_response",
    "failed_reason",
    "iso8601",
    "stack_arn_pattern",
]

XML_NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
#: The assumed-role session a Lambda handler's calls are made as, for AccessDenied messages.
HANDLER_ROLE_SESSION = (
    f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/domain-packages-handler-role/domain-packages-handler"
)

DescribeMode = Literal["access_denied", "answer", "unreachable"]


@dataclass
class StackResource:
    """What DescribeStackResource knows of one logical resource of one stack."""

    stack_id: str
    stack_name: str
    logical_id: str
    resource_type: str
    status: str
    last_updated: float
    """When the status last changed, on the fake's clock (epoch seconds)."""
    physical_id: str | None = None
    reason: str | None = None
    request_id: str | None = None
    """The custom-resource request the status belongs to (None when a test set it)."""
    answered: bool = False
    """Whether that request's answer has been taken (later answers change nothing)."""


@dataclass(frozen=True)
class ApiCall:
    """One request to the query API, whatever became of it."""

    action: str
    params: dict[str, str]
    status: int
    """The HTTP status answered, 0 for a dropped connection."""
    code: str | None
    """The error code, None for an answer."""
    at: float
    """When it arrived, on the fake's clock."""


def failed_reason(reason: str, request_id: str) -> str:
    """The status reason of a custom resource answered FAILED, as stack events show it
    (aws-samples/amazon-connect-contact-surveys#4, awslabs/aws-video-transcriber#32)."""
    return (
        "Received response status [FAILED] from custom resource. "
        f"Message returned: {reason} (RequestId: {request_id})"
    )


def access_denied_message(resource_arn: str, action: str = "DescribeStackResource") -> str:
    """IAM's refusal of a role without the permission, in the words a Lambda role gets
    (anomalyco/sst#3006: "... is not authorized to perform: cloudformation:DescribeStacks on
    resource: <stack ARN> because no identity-based policy allows ...")."""
    return (
        f"User: {HANDLER_ROLE_SESSION} is not authorized to perform: cloudformation:{action} "
        f"on resource: {resource_arn} because no identity-based policy allows the "
        f"cloudformation:{action} action"
    )


def iso8601(epoch_seconds: float) -> str:
    """A timestamp as the query protocol carries it (ISO 8601, UTC, milliseconds)."""
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def error_response(status: int, code: str, message: str) -> Response:
    """An `ErrorResponse` as the real service sends it (boto/boto3#2807)."""
    kind = "Receiver" if status >= 500 else "Sender"
    body = (
        f'<ErrorResponse xmlns="{XML_NAMESPACE}">\n'
        f"  <Error>\n    <Type>{kind}</Type>\n    <Code>{escape(code)}</Code>\n"
        f"    <Message>{escape(message)}</Message>\n  </Error>\n"
        f"  <RequestId>{uuid.uuid4()}</RequestId>\n</ErrorResponse>\n"
    )
    return Response(status, body.encode(), _headers())


def describe_stack_resource_response(resource: StackResource) -> Response:
    """DescribeStackResourceResponse/DescribeStackResourceResult/StackResourceDetail with the
    members the API reference lists; the optional ones only when they have a value, and
    DriftInformation NOT_CHECKED as the service reports for resources never checked."""
    members = [
        ("StackName", resource.stack_name),
        ("StackId", resource.stack_id),
        ("LogicalResourceId", resource.logical_id),
        ("PhysicalResourceId", resource.physical_id),
        ("ResourceType", resource.resource_type),
        ("LastUpdatedTimestamp", iso8601(resource.last_updated)),
        ("ResourceStatus", resource.status),
        ("ResourceStatusReason", resource.reason),
    ]
    detail = "".join(
        f"      <{name}>{escape(value)}</{name}>\n" for name, value in members if value is not None
    )
    drift = (
        "      <DriftInformation>\n"
        "        <StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus>\n"
        "      </DriftInformation>\n"
    )
    body = (
        f'<DescribeStackResourceResponse xmlns="{XML_NAMESPACE}">\n'
        "  <DescribeStackResourceResult>\n    <StackResourceDetail>\n"
        f"{detail}{drift}"
        "    </StackResourceDetail>\n  </DescribeStackResourceResult>\n"
        f"  <ResponseMetadata>\n    <RequestId>{uuid.uuid4()}</RequestId>\n"
        "  </ResponseMetadata>\n</DescribeStackResourceResponse>\n"
    )
    return Response(200, body.encode(), _headers())


def stack_arn_pattern(stack_name: str) -> str:
    """The resource ARN IAM names for a stack it cannot resolve to an ID."""
    return f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{stack_name}/*"


def _headers() -> dict[str, str]:
    return {"Content-Type": "text/xml", "x-amzn-RequestId": str(uuid.uuid4())}
