"""Runs against the wire-level fakes (testsupport/fakes: real HTTP on 127.0.0.1, real boto3).

- `realtime`: the whole handler (`main.handler`, crhelper, boto3) in real time on a few
  creates of a few seconds each, one of them across hand-overs; measures the time from the last
  ACTIVE (the association's `LastUpdated`) to the response PUT's arrival, and compares it with
  what the simulation (bench.completion) predicts for the same durations.
- `api_calls`: OpenSearch calls per create for 1, 5 and 20 packages, counted by operation name in
  the fake's call log: the handler's operation and its real service adapter over boto3, against
  one-package-per-resource association as Terraform does it (AssociatePackage per package, then
  its own waiter), both on a manually advanced clock so minutes of service time take none.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from domain_packages_handler import main
from domain_packages_handler.associations.model import DesiredPackage
from domain_packages_handler.associations.operation import AssociationOperation
from domain_packages_handler.associations.plan import AssociationState
from domain_packages_handler.associations.service import OpenSearchAssociations
from domain_packages_handler.associations.target import Target
from domain_packages_handler.core.adapter import CLIENT_CONFIG, OpenSearchCalls
from domain_packages_handler.core.progress import Progress, deadline_for
from domain_packages_handler.core.waiting import Runtime

from bench import completion
from bench.soak import fake_aws
from bench.stats import summary
from testsupport.fakes._http import REGION
from testsupport.fakes.clock import SimClock
from testsupport.fakes.fixtures import FAKE_CREDENTIALS
from testsupport.fakes.opensearch import OPERATIONS, FakeOpenSearch

if TYPE_CHECKING:
    from mypy_boto3_opensearch import OpenSearchServiceClient

FUNCTION = "bench-handler"
#: (service seconds, packages, function timeout seconds) per real-time create.
REALTIME_OPERATIONS: tuple[tuple[float, int, float], ...] = (
    (2.5, 1, 900.0),
    (4.0, 5, 900.0),
    (6.5, 20, 900.0),
    (9.0, 1, 900.0),
    (8.0, 1, 6.0),  # 6-second invocations: two hand-overs before ACTIVE
)
#: Latencies of the fakes on this machine, for the simulation's prediction.
LOCAL_LATENCIES = completion.Latencies(
    api_call=(0.003, 0.015), response_put=(0.02, 0.08), reinvoke=(0.02, 0.15)
)
API_CALL_PACKAGES = (1, 5, 20)
API_CALL_SERVICE_SECONDS = 180.0


def _package_ids(prefix: int, count: int) -> list[str]:
    return [f"F{prefix}{k:03d}" for k in range(count)]


def _counts(fake: FakeOpenSearch) -> dict[str, int]:
    return {op: fake.count(op) for op in sorted(OPERATIONS) if fake.count(op)}


def realtime(
    operations: tuple[tuple[float, int, float], ...] = REALTIME_OPERATIONS,
) -> dict[str, Any]:
    """Creates through the whole handler in real time; overhead measured, and predicted."""
    rows: list[dict[str, Any]] = []
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)  # crhelper sets up INFO logging: keep the report readable
    try:
        with fake_aws(seed=0) as env:
            env.opensearch.set_latency(None)  # the soak's fakes add latency; measure without
            lambda_client = boto3.client(
                "lambda", region_name=REGION, endpoint_url=env.lambda_.endpoint_url
            )
            for index, (seconds, count, function_timeout) in enumerate(operations):
                domain = f"bench-{index}"
                packages = _package_ids(7000 + index, count)
                env.opensearch.add_domain(domain)
                for package_id in packages:
                    env.opensearch.add_package(package_id, association_seconds=seconds)
                function = f"{FUNCTION}-{index}"
                env.lambda_.register(function, main.handler, timeout_seconds=function_timeout)
                env.opensearch.reset_calls()
                event = env.cloudformation.make_event(
                    "Create",
                    properties={
                        "DomainName": domain,
                        "Packages": [{"PackageID": p} for p in packages],
                        "TimeoutSeconds": 300,
                    },
                    logical_id=f"Bench{index}",
                )
                started = time.time()
                lambda_client.invoke(
                    FunctionName=function, InvocationType="Event", Payload=json.dumps(event)
                )
                put = env.cloudformation.wait_for_put(event["RequestId"], timeout=120)
                env.lambda_.wait_idle(timeout=60)
                answer = put.document or {}
                active_at = max(d["LastUpdated"] for d in env.opensearch.associations(domain))
                scenario = completion.Scenario(index, "create", seconds)
                predicted = completion.run_handler(
                    scenario,
                    dataclasses.replace(LOCAL_LATENCIES, invocation_seconds=function_timeout),
                    completion.scenario_rng(index, scenario),
                )
                rows.append(
                    {
                        "service_s": seconds,
                        "packages": count,
                        "function_timeout_s": function_timeout,
                        "status": answer.get("Status"),
                        "invocations": len(env.lambda_.invocations(function)),
                        "overhead_s": round(put.received_at - active_at, 3),
                        "predicted_overhead_s": round(predicted.overhead, 3),
                        "operation_s": round(put.received_at - started, 3),
                        "calls": _counts(env.opensearch),
                    }
                )
    finally:
        logging.disable(previous)
    differences = [abs(r["overhead_s"] - r["predicted_overhead_s"]) for r in rows]
    return {
        "operations": rows,
        "overhead": summary([r["overhead_s"] for r in rows]),
        "max_abs_difference_from_simulation_s": round(max(differences), 3),
        "simulation_latencies": LOCAL_LATENCIES.to_json(),
    }


def _opensearch_client(
    fake: FakeOpenSearch, config: Config | None = None
) -> OpenSearchServiceClient:
    return boto3.client(
        "opensearch",
        region_name=REGION,
        endpoint_url=fake.endpoint_url,
        config=config,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def _handler_create(fake: FakeOpenSearch, clock: SimClock, domain: str, ids: list[str]) -> None:
    """The handler's operation and service adapter, one invocation, on the simulated clock."""
    started = clock()

    def sleep(seconds: float) -> None:
        clock.advance(seconds)

    progress = Progress(
        started_at=started,
        deadline=deadline_for(started, completion.TIMEOUT_SECONDS),
        physical_id="bench",
        state=AssociationState(),
    )
    AssociationOperation(
        target=Target(domain, associate=tuple(DesiredPackage(p) for p in ids)),
        progress=progress,
        service=OpenSearchAssociations(OpenSearchCalls(_opensearch_client(fake, CLIENT_CONFIG))),
        runtime=Runtime(
            now=clock,
            sleep=sleep,
            remaining=lambda: 900.0 - (clock() - started),
        ),
    ).run()


