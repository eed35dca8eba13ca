"""Soak: many seeded lifecycles against faulty fakes, checking the domain and the account after
every one.

    python -m bench.soak --runs 200 --seed 7 --workers 8     (see README, Reliability)

Each run picks a scenario. A DomainPackages alone: create/update/delete; a failed create and
its rollback; a failed update and its rollback. A Package (Custom::OpenSearchPackage) and a
DomainPackages that uses it, driven in CloudFormation's order: content updates (a new S3 key,
UpdatePackage, a new version, the domain re-associated on it); an update whose file fails
validation and CloudFormation's rollback Update; a create that fails validation and its
rollback Delete; a new name (a replacement package, the old one deleted in the cleanup phase);
a name taken by a hand-made package. Service latencies are seeded; conflicts, throttling, 5xx
and dropped connections are injected on the association and the package calls; some requests
are first delivered to an invocation killed at a random one of its log events, then to Lambda's
retry of the same event.

Every domain and the account also hold what no stack owns: a hand-made package ACTIVE on the
domain, a hand-made package of another name and, in name_taken runs, a hand-made package with
the name a Package declares. After every run: the domain holds exactly the declared packages on
the declared versions, the account exactly the packages the stack declares (none leaked, none
duplicated, deleted ones gone), the hand-made packages and association are as seeded, and no
write request named a hand-made package ("foreign writes"). At the end no invocation is left
running. Every violation names its run's seed; `--only RUN` replays one run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3
from domain_packages_handler import main as handler_main

from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.fixtures import REMOVED_VARIABLES, AwsEnv, lambda_environment
from testsupport.fakes.lambda_service import FakeLambda, FakeLambdaContext
from testsupport.fakes.opensearch import Call, FakeOpenSearch
from testsupport.wire.harness import FUNCTION, Stack, package, package_props, props

FAULT_OPERATIONS = (
    "ListPackagesForDomain",
    "AssociatePackages",
    "DissociatePackages",
    "DescribeDomain",
    "DescribePackages",
    "CreatePackage",
    "UpdatePackage",
    "DeletePackage",
    "ListDomainsForPackage",
)
FAULT_KINDS: tuple[Literal["conflict", "busy", "throttle", "internal", "drop"], ...] = (
    "conflict",
    "busy",
    "throttle",
    "internal",
    "drop",
)
SCENARIOS = (
    "lifecycle",
    "failed_create",
    "failed_update",
    "package_deploys",
    "package_failed_update",
    "package_failed_create",
    "package_rename",
    "package_name_taken",
)
#: Share of requests first delivered to an invocation that is killed.
CRASH_PROBABILITY = 0.25
#: The kill comes at one of the invocation's first this-many log events (if it ends sooner, it
#: is not killed: counted as a missed kill).
KILL_WITHIN_EVENTS = 9
PACKAGE_TYPE = "Custom::OpenSearchPackage"
#: Kill points left out, by (resource type, request type), while a known handler bug stands
#: (none now: a re-delivered Package Update finds its own version by its commit message).
KNOWN_BUG_SPARES: dict[tuple[str, str], frozenset[str]] = {}
BUCKET = "cdk-assets"
#: The requests that change something: none may name a package the stack does not own.
WRITES = frozenset(
    {
        "CreatePackage",
        "UpdatePackage",
        "DeletePackage",
        "AssociatePackage",
        "AssociatePackages",
        "DissociatePackage",
        "DissociatePackages",
    }
)


@dataclass
class SoakReport:
    runs: int = 0
    operations: int = 0
    expected_failures: int = 0
    violations: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    faults_by_operation: Counter[str] = field(default_factory=Counter)
    scenarios: Counter[str] = field(default_factory=Counter)
    #: Invocations killed, by the log event they died at (each then retried by Lambda).
    kills: Counter[str] = field(default_factory=Counter)
    #: Invocations armed to die that ended before their kill point.
    kills_missed: int = 0
    #: Write requests that named a hand-made package (must stay 0).
    foreign_writes: int = 0
    #: CreatePackage requests with a hand-made package's name, all refused (name_taken runs).
    refused_creates: int = 0
    operation_seconds: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def summary(self) -> dict[str, Any]:
        durations = sorted(self.operation_seconds) or [0.0]
        return {
            "runs": self.runs,
            "operations": self.operations,
            "expected_failures": self.expected_failures,
            "violations": len(self.violations),
            "foreign_writes": self.foreign_writes,
            "refused_creates_of_a_taken_name": self.refused_creates,
            "faults_injected": sum(self.faults.values()),
            "faults_by_kind": dict(sorted(self.faults.items())),
            "faults_by_operation": dict(sorted(self.faults_by_operation.items())),
            "invocations_killed": sum(self.kills.values()),
            "kill_points": dict(self.kills.most_common()),
            "kills_missed": self.kills_missed,
            "scenarios": dict(self.scenarios),
            "operation_seconds_p50": round(statistics.median(durations), 2),
            "operation_seconds_p95": round(durations[int(0.95 * (len(durations) - 1))], 2),
            "wall_seconds": round(self.wall_seconds, 1),
        }


class Killed(BaseException):
    """Stands for the sandbox dying: nothing in the handler catches it."""


class KillSwitch(logging.Filter):
    """Kills the invocation running on an armed thread at its n-th log event.

    Every `log_event` of the handler goes through one logger, so every decision it logs
    (request, created, updated, accepted, wait, retry, done, response_sent, ...) is a possible
    kill point. Only the thread that armed the switch dies: other workers' invocations, and
    Lambda's retry, run on other threads.
    """

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()

    def arm(self, at: int, spare: frozenset[str] = frozenset()) -> None:
        """Kill at the `at`-th log event, not counting events named in `spare`."""
        self._local.countdown = at
        self._local.spare = spare
        self._local.killed_at = None

    def disarm(self) -> str | None:
        """Disarms; the log event the invocation was killed at (None: it ended first)."""
        self._local.countdown = 0
        killed_at: str | None = getattr(self._local, "killed_at", None)
        return killed_at

    def filter(self, record: logging.LogRecord) -> bool:
        countdown: int = getattr(self._local, "countdown", 0)
        if countdown <= 0:
            return True
        try:
            event = str(json.loads(record.getMessage()).get("event"))
        except (ValueError, AttributeError):
            event = "?"
        if event in self._local.spare:
            return True
        self._local.countdown = countdown - 1
        if countdown == 1:
            self._local.killed_at = event
            raise Killed
        return True


@contextmanager
def kill_switch() -> Iterator[KillSwitch]:
    """A KillSwitch on the handler's logger, INFO enabled so that every event reaches it."""
    logger = logging.getLogger("domain_packages")
    switch = KillSwitch()
    level = logger.level
    logger.addFilter(switch)
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    try:
        yield switch
    finally:
        logger.removeFilter(switch)
        logger.setLevel(level)


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


