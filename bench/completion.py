"""Completion overhead on a simulated clock: the time from the last package turning ACTIVE (or
gone) to the answer, for the real handler and two reference waiting strategies.

The handler's own `AssociationOperation` (with its `plan` and the shared `timing`) runs unmodified
against `SimDomain`, a simulated domain, through the handler's injectable `Runtime`; hand-overs
are modelled as `main.run` performs them: a `HandOver` ends the invocation (one `lambda:Invoke`
call), its progress goes through JSON into a fresh operation that starts after a re-invoke
latency, with the invocation's full time again, and first sleeps until the look the hand-over
cut short was due (the handler's own `main._sleep_until_due`).

Reference strategies, on the same operations and the same latency model:

- crhelper's default polling (`polling_interval=2`): the first invocation makes the call, then sets
  up an EventBridge rule `rate(2 minutes)` (put_rule, add_permission, put_targets); each firing
  invokes the function, which lists once; when done it removes the rule (three calls) and answers.
  crhelper's default 120 s sleep before answering a Delete is NOT counted.
- Terraform's waiter (`aws_opensearch_package_association`: `StateChangeConf{Delay: 30s}`, no
  MinTimeout or PollInterval): the first refresh 30 s after the call, then the SDK's backoff —
  transcribed from terraform-plugin-sdk's `WaitForStateContext`: sleeps of 0, 0.2, 0.4 … s,
  doubling, capped at 10 s. Each refresh lists the domain's packages; a create ends with one more
  listing (the resource's Read).
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from domain_packages_handler.associations.model import (
    Association,
    AssociationStatus,
    ChangeProgress,
    DesiredPackage,
    Snapshot,
)
from domain_packages_handler.associations.operation import AssociationOperation, DomainState
from domain_packages_handler.associations.plan import AssociationState
from domain_packages_handler.associations.target import Target
from domain_packages_handler.core.package_status import PackageAvailability
from domain_packages_handler.core.progress import Progress
from domain_packages_handler.core.properties import SERVICE_TIMEOUT_SECONDS
from domain_packages_handler.core.timing import (
    POLL_CAP_SECONDS,
    POLL_FRACTION,
    POLL_SCHEDULE_SECONDS,
    Backoff,
    PollSchedule,
)
from domain_packages_handler.core.waiting import HandOver, Runtime
from domain_packages_handler.main import _sleep_until_due

from bench.stats import summary
from testsupport.fakes.clock import SimClock
from testsupport.fakes.opensearch.progress import BLUE_GREEN_STAGES

DOMAIN = "bench-domain"
PACKAGE = "F100000001"
TIMEOUT_SECONDS = 3600
DICTIONARY = "TXT-DICTIONARY"
PLUGIN = "ZIP-PLUGIN"
CRHELPER_INTERVAL_SECONDS = 120.0
TERRAFORM_DELAY_SECONDS = 30.0
TERRAFORM_FIRST_WAIT_SECONDS = 0.1
TERRAFORM_CAP_SECONDS = 10.0

#: Issue 21's bound on the completion overhead: 5 % of the time waited or 5 s, the larger.
OVERHEAD_FRACTION = 0.05
OVERHEAD_FLOOR_SECONDS = 5.0
#: Issue 21's bound on the calls a wait makes: 300 per hour of waiting.
CALLS_PER_HOUR_TARGET = 300.0
#: The plugin waits `make bench` reports: label, blue/green seconds, the resource's timeout.
#: Waits within the hour run under the default one-hour timeout (the custom resource answers at
#: the end); longer ones need a longer timeout, which makes them long waits (a signal at the end).
PLUGIN_WAITS: tuple[tuple[str, float, int], ...] = (
    ("1 min", 60.0, 3600),
    ("10 min", 600.0, 3600),
    ("1 h", 3600.0, 43200),
    ("3 h", 10800.0, 43200),
)
#: Each sample's blue/green lasts its wait's time ± this fraction: where ACTIVE falls within a
#: poll interval decides the overhead, and the samples sweep that phase over a few intervals.
PLUGIN_SPREAD = 0.05

Kind = Literal["create", "delete"]
Strategy = Literal["handler", "crhelper", "terraform"]


@dataclass(frozen=True)
class Latencies:
    """Seconds, drawn uniformly from each (low, high) range."""

    api_call: tuple[float, float] = (0.05, 0.25)
    """Any AWS control-plane call (OpenSearch, EventBridge, Lambda permissions)."""
    response_put: tuple[float, float] = (0.05, 0.2)
    """crhelper's PUT of the answer to the pre-signed S3 response URL."""
    reinvoke: tuple[float, float] = (0.5, 1.5)
    """From an asynchronous Invoke (or an EventBridge firing) to the handler running again."""
    invocation_seconds: float = 900.0
    """The function's timeout: 15 minutes."""

    def to_json(self) -> dict[str, object]:
        return {
            "api_call_s": list(self.api_call),
            "response_put_s": list(self.response_put),
            "reinvoke_s": list(self.reinvoke),
            "invocation_s": self.invocation_seconds,
        }


