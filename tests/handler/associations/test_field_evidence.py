"""The association operation under what people saw the real service do (issue 18): a settling
domain, "in progress" ValidationExceptions, changes that stop short, unknown packages, and the
package quota told without LimitExceededException. In-memory service, simulated clock."""

from __future__ import annotations

import re

import pytest
from domain_packages_handler.associations.model import ChangeProgress, DesiredPackage
from domain_packages_handler.associations.plan import MAX_PACKAGES_PER_DOMAIN
from domain_packages_handler.associations.target import Target, delete_target
from domain_packages_handler.core.errors import ChangeInProgress, Rejected
from domain_packages_handler.core.waiting import OperationFailed

from tests.handler.associations.test_operation import F1, F2, S, make, plan_spec
from testsupport.fakes.clock import SimClock

IN_PROGRESS = (
    "A change/update is in progress. Please wait for it to complete before requesting "
    "another change."
)


def busy(operation: str = "AssociatePackages") -> ChangeInProgress:
    return ChangeInProgress(operation, "ValidationException", IN_PROGRESS)


@pytest.mark.parametrize(
    "status", ["Creating", "Modifying", "UpgradingEngineVersion", "UpdatingServiceSoftware"]
)
def test_a_domain_not_processing_but_still_changing_is_waited_for(status: str) -> None:
    operation, service, clock = make(Target("d", associate=(F1,)), processing_status=status)
    real_describe = service.describe_domain

    def settles_at_300(domain_name: str):  # type: ignore[no-untyped-def]
        service.processing_status = status if clock.t < 300 else "Active"
        return real_describe(domain_name)

    real_associate = service.associate
    associated_at: list[float] = []

    def associate(*args, **kwargs):  # type: ignore[no-untyped-def]
        associated_at.append(clock.t)
        return real_associate(*args, **kwargs)

    service.describe_domain = settles_at_300  # type: ignore[method-assign]
    service.associate = associate  # type: ignore[method-assign]
    operation.run()
    assert len(associated_at) == 1
    assert associated_at[0] >= 300


def test_an_unknown_processing_status_is_waited_out_and_named_when_time_is_up() -> None:
    operation, service, _ = make(
        Target("d", associate=(F1,)), timeout=120, processing_status="Rebalancing"
    )
    with pytest.raises(OperationFailed, match=r"domain d \(Rebalancing\)"):
        operation.run()
    assert service.count("associate") == 0


@pytest.mark.parametrize("status", ["Isolated", "Deleting"])
def test_an_isolated_or_deleting_domain_fails_a_create_at_once(status: str) -> None:
    operation, service, clock = make(Target("d", associate=(F1,)), processing_status=status)
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    reason = str(failed.value)
    assert reason.startswith(f"domain d is {status}: ")
    assert len(reason) <= 256
    assert service.count("associate") == 0
    assert clock.t < 1


def test_a_delete_on_a_domain_being_deleted_has_nothing_left_to_do() -> None:
    operation, service, _ = make(delete_target(plan_spec("F1")), processing_status="Deleting")
    service.entries["F1"] = (S.ACTIVE, 0)
    assert operation.run() == {}
    assert service.count("dissociate") == 0


def test_in_progress_validation_errors_are_retried_until_the_call_is_taken() -> None:
    operation, service, _ = make(
        Target("d", associate=(F1,)), errors={"associate": [busy(), busy(), busy()]}
    )
    operation.run()
    assert service.count("associate") == 4
    assert service.entries["F1"][0] is S.ACTIVE


def test_in_progress_on_dissociation_is_retried_too() -> None:
    operation, service, _ = make(
        delete_target(plan_spec("F1")), errors={"dissociate": [busy("DissociatePackages")]}
    )
    service.entries["F1"] = (S.ACTIVE, 0)
    assert operation.run() == {}
    assert service.count("dissociate") == 2


def test_a_refusal_that_outlasts_the_deadline_is_quoted_in_the_reason() -> None:
    operation, _, _ = make(
        Target("d", associate=(F1,)), timeout=60, errors={"associate": [busy()] * 100}
    )
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    reason = str(failed.value)
    assert re.match(r"timed out after \d+ s on domain d waiting for AssociatePackages \(", reason)
    assert "ValidationException: A change/update is in progress" in reason
    assert "Fix the package list" not in reason
    assert ".." not in reason
    assert len(reason) <= 256


def test_a_real_validation_error_still_fails_at_once_with_one_period() -> None:
    rejected = Rejected("AssociatePackages", "ValidationException", "Invalid package list.")
    operation, service, clock = make(Target("d", associate=(F1,)), errors={"associate": [rejected]})
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value) == (
        "associate F1 on domain d: ValidationException: Invalid package list. "
        "Fix the package list (IDs, prerequisites, options) and redeploy."
    )
    assert service.count("associate") == 1
    assert clock.t < 1


