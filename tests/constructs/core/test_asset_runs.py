"""The synthesised Lambda asset, run as Lambda runs it: only the asset on sys.path.

Each invocation is a fresh `python -S` process whose import path is the asset directory and the
standard library, with a Lambda-like environment pointing at the wire-level fakes; the function's
hand-overs come back through the fake Lambda endpoint and start new processes the same way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3

from tests.constructs.support import Synthesised, run_python_in_asset
from testsupport.fakes._http import REGION
from testsupport.fakes.fixtures import AwsEnv, lambda_environment
from testsupport.fakes.lambda_service import FakeLambdaContext

FUNCTION = "asset-handler"
RUNNER = """
import json, sys, time
sys.path[:0] = [sys.argv[1]]
event = json.loads(sys.stdin.read())
deadline = time.monotonic() + float(sys.argv[2])

class Context:
    function_name = sys.argv[3]
    invoked_function_arn = sys.argv[4]
    aws_request_id = sys.argv[5]
    memory_limit_in_mb = 256
    def get_remaining_time_in_millis(self):
        return max(0, int((deadline - time.monotonic()) * 1000))

import domain_packages_handler.main as main
main.handler(event, Context())
"""


def run_in_asset(
    asset: Path, env: AwsEnv, event: dict[str, Any], context: FakeLambdaContext
) -> None:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_FUNCTION_NAME": context.function_name,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.14",
        **lambda_environment(env.opensearch, env.lambda_, env.cloudformation),
    }
    completed = run_python_in_asset(
        asset,
        RUNNER,
        str(context.get_remaining_time_in_millis() / 1000),
        context.function_name,
        context.invoked_function_arn,
        context.aws_request_id,
        env=environment,
        stdin=json.dumps(event),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]


def test_the_bundled_asset_associates_hands_over_and_dissociates(
    example_synth: Synthesised, aws_env: AwsEnv
) -> None:
    asset = example_synth.handler_asset_dir()
    fake = aws_env.opensearch
    fake.add_domain("search")
    fake.add_package("F111", association_seconds=6.0)
    aws_env.lambda_.register(
        FUNCTION,
        lambda event, context: run_in_asset(asset, aws_env, event, context),
        timeout_seconds=5.0,
    )
    client = boto3.client("lambda", region_name=REGION, endpoint_url=aws_env.lambda_.endpoint_url)
    properties = {
        "DomainName": "search",
        "Packages": [{"PackageID": "F111"}],
        "TimeoutSeconds": 60,
    }
    create = aws_env.cloudformation.make_event("Create", properties=properties)
    client.invoke(FunctionName=FUNCTION, InvocationType="Event", Payload=json.dumps(create))
    answer = aws_env.cloudformation.wait_for_response(create["RequestId"], timeout=60)
    assert answer["Status"] == "SUCCESS", answer
    assert answer["Data"]["ReferencePath.F111"] == "analyzers/F111"
    assert len(aws_env.lambda_.invocations(FUNCTION)) >= 2, "the wait was handed over"

    delete = aws_env.cloudformation.make_event(
        "Delete", properties=properties, physical_id=answer["PhysicalResourceId"]
    )
    client.invoke(FunctionName=FUNCTION, InvocationType="Event", Payload=json.dumps(delete))
    deleted = aws_env.cloudformation.wait_for_response(delete["RequestId"], timeout=60)
    assert deleted["Status"] == "SUCCESS", deleted
    assert fake.associations("search") == []
    aws_env.lambda_.wait_idle(timeout=30)


def test_the_bundled_asset_answers_a_long_wait_early_and_signals_its_handle(
    example_synth: Synthesised, aws_env: AwsEnv
) -> None:
    """Issue 21 from the asset: the answer once the association is accepted, CloudFormation
    asked whether a newer request took over (its botocore model must be in the asset), and the
    WaitCondition's handle signalled SUCCESS at the end."""
    asset = example_synth.handler_asset_dir()
    fake, cloudformation = aws_env.opensearch, aws_env.cloudformation
    cloudformation.describe_stack_resource = "answer"
    fake.add_domain("search")
    fake.add_package("G111", "ZIP-PLUGIN", association_seconds=6.0)
    aws_env.lambda_.register(
        FUNCTION,
        lambda event, context: run_in_asset(asset, aws_env, event, context),
        timeout_seconds=5.0,
    )
    client = boto3.client("lambda", region_name=REGION, endpoint_url=aws_env.lambda_.endpoint_url)
    handle = cloudformation.wait_handle_url("stack", "WaitHandle0A1B2C3D")
    properties = {
        "DomainName": "search",
        "Packages": [{"PackageID": "G111"}],
        "TimeoutSeconds": 7200,
        "WaitHandle": handle,
    }
    create = cloudformation.make_event("Create", properties=properties)
    client.invoke(FunctionName=FUNCTION, InvocationType="Event", Payload=json.dumps(create))
    answer = cloudformation.wait_for_response(create["RequestId"], timeout=60)
    assert answer["Status"] == "SUCCESS", answer
    assert fake.association_status("search", "G111") == "ASSOCIATING"  # answered early

    signal = cloudformation.wait_for_signal(handle, timeout=60)
    assert signal["Status"] == "SUCCESS", signal
    assert signal["UniqueId"] == create["RequestId"]
    assert fake.association_status("search", "G111") == "ACTIVE"
    assert cloudformation.count_api_calls("DescribeStackResource") >= 1
    aws_env.lambda_.wait_idle(timeout=30)