@dataclass(frozen=True)
class Scenario:
    index: int
    kind: Kind
    duration: float
    """Seconds from the accepted association (dissociation) call until ACTIVE (gone)."""
    package_type: str = DICTIONARY
    """ZIP-PLUGIN: the change is a blue/green deployment the handler follows with
    DescribeDomainChangeProgress."""
    timeout_seconds: int = TIMEOUT_SECONDS
    """The resource's timeout; above CloudFormation's hour the handler runs a long wait."""

    @property
    def long_wait(self) -> bool:
        """Whether the stack waits on a WaitCondition the handler signals (issue 21)."""
        return self.timeout_seconds > SERVICE_TIMEOUT_SECONDS


@dataclass(frozen=True)
class Outcome:
    strategy: Strategy
    scenario: Scenario
    overhead: float
    handovers: int
    calls: dict[str, int]

    @property
    def invocations(self) -> int:
        return self.handovers + 1


@dataclass
class SimDomain:
    """One domain and one package; a change completes `duration` after the call is accepted.

    Every call takes a sampled latency and the service acts at its midpoint. Implements the
    handler's `AssociationService` protocol; `calls` counts every call by name (OpenSearch
    operations, and the `lambda:`, `cloudformation:` and `s3:PUT` calls the runs add).

    A ZIP-PLUGIN's change is a blue/green deployment: ListPackagesForDomain reports the package
    with its type, so the handler sees a blue/green in flight (`readiness.blue_green_in_flight`)
    and asks DescribeDomainChangeProgress at every poll, which answers the guide's blue/green
    stages (the OpenSearch fake's `BLUE_GREEN_STAGES`) completing evenly over `duration`, the
    change PROCESSING / ApplyingChanges until it is COMPLETED with the association. Not
    modelled: a domain Processing before the call (DescribeDomain says ready), throttling and
    other errors, stages of uneven length.
    """

    clock: SimClock
    rng: random.Random
    latencies: Latencies
    duration: float
    initially_active: bool
    package_type: str = DICTIONARY
    calls: Counter[str] = field(default_factory=Counter)
    change: tuple[str, float] | None = None
    done_at: float = math.nan

    def call(self, operation: str) -> float:
        """Spend one call's latency; returns the moment the service handled it."""
        latency = self.rng.uniform(*self.latencies.api_call)
        handled_at = self.clock.t + latency / 2
        self.clock.sleep(latency)
        self.calls[operation] += 1
        return handled_at

    def put(self, what: str) -> None:
        """An HTTPS PUT to a pre-signed S3 URL (the custom resource's response, a signal)."""
        self.clock.sleep(self.rng.uniform(*self.latencies.response_put))
        self.calls[f"s3:PUT {what}"] += 1

    def status_at(self, at: float) -> AssociationStatus | None:
        if self.change is None:
            return AssociationStatus.ACTIVE if self.initially_active else None
        action, accepted_at = self.change
        finished = at >= accepted_at + self.duration
        if action == "associate":
            return AssociationStatus.ACTIVE if finished else AssociationStatus.ASSOCIATING
        return None if finished else AssociationStatus.DISSOCIATING

    def _accept(self, action: str, at: float) -> None:
        if self.change is not None:
            raise AssertionError(f"a second package change was requested: {action}")
        self.change = (action, at)
        self.done_at = at + self.duration

    # --- AssociationService ---------------------------------------------------------------------

    def list_associations(self, domain_name: str) -> Snapshot:
        status = self.status_at(self.call("ListPackagesForDomain"))
        if status is None:
            return Snapshot({})
        path = "" if self.package_type == PLUGIN else f"analyzers/{PACKAGE}"
        association = Association(PACKAGE, status, "v1", path, package_type=self.package_type)
        return Snapshot({PACKAGE: association})

    def describe_domain(self, domain_name: str) -> DomainState:
        self.call("DescribeDomain")
        return DomainState(processing=False)

    def describe_packages(self, package_ids: Sequence[str]) -> dict[str, PackageAvailability]:
        self.call("DescribePackages")
        return {pid: PackageAvailability(pid, "AVAILABLE") for pid in package_ids}

    def packages_named(self, name: str) -> dict[str, PackageAvailability]:
        """Never asked: the simulated package is declared by ID."""
        self.call("DescribePackages")
        return {}

    def change_progress(self, domain_name: str) -> ChangeProgress | None:
        """A plugin's blue/green, stage by stage; None for a dictionary (no blue/green: the
        handler does not ask) and before any change."""
        at = self.call("DescribeDomainChangeProgress")
        if self.package_type != PLUGIN or self.change is None:
            return None
        accepted_at = self.change[1]
        total = len(BLUE_GREEN_STAGES)
        if at >= self.done_at:
            return ChangeProgress("COMPLETED", total, total, "", self.done_at, "Completed")
        completed = min(total - 1, int(total * (at - accepted_at) / self.duration))
        return ChangeProgress(
            status="PROCESSING",
            completed_stages=completed,
            total_stages=total,
            stage=BLUE_GREEN_STAGES[completed][0],
            last_moved=accepted_at + self.duration * completed / total,
            config_status="Validating" if completed == 0 else "ApplyingChanges",
        )

    def associate(
        self, domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool
    ) -> None:
        self._accept("associate", self.call("AssociatePackages" if batch else "AssociatePackage"))

    def dissociate(self, domain_name: str, package_ids: Sequence[str], *, batch: bool) -> None:
        self._accept(
            "dissociate", self.call("DissociatePackages" if batch else "DissociatePackage")
        )

    # --- for the reference strategies -------------------------------------------------------

    def reached(self, kind: Kind) -> bool:
        """List once and say whether the operation's target state is reached."""
        snapshot = self.list_associations(DOMAIN)
        association = snapshot.associations.get(PACKAGE)
        if kind == "create":
            return association is not None and association.status is AssociationStatus.ACTIVE
        return association is None