def _terraform_create(fake: FakeOpenSearch, clock: SimClock, domain: str, ids: list[str]) -> None:
    """One aws_opensearch_package_association per package, chained (depends_on): the service
    refuses a second change while one is in progress and Terraform does not retry conflicts."""
    client = _opensearch_client(fake)

    def status(package_id: str) -> str | None:
        # findPackageAssociations: ListPackagesForDomain pages (no MaxResults), filtered
        found: str | None = None
        kwargs: dict[str, Any] = {"DomainName": domain}
        while True:
            page = client.list_packages_for_domain(**kwargs)
            for details in page.get("DomainPackageDetailsList", []):
                if details["PackageID"] == package_id:
                    found = details["DomainPackageStatus"]
            if not page.get("NextToken"):
                return found
            kwargs["NextToken"] = page["NextToken"]

    for package_id in ids:
        client.associate_package(DomainName=domain, PackageID=package_id)
        clock.advance(completion.TERRAFORM_DELAY_SECONDS)
        next_wait = completion.terraform_waits()
        while True:
            clock.advance(next_wait())
            if status(package_id) == "ACTIVE":
                break
        status(package_id)  # the resource's Read after Create


def _count_create(
    packages: int,
    prefix: int,
    create: Callable[[FakeOpenSearch, SimClock, str, list[str]], None],
    package_type: str = "TXT-DICTIONARY",
) -> dict[str, Any]:
    clock = SimClock(1_000.0)
    with FakeOpenSearch(association_seconds=API_CALL_SERVICE_SECONDS, clock=clock) as fake:
        domain = f"calls-{prefix}"
        ids = _package_ids(prefix, packages)
        fake.add_domain(domain)
        for package_id in ids:
            fake.add_package(package_id, package_type)
        started = clock()
        create(fake, clock, domain, ids)
        if any(d["DomainPackageStatus"] != "ACTIVE" for d in fake.associations(domain)):
            raise AssertionError(f"{create.__name__}: not every package is ACTIVE")
        lists = [c.params for c in fake.calls if c.operation == "ListPackagesForDomain"]
        counts = _counts(fake)
        return {
            "calls": counts,
            "total": sum(counts.values()),
            "association_calls": counts.get("AssociatePackages", 0)
            + counts.get("AssociatePackage", 0),
            "list_pages_with_next_token": sum(1 for p in lists if p.get("NextToken")),
            "simulated_seconds_to_done": round(clock() - started, 1),
            # Each change that installs plugins is one blue/green deployment of the domain.
            "blue_green_deployments": fake.change_count(domain),
        }


def api_calls(sizes: tuple[int, ...] = API_CALL_PACKAGES) -> dict[str, Any]:
    """OpenSearch calls per create, the handler against one-package-per-resource association."""
    rows = []
    for index, packages in enumerate(sizes):
        rows.append(
            {
                "packages": packages,
                "handler": _count_create(packages, 8100 + index, _handler_create),
                "terraform_per_package": _count_create(packages, 8200 + index, _terraform_create),
                "plugins": {
                    "handler": _count_create(packages, 8300 + index, _handler_create, "ZIP-PLUGIN")[
                        "blue_green_deployments"
                    ],
                    "terraform_per_package": _count_create(
                        packages, 8400 + index, _terraform_create, "ZIP-PLUGIN"
                    )["blue_green_deployments"],
                },
            }
        )
    return {"service_seconds_per_change": API_CALL_SERVICE_SECONDS, "sizes": rows}
