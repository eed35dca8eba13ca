"""Wire-level fakes of the AWS endpoints the custom-resource handler talks to.

Real boto3 and crhelper code runs against them unmodified: FakeOpenSearch (rest-json control plane
for package associations), FakeLambda (Invoke), FakeCloudFormation (the TLS response receiver, an
event factory, wait-condition handles and conditions, and DescribeStackResource).
`testsupport.fakes.fixtures` wraps them as pytest fixtures.
"""

from testsupport.fakes._http import ACCOUNT_ID, REGION
from testsupport.fakes.clock import SimClock
from testsupport.fakes.cloudformation import (
    FakeCloudFormation,
    ReceivedPut,
    ReceivedSignal,
    ResponseRejected,
    SignalRejected,
    StackResource,
    WaitCondition,
)
from testsupport.fakes.lambda_service import FakeLambda, FakeLambdaContext, Invocation
from testsupport.fakes.opensearch import Call, FakeOpenSearch

__all__ = [
    "ACCOUNT_ID",
    "REGION",
    "Call",
    "FakeCloudFormation",
    "FakeLambda",
    "FakeLambdaContext",
    "FakeOpenSearch",
    "Invocation",
    "ReceivedPut",
    "ReceivedSignal",
    "ResponseRejected",
    "SignalRejected",
    "SimClock",
    "StackResource",
    "WaitCondition",
]
