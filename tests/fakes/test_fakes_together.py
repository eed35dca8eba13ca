"""The fakes together: the whole chain (crhelper in the Lambda fake answering the CloudFormation
fake) and stopping all three servers.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from crhelper import CfnResource
from crhelper.utils import _send_response  # type: ignore[attr-defined] # not in its stubs
from mypy_boto3_lambda import LambdaClient

from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.lambda_service import FakeLambda, FakeLambdaContext
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.support import (
    DOMAIN,
    lambda_client,
    opensearch_client,
    response_body,
)

if TYPE_CHECKING:
    from testsupport.fakes.fixtures import AwsEnv


def test_whole_chain_crhelper_in_fake_lambda(
    aws_env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crhelper function invoked through the Lambda fake answers the CloudFormation fake."""
    monkeypatch.setattr(logging.root, "level", logging.root.level)  # crhelper resets it
    helper = CfnResource(log_level="ERROR", sleep_on_delete=0)

    @helper.create
    def create(event: dict[str, Any], context: FakeLambdaContext) -> str:
        helper.Data["Wait"] = event["ResourceProperties"]["Wait"]
        return "physical-1"

    aws_env.lambda_.register("cr", helper, timeout_seconds=30)
    event = aws_env.cloudformation.make_event("Create", properties={"Wait": True})
    client: LambdaClient = boto3.client("lambda")
    client.invoke(FunctionName="cr", InvocationType="Event", Payload=json.dumps(event))
    response = aws_env.cloudformation.wait_for_response(event["RequestId"], timeout=5)
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", "physical-1")
    assert response["Data"] == {"Wait": "true"}
    aws_env.lambda_.wait_idle(5)


def test_stop_leaves_no_threads_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    before = set(threading.enumerate())
    with FakeOpenSearch() as opensearch, FakeLambda() as lambda_, FakeCloudFormation() as cfn:
        opensearch.add_domain(DOMAIN)
        opensearch_client(opensearch).describe_domain(DomainName=DOMAIN)
        lambda_.register("f", lambda event, context: time.sleep(0.05))
        lambda_client(lambda_).invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
        monkeypatch.setenv("SSL_CERT_FILE", cfn.ca_pem_path)
        event = cfn.make_event("Create", properties={})
        _send_response(event["ResponseURL"], response_body(event))
        ca_path = cfn.ca_pem_path
    assert lambda_.invocations("f")[0].done.is_set()  # stop() waited for the Event handler
    assert set(threading.enumerate()) <= before
    assert not os.path.exists(ca_path)