def _domain(scenario: Scenario, latencies: Latencies, rng: random.Random) -> SimDomain:
    return SimDomain(
        clock=SimClock(),
        rng=rng,
        latencies=latencies,
        duration=scenario.duration,
        initially_active=scenario.kind == "delete",
        package_type=scenario.package_type,
    )


def _requested(
    scenario: Scenario, latencies: Latencies, rng: random.Random, *, batch: bool
) -> SimDomain:
    """A simulated domain on which the scenario's one change has just been requested."""
    domain = _domain(scenario, latencies, rng)
    if scenario.kind == "create":
        domain.associate(DOMAIN, (DesiredPackage(PACKAGE),), batch=batch)
    else:
        domain.dissociate(DOMAIN, (PACKAGE,), batch=batch)
    return domain


def _target(kind: Kind) -> Target:
    if kind == "create":
        return Target(DOMAIN, associate=(DesiredPackage(PACKAGE),))
    return Target(DOMAIN, dissociate=(PACKAGE,), missing_domain_is_success=True)


@dataclass
class SimLongWait:
    """core/long_wait.LongWait on the simulated domain, as the handler's `EarlyAnswer`: the
    custom resource's early answer is a response PUT, each "was this wait superseded?" one
    DescribeStackResource call (never superseded here), the end one signal PUT to the
    WaitConditionHandle. Not modelled: CloudFormation's own delay in noticing the signal."""

    domain: SimDomain

    def answer(self, data: dict[str, str]) -> None:
        self.domain.put("response")

    def superseded(self, answered_at: float) -> bool:
        self.domain.call("cloudformation:DescribeStackResource")
        return False

    def signal(self) -> None:
        self.domain.put("signal")


