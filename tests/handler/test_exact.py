"""Exact values of the small pure pieces, so that a changed word or bound is noticed (these
are the survivors `make mutate` listed when the decisions were only checked by their type)."""

from __future__ import annotations

import pytest
from domain_packages_handler.associations.model import DesiredPackage
from domain_packages_handler.associations.spec import ResourceSpec
from domain_packages_handler.associations.target import (
    Target,
    create_target,
    delete_target,
    update_target,
)
from domain_packages_handler.core.names import DOMAIN_NAME_PATTERN
from domain_packages_handler.core.outcome import Done, Fail, PackageFailure, Pending, Wait
from domain_packages_handler.core.package_status import PackageAvailability
from domain_packages_handler.core.properties import (
    InvalidProperties,
    parse_bool,
    read_name,
    require_properties,
)
from domain_packages_handler.core.timing import Backoff
from domain_packages_handler.packages import plan

F1 = DesiredPackage("F1")


def test_targets_name_their_domain_and_describe_themselves() -> None:
    old = ResourceSpec("search", (F1,), 60)
    new = ResourceSpec("search", (F1, DesiredPackage("F2")), 60)
    assert create_target(new).domain_name == "search"
    assert update_target(old, new).domain_name == "search"
    assert delete_target(old) == Target(
        "search", dissociate=("F1",), missing_domain_is_success=True
    )
    described = Target("d", associate=(F1,), force=frozenset({"F1"}), dissociate=("F3",)).describe()
    assert described == {
        "domain": "d",
        "associate": ["F1"],
        "reassociate": ["F1"],
        "dissociate": ["F3"],
    }


def test_booleans_and_names_are_read_as_cloudformation_sends_them() -> None:
    assert parse_bool("", "x") is None
    assert parse_bool(None, "x") is None
    assert parse_bool(" TRUE ", "x") is True
    assert parse_bool("False", "x") is False
    with pytest.raises(InvalidProperties, match=r"^x must be true or false, got 'XXXX'$"):
        parse_bool("XXXX", "x")
    with pytest.raises(InvalidProperties, match=r"^the resource has no properties$"):
        require_properties({})
    with pytest.raises(InvalidProperties) as missing:
        read_name({}, "DomainName", DOMAIN_NAME_PATTERN, "domain name")
    assert str(missing.value).startswith("DomainName '' is not a domain name (3-28 characters")
    assert read_name({"DomainName": " search "}, "DomainName", DOMAIN_NAME_PATTERN, "x") == (
        "search"
    )


def test_backoff_draws_full_jitter_from_zero_with_a_floor_of_half_the_base() -> None:
    draws: list[tuple[float, float]] = []

    def lowest(low: float, high: float) -> float:
        draws.append((low, high))
        return low

    backoff = Backoff(base=1.0, cap=16.0, uniform=lowest)
    assert [backoff.next() for _ in range(6)] == [0.5] * 6
    assert draws == [(0.0, 1.0), (0.0, 2.0), (0.0, 4.0), (0.0, 8.0), (0.0, 16.0), (0.0, 16.0)]
    backoff.reset()
    assert backoff.attempts == 0
    backoff.next()
    assert draws[-1] == (0.0, 1.0)


def pkg(status: str, version: str = "v1") -> PackageAvailability:
    return PackageAvailability("F9", status, name="syn", available_version=version)


def test_package_decisions_say_exactly_what_they_wait_for_or_why_they_fail() -> None:
    assert plan.available_decision(None, None) == Wait((Pending("package", "not described yet"),))
    assert plan.available_decision(pkg("COPYING"), None) == Wait((Pending("F9", "COPYING"),))
    assert plan.available_decision(pkg(""), None) == Wait((Pending("F9", "?"),))
    assert plan.available_decision(pkg("AVAILABLE", "v1"), "v1") == Wait(
        (Pending("F9", "AVAILABLE at v1, not updated yet"),)
    )
    assert plan.available_decision(pkg("AVAILABLE", "v2"), "v1") == Done()
    assert plan.available_decision(pkg("COPY_FAILED"), None) == Fail(
        (PackageFailure("F9", "COPY_FAILED", "COPY_FAILED", "the package is COPY_FAILED"),)
    )
    assert plan.gone_decision(pkg("DELETING")) == Wait((Pending("F9", "DELETING"),))
    assert plan.gone_decision(pkg("DELETE_FAILED")) == Fail(
        (PackageFailure("F9", "DELETE_FAILED", "DELETE_FAILED", "the package is DELETE_FAILED"),)
    )
    assert plan.in_use_decision({"b": "DISSOCIATING", "a": "DISSOCIATING"}) == Wait(
        (Pending("domain a", "DISSOCIATING"), Pending("domain b", "DISSOCIATING"))
    )


def test_package_state_defaults_and_round_trip() -> None:
    assert plan.PackageState.from_json({}) == plan.PackageState()
    assert plan.PackageState().delete_requested is False
    state = plan.PackageState("F9", "", True)
    assert plan.PackageState.from_json(state.to_json()) == state
    assert plan.package_data(pkg("AVAILABLE", "v3")) == {
        "PackageID": "F9",
        "PackageVersion": "v3",
        "PackageName": "syn",
        "PluginName": "",
        "PluginVersion": "",
        "PluginClassName": "",
        "PackageOwner": "",
        "AvailablePackageConfiguration": "",
    }
