"""Wire-level fakes of the AWS endpoints the custom-resource handler talks to.

Real boto3 and crhelper code runs against them unmodified: FakeOpenSearch (rest-json control plane
for package associations), FakeLambda (Invoke), FakeCloudFormation (the TLS response receiver and
an event factory). `tests.fakes.fixtures` wraps them as pytest fixtures.
"""

from tests.fakes._http import ACCOUNT_ID, REGION
from tests.fakes.clock import SimClock
from tests.fakes.cloudformation import FakeCloudFormation, ReceivedPut, ResponseRejected
from tests.fakes.lambda_service import FakeLambda, FakeLambdaContext, Invocation
from tests.fakes.opensearch import Call, FakeOpenSearch

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
    "ResponseRejected",
    "SimClock",
]