def named_ids(params: dict[str, Any]) -> set[str]:
    """Every package ID a request's parameters name."""
    ids: set[str] = set()
    if isinstance(params.get("PackageID"), str):
        ids.add(params["PackageID"])
    for entry in params.get("PackageList") or []:
        if isinstance(entry, str):
            ids.add(entry)
        elif isinstance(entry, dict):
            if isinstance(entry.get("PackageID"), str):
                ids.add(entry["PackageID"])
            ids.update(str(p) for p in entry.get("PrerequisitePackageIDList") or [])
    ids.update(str(p) for p in params.get("PrerequisitePackageIDList") or [])
    return ids


def pool_of(worker: int) -> list[str]:
    """The existing packages a worker's DomainPackages declare."""
    return [f"F{worker}{k:02d}" for k in range(6)]


@dataclass
class Foreign:
    """What no stack owns: hand-made packages (no owner mark) and one ACTIVE association, with
    the state they were seeded in."""

    env: AwsEnv
    ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    #: Names a Package declares too (name_taken runs): its CreatePackage must be refused.
    taken: set[str] = field(default_factory=set)
    #: package ID → (PackageDetails, the association on its domain or None) as seeded.
    seeded: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=dict)
    domain_of: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self,
        package_id: str,
        name: str,
        domain: str | None = None,
        *,
        taken: bool = False,
        owner: str | None = None,
    ) -> None:
        fake = self.env.opensearch
        fake.add_package(package_id, name=name, owner=owner)
        if domain is not None:
            fake.preassociate(domain, package_id)
        with self._lock:
            self.ids.add(package_id)
            self.names.add(name)
            if taken:
                self.taken.add(name)
            if domain is not None:
                self.domain_of[package_id] = domain
            self.seeded[package_id] = self.state(package_id)

    def state(self, package_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        fake = self.env.opensearch
        details = fake.package(package_id) or {}
        domain = self.domain_of.get(package_id)
        association = None
        if domain is not None:
            association = next(
                (a for a in fake.associations(domain) if a["PackageID"] == package_id), None
            )
        return details, association

    def all_ids(self) -> set[str]:
        with self._lock:
            return set(self.seeded)

    def changed(self, package_ids: set[str]) -> list[str]:
        """Which of `package_ids` no longer look as seeded, and how."""
        changes = []
        for package_id in sorted(package_ids):
            now = self.state(package_id)
            if now != self.seeded[package_id]:
                changes.append(f"{package_id}: seeded {self.seeded[package_id]}, now {now}")
        return changes


@dataclass
class Soak:
    """State shared by the workers."""

    env: AwsEnv
    report: SoakReport
    switch: KillSwitch
    foreign: Foreign
    seed: int
    #: Indexes of the call log already counted as foreign writes.
    counted: set[int] = field(default_factory=set)


@dataclass
class SoakRun:
    """One run: a scenario on worker `worker`'s domain, with its own seeded random stream."""

    soak: Soak
    worker: int
    run: int
    run_seed: int
    scenario: str = ""
    live: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.run_seed)
        self.env = self.soak.env
        self.fake = self.env.opensearch
        self.report = self.soak.report
        self.domain = f"soak-{self.worker}"
        self.pool = pool_of(self.worker)
        #: Every package name this run declares starts so.
        self.names_start = f"w{self.worker}-r{self.run}-"
        self.name = f"w{self.worker}-r{self.run}-syn"
        self.alias = f"{self.worker:02x}{self.run:06x}"

    # ------------------------------------------------------------------------------ checks

    def expect(self, condition: bool, what: str) -> None:
        if not condition:
            with self.report._lock:
                self.report.violations.append(
                    f"seed {self.run_seed} (run {self.run}, worker {self.worker}, "
                    f"{self.scenario}): {what}"
                )

    def expect_domain(self, declared: dict[str, str | None], when: str) -> None:
        """The domain holds exactly `declared` (package ID → version, None: any), all ACTIVE,
        besides the hand-made association."""
        on = {
            a["PackageID"]: a
            for a in self.fake.associations(self.domain)
            if a["PackageID"] not in self.soak.foreign.ids
        }
        self.expect(
            set(on) == set(declared),
            f"after {when}: domain has {sorted(on)}, declared {sorted(declared)}",
        )
        for package_id, version in declared.items():
            found = on.get(package_id)
            if found is None:
                continue
            self.expect(
                found["DomainPackageStatus"] == "ACTIVE"
                and (version is None or found["PackageVersion"] == version),
                f"after {when}: {package_id} is {found['DomainPackageStatus']} at "
                f"{found['PackageVersion']}, declared {version or 'any version'}",
            )

    def expect_account(self, when: str) -> None:
        """The account holds exactly the packages this run's stack declares (name → ID), and
        the hand-made ones of names it declares."""
        held: dict[str, list[str]] = {}
        for package_id in self.fake.package_ids():
            details = self.fake.package(package_id)
            if details is not None and details["PackageName"].startswith(self.names_start):
                held.setdefault(details["PackageName"], []).append(package_id)
        expected = {name: [package_id] for name, package_id in self.live.items()}
        with self.soak.foreign._lock:
            seeded = list(self.soak.foreign.seeded.items())
        for package_id, (details, _) in seeded:
            if details.get("PackageName", "").startswith(self.names_start):
                expected[details["PackageName"]] = [package_id]
        self.expect(held == expected, f"after {when}: account holds {held}, expected {expected}")

    def expect_package(self, answer: dict[str, Any], name: str, when: str) -> str:
        """A Package answered SUCCESS: its package exists, AVAILABLE on the answered version.
        Returns the version."""
        data = answer.get("Data") or {}
        package_id, version = data.get("PackageID", ""), data.get("PackageVersion", "")
        details = self.fake.package(package_id) or {}
        self.expect(
            answer.get("PhysicalResourceId") == package_id
            and details.get("PackageName") == name
            and details.get("PackageStatus") == "AVAILABLE"
            and details.get("AvailablePackageVersion") == version,
            f"after {when}: answered {answer}, the package is {details}",
        )
        return str(version)

    def succeeded(self, answer: dict[str, Any], what: str) -> bool:
        ok = answer.get("Status") == "SUCCESS"
        self.expect(ok, f"{what}: {answer}")
        return ok

    def failed(self, answer: dict[str, Any], what: str, *needles: str) -> bool:
        ok = answer.get("Status") == "FAILED" and all(
            n in answer.get("Reason", "") for n in needles
        )
        self.expect(ok, f"{what} should fail naming {needles}: {answer}")
        if ok:
            with self.report._lock:
                self.report.expected_failures += 1
        return ok

    def check_writes(self, start: int) -> None:
        """No write since `start` named a hand-made package; a CreatePackage with a hand-made
        package's name was refused."""
        foreign = self.soak.foreign
        with foreign._lock:
            ids, names, taken = set(foreign.ids), set(foreign.names), set(foreign.taken)
        for index, (call, outcome) in enumerate(self.fake.log_since(start), start):
            if call.operation not in WRITES:
                continue
            named = named_ids(call.params) & ids
            name = call.params.get("PackageName") if call.operation == "CreatePackage" else None
            if not named and name not in names:
                continue
            with self.report._lock:
                if index in self.soak.counted:
                    continue
                self.soak.counted.add(index)
                if not named and name in taken and outcome != "200":
                    self.report.refused_creates += 1  # the declared name, refused: expected
                    continue
                self.report.foreign_writes += 1
            self.expect(False, f"a write named a hand-made package: {_show(call)} -> {outcome}")

    # -------------------------------------------------------------------------- requests

    def send(
        self,
        stack: Stack,
        request_type: Literal["Create", "Update", "Delete"],
        properties: dict[str, Any] | None = None,
        *,
        crash: bool = True,
        **kw: Any,
    ) -> dict[str, Any]:
        """One request as CloudFormation sends it; with CRASH_PROBABILITY (if `crash`) its
        first invocation is killed at a random log event and Lambda retries the event."""
        started = time.monotonic()
        event = stack.event(request_type, properties, **kw)
        if crash and self.rng.random() < CRASH_PROBABILITY:
            answer = self._killed_then_retried(stack, event)
        else:
            stack.invoke(event)
            answer = self.env.cloudformation.wait_for_response(event["RequestId"], timeout=120)
        with self.report._lock:
            self.report.operation_seconds.append(time.monotonic() - started)
            self.report.operations += 1
        return stack.answered(event, answer)

    def _killed_then_retried(self, stack: Stack, event: dict[str, Any]) -> dict[str, Any]:
        cloudformation = self.env.cloudformation
        request_id = event["RequestId"]
        spare = KNOWN_BUG_SPARES.get((stack.resource_type, event["RequestType"]), frozenset())
        self.soak.switch.arm(self.rng.randint(1, KILL_WITHIN_EVENTS), spare)
        try:
            handler_main.handler(event, FakeLambdaContext(FUNCTION, timeout_seconds=900))
        except Killed:
            pass
        finally:
            killed_at = self.soak.switch.disarm()
        if killed_at is None:
            with self.report._lock:
                self.report.kills_missed += 1
            return cloudformation.wait_for_response(request_id, timeout=120)
        with self.report._lock:
            self.report.kills[killed_at] += 1
        before = len(cloudformation.puts(request_id))  # > 0: it died after answering
        stack.invoke(event)  # Lambda's retry of the same event
        deadline = time.monotonic() + 120
        while len(cloudformation.puts(request_id)) <= before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the retry of {request_id} never answered")
            time.sleep(0.05)
        answers = cloudformation.responses(request_id)
        first, again = answers[0], answers[-1]
        self.expect(
            all(first.get(k) == again.get(k) for k in ("Status", "PhysicalResourceId", "Data")),
            f"{event['RequestType']} killed at {killed_at!r} after answering: the retry answered "
            f"differently: {first} then {again}",
        )
        return first

    # -------------------------------------------------------------------------- scenarios

    def play(self) -> None:
        self.scenario = self.rng.choice(SCENARIOS)
        with self.report._lock:
            self.report.scenarios[self.scenario] += 1
            for _ in range(self.rng.randint(0, 3)):
                operation, kind = self.rng.choice(FAULT_OPERATIONS), self.rng.choice(FAULT_KINDS)
                self.fake.inject(operation, kind, times=self.rng.randint(1, 2))
                self.report.faults[kind] += 1
                self.report.faults_by_operation[operation] += 1
        start = self.fake.call_count
        scenario: Callable[[], None] = getattr(self, self.scenario)
        scenario()
        self.expect_domain({}, "the run")
        self.expect_account("the run")
        self.check_writes(start)
        for change in self.soak.foreign.changed(self.soak.foreign.all_ids()):
            self.expect(False, f"a hand-made package changed: {change}")

    def created(self) -> tuple[Stack, list[str], list[str]] | None:
        """A resource of this run created with a random first package list, and a second list
        for its update; None when the create failed (already recorded)."""
        stack = Stack(self.env, logical_id=f"Soak{self.worker}Run{self.run}")
        first = self.rng.sample(self.pool, self.rng.randint(1, 4))
        second = self.rng.sample(self.pool, self.rng.randint(1, 4))
        if not self.succeeded(self.send(stack, "Create", props(self.domain, *first)), "create"):
            return None
        self.expect_domain(anywhere(first), "create")
        return stack, first, second

    def lifecycle(self) -> None:
        created = self.created()
        if created is None:
            return
        stack, _, second = created
        if self.succeeded(self.send(stack, "Update", props(self.domain, *second)), "update"):
            self.expect_domain(anywhere(second), "update")
        self.succeeded(self.send(stack, "Delete"), "delete")
        self.expect_domain({}, "delete")

    def failed_create(self) -> None:
        stack = Stack(self.env, logical_id=f"Soak{self.worker}Run{self.run}")
        first = self.rng.sample(self.pool, self.rng.randint(1, 4))
        doomed = self.rng.choice(first)
        self.fake.fail_association(doomed, times=1)
        # Not killed: a retry could associate again what failed once, and succeed.
        answer = self.send(stack, "Create", props(self.domain, *first), crash=False)
        self.failed(answer, "create", doomed)
        rollback = self.send(
            stack, "Delete", props(self.domain, *first), physical_id=f"stack_Soak_{self.run:08d}"
        )
        self.succeeded(rollback, "rollback delete")
        self.expect_domain({}, "rollback")

    def failed_update(self) -> None:
        created = self.created()
        if created is None:
            return
        stack, first, second = created
        added = [p for p in second if p not in first] or [p for p in self.pool if p not in first][
            :1
        ]
        doomed = added[0]
        new = [*second, doomed] if doomed not in second else second
        self.fake.fail_association(doomed, times=1)
        answer = self.send(stack, "Update", props(self.domain, *new), crash=False)
        self.failed(answer, "update", doomed)
        rollback = self.send(
            stack, "Update", props(self.domain, *first), old_properties=props(self.domain, *new)
        )
        if self.succeeded(rollback, "rollback update"):
            self.expect_domain(anywhere(first), "rollback update")
        self.succeeded(self.send(stack, "Delete"), "delete")
        self.expect_domain({}, "delete")

    # Package scenarios: a Package and a DomainPackages using it, in CloudFormation's order.

    def _key(self, label: str, *, bad: bool = False) -> str:
        key = f"w{self.worker}/r{self.run}/{label}.txt"
        self.fake.put_object(BUCKET, key, f"laptop, notebook\n# {label}\n".encode())
        if bad:
            self.fake.fail_validation(
                BUCKET, key, "InvalidSynonymRule", f"Line 2: {label} is not a rule"
            )
        return key

    def _package_stack(self, suffix: str = "") -> Stack:
        return Stack(
            self.env,
            logical_id=f"Syn{self.worker}Run{self.run}{suffix}",
            resource_type=PACKAGE_TYPE,
        )

    def _uses(
        self, package_id: str, version: str, pool: list[str]
    ) -> tuple[dict[str, Any], dict[str, str | None]]:
        """The DomainPackages' properties for the Package's answer, and what they declare."""
        entry = package(package_id, PackageVersion=version, Alias=self.alias)
        declared: dict[str, str | None] = {package_id: version, **anywhere(pool)}
        return props(self.domain, entry, *pool), declared

    def _deploy_first(self, packages: Stack, domain_packages: Stack, pool: list[str]) -> bool:
        """`cdk deploy` of a new stack: the Package, then the DomainPackages using it."""
        answer = self.send(packages, "Create", package_props(self.name, self._key("v1")))
        if not self.succeeded(answer, "package create"):
            return False
        self.live[self.name] = answer["PhysicalResourceId"]
        version = self.expect_package(answer, self.name, "package create")
        self.expect_account("package create")
        properties, declared = self._uses(answer["PhysicalResourceId"], version, pool)
        if not self.succeeded(self.send(domain_packages, "Create", properties), "domain create"):
            return False
        self.expect_domain(declared, "domain create")
        return True

    def _destroy(self, packages: Stack, domain_packages: Stack) -> None:
        """`cdk destroy`: the DomainPackages first, then the Package."""
        self.succeeded(self.send(domain_packages, "Delete"), "domain delete")
        self.expect_domain({}, "domain delete")
        assert packages.properties is not None
        if self.succeeded(self.send(packages, "Delete"), "package delete"):
            self.live.pop(packages.properties["PackageName"], None)
        self.expect_account("package delete")

    def _stacks(self) -> tuple[Stack, Stack, list[str]]:
        pool = self.rng.sample(self.pool, self.rng.randint(0, 2))
        return (
            self._package_stack(),
            Stack(self.env, logical_id=f"Search{self.worker}R{self.run}"),
            pool,
        )

    def _content_update(
        self, packages: Stack, domain_packages: Stack, pool: list[str], label: str
    ) -> list[str]:
        """An edited file: a new key, UpdatePackage, a new version; the DomainPackages then
        re-associates the package on it (sometimes with other packages declared too)."""
        assert packages.physical_id is not None
        before = (self.fake.package(packages.physical_id) or {}).get("AvailablePackageVersion")
        answer = self.send(packages, "Update", package_props(self.name, self._key(label)))
        if not self.succeeded(answer, f"package update to {label}"):
            return pool
        version = self.expect_package(answer, self.name, f"package update to {label}")
        self.expect(version != before, f"package update to {label}: still {before}")
        if self.rng.random() < 0.3:
            pool = self.rng.sample(self.pool, self.rng.randint(0, 2))
        properties, declared = self._uses(answer["PhysicalResourceId"], version, pool)
        if self.succeeded(self.send(domain_packages, "Update", properties), "domain update"):
            self.expect_domain(declared, f"domain update to {label}")
        return pool

    def package_deploys(self) -> None:
        packages, domain_packages, pool = self._stacks()
        if self._deploy_first(packages, domain_packages, pool):
            for n in range(self.rng.randint(1, 2)):
                pool = self._content_update(packages, domain_packages, pool, f"v{n + 2}")
        self._destroy(packages, domain_packages)

    def package_failed_update(self) -> None:
        packages, domain_packages, pool = self._stacks()
        if self._deploy_first(packages, domain_packages, pool):
            assert domain_packages.properties is not None
            assert packages.properties is not None
            entry = domain_packages.properties["Packages"][0]
            declared = {entry["PackageID"]: entry["PackageVersion"], **anywhere(pool)}
            good = packages.properties
            bad = package_props(self.name, self._key("bad", bad=True))
            answer = self.send(packages, "Update", bad)
            self.failed(answer, "package update from a bad file", "VALIDATION_FAILED")
            self.expect_domain(declared, "failed package update")
            # CloudFormation's rollback: an Update back to the old properties. The
            # DomainPackages was never updated, so the domain keeps its version.
            rollback = self.send(packages, "Update", good, old_properties=bad)
            if self.succeeded(rollback, "package rollback update"):
                self.expect_package(rollback, self.name, "package rollback update")
            self.expect_domain(declared, "package rollback update")
            self.expect_account("package rollback update")
            if self.rng.random() < 0.5:  # the next deploy, with the file fixed
                self._content_update(packages, domain_packages, pool, "fixed")
        self._destroy(packages, domain_packages)

    def package_failed_create(self) -> None:
        packages = self._package_stack()
        answer = self.send(packages, "Create", package_props(self.name, self._key("bad", bad=True)))
        self.failed(answer, "package create from a bad file", "VALIDATION_FAILED", self.name)
        rollback = self.send(packages, "Delete")  # names what the failure answered
        self.succeeded(rollback, "package rollback delete")
        self.expect_account("package rollback delete")

    def package_rename(self) -> None:
        """A new type or engine version derives a new name: CloudFormation creates the new
        package, updates the DomainPackages, then deletes the old package in its cleanup."""
        packages, domain_packages, pool = self._stacks()
        if self._deploy_first(packages, domain_packages, pool):
            old_id, old_properties = packages.physical_id, packages.properties
            new_name = f"w{self.worker}-r{self.run}-new"
            answer = self.send(packages, "Update", package_props(new_name, self._key("v1")))
            if self.succeeded(answer, "package replacement"):
                self.live[new_name] = answer["PhysicalResourceId"]
                self.expect(answer["PhysicalResourceId"] != old_id, f"not replaced: {answer}")
                version = self.expect_package(answer, new_name, "package replacement")
                properties, declared = self._uses(answer["PhysicalResourceId"], version, pool)
                moved = self.send(domain_packages, "Update", properties)
                if self.succeeded(moved, "domain moved to the new package"):
                    self.expect_domain(declared, "domain moved to the new package")
                cleanup = self.send(packages, "Delete", old_properties, physical_id=old_id)
                if self.succeeded(cleanup, "old package cleanup"):
                    self.live.pop(self.name, None)
                self.expect_account("old package cleanup")
        self._destroy(packages, domain_packages)

    def package_name_taken(self) -> None:
        """A hand-made package has the name the Package declares: the Create fails naming it,
        and the rollback Delete leaves it."""
        foreign_id = f"F6{self.run:05d}"
        self.soak.foreign.add(foreign_id, self.name, taken=True)
        packages = self._package_stack()
        answer = self.send(packages, "Create", package_props(self.name, self._key("v1")))
        self.failed(answer, "package create", f"the name is taken by package {foreign_id}")
        self.succeeded(self.send(packages, "Delete"), "package rollback delete")
        self.expect_account("package rollback delete")
        for change in self.soak.foreign.changed({foreign_id}):
            self.expect(False, f"the hand-made package changed: {change}")


