"""Clients and helpers the fakes' own tests share: real boto3 clients pointed at a fake."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from mypy_boto3_lambda import LambdaClient
from mypy_boto3_opensearch import OpenSearchServiceClient

from testsupport.fakes.lambda_service import FakeLambda
from testsupport.fakes.opensearch import FakeOpenSearch

__all__ = [
    "BUCKET",
    "DOMAIN",
    "KEY",
    "SECRET",
    "error_code",
    "lambda_client",
    "opensearch_client",
    "response_body",
    "single_attempt_client",
    "statuses",
]

DOMAIN = "search-domain"
KEY = "AKIAFAKEFAKEFAKEFAKE"
SECRET = "fake-secret"
#: The bucket of the fake S3 objects package tests create packages from.
BUCKET = "cdk-assets-bucket"


def _session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
    )


def _config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"mode": "standard", "max_attempts": 3},
        "connect_timeout": 2,
        "read_timeout": 10,
    }
    settings.update(overrides)
    return Config(**settings)


def opensearch_client(fake: FakeOpenSearch, **config: Any) -> OpenSearchServiceClient:
    return _session().client("opensearch", endpoint_url=fake.endpoint_url, config=_config(**config))


def single_attempt_client(fake: FakeOpenSearch) -> OpenSearchServiceClient:
    """A client that never retries: botocore's standard mode counts LimitExceededException as
    throttling and would retry a quota error with backoff, wasting seconds per call."""
    return opensearch_client(fake, retries={"mode": "standard", "total_max_attempts": 1})


def lambda_client(fake: FakeLambda) -> LambdaClient:
    return _session().client("lambda", endpoint_url=fake.endpoint_url, config=_config())


def error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def statuses(client: OpenSearchServiceClient) -> dict[str, str]:
    page = client.list_packages_for_domain(DomainName=DOMAIN)
    return {d["PackageID"]: d["DomainPackageStatus"] for d in page["DomainPackageDetailsList"]}


def response_body(event: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A SUCCESS response to `event`, as crhelper would PUT it; `overrides` replace fields."""
    body = {
        "Status": "SUCCESS",
        "PhysicalResourceId": "search-domain/packages",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Reason": "",
        "Data": {"Count": "1"},
        "NoEcho": False,
    }
    body.update(overrides)
    return body