def plugin_change(config_status: str, *failures: str) -> ChangeProgress:
    return ChangeProgress(
        "PROCESSING", 1, 8, "Validation", 0.0, config_status=config_status,
        validation_failures=failures,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("config_status", "failures", "expected"),
    [
        (
            "ValidationFailed",
            ("PluginIncompatible: the plugin does not support OpenSearch 2.19",),
            "the configuration change on domain d is ValidationFailed: PluginIncompatible: "
            "the plugin does not support OpenSearch 2.19. Fix what the service names",
        ),
        ("Cancelled", (), "the configuration change on domain d is Cancelled: Someone cancelled"),
        ("PendingUserInput", (), "is PendingUserInput: The service waits for you: a cloned"),
    ],
)
def test_a_blue_green_that_stopped_short_fails_at_once_with_the_services_words(
    config_status: str, failures: tuple[str, ...], expected: str
) -> None:
    operation, service, clock = make(
        Target("d", associate=(F1,)), types={"F1": "ZIP-PLUGIN"}, duration=3600.0
    )
    service.progress = plugin_change(config_status, *failures)
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert expected in str(failed.value)
    assert len(str(failed.value)) <= 256
    assert clock.t < 10


def test_a_running_blue_green_is_waited_for_whatever_its_stage_statuses_say() -> None:
    operation, service, clock = make(
        Target("d", associate=(F1,)),
        clock=SimClock(invocation_end=1e6),
        types={"F1": "ZIP-PLUGIN"},
        duration=1800.0,
    )
    service.progress = plugin_change("ApplyingChanges")
    operation.run()
    assert clock.t >= 1800.0


def test_a_busy_domain_whose_change_waits_for_the_user_fails_before_any_call() -> None:
    operation, service, clock = make(
        Target("d", associate=(F1,)), processing_status="UpgradingEngineVersion"
    )
    service.progress = plugin_change("PendingUserInput")
    with pytest.raises(OperationFailed, match=r"is PendingUserInput: .*UpdateClone"):
        operation.run()
    assert service.count("associate") == 0
    assert clock.t < 1


def test_a_busy_domain_whose_last_change_failed_is_still_waited_for() -> None:
    operation, service, _ = make(
        Target("d", associate=(F1,)), timeout=100, processing_status="Modifying"
    )
    service.progress = plugin_change("ValidationFailed", "X: an older change")
    with pytest.raises(
        OperationFailed,
        match=r"^timed out after \d+ s on domain d waiting for domain d \(Modifying\)",
    ):
        operation.run()


def test_a_rejection_names_the_packages_describe_packages_does_not_know() -> None:
    missing = Rejected("AssociatePackages", "ValidationException", "Package not found: F2.")
    operation, _, _ = make(
        Target("d", associate=(F1, F2)), unknown={"F2"}, errors={"associate": [missing]}
    )
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    assert str(failed.value) == (
        "associate F1, F2 on domain d: ValidationException: Package not found: F2. "
        "DescribePackages does not know F2 in this account and Region."
    )


def test_a_package_describe_packages_does_not_know_is_still_offered_to_the_service() -> None:
    operation, service, _ = make(Target("d", associate=(F1,)), unknown={"F1"})
    operation.run()
    assert service.entries["F1"][0] is S.ACTIVE


@pytest.mark.parametrize("code", ["ValidationException", "LimitExceededException"])
def test_the_package_quota_is_named_whatever_error_code_refuses_it(code: str) -> None:
    held = [f"F{n}" for n in range(10, 10 + MAX_PACKAGES_PER_DOMAIN - 1)]
    refused = Rejected("AssociatePackages", code, "Too many packages.")
    operation, service, _ = make(Target("d", associate=(F1, F2)), errors={"associate": [refused]})
    for package_id in held:
        service.entries[package_id] = (S.ACTIVE, 0)
    with pytest.raises(OperationFailed) as failed:
        operation.run()
    reason = str(failed.value)
    assert reason.endswith(
        f"The domain would hold {MAX_PACKAGES_PER_DOMAIN + 1} packages, and a domain holds at "
        f"most {MAX_PACKAGES_PER_DOMAIN}: remove some first."
    )
    assert len(reason) <= 256


def test_within_the_quota_a_refusal_keeps_its_codes_advice() -> None:
    refused = Rejected("AssociatePackages", "LimitExceededException", "Some other quota.")
    operation, _, _ = make(
        Target("d", associate=(DesiredPackage("F1"),)), errors={"associate": [refused]}
    )
    with pytest.raises(OperationFailed, match=r"Some other quota\. Check the service quotas"):
        operation.run()
