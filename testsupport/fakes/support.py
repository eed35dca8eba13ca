"""Clients and helpers the fakes' own tests share: real boto3 clients pointed at a fake."""

from __future__ import annotations

import http.client
import json
import ssl
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from mypy_boto3_lambda import LambdaClient
from mypy_boto3_opensearch import OpenSearchServiceClient

from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.lambda_service import FakeLambda
from testsupport.fakes.opensearch import FakeOpenSearch

__all__ = [
    "BUCKET",
    "DOMAIN",
    "KEY",
    "SECRET",
    "cloudformation_client",
    "error_code",
    "lambda_client",
    "opensearch_client",
    "put_signal",
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


def cloudformation_client(fake: FakeCloudFormation, **config: Any) -> Any:
    """A real boto3 CloudFormation client for the fake's query API (its TLS listener, trusted
    through the fake's CA). Typed Any: the project installs no CloudFormation stubs."""
    return _session().client(
        "cloudformation",
        endpoint_url=fake.endpoint_url,
        verify=fake.ca_pem_path,
        config=_config(**config),
    )


def put_signal(
    url: str,
    body: bytes | dict[str, Any],
    *,
    ca_pem_path: str,
    content_type: str | None = "",
    method: str = "PUT",
) -> int:
    """Send a wait-condition signal as the user guide's curl does: a PUT whose Content-Type is
    empty ("") or absent (None); returns the HTTP status. A dict body is sent as JSON."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    split = urlsplit(url)
    context = ssl.create_default_context(cafile=ca_pem_path)
    connection = http.client.HTTPSConnection(
        str(split.hostname), split.port, context=context, timeout=10
    )
    headers = {} if content_type is None else {"Content-Type": content_type}
    try:
        connection.request(method, f"{split.path}?{split.query}", body=raw, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


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