def anywhere(package_ids: list[str]) -> dict[str, str | None]:
    """Declared packages whose version is not pinned (any version will do)."""
    return dict.fromkeys(package_ids)


def _show(call: Call) -> str:
    return f"{call.operation} {json.dumps(call.params, sort_keys=True, default=str)}"


def run_seed(seed: int, run: int) -> int:
    """The seed of one run's random stream: a run replays alone with `--only RUN`."""
    return seed * 100_000 + run


def run_soak(runs: int, seed: int, workers: int, only: int | None = None) -> SoakReport:
    """`runs` runs spread over `workers` domains (run r on worker r % workers); `only`: just
    that run."""
    report = SoakReport()
    started = time.monotonic()
    with fake_aws(seed) as env, kill_switch() as switch:
        fake = env.opensearch
        fake.association_seconds = 0.3
        fake.dissociation_seconds = 0.3
        # Hand-made packages, collisions and Package resources beyond the default 25.
        fake.max_custom_packages = 10_000
        foreign = Foreign(env)
        for worker in range(workers):
            fake.add_domain(f"soak-{worker}")
            for package_id in pool_of(worker):
                fake.add_package(package_id)
            # Hand-made: one ACTIVE on the domain, one of a name no stack uses.
            foreign.add(f"F7{worker:02d}01", f"hand-w{worker}-synonyms", domain=f"soak-{worker}")
            foreign.add(f"F7{worker:02d}02", f"hand-w{worker}-stopwords")
            # A third party's package, visible in every account (field: modernisation-platform-
            # environments PR #8995), ACTIVE on the domain.
            foreign.add(
                f"pkg-7{worker:02d}03",
                f"vendor-w{worker}-lockbox",
                domain=f"soak-{worker}",
                owner="999988887777",
            )
        soak = Soak(env, report, switch, foreign, seed)

        def worker_loop(worker: int) -> None:
            for run in range(worker, runs, workers):
                if only is not None and run != only:
                    continue
                SoakRun(soak, worker, run, run_seed(seed, run)).play()
                with report._lock:
                    report.runs += 1

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(worker_loop, w) for w in range(workers)]:
                future.result()
        env.lambda_.wait_idle(timeout=60)
        if env.lambda_.running:
            report.violations.append(f"invocations still running: {env.lambda_.running}")
        expected = {p for w in range(workers) for p in pool_of(w)} | foreign.ids
        leaked = set(fake.package_ids()) - expected
        if leaked:
            report.violations.append(
                f"packages left after every stack was deleted: "
                f"{ {p: (fake.package(p) or {}).get('PackageName') for p in sorted(leaked)} }"
            )
        missing = expected - set(fake.package_ids())
        if missing:
            report.violations.append(f"packages no stack owned are gone: {sorted(missing)}")
    report.wall_seconds = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--only", type=int, help="run just this run (as numbered in violations)")
    parser.add_argument("--json", help="also write the summary to this file")
    args = parser.parse_args(argv)
    report = run_soak(args.runs, args.seed, args.workers, args.only)
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
