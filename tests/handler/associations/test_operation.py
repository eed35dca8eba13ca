"""The waiting shell, against an in-memory service on a simulated clock: no real waiting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pytest
from domain_packages_handler.associations import readiness
from domain_packages_handler.associations.model import (
    Association,
    AssociationStatus,
    ChangeProgress,
    DesiredPackage,
    Snapshot,
)
from domain_packages_handler.associations.operation import AssociationOperation, DomainState
from domain_packages_handler.associations.plan import AssociationState
from domain_packages_handler.associations.spec import ResourceSpec
from domain_packages_handler.associations.target import Target, create_target, delete_target
from domain_packages_handler.core.errors import (
    AlreadyInDesiredState,
    BatchUnsupported,
    DomainNotFound,
    NotAssociated,
    Rejected,
    Retryable,
    ServiceError,
)
from domain_packages_handler.core.outcome import ErrorDetails
from domain_packages_handler.core.package_status import PackageAvailability
from domain_packages_handler.core.progress import Progress, deadline_for
from domain_packages_handler.core.timing import (
    POLL_FRACTION,
    POLL_SCHEDULE_SECONDS,
    Backoff,
    PollSchedule,
)
from domain_packages_handler.core.waiting import HandOver, OperationFailed, Runtime, Superseded

from testsupport.fakes.clock import SimClock

S = AssociationStatus


@dataclass
class FakeService:
    """A domain whose package changes take `duration` simulated seconds."""

    clock: SimClock
    duration: float = 10.0
    entries: dict[str, tuple[S, float]] = field(default_factory=dict)  # status, since
    fail: dict[str, ErrorDetails] = field(default_factory=dict)
    #: DescribePackages' PackageStatus by ID (AVAILABLE when not named).
    package_status: dict[str, str] = field(default_factory=dict)
    #: Packages DescribePackages does not know.
    unknown: set[str] = field(default_factory=set)
    #: DomainProcessingStatus DescribeDomain reports ("" = the field left out).
    processing_status: str = ""
    processing_until: float = 0.0
    errors: dict[str, list[ServiceError]] = field(default_factory=dict)
    calls: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    domain_exists: bool = True
    batch_enabled: bool = True
    fail_dissociation: dict[str, ErrorDetails] = field(default_factory=dict)
    domain: str = "d"
    #: Package type by ID (ZIP-PLUGIN changes run a blue/green); dictionaries by default.
    types: dict[str, str] = field(default_factory=dict)
    #: What DescribeDomainChangeProgress answers.
    progress: ChangeProgress | None = None
    #: Dissociations that never end (an index still uses the plugin).
    stuck: set[str] = field(default_factory=set)
    #: EngineVersion DescribeDomain reports.
    engine_version: str = "OpenSearch_2.17"
    #: The packages DescribePackages knows by name (PackageName, PackageOwner, EngineVersion).
    catalogue: list[PackageAvailability] = field(default_factory=list)

    def _check_domain(self, domain_name: str) -> None:
        assert domain_name == self.domain, f"called for domain {domain_name}, not {self.domain}"

    def _raise_scripted(self, operation: str) -> None:
        queue = self.errors.get(operation)
        if queue:
            raise queue.pop(0)

    def _settle(self) -> None:
        for pid, (status, since) in list(self.entries.items()):
            if self.clock.t - since < self.duration:
                continue
            if status is S.ASSOCIATING:
                new = S.ASSOCIATION_FAILED if pid in self.fail else S.ACTIVE
                self.entries[pid] = (new, self.clock.t)
            elif status is S.DISSOCIATING and pid in self.stuck:
                continue
            elif status is S.DISSOCIATING and pid in self.fail_dissociation:
                self.entries[pid] = (S.DISSOCIATION_FAILED, self.clock.t)
            elif status is S.DISSOCIATING:
                del self.entries[pid]

    def list_associations(self, domain_name: str) -> Snapshot:
        self._check_domain(domain_name)
        self.calls.append(("list", ()))
        self._raise_scripted("list")
        if not self.domain_exists:
            raise DomainNotFound("ListPackagesForDomain", "ResourceNotFoundException", "no domain")
        self._settle()
        return Snapshot(
            {
                pid: Association(
                    pid,
                    status,
                    package_version="v1",
                    reference_path=f"analyzers/{pid}",
                    package_type=self.types.get(pid, "TXT-DICTIONARY"),
                    package_name=self._name_of(pid),
                    error=self.fail.get(pid)
                    if status is S.ASSOCIATION_FAILED
                    else self.fail_dissociation.get(pid),
                )
                for pid, (status, _) in self.entries.items()
            }
        )

    def describe_domain(self, domain_name: str) -> DomainState:
        self._check_domain(domain_name)
        self.calls.append(("describe_domain", ()))
        self._raise_scripted("describe_domain")
        return DomainState(
            processing=self.clock.t < self.processing_until,
            processing_status=self.processing_status,
            engine_version=self.engine_version,
        )

    def _name_of(self, package_id: str) -> str:
        return next((p.name for p in self.catalogue if p.package_id == package_id), package_id)

    def packages_named(self, name: str) -> dict[str, PackageAvailability]:
        self.calls.append(("packages_named", (name,)))
        self._raise_scripted("packages_named")
        return {p.package_id: p for p in self.catalogue if p.name == name}

    def change_progress(self, domain_name: str) -> ChangeProgress | None:
        self._check_domain(domain_name)
        self.calls.append(("change_progress", ()))
        self._raise_scripted("change_progress")
        return self.progress

    def describe_packages(self, package_ids: Sequence[str]) -> dict[str, PackageAvailability]:
        self.calls.append(("describe_packages", tuple(package_ids)))
        self._raise_scripted("describe_packages")
        return {
            pid: PackageAvailability(pid, self.package_status.get(pid, "AVAILABLE"))
            for pid in package_ids
            if pid not in self.unknown
        }

    def associate(
        self, domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool
    ) -> None:
        self._check_domain(domain_name)
        ids = tuple(p.package_id for p in packages)
        self.calls.append(("associate" if batch else "associate_one", ids))
        self._raise_scripted("associate")
        if batch and not self.batch_enabled:
            raise BatchUnsupported("AssociatePackages", "DisabledOperationException", "off")
        for pid in ids:
            self.entries[pid] = (S.ASSOCIATING, self.clock.t)

    def dissociate(self, domain_name: str, package_ids: Sequence[str], *, batch: bool) -> None:
        self._check_domain(domain_name)
        self.calls.append(("dissociate" if batch else "dissociate_one", tuple(package_ids)))
        self._raise_scripted("dissociate")
        for pid in package_ids:
            if pid in self.entries:
                self.entries[pid] = (S.DISSOCIATING, self.clock.t)

    def count(self, name: str) -> int:
        return sum(1 for call, _ in self.calls if call == name)


def make(
    target: Target, clock: SimClock | None = None, timeout: int = 3600, **service_kw: object
) -> tuple[AssociationOperation, FakeService, SimClock]:
    clock = clock or SimClock()
    service = FakeService(clock, **service_kw)  # type: ignore[arg-type]
    progress = Progress(
        started_at=clock.t,
        deadline=deadline_for(clock.t, timeout),
        physical_id="pid",
        state=AssociationState(),
    )
    runtime = Runtime(now=clock.now, sleep=clock.sleep, remaining=clock.remaining)
    operation = AssociationOperation(
        target=target,
        progress=progress,
        service=service,
        runtime=runtime,
        backoff=Backoff(uniform=lambda lo, hi: hi),
    )
    return operation, service, clock


F1, F2, F3 = DesiredPackage("F1"), DesiredPackage("F2"), DesiredPackage("F3")


def test_create_associates_everything_in_one_call_and_answers_soon_after_active() -> None:
    operation, service, clock = make(Target("d", associate=(F1, F2, F3)), duration=100.0)
    data = operation.run()
    assert service.count("associate") == 1
    assert ("associate", ("F1", "F2", "F3")) in service.calls
    assert data["ReferencePath.F2"] == "analyzers/F2"
    # ACTIVE at t=100 (plus the few seconds before the call); the answer follows within a poll.
    assert clock.t - 100.0 <= max(PollSchedule().steps) + 1


def test_packages_already_active_are_adopted_without_a_call() -> None:
    operation, service, _ = make(Target("d", associate=(F1,)))
    service.entries["F1"] = (S.ACTIVE, 0.0)
    operation.run()
    assert service.count("associate") == 0


def test_association_failure_fails_at_once_with_error_details() -> None:
    operation, _service, clock = make(
        Target("d", associate=(F1, F2)),
        fail={"F2": ErrorDetails("PluginValidationFailure", "missing plugin-descriptor")},
    )
    with pytest.raises(OperationFailed) as failure:
        operation.run()
    reason = str(failure.value)
    assert "F2" in reason
    assert "PluginValidationFailure" in reason
    assert "missing plugin-descriptor" in reason
    assert "domain d" in reason
    assert clock.t < 20


def test_conflict_is_retried_with_backoff_then_succeeds() -> None:
    conflict = Retryable("AssociatePackages", "ConflictException", "another change in progress")
    operation, service, _ = make(
        Target("d", associate=(F1,)), errors={"associate": [conflict, conflict]}
    )
    operation.run()
    assert service.count("associate") == 3


def test_already_in_desired_state_counts_as_done() -> None:
    desired = AlreadyInDesiredState(
        "AssociatePackages", "ConflictException", "Package is already in desired state"
    )
    operation, service, _ = make(
        Target("d", associate=(F1,), force=frozenset({"F1"})), errors={"associate": [desired]}
    )
    service.entries["F1"] = (S.ACTIVE, 0.0)
    operation.run()
    assert service.count("associate") == 1


def test_transient_list_errors_are_retried() -> None:
    errors: list[ServiceError] = [
        Retryable("ListPackagesForDomain", "ThrottlingException", "slow down"),
        Retryable("ListPackagesForDomain", "InternalException", "oops"),
    ]
    operation, service, _ = make(Target("d", associate=(F1,)), errors={"list": errors})
    operation.run()
    assert service.count("associate") == 1


def test_validation_error_fails_naming_the_packages_and_domain() -> None:
    rejected = Rejected("AssociatePackages", "ValidationException", "Package pkg-00 is invalid")
    operation, _, _ = make(
        Target("d", associate=(DesiredPackage("pkg-00"),)), errors={"associate": [rejected]}
    )
    with pytest.raises(OperationFailed, match=r"pkg-00.*domain d.*ValidationException"):
        operation.run()


def test_waits_while_the_domain_is_processing() -> None:
    operation, service, clock = make(Target("d", associate=(F1,)), processing_until=50.0)
    operation.run()
    associate_at = [i for i, c in enumerate(service.calls) if c[0] == "associate"]
    assert len(associate_at) == 1
    assert clock.t >= 50.0 + 10.0


def test_waits_while_a_package_is_still_validating() -> None:
    operation, service, clock = make(
        Target("d", associate=(F1,)), package_status={"F1": "VALIDATING"}
    )

    def validated_after_30s(seconds: float, original=clock.sleep) -> None:  # type: ignore[no-untyped-def]
        original(seconds)
        if clock.t >= 30:
            service.package_status["F1"] = "AVAILABLE"

    operation.runtime.sleep = validated_after_30s
    operation.run()
    assert service.count("associate") == 1
    assert clock.t >= 40


def test_without_describe_permission_the_association_call_judges_the_packages() -> None:
    denied = Rejected("DescribePackages", "AccessDeniedException", "not authorized")
    operation, service, _ = make(
        Target("d", associate=(F1,)), errors={"describe_packages": [denied]}
    )
    operation.run()
    assert service.count("associate") == 1


def test_other_describe_rejections_fail_the_operation() -> None:
    invalid = Rejected("DescribePackages", "ValidationException", "bad filter")
    operation, _, _ = make(Target("d", associate=(F1,)), errors={"describe_packages": [invalid]})
    with pytest.raises(OperationFailed, match="ValidationException"):
        operation.run()


def test_a_package_that_failed_validation_fails_the_operation() -> None:
    operation, _, _ = make(Target("d", associate=(F1,)), package_status={"F1": "VALIDATION_FAILED"})
    with pytest.raises(OperationFailed, match="F1 VALIDATION_FAILED"):
        operation.run()


def test_deadline_fails_with_what_is_still_pending() -> None:
    operation, _service, clock = make(Target("d", associate=(F1,)), timeout=60, duration=1e6)
    with pytest.raises(OperationFailed) as failure:
        operation.run()
    reason = str(failure.value)
    assert reason.startswith("timed out after 54 s on domain d waiting for F1 (ASSOCIATING)")
    assert clock.t == pytest.approx(54.0)
    assert len(reason) <= 256


def test_hands_over_before_the_invocation_runs_out() -> None:
    clock = SimClock(invocation_end=100.0)
    operation, _, _ = make(Target("d", associate=(F1,)), clock=clock, duration=1000)
    with pytest.raises(HandOver) as handover:
        operation.run()
    assert clock.remaining() >= operation.runtime.handover_margin
    assert "F1" in handover.value.progress.state.associate_submitted
    assert handover.value.progress.handovers == 1


def test_a_resumed_operation_does_not_associate_again() -> None:
    clock = SimClock(invocation_end=100.0)
    operation, service, _ = make(Target("d", associate=(F1,)), clock=clock, duration=150)
    with pytest.raises(HandOver) as handover:
        operation.run()
    clock.invocation_end = clock.t + 900
    resumed = AssociationOperation(
        target=operation.target,
        progress=handover.value.progress,
        service=service,
        runtime=Runtime(now=clock.now, sleep=clock.sleep, remaining=clock.remaining),
    )
    resumed.run()
    assert service.count("associate") == 1


def test_delete_of_a_missing_domain_succeeds() -> None:
    operation, _, _ = make(delete_target(plan_spec("F1")), domain_exists=False)
    assert operation.run() == {}


def test_create_on_a_missing_domain_fails_naming_it() -> None:
    operation, _, _ = make(Target("d", associate=(F1,)), domain_exists=False)
    with pytest.raises(OperationFailed, match="domain not found on domain d"):
        operation.run()


def test_delete_dissociates_in_one_call_and_waits_until_gone() -> None:
    operation, service, _ = make(delete_target(plan_spec("F1", "F2")))
    service.entries.update({"F1": (S.ACTIVE, 0), "F2": (S.ACTIVE, 0), "X1": (S.ACTIVE, 0)})
    operation.run()
    assert [c for c in service.calls if c[0] == "dissociate"] == [("dissociate", ("F1", "F2"))]
    assert set(service.entries) == {"X1"}


def test_delete_treats_not_associated_as_done() -> None:
    gone = NotAssociated("DissociatePackages", "ResourceNotFoundException", "not associated")
    operation, service, _ = make(delete_target(plan_spec("F1")), errors={"dissociate": [gone]})
    service.entries["F1"] = (S.ACTIVE, 0)
    vanish_on_first_sleep(operation, service, "F1")
    assert operation.run() == {}
    assert service.calls.count(("dissociate", ("F1",))) == 1
    assert "F1" in operation.progress.state.dissociate_submitted
    assert service.entries == {}


def test_not_associated_on_a_batch_falls_back_to_one_package_per_call() -> None:
    gone = NotAssociated("DissociatePackages", "ValidationException", "not associated")
    operation, service, _ = make(
        delete_target(plan_spec("F1", "F2")), errors={"dissociate": [gone]}
    )
    service.entries.update({"F1": (S.ACTIVE, 0), "F2": (S.ACTIVE, 0)})
    assert operation.run() == {}
    assert operation.progress.state.single_calls
    assert [c for c in service.calls if c[0].startswith("dissociate")] == [
        ("dissociate", ("F1", "F2")),
        ("dissociate_one", ("F1",)),
        ("dissociate_one", ("F2",)),
    ]
    assert service.entries == {}


def test_a_failed_dissociation_is_reported_as_a_dissociation() -> None:
    operation, service, _ = make(
        delete_target(plan_spec("F1")),
        fail_dissociation={"F1": ErrorDetails("PluginInUse", "index logs uses it")},
    )
    service.entries["F1"] = (S.ACTIVE, 0)
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value) == (
        "dissociation failed on domain d: F1 PluginInUse: index logs uses it"
    )


def test_every_call_names_the_targets_domain() -> None:
    operation, service, _ = make(Target("search", associate=(F1,)), domain="search")
    service.entries["F2"] = (S.ACTIVE, 0)
    operation.run()
    assert service.count("associate") == 1


def test_batch_unsupported_falls_back_to_one_package_at_a_time() -> None:
    operation, service, _ = make(Target("d", associate=(F1, F2)), batch_enabled=False)
    operation.run()
    assert [c for c in service.calls if c[0] == "associate_one"] == [
        ("associate_one", ("F1",)),
        ("associate_one", ("F2",)),
    ]


def test_api_calls_for_a_twenty_package_create() -> None:
    packages = tuple(DesiredPackage(f"F{i}") for i in range(20))
    operation, service, _ = make(Target("d", associate=packages), duration=60)
    operation.run()
    assert service.count("associate") == 1
    assert service.count("describe_domain") == 1
    assert service.count("describe_packages") == 1
    # One page per poll, and no more polls than the schedule's ramp plus one per cap after it.
    cap = POLL_SCHEDULE_SECONDS[-1]
    assert service.count("list") <= len(POLL_SCHEDULE_SECONDS) + 60 / cap


def vanish_on_first_sleep(
    operation: AssociationOperation, service: FakeService, package_id: str
) -> None:
    """Someone else dissociates the package while the operation waits."""
    original = operation.runtime.sleep

    def vanish(seconds: float) -> None:
        service.entries.pop(package_id, None)
        original(seconds)

    operation.runtime.sleep = vanish


def plan_spec(*ids: str) -> ResourceSpec:
    return ResourceSpec("d", tuple(DesiredPackage(i) for i in ids), 3600)


# --- exact reasons and the submission bookkeeping -------------------------------------------


def test_reasons_name_the_subject_exactly() -> None:
    rejected = Rejected("AssociatePackages", "ValidationException", "bad list")
    operation, _, _ = make(Target("d", associate=(F1, F2)), errors={"associate": [rejected]})
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value) == (
        "associate F1, F2 on domain d: ValidationException: bad list. "
        "Fix the package list (IDs, prerequisites, options) and redeploy."
    )
    denied = Rejected("ListPackagesForDomain", "AccessDeniedException", "no")
    operation, _, _ = make(Target("d", associate=(F1,)), errors={"list": [denied]})
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value).startswith("listing packages on domain d: AccessDeniedException: no.")
    operation, _, _ = make(Target("d", associate=(F1,)), domain_exists=False)
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value).startswith(
        "domain not found on domain d: ResourceNotFoundException: no domain"
    )


def test_failures_read_as_association_failures() -> None:
    operation, _, _ = make(
        Target("d", associate=(F1,)), fail={"F1": ErrorDetails("BadZip", "no descriptor")}
    )
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value) == "association failed on domain d: F1 BadZip: no descriptor"
    operation, _, _ = make(Target("d", associate=(F1,)), package_status={"F1": "COPY_FAILED"})
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value) == (
        "association failed on domain d: F1 COPY_FAILED: "
        "the package is COPY_FAILED and cannot be associated"
    )


def test_a_processing_domain_is_what_a_timeout_names_and_delays_the_submission() -> None:
    operation, service, _ = make(Target("d", associate=(F1,)), timeout=60, processing_until=1e6)
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert "waiting for domain d (Processing)" in str(failed.value)
    assert service.count("associate") == 0
    assert operation.progress.state.associate_submitted == {}
    operation, service, _ = make(Target("d", associate=(F1,)), processing_until=30.0)
    operation.run()
    assert operation.progress.state.associate_submitted["F1"] >= 30.0


def test_not_associated_on_a_single_package_batch_keeps_batching() -> None:
    gone = NotAssociated("DissociatePackages", "ResourceNotFoundException", "not associated")
    operation, service, _ = make(delete_target(plan_spec("F1")), errors={"dissociate": [gone]})
    service.entries["F1"] = (S.ACTIVE, 0)
    vanish_on_first_sleep(operation, service, "F1")
    operation.run()
    assert not operation.progress.state.single_calls


def test_an_association_the_service_lost_is_asked_for_again_after_a_minute() -> None:
    operation, service, _ = make(Target("d", associate=(F1,)))
    original = service.associate

    def lose_first(domain_name: str, packages: Sequence[DesiredPackage], *, batch: bool) -> None:
        service.associate = original  # type: ignore[method-assign]
        service.calls.append(("associate", ("F1",)))  # accepted, then forgotten

    service.associate = lose_first  # type: ignore[method-assign]
    operation.run()
    # Asked again after the threshold, with AssociatePackage: the batch call did not take.
    assert service.count("associate") == 1
    assert service.count("associate_one") == 1
    assert operation.progress.state.single_calls
    assert operation.progress.state.associate_submitted["F1"] >= 60.0


def test_a_create_answers_failures_with_what_the_domain_had_before() -> None:
    seen: list[str] = []
    operation, service, _ = make(create_target(plan_spec("F1", "F2")))
    operation.on_physical_id = seen.append
    service.entries["F1"] = (S.ACTIVE, 0)
    operation.run()
    assert seen == ["pid#keep=*", "pid#keep=F1"]
    assert operation.progress.state.pre_existing == ("F1",)
    assert operation.progress.physical_id == "pid"  # what success answers
    resumed = AssociationOperation(
        target=operation.target,
        progress=operation.progress,
        service=service,
        runtime=operation.runtime,
        on_physical_id=seen.append,
    )
    resumed.run()
    assert seen[-1] == "pid#keep=F1", "a continuation answers failures the same way"


def test_updates_and_deletes_answer_with_their_own_id() -> None:
    seen: list[str] = []
    operation, _, _ = make(Target("d", associate=(F1,)))
    operation.on_physical_id = seen.append
    operation.run()
    assert seen == []


PLUGIN_STAGES = ChangeProgress("PROCESSING", 2, 6, "Traffic routing on new nodes", 0.0)


def test_a_plugins_blue_green_is_logged_with_each_poll(caplog: pytest.LogCaptureFixture) -> None:
    operation, service, _ = make(Target("d", associate=(F1,)), types={"F1": "ZIP-PLUGIN"})
    service.progress = PLUGIN_STAGES
    caplog.set_level("INFO", logger="domain_packages")
    operation.run()
    assert service.count("change_progress") >= 3  # once per poll while the plugin installs
    lines = [r.getMessage() for r in caplog.records if '"change_progress"' in r.getMessage()]
    assert '"stage": "Traffic routing on new nodes", "percent": 33' in lines[0]


def test_dictionaries_make_no_change_progress_calls() -> None:
    operation, service, _ = make(Target("d", associate=(F1,)))
    operation.run()
    assert service.count("change_progress") == 0


def test_change_progress_is_a_view_that_never_fails_the_operation() -> None:
    denied = Rejected("DescribeDomainChangeProgress", "AccessDeniedException", "no")
    operation, service, _ = make(
        Target("d", associate=(F1,)),
        types={"F1": "ZIP-PLUGIN"},
        errors={"change_progress": [denied, denied]},
    )
    operation.run()
    assert service.count("change_progress") >= 3


def test_a_plugin_dissociation_that_does_not_move_fails_with_what_to_do() -> None:
    operation, service, clock = make(
        delete_target(plan_spec("F1")),
        clock=SimClock(invocation_end=1e6),
        types={"F1": "ZIP-PLUGIN"},
        stuck={"F1"},
    )
    service.entries["F1"] = (S.ACTIVE, 0)
    service.progress = ChangeProgress("PROCESSING", 1, 6, "Creating a new environment", 5.0)
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    reason = str(failed.value)
    assert reason.startswith("dissociation failed on domain d: F1 DissociationStuck: ")
    assert clock.t >= 5.0 + readiness.STUCK_AFTER_SECONDS
    # Noticed within one poll, which after half an hour is POLL_FRACTION of the time waited.
    assert clock.t < 5.0 + readiness.STUCK_AFTER_SECONDS * (1 + POLL_FRACTION) + 10
    assert f"'Creating a new environment' for {int((clock.t - 5.0) // 60)} min" in reason


def test_a_plugin_dissociation_that_moves_is_waited_for() -> None:
    operation, service, clock = make(
        delete_target(plan_spec("F1")),
        clock=SimClock(invocation_end=1e6),
        types={"F1": "ZIP-PLUGIN"},
        duration=2400.0,
    )
    service.entries["F1"] = (S.ACTIVE, 0)

    def moving() -> ChangeProgress:
        return ChangeProgress("PROCESSING", 3, 6, "Deleting older resources", clock.t - 60)

    service.change_progress = lambda domain_name: moving()  # type: ignore[method-assign]
    assert operation.run() == {}
    assert clock.t >= 2400.0


@dataclass
class RecordingEarlyAnswer:
    """A long wait's early answer, recorded with the simulated time it came at."""

    clock: SimClock
    answers: list[tuple[float, dict[str, str]]] = field(default_factory=list)
    newer_after: float | None = None

    def answer(self, data: dict[str, str]) -> None:
        self.answers.append((self.clock.t, data))

    def superseded(self, answered_at: float) -> bool:
        return self.newer_after is not None and self.clock.t >= self.newer_after


