"""Soak: many seeded lifecycles against faulty fakes, checking the domain after every one.

    python -m tests.wire.soak --runs 200 --seed 7 --workers 8     (see README, Reliability)

Each run picks a scenario (create/update/delete; a failed create and its rollback; a failed
update and its rollback), with seeded service latencies and injected conflicts, throttling, 5xx
and dropped connections, and asserts afterwards that its domain holds exactly the declared
packages and that no invocation is left running.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3

from tests.fakes.cloudformation import FakeCloudFormation
from tests.fakes.fixtures import REMOVED_VARIABLES, AwsEnv, lambda_environment
from tests.fakes.lambda_service import FakeLambda
from tests.fakes.opensearch import FakeOpenSearch
from tests.wire.harness import Stack, props

FAULT_OPERATIONS = (
    "ListPackagesForDomain",
    "AssociatePackages",
    "DissociatePackages",
    "DescribeDomain",
    "DescribePackages",
)
FAULT_KINDS: tuple[Literal["conflict", "throttle", "internal", "drop"], ...] = (
    "conflict",
    "throttle",
    "internal",
    "drop",
)
SCENARIOS = ("lifecycle", "failed_create", "failed_update")


@dataclass
class SoakReport:
    runs: int = 0
    operations: int = 0
    expected_failures: int = 0
    violations: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    scenarios: Counter[str] = field(default_factory=Counter)
    operation_seconds: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        durations = sorted(self.operation_seconds) or [0.0]
        return {
            "runs": self.runs,
            "operations": self.operations,
            "expected_failures": self.expected_failures,
            "violations": len(self.violations),
            "faults_injected": dict(self.faults),
            "scenarios": dict(self.scenarios),
            "operation_seconds_p50": round(statistics.median(durations), 2),
            "operation_seconds_p95": round(durations[int(0.95 * (len(durations) - 1))], 2),
            "wall_seconds": round(self.wall_seconds, 1),
        }


@contextmanager
def fake_aws(seed: int) -> Iterator[AwsEnv]:
    """The fakes, with seeded latency, and the process environment pointing at them."""
    saved = dict(os.environ)
    with (
        FakeOpenSearch(latency=(0.0, 0.03), latency_seed=seed) as opensearch,
        FakeCloudFormation() as cloudformation,
        FakeLambda() as lambda_,
    ):
        for name in REMOVED_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(lambda_environment(opensearch, lambda_, cloudformation))
        boto3.DEFAULT_SESSION = None
        try:
            yield AwsEnv(opensearch, lambda_, cloudformation)
            lambda_.wait_idle(timeout=60)
        finally:
            os.environ.clear()
            os.environ.update(saved)
            boto3.DEFAULT_SESSION = None


def _on_domain(env: AwsEnv, domain: str) -> set[str]:
    return {d["PackageID"] for d in env.opensearch.associations(domain)}


def _one_run(env: AwsEnv, report: SoakReport, worker: int, run: int, rng: random.Random) -> None:
    domain = f"soak-{worker}"
    pool = [f"F{worker}{k:02d}" for k in range(6)]
    scenario = rng.choice(SCENARIOS)
    report.scenarios[scenario] += 1
    for _ in range(rng.randint(0, 3)):
        operation, kind = rng.choice(FAULT_OPERATIONS), rng.choice(FAULT_KINDS)
        env.opensearch.inject(operation, kind, times=rng.randint(1, 2))
        report.faults[kind] += 1
    stack = Stack(env, logical_id=f"Soak{worker}Run{run}")
    first = rng.sample(pool, rng.randint(1, 4))
    second = rng.sample(pool, rng.randint(1, 4))

    def timed(request: str, properties: dict[str, Any], **kw: Any) -> dict[str, Any]:
        started = time.monotonic()
        answer = stack.send(request, properties, wait=120, **kw)  # type: ignore[arg-type]
        report.operation_seconds.append(time.monotonic() - started)
        report.operations += 1
        return answer

    def expect(condition: bool, what: str) -> None:
        if not condition:
            report.violations.append(f"worker {worker} run {run} ({scenario}): {what}")

    def expect_exactly(packages: list[str], when: str) -> None:
        actual = _on_domain(env, domain)
        expect(
            actual == set(packages),
            f"after {when}: domain has {sorted(actual)}, declared {sorted(packages)}",
        )

    if scenario == "failed_create":
        doomed = rng.choice(first)
        env.opensearch.fail_association(doomed, times=1)
        answer = timed("Create", props(domain, *first))
        expect(answer["Status"] == "FAILED" and doomed in answer["Reason"], f"create: {answer}")
        report.expected_failures += 1
        rollback = timed("Delete", props(domain, *first), physical_id=f"stack_Soak_{run:08d}")
        expect(rollback["Status"] == "SUCCESS", f"rollback delete: {rollback}")
        expect_exactly([], "rollback")
        return
    answer = timed("Create", props(domain, *first))
    expect(answer["Status"] == "SUCCESS", f"create: {answer}")
    expect_exactly(first, "create")
    if scenario == "failed_update":
        added = [p for p in second if p not in first] or [p for p in pool if p not in first][:1]
        doomed = added[0]
        new = [*second, doomed] if doomed not in second else second
        env.opensearch.fail_association(doomed, times=1)
        answer = timed("Update", props(domain, *new))
        expect(answer["Status"] == "FAILED" and doomed in answer["Reason"], f"update: {answer}")
        report.expected_failures += 1
        rollback = timed("Update", props(domain, *first), old_properties=props(domain, *new))
        expect(rollback["Status"] == "SUCCESS", f"rollback update: {rollback}")
        expect_exactly(first, "rollback update")
    else:
        answer = timed("Update", props(domain, *second))
        expect(answer["Status"] == "SUCCESS", f"update: {answer}")
        expect_exactly(second, "update")
    answer = timed("Delete", stack.properties or props(domain, *first))
    expect(answer["Status"] == "SUCCESS", f"delete: {answer}")
    expect_exactly([], "delete")


def run_soak(runs: int, seed: int, workers: int) -> SoakReport:
    """`runs` lifecycles spread over `workers` domains, each worker on its own seeded stream."""
    report = SoakReport()
    started = time.monotonic()
    with fake_aws(seed) as env:
        env.opensearch.association_seconds = 0.3
        env.opensearch.dissociation_seconds = 0.3
        for worker in range(workers):
            env.opensearch.add_domain(f"soak-{worker}")
            for k in range(6):
                env.opensearch.add_package(f"F{worker}{k:02d}")

        def worker_loop(worker: int) -> None:
            rng = random.Random(seed * 1000 + worker)
            for run in range(worker, runs, workers):
                _one_run(env, report, worker, run, rng)
                report.runs += 1

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(worker_loop, w) for w in range(workers)]:
                future.result()
        env.lambda_.wait_idle(timeout=60)
        if env.lambda_.running:
            report.violations.append(f"invocations still running: {env.lambda_.running}")
    report.wall_seconds = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--json", help="also write the summary to this file")
    args = parser.parse_args(argv)
    report = run_soak(args.runs, args.seed, args.workers)
    summary = report.summary()
    print(json.dumps(summary, indent=2))
    for violation in report.violations:
        print("VIOLATION:", violation, file=sys.stderr)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    return 1 if report.violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