def run_handler(
    scenario: Scenario,
    latencies: Latencies,
    rng: random.Random,
    poll_steps: tuple[float, ...] = POLL_SCHEDULE_SECONDS,
    poll_fraction: float = POLL_FRACTION,
) -> Outcome:
    """The real AssociationOperation, across as many 15-minute invocations as it needs, each
    run as `main.run` runs it: sleep until the look a hand-over cut short is due, ask whether
    a long wait was superseded, run the operation, hand over or answer. A long wait (timeout
    above an hour) answers the custom resource once the change is accepted and ends with the
    signal: its overhead runs to the signal PUT, including the DescribeStackResource that
    main._end_long_wait makes before signalling."""
    domain = _domain(scenario, latencies, rng)
    clock = domain.clock
    target = _target(scenario.kind)
    long_wait = SimLongWait(domain) if scenario.long_wait else None
    progress = Progress.start(
        clock.t,
        scenario.timeout_seconds,
        "bench",
        AssociationState(),
        answer_within=SERVICE_TIMEOUT_SECONDS if long_wait else None,
    )
    invocation_end = clock.t + latencies.invocation_seconds
    handovers = 0
    while True:

        def remaining(end: float = invocation_end) -> float:
            return end - clock.t

        runtime = Runtime(
            now=clock.now,
            sleep=clock.sleep,
            remaining=remaining,
            # as main.run computes it, from the time left when the invocation starts
            handover_margin=min(20.0, 0.25 * (invocation_end - clock.t)),
            early_answer=long_wait,
        )
        operation = AssociationOperation(
            target=target,
            progress=progress,
            service=domain,
            runtime=runtime,
            poll=PollSchedule(steps=poll_steps, fraction=poll_fraction),
            backoff=Backoff(uniform=rng.uniform),
        )
        try:
            _sleep_until_due(progress, runtime)  # as main.run: a resumed look keeps its time
            operation.check_current()
            data = operation.run()
            break
        except HandOver as handover:
            handovers += 1
            # core.handover: the progress travels as JSON in the asynchronous Invoke payload
            progress = Progress.from_json(
                json.loads(json.dumps(handover.progress.to_json())), AssociationState
            )
            domain.call("lambda:Invoke")
            clock.sleep(rng.uniform(*latencies.reinvoke))
            invocation_end = clock.t + latencies.invocation_seconds
    if long_wait is None:
        domain.put("response")
    else:
        if not operation.answered:
            long_wait.answer(data)  # done within the hour: answer, then signal (main.run)
        operation.check_current()  # main._end_long_wait: a superseded waiter never signals
        long_wait.signal()
    return Outcome("handler", scenario, clock.t - domain.done_at, handovers, dict(domain.calls))


