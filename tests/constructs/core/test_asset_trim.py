"""The bundled asset keeps only the botocore service models its clients load, and they all work.

The asset is the one the example app's synth bundles with the real recipe (`_bundling.bundle`), then
a fresh `python -S` process with only the asset and the standard library on its path imports the
handler, lets crhelper build its clients and builds the handler's own, and sends one request
through each client up to the moment it would leave the machine (serialised, endpoint resolved,
signed with fake credentials).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from bench.cold_start import FAKE_LAMBDA_ENVIRONMENT
from opensearch_packages.core import bundling as _bundling
from tests.constructs.support import Synthesised, run_python_in_asset

MAX_ZIPPED_BYTES = 5 * 1024 * 1024
TOP_LEVEL_DATA = (
    "_retry.json",
    "endpoints.json",
    "partitions.json",
    "sdk-default-configuration.json",
)

PROBE = """
import json, sys
sys.path[:0] = [sys.argv[1]]
import boto3
import domain_packages_handler.main as main
from domain_packages_handler.core.adapter import CLIENT_CONFIG
from domain_packages_handler.core.stack import STACK_CLIENT_CONFIG

class Sent(Exception):
    pass

def stop(request, **kwargs):
    raise Sent(request.url)

helper = main.responder()  # crhelper builds its lambda, events and logs clients here
clients = {
    "crhelper lambda": (helper._lambda_client, "get_function", {"FunctionName": "f"}),
    "crhelper events": (helper._events_client, "list_rules", {}),
    "crhelper logs": (helper._logs_client, "describe_log_groups", {}),
    "opensearch": (
        boto3.client("opensearch", config=CLIENT_CONFIG),
        "list_packages_for_domain",
        {"DomainName": "my-domain", "MaxResults": 100},
    ),
    "lambda": (
        boto3.client("lambda", config=CLIENT_CONFIG),
        "invoke",
        {"FunctionName": "f", "InvocationType": "Event", "Payload": b"{}"},
    ),
    "cloudformation": (
        boto3.client("cloudformation", config=STACK_CLIENT_CONFIG),
        "describe_stack_resource",
        {"StackName": "s", "LogicalResourceId": "Packages"},
    ),
}
urls = {"init_failed": str(helper._init_failed) if helper._init_failed else None}
for name, (client, operation, params) in clients.items():
    client.meta.events.register("before-send", stop)
    try:
        getattr(client, operation)(**params)
    except Sent as sent:
        urls[name] = str(sent)
print(json.dumps(urls))
"""


@pytest.fixture(scope="module")
def asset(example_synth: Synthesised) -> Path:
    """The handler asset of the session's example synth: `_bundling.bundle`'s output (local
    bundling), shared with other tests, so read only."""
    return example_synth.handler_asset_dir()


@pytest.mark.slow
def test_only_the_service_models_of_the_handlers_clients_are_kept(asset: Path) -> None:
    data = asset / "botocore" / "data"
    assert sorted(p.name for p in data.iterdir() if p.is_dir()) == sorted(
        _bundling.BOTOCORE_SERVICES
    )
    for name in TOP_LEVEL_DATA:
        assert (data / name).is_file(), name


@pytest.mark.slow
def test_every_client_works_from_the_trimmed_asset(asset: Path, tmp_path: Path) -> None:
    environment = {**FAKE_LAMBDA_ENVIRONMENT, "AWS_LAMBDA_FUNCTION_NAME": "f"}
    completed = run_python_in_asset(asset, PROBE, env=environment, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr[-3000:]
    urls = json.loads(completed.stdout.strip().splitlines()[-1])
    assert urls == {
        "init_failed": None,
        "crhelper lambda": "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f",
        "crhelper events": "https://events.us-east-1.amazonaws.com/",
        "crhelper logs": "https://logs.us-east-1.amazonaws.com/",
        "opensearch": "https://es.us-east-1.amazonaws.com/2021-01-01/domain/my-domain/packages"
        "?maxResults=100",
        "lambda": "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f/invocations",
        "cloudformation": "https://cloudformation.us-east-1.amazonaws.com/",
    }


@pytest.mark.slow
def test_zipped_asset_is_at_most_5_mb(asset: Path) -> None:
    """Zipped as the CDK CLI zips assets: deflate at zlib's default level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(asset.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(asset).as_posix())
    assert buffer.tell() <= MAX_ZIPPED_BYTES, f"{buffer.tell():,} bytes zipped"


def test_docker_fallback_trims_the_same_models() -> None:
    script = _bundling._docker_command()[2]
    trim = script.rsplit(" && ", 1)[-1]
    assert trim.startswith("find /asset-output/botocore/data -mindepth 1 -maxdepth 1 -type d ")
    assert trim.endswith("-exec rm -rf {} +")
    kept = [part.removeprefix("! -name ") for part in trim.split(" ! -name ")[1:]]
    kept[-1] = kept[-1].split()[0]
    assert sorted(kept) == sorted(_bundling.BOTOCORE_SERVICES)
