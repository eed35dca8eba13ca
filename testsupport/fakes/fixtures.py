"""pytest fixtures for the fakes; load with `pytest_plugins = ["testsupport.fakes.fixtures"]`.

Every fixture is function-scoped: each test gets fresh servers on fresh ports, so no state or
injected fault leaks between tests. `aws_env` points the process environment (what boto3 and
crhelper read) at the fakes, and only at them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest

from testsupport.fakes._http import REGION
from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.lambda_service import FakeLambda
from testsupport.fakes.opensearch import FakeOpenSearch

__all__ = [
    "FAKE_CREDENTIALS",
    "REMOVED_VARIABLES",
    "AwsEnv",
    "aws_env",
    "fake_cloudformation",
    "fake_lambda",
    "fake_opensearch",
    "lambda_environment",
]

#: What the fakes accept as credentials (any would do); shared with the benchmarks.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
    "AWS_SECRET_ACCESS_KEY": "fake-secret-access-key",
    "AWS_SESSION_TOKEN": "fake-session-token",
}
# Anything that could make boto3 reach real AWS or pick up the developer's own configuration.
REMOVED_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CA_BUNDLE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
)


@pytest.fixture
def fake_opensearch() -> Iterator[FakeOpenSearch]:
    """A started FakeOpenSearch (0.2 s association/dissociation), no domains or packages yet."""
    with FakeOpenSearch(association_seconds=0.2, dissociation_seconds=0.2) as fake:
        yield fake


@pytest.fixture
def fake_lambda(
    fake_opensearch: FakeOpenSearch, fake_cloudformation: FakeCloudFormation
) -> Iterator[FakeLambda]:
    """A started FakeLambda with no functions; stop() waits for running Event invocations.

    It depends on the other fakes only so that pytest tears it down first: handlers still
    running at teardown can then finish talking to OpenSearch and answering CloudFormation
    (crhelper retries a failed answer forever) instead of hanging the teardown.
    """
    with FakeLambda() as fake:
        yield fake


@pytest.fixture
def fake_cloudformation() -> Iterator[FakeCloudFormation]:
    """A started TLS response receiver; its CA is at `.ca_pem_path`."""
    with FakeCloudFormation() as fake:
        yield fake


@dataclass(frozen=True)
class AwsEnv:
    """The fakes `aws_env` wired the environment to."""

    opensearch: FakeOpenSearch
    lambda_: FakeLambda
    cloudformation: FakeCloudFormation


def lambda_environment(
    opensearch: FakeOpenSearch, lambda_: FakeLambda, cloudformation: FakeCloudFormation
) -> dict[str, str]:
    """A Lambda sandbox's variables, pointing at the fakes (unset `REMOVED_VARIABLES` too).

    FakeCloudFormation's API is on its TLS listener, whose CA the handler's PUTs find through
    SSL_CERT_FILE; botocore ignores that variable and reads AWS_CA_BUNDLE instead, so both name
    the fake's CA (the other fakes are plain HTTP, which neither touches).
    """
    return {
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        **FAKE_CREDENTIALS,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_OPENSEARCH": opensearch.endpoint_url,
        "AWS_ENDPOINT_URL_LAMBDA": lambda_.endpoint_url,
        "AWS_ENDPOINT_URL_CLOUDFORMATION": cloudformation.endpoint_url,
        "SSL_CERT_FILE": cloudformation.ca_pem_path,
        "AWS_CA_BUNDLE": cloudformation.ca_pem_path,
    }


@pytest.fixture
def aws_env(
    monkeypatch: pytest.MonkeyPatch,
    fake_opensearch: FakeOpenSearch,
    fake_lambda: FakeLambda,
    fake_cloudformation: FakeCloudFormation,
) -> AwsEnv:
    """Environment of a Lambda whose AWS is the fakes: region, fake credentials, endpoints, CA.

    Also resets boto3's default session so clients built after this point read the new values
    (a session created earlier would keep credentials it had already resolved).
    """
    for name in REMOVED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in lambda_environment(
        fake_opensearch, fake_lambda, fake_cloudformation
    ).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return AwsEnv(fake_opensearch, fake_lambda, fake_cloudformation)