def run_crhelper(scenario: Scenario, latencies: Latencies, rng: random.Random) -> Outcome:
    """crhelper's default polling: an EventBridge rule firing every 2 minutes."""
    domain = _requested(scenario, latencies, rng, batch=True)
    clock = domain.clock
    for operation in ("events:PutRule", "lambda:AddPermission", "events:PutTargets"):
        domain.call(operation)
    rule_created_at = clock.t
    firing = 1
    while True:
        clock.t = max(clock.t, rule_created_at + firing * CRHELPER_INTERVAL_SECONDS)
        clock.sleep(rng.uniform(*latencies.reinvoke))
        if domain.reached(scenario.kind):
            break
        firing += 1
    for operation in ("events:RemoveTargets", "lambda:RemovePermission", "events:DeleteRule"):
        domain.call(operation)
    clock.sleep(rng.uniform(*latencies.response_put))
    return Outcome("crhelper", scenario, clock.t - domain.done_at, 0, dict(domain.calls))


def terraform_waits() -> Callable[[], float]:
    """Successive sleeps of terraform-plugin-sdk's StateChangeConf after its Delay (no
    MinTimeout, no PollInterval): 0 before the first refresh, then 0.2, 0.4, … capped at 10 s."""
    wait = 0.0

    def next_wait() -> float:
        nonlocal wait
        current = wait
        if wait == 0:
            wait = TERRAFORM_FIRST_WAIT_SECONDS
        wait = min(wait * 2, TERRAFORM_CAP_SECONDS)
        return current

    return next_wait


def run_terraform(scenario: Scenario, latencies: Latencies, rng: random.Random) -> Outcome:
    """Terraform's aws_opensearch_package_association: one package, its own waiter."""
    domain = _requested(scenario, latencies, rng, batch=False)
    clock = domain.clock
    clock.sleep(TERRAFORM_DELAY_SECONDS)
    next_wait = terraform_waits()
    while True:
        clock.sleep(next_wait())
        if domain.reached(scenario.kind):
            break
    if scenario.kind == "create":
        domain.list_associations(DOMAIN)  # the resource's Read after Create
    return Outcome("terraform", scenario, clock.t - domain.done_at, 0, dict(domain.calls))


def scenarios(count: int, seed: int, low: float = 5.0, high: float = 1800.0) -> list[Scenario]:
    """`count` operations, creates and deletes alternating, durations log-uniform in
    [low, high] (the first two are exactly `low` and `high`)."""
    rng = random.Random(seed)  # noqa: S311 (a benchmark's reproducible draws)
    durations = [low, high] + [
        math.exp(rng.uniform(math.log(low), math.log(high))) for _ in range(count - 2)
    ]
    return [
        Scenario(i, "create" if i % 2 == 0 else "delete", round(d, 3))
        for i, d in enumerate(durations)
    ]


def _p95_by_duration(
    strategies: dict[str, Sequence[Outcome]], split: float = 60.0
) -> dict[str, dict[str, float]]:
    """p95 of each strategy (by name) for short and for long service durations."""
    result: dict[str, dict[str, float]] = {}
    for label, short in ((f"under {split:g} s", True), (f"{split:g} s and over", False)):
        row: dict[str, float] = {}
        for name, outcomes in strategies.items():
            mine = [o.overhead for o in outcomes if (o.scenario.duration < split) == short]
            row["n"] = len(mine)
            row[name] = summary(mine)["p95"]
        result[label] = row
    return result


def allowance(duration: float) -> float:
    """The completion overhead issue 21 allows a wait of `duration` seconds."""
    return max(OVERHEAD_FRACTION * duration, OVERHEAD_FLOOR_SECONDS)


