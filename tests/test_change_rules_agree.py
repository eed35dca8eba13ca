"""The handler and the watch tool each read DescribeDomain and DescribeDomainChangeProgress (the
watch never imports handler code): given the same answers, both must see the same change, the
same domain readiness, and stop on the same states.

One fake boto3 client answers both: the handler reads it through its own adapter and service
(``OpenSearchAssociations``), the watch through ``read_state``. The handler's stop decisions are
composed as ``associations/operation.py`` makes them: before a call, an unusable domain
(``domain_readiness``) and, while the domain is busy, a change awaiting the user
(``stopped_change(only=AWAITING_USER)``); while a plugin's blue/green runs, any stopped change
(``stopped_change``). The watch cannot tell whose plugin is in flight, and takes any as the
deploy's; the handler's "own" plugins are taken here to be all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from domain_packages_handler.associations import readiness
from domain_packages_handler.associations.model import Snapshot
from domain_packages_handler.associations.readiness import Unavailable
from domain_packages_handler.associations.service import (
    OpenSearchAssociations,
    association_from_api,
)
from domain_packages_handler.core.adapter import OpenSearchCalls
from domain_packages_handler.core.outcome import Wait
from hypothesis import given, settings
from hypothesis import strategies as st

from opensearch_packages_watch import reading
from opensearch_packages_watch.state import read_state

DOMAIN = "search-domain"


class Answers:
    """A boto3 `opensearch` client that answers the three reads with fixed bodies."""

    def __init__(
        self,
        status: Mapping[str, Any],
        progress: Mapping[str, Any],
        packages: list[dict[str, Any]],
    ) -> None:
        self._status, self._progress, self._packages = status, progress, packages

    def describe_domain(self, **_: Any) -> dict[str, Any]:
        return {"DomainStatus": dict(self._status)}

    def describe_domain_change_progress(self, **_: Any) -> dict[str, Any]:
        return {"ChangeProgressStatus": dict(self._progress)}

    def list_packages_for_domain(self, **_: Any) -> dict[str, Any]:
        return {"DomainPackageDetailsList": list(self._packages)}


def handler_view(client: Answers) -> tuple[Any, ...]:
    """What the handler reads and decides, as comparable values."""
    service = OpenSearchAssociations(OpenSearchCalls(client))
    domain = service.describe_domain(DOMAIN)
    progress = service.change_progress(DOMAIN)
    snapshot = service.list_associations(DOMAIN)
    ready = readiness.domain_readiness(DOMAIN, domain)
    stop: str | None = None
    if isinstance(ready, Unavailable):
        stop = f"domain {ready.status}"
    else:
        stopped = None
        if readiness.blue_green_in_flight(snapshot):
            stopped = readiness.stopped_change(DOMAIN, progress)
        if stopped is None and isinstance(ready, Wait):
            stopped = readiness.stopped_change(DOMAIN, progress, only=readiness.AWAITING_USER)
        stop = None if stopped is None else f"change {stopped.status}"
    change = None
    if progress is not None:
        change = (
            progress.status,
            progress.completed_stages,
            progress.total_stages,
            progress.stage,
            progress.config_status,
            progress.validation_failures,
        )
    return (domain.processing, domain.processing_status, ready is None, change, stop)


def watch_view(client: Answers) -> tuple[Any, ...]:
    """What the watch reads and decides, as the same values."""
    state = read_state(client, DOMAIN)  # type: ignore[arg-type]
    stop: str | None = None
    if state.status.unusable:
        stop = f"domain {state.status.processing_status}"
    elif state.stopped:
        assert state.change is not None
        stop = f"change {state.change.config_status}"
    change = state.change
    return (
        state.status.processing,
        state.status.processing_status,
        state.status.ready,
        None
        if change is None
        else (
            change.status,
            change.completed_stages,
            change.total_stages,
            change.current_stage,
            change.config_status,
            change.validation_failures,
        ),
        stop,
    )


def test_the_rules_name_the_same_states() -> None:
    assert reading.DOMAIN_READY == readiness.DOMAIN_READY
    assert set(readiness.DOMAIN_UNUSABLE) == reading.DOMAIN_UNUSABLE
    assert set(readiness.CHANGE_STOPPED) == reading.CHANGE_STOPPED
    assert reading.AWAITING_USER == readiness.AWAITING_USER


def plugin(status: str) -> dict[str, Any]:
    return {"PackageID": "F1", "PackageType": "ZIP-PLUGIN", "DomainPackageStatus": status}


def dictionary(status: str) -> dict[str, Any]:
    return {"PackageID": "F2", "PackageType": "TXT-DICTIONARY", "DomainPackageStatus": status}


BLUE_GREEN = {
    "ChangeId": "c1",
    "Status": "PROCESSING",
    "ConfigChangeStatus": "ApplyingChanges",
    "TotalNumberOfStages": 4,
    "ChangeProgressStages": [
        {"Name": "Validation", "Status": "COMPLETED"},
        {"Name": "Provisioning", "Status": "completed"},
        {"Name": "Routing", "Status": "IN_PROGRESS"},
        {"Name": "Cleanup", "Status": "PENDING"},
    ],
}
REFUSED = {
    "Status": "FAILED",
    "ConfigChangeStatus": "ValidationFailed",
    "ValidationFailures": [{"Code": "Bad", "Message": "no"}, {"Message": "only"}, {}, "odd"],
}
#: (what, DomainStatus, ChangeProgressStatus, ListPackagesForDomain entries, the handler's and
#: the watch's answer: (processing, processing status, ready, change fields, stop)).
TABLE: list[tuple[str, dict[str, Any], dict[str, Any], list[dict[str, Any]], tuple[Any, ...]]] = [
    ("never changed", {"Processing": False}, {}, [], (False, "", True, None, None)),
    (
        "a change with neither Status nor ConfigChangeStatus is none",
        {"Processing": False, "DomainProcessingStatus": "Active"},
        {"ChangeId": "c1", "ChangeProgressStages": [{"Name": "x", "Status": "PENDING"}]},
        [],
        (False, "Active", True, None, None),
    ),
    (
        "a blue/green under way",
        {"Processing": True, "DomainProcessingStatus": "Modifying"},
        BLUE_GREEN,
        [plugin("ASSOCIATING")],
        (True, "Modifying", False, ("PROCESSING", 2, 4, "Routing", "ApplyingChanges", ()), None),
    ),
    (
        "settling: not Processing, still Modifying",
        {"Processing": False, "DomainProcessingStatus": "Modifying"},
        {**BLUE_GREEN, "Status": "COMPLETED", "ConfigChangeStatus": "Completed"},
        [plugin("ACTIVE")],
        (False, "Modifying", False, ("COMPLETED", 2, 4, "Routing", "Completed", ()), None),
    ),
    (
        "an engine upgrade counts as processing",
        {"Processing": False, "UpgradeProcessing": True, "DomainProcessingStatus": "Active"},
        {},
        [],
        (True, "Active", False, None, None),
    ),
    (
        "a refused plugin change stops the deploy",
        {"Processing": True, "DomainProcessingStatus": "Modifying"},
        REFUSED,
        [plugin("ASSOCIATING")],
        (
            True,
            "Modifying",
            False,
            ("FAILED", 0, 0, "", "ValidationFailed", ("Bad: no", "only")),
            "change ValidationFailed",
        ),
    ),
    (
        "an old refused change does not stop a dictionary",
        {"Processing": True, "DomainProcessingStatus": "Modifying"},
        REFUSED,
        [dictionary("ASSOCIATING")],
        (
            True,
            "Modifying",
            False,
            ("FAILED", 0, 0, "", "ValidationFailed", ("Bad: no", "only")),
            None,
        ),
    ),
    (
        "a busy domain waiting for the user stops the deploy",
        {"Processing": True, "DomainProcessingStatus": "UpgradingEngineVersion"},
        {"Status": "PROCESSING", "ConfigChangeStatus": "PendingUserInput"},
        [],
        (
            True,
            "UpgradingEngineVersion",
            False,
            ("PROCESSING", 0, 0, "", "PendingUserInput", ()),
            "change PendingUserInput",
        ),
    ),
    (
        "a ready domain's old PendingUserInput does not",
        {"Processing": False, "DomainProcessingStatus": "Active"},
        {"Status": "PROCESSING", "ConfigChangeStatus": "PendingUserInput"},
        [dictionary("ASSOCIATING")],
        (False, "Active", True, ("PROCESSING", 0, 0, "", "PendingUserInput", ()), None),
    ),
    (
        "an isolated domain",
        {"Processing": False, "DomainProcessingStatus": "Isolated"},
        {},
        [],
        (False, "Isolated", False, None, "domain Isolated"),
    ),
    (
        "a domain being deleted, whatever its change",
        {"Processing": True, "DomainProcessingStatus": "Deleting"},
        {"Status": "PROCESSING", "ConfigChangeStatus": "PendingUserInput"},
        [plugin("DISSOCIATING")],
        (
            True,
            "Deleting",
            False,
            ("PROCESSING", 0, 0, "", "PendingUserInput", ()),
            "domain Deleting",
        ),
    ),
    (
        "a status newer than both is waited out",
        {"Processing": False, "DomainProcessingStatus": "Rebalancing"},
        {},
        [],
        (False, "Rebalancing", False, None, None),
    ),
]


@pytest.mark.parametrize(
    ("status", "progress", "packages", "expected"),
    [case[1:] for case in TABLE],
    ids=[case[0] for case in TABLE],
)
def test_a_table_of_answers(
    status: dict[str, Any],
    progress: dict[str, Any],
    packages: list[dict[str, Any]],
    expected: tuple[Any, ...],
) -> None:
    client = Answers(status, progress, packages)
    assert handler_view(client) == expected
    assert watch_view(client) == expected


MAYBE = st.sampled_from([None, False, True])
DOMAIN_STATUSES = st.sampled_from(
    [None, "", "Active", "Creating", "Modifying", "UpgradingEngineVersion",
     "UpdatingServiceSoftware", "Isolated", "Deleting", "Newer"]
)  # fmt: skip
CONFIG_STATUSES = st.sampled_from(
    [None, "", "Pending", "Initializing", "Validating", "ValidationFailed", "ApplyingChanges",
     "Completed", "PendingUserInput", "Cancelled", "Newer"]
)  # fmt: skip
STAGE = st.fixed_dictionaries(
    {},
    optional={
        "Name": st.sampled_from(["Validation", "Routing", ""]),
        "Status": st.sampled_from(["COMPLETED", "completed", "IN_PROGRESS", "FAILED", ""]),
    },
)
FAILURE = st.one_of(
    st.fixed_dictionaries({}, optional={"Code": st.sampled_from(["Bad", ""]),
                                        "Message": st.sampled_from(["no", ""])}),
    st.just("not an object"),
)  # fmt: skip
PROGRESS = st.fixed_dictionaries(
    {},
    optional={
        "ChangeId": st.sampled_from(["c1", ""]),
        "Status": st.sampled_from([None, "", "PROCESSING", "COMPLETED", "FAILED"]),
        "ConfigChangeStatus": CONFIG_STATUSES,
        "TotalNumberOfStages": st.sampled_from([None, 0, 3, 8]),
        "ChangeProgressStages": st.lists(STAGE, max_size=4),
        "ValidationFailures": st.lists(FAILURE, max_size=3),
    },
)
STATUS = st.fixed_dictionaries(
    {},
    optional={
        "Processing": MAYBE,
        "UpgradeProcessing": MAYBE,
        "DomainProcessingStatus": DOMAIN_STATUSES,
    },
)
PACKAGES = st.lists(
    st.builds(
        lambda number, kind, status: {
            "PackageID": f"F{number}",
            "PackageType": kind,
            "DomainPackageStatus": status,
        },
        st.integers(1, 3),
        st.sampled_from(["ZIP-PLUGIN", "TXT-DICTIONARY", "PACKAGE-CONFIG"]),
        st.sampled_from(
            ["ASSOCIATING", "ACTIVE", "DISSOCIATING", "ASSOCIATION_FAILED", "DISSOCIATION_FAILED"]
        ),
    ),
    max_size=3,
    unique_by=lambda entry: entry["PackageID"],
)


@settings(max_examples=400, deadline=None)
@given(status=STATUS, progress=PROGRESS, packages=PACKAGES)
def test_random_answers_agree(
    status: dict[str, Any], progress: dict[str, Any], packages: list[dict[str, Any]]
) -> None:
    client = Answers(status, progress, packages)
    assert watch_view(client) == handler_view(client)


def test_a_plugin_in_flight_is_the_same_for_both() -> None:
    entries = [plugin("DISSOCIATING"), dictionary("ACTIVE")]
    snapshot = Snapshot({a.package_id: a for a in map(association_from_api, entries) if a})
    state = read_state(Answers({}, {}, entries), DOMAIN)  # type: ignore[arg-type]
    assert readiness.blue_green_in_flight(snapshot) is state.plugin_in_flight is True


@pytest.mark.parametrize(
    "options",
    [
        None,
        {},
        {"DeploymentStrategy": "Default"},
        {"DeploymentStrategy": "CapacityOptimized"},
        {"DeploymentStrategy": "SomethingNewer"},
    ],
)
def test_both_read_the_same_deployment_strategy(options: dict[str, Any] | None) -> None:
    status = {} if options is None else {"DeploymentStrategyOptions": options}
    client = Answers(status, {}, [])
    handler = OpenSearchAssociations(OpenSearchCalls(client)).describe_domain(DOMAIN)
    watch = read_state(client, DOMAIN)  # type: ignore[arg-type]
    assert handler.deployment_strategy == watch.status.deployment_strategy