def long_wait(
    target: Target, early: RecordingEarlyAnswer, timeout: int = 43200, **service_kw: object
) -> tuple[AssociationOperation, FakeService]:
    operation, service, _ = make(target, clock=early.clock, timeout=timeout, **service_kw)
    operation.progress = Progress.start(
        early.clock.t, timeout, "pid", AssociationState(), answer_within=3600
    )
    operation.runtime = replace(operation.runtime, early_answer=early)
    return operation, service


def test_a_long_wait_answers_once_the_association_is_accepted_and_waits_on() -> None:
    early = RecordingEarlyAnswer(SimClock(invocation_end=1e9))
    plugin = DesiredPackage("G1", package_version="v1", alias="Plugin")
    operation, service = long_wait(
        Target("d", associate=(plugin,)), early, duration=3 * 3600.0, types={"G1": "ZIP-PLUGIN"}
    )
    data = operation.run()
    assert len(early.answers) == 1
    answered_at, provisional = early.answers[0]
    assert answered_at < 10.0  # right after AssociatePackages was accepted
    assert provisional["PackageVersion.Plugin"] == "v1"
    assert data["PackageVersion.Plugin"] == "v1"
    # Three hours of blue/green: the end is noticed within 5 % of the wait...
    assert early.clock.t - 3 * 3600.0 <= 0.05 * 3 * 3600.0
    # ...for far fewer than 300 calls per hour.
    assert len(service.calls) <= 300 * 3 / 2


def test_a_superseded_long_wait_calls_nothing_more() -> None:
    early = RecordingEarlyAnswer(SimClock(invocation_end=1e9), newer_after=100.0)
    plugins = (DesiredPackage("G1"), DesiredPackage("G2"))
    operation, service = long_wait(
        Target("d", associate=plugins),
        early,
        duration=600.0,
        types={"G1": "ZIP-PLUGIN", "G2": "ZIP-PLUGIN"},
        batch_enabled=False,
    )
    with pytest.raises(Superseded):
        operation.run()
    assert service.count("associate") == 1  # G2's call never went out