def within_allowance(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """How many answered within `allowance` of their wait, and the largest share of it used."""
    shares = [o.overhead / allowance(o.scenario.duration) for o in outcomes]
    return {
        "n": len(shares),
        "within": sum(1 for share in shares if share <= 1.0),
        "worst_share": round(max(shares), 3) if shares else 0.0,
    }


def scenario_rng(seed: int, scenario: Scenario) -> random.Random:
    return random.Random(seed * 1_000_003 + scenario.index)  # noqa: S311


def simulate(
    count: int = 1000,
    seed: int = 5,
    latencies: Latencies | None = None,
    what_if_steps: Sequence[tuple[float, ...]] = ((1.0, 2.0, 3.0, 4.0), (1.0, 2.0)),
) -> dict[str, object]:
    """Every strategy on the same operations; summaries in seconds."""
    latencies = latencies or Latencies()
    ops = scenarios(count, seed)
    handler = [run_handler(s, latencies, scenario_rng(seed, s)) for s in ops]
    crhelper = [run_crhelper(s, latencies, scenario_rng(seed, s)) for s in ops]
    terraform = [run_terraform(s, latencies, scenario_rng(seed, s)) for s in ops]

    def block(outcomes: Sequence[Outcome]) -> dict[str, object]:
        waited = sum(o.scenario.duration for o in outcomes) / 3600.0
        lists = sum(o.calls.get("ListPackagesForDomain", 0) for o in outcomes)
        return {
            **summary([o.overhead for o in outcomes]),
            "list_calls_per_op": round(lists / len(outcomes), 1) if outcomes else 0.0,
            "list_calls_per_hour_waited": round(lists / waited, 1) if waited else 0.0,
        }

    # Before issue 21 the handler polled every 3 s however long it waited.
    fixed = [run_handler(s, latencies, scenario_rng(seed, s), poll_fraction=0.0) for s in ops]
    single = [o for o in handler if o.handovers == 0]
    across = [o for o in handler if o.handovers > 0]
    handler_p95 = summary([o.overhead for o in handler])["p95"]
    terraform_p95 = summary([o.overhead for o in terraform])["p95"]
    by_duration = _p95_by_duration(
        {"handler": handler, "terraform": terraform, "fixed_3s_polls": fixed}
    )
    short = by_duration["under 60 s"]
    what_if = {}
    for steps in what_if_steps:
        outcomes = [run_handler(s, latencies, scenario_rng(seed, s), poll_steps=steps) for s in ops]
        what_if["poll " + ",".join(f"{x:g}" for x in steps) + " s"] = {
            **block(outcomes),
            "single_invocation": summary([o.overhead for o in outcomes if o.handovers == 0]),
        }
    return {
        "operations": count,
        "seed": seed,
        "durations_s": {
            "min": min(s.duration for s in ops),
            "max": max(s.duration for s in ops),
            "distribution": "log-uniform",
        },
        "creates": sum(1 for s in ops if s.kind == "create"),
        "deletes": sum(1 for s in ops if s.kind == "delete"),
        "latencies": latencies.to_json(),
        "handler_poll_schedule_s": list(POLL_SCHEDULE_SECONDS),
        "handler_poll_fraction": POLL_FRACTION,
        "handler_poll_cap_s": POLL_CAP_SECONDS,
        "handler": {
            "all": block(handler),
            "single_invocation": summary([o.overhead for o in single]),
            "across_handover": summary([o.overhead for o in across]),
            "handovers_max": max(o.handovers for o in handler),
            "within_allowance": {
                "single_invocation": within_allowance(single),
                "across_handover": within_allowance(across),
            },
        },
        "fixed_3s_polls": {
            **block(fixed),
            "single_invocation": summary([o.overhead for o in fixed if o.handovers == 0]),
        },
        "crhelper_default_polling": block(crhelper),
        "terraform_waiter": block(terraform),
        "terraform_p95_over_handler_p95": round(terraform_p95 / handler_p95, 2),
        "terraform_p95_over_handler_p95_under_60_s": round(
            short["terraform"] / short["handler"], 2
        ),
        "p95_by_service_duration": by_duration,
        "what_if_handler": what_if,
    }


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _plugin_row(
    label: str, seconds: float, timeout: int, outcomes: Sequence[Outcome], fixed: Sequence[Outcome]
) -> dict[str, object]:
    """One plugin wait's figures; per-hour rates count a wait under an hour as one hour."""

    def hours(chosen: Sequence[Outcome]) -> float:
        return sum(max(o.scenario.duration, 3600.0) for o in chosen) / 3600.0

    def total_calls(chosen: Sequence[Outcome]) -> int:
        return sum(sum(o.calls.values()) for o in chosen)

    waited = sum(o.scenario.duration for o in outcomes) / 3600.0
    operations = sorted({op for o in outcomes for op in o.calls})
    return {
        "wait": label,
        "service_s": seconds,
        "timeout_s": timeout,
        "answer": "WaitCondition signal" if outcomes[0].scenario.long_wait else "response",
        "n": len(outcomes),
        "invocations_per_op": _mean([o.invocations for o in outcomes]),
        "invocations_max": max(o.invocations for o in outcomes),
        "calls_per_op": _mean([sum(o.calls.values()) for o in outcomes]),
        "calls_max": max(sum(o.calls.values()) for o in outcomes),
        "calls_by_operation": {
            op: _mean([o.calls.get(op, 0) for o in outcomes]) for op in operations
        },
        "calls_per_hour": round(total_calls(outcomes) / hours(outcomes), 1),
        "invocations_per_hour": round(sum(o.invocations for o in outcomes) / hours(outcomes), 1),
        "calls_per_hour_of_the_wait_itself": round(total_calls(outcomes) / waited, 1),
        "fixed_3s_polls": {
            "n": len(fixed),
            "calls_per_op": _mean([sum(o.calls.values()) for o in fixed]),
            "calls_per_hour": round(total_calls(fixed) / hours(fixed), 1),
            "invocations_per_op": _mean([o.invocations for o in fixed]),
        },
        "overhead": summary([o.overhead for o in outcomes]),
        "allowance_s": allowance(seconds),
        "within_allowance": within_allowance(outcomes),
    }


def plugin_waits(
    samples: int = 200,
    seed: int = 5,
    latencies: Latencies | None = None,
    fixed_samples: int = 10,
    waits: Sequence[tuple[str, float, int]] = PLUGIN_WAITS,
) -> dict[str, object]:
    """Plugin associations (a blue/green per change) of each wait in `waits`, `samples` each:
    calls and invocations per hour of waiting, and the completion overhead, to the response or
    (a long wait) to the WaitCondition signal. `fixed_samples` of each also run with the 3 s
    polls the handler used before issue 21, for comparison."""
    latencies = latencies or Latencies()
    rows = []
    for number, (label, seconds, timeout) in enumerate(waits):
        draw = random.Random(seed * 1_000_003 + number)  # noqa: S311
        ops = [
            Scenario(
                number * samples + i,
                "create",
                round(seconds * draw.uniform(1 - PLUGIN_SPREAD, 1 + PLUGIN_SPREAD), 3),
                package_type=PLUGIN,
                timeout_seconds=timeout,
            )
            for i in range(samples)
        ]
        outcomes = [run_handler(s, latencies, scenario_rng(seed, s)) for s in ops]
        fixed = [
            run_handler(s, latencies, scenario_rng(seed, s), poll_fraction=0.0)
            for s in ops[:fixed_samples]
        ]
        rows.append(_plugin_row(label, seconds, timeout, outcomes, fixed))
    return {
        "samples": samples,
        "seed": seed,
        "spread": PLUGIN_SPREAD,
        "latencies": latencies.to_json(),
        "poll": {
            "steps_s": list(POLL_SCHEDULE_SECONDS),
            "fraction": POLL_FRACTION,
            "cap_s": POLL_CAP_SECONDS,
        },
        "calls_per_hour_target": CALLS_PER_HOUR_TARGET,
        "waits": rows,
    }
