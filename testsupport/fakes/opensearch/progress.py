"""Domain change progress: DescribeDomainChangeProgress and the changes it reports.

Model: DescribeDomainChangeProgress is GET /2021-01-01/opensearch/domain/{DomainName}/progress
with an optional ChangeId in the `changeid` query string ("if omitted, the request returns
information about the most recent configuration change"); it answers ChangeProgressStatusDetails.

Guide (managedomains-configuration-changes, "Stages of a configuration change"): a change goes
through named stages, which DescribeDomainChangeProgress reports; associating or dissociating an
optional plugin is among the changes that cause a blue/green deployment. The fake records a change
whenever the domain becomes Processing (DomainsMixin._record_change): a ZIP-PLUGIN association or
dissociation, `set_domain_processing`, or a domain added as Processing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from testsupport.fakes.opensearch.domains import DomainsMixin
from testsupport.fakes.opensearch.model import ApiError, Change

__all__ = ["BLUE_GREEN_STAGES", "ChangeProgressMixin", "change_status"]

# Guide (managedomains-configuration-changes, "Stages of a configuration change"): the stages of
# a blue/green deployment, in order. Left out: "Preparing nodes for removal" (only when a domain is
# downscaled) and "Dynamic update" (only for a change without blue/green). The descriptions are
# the fake's paraphrase of the guide's.
BLUE_GREEN_STAGES: tuple[tuple[str, str], ...] = (
    ("Validation", "Checking that the domain is eligible for the update"),
    ("Creating a new environment", "Creating the resources the blue/green deployment needs"),
    ("Provisioning new nodes", "Creating the instances of the new environment"),
    ("Traffic routing on new nodes", "Sending traffic to the new data nodes"),
    ("Traffic routing on old nodes", "Stopping traffic to the old data nodes"),
    ("Copying shards to new nodes", "Moving shards from the old nodes to the new ones"),
    ("Terminating nodes", "Terminating the old nodes once their shards have moved"),
    ("Deleting older resources", "Deleting what the old environment used"),
)

# Model: GUID, the pattern of ChangeId.
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


class ChangeProgressMixin(DomainsMixin):
    """DescribeDomainChangeProgress over the changes each domain records."""

    def change_count(self, domain: str) -> int:
        """How many configuration changes (for plugins: blue/green deployments) the domain ran."""
        with self._lock:
            return len(self._domain_or_key_error(domain).changes)

    def _op_DescribeDomainChangeProgress(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        domain = self._require_domain(params.get("DomainName"))
        change_id = params.get("ChangeId")
        if change_id is None:
            if not domain.changes:
                # Fake: no source says what a domain that never changed answers; every member of
                # ChangeProgressStatusDetails is optional in the model, so the fake sends none.
                return {"ChangeProgressStatus": {}}
            change = domain.changes[-1]
        else:
            # Model: ChangeId is a GUID (36 characters); the service checks the pattern.
            if not isinstance(change_id, str) or not _GUID_RE.match(change_id):
                raise ApiError(
                    "ValidationException",
                    f"1 validation error detected: Value '{change_id}' at 'changeId' failed to "
                    "satisfy constraint: Member must satisfy the GUID pattern",
                )
            # Model: ResourceNotFoundException is among the operation's errors; the fake answers
            # it for a ChangeId the domain never had.
            found = [c for c in domain.changes if c.change_id == change_id]
            if not found:
                raise ApiError(
                    "ResourceNotFoundException",
                    f"Change {change_id} not found for domain {domain.name}",
                )
            change = found[0]
        return {"ChangeProgressStatus": change_status(change, now, self._epoch)}


def change_status(change: Change, now: float, epoch: Callable[[float], float]) -> dict[str, Any]:
    """Model: ChangeProgressStatusDetails of `change` at clock time `now`.

    Fake: the stages share the change's duration evenly, so each completes in turn and the last
    one completes as the change ends (when the domain stops Processing). A stage is PENDING,
    IN_PROGRESS or COMPLETED: the model types stage Status as a free string and no source lists
    its values, so these are the fake's own, in the style of OverallChangeStatus.
    """
    total = len(BLUE_GREEN_STAGES)
    if change.stalls_at is not None:
        # A stalled change: the stages move as if it took twice as long up to the stall, then
        # nothing moves any more (Fake: see stall_dissociation).
        duration = 2 * max(change.stalls_at - change.start, 0.0)
        now = min(now, change.stalls_at)
    else:
        duration = max(change.end - change.start, 0.0)

    def boundary(index: int) -> float:
        return change.start + duration * index / total

    stages = []
    last_updated = change.start
    for index, (name, description) in enumerate(BLUE_GREEN_STAGES):
        begins, ends = boundary(index), boundary(index + 1)
        if now >= ends:
            status, updated = "COMPLETED", ends
        elif now >= begins:
            status, updated = "IN_PROGRESS", begins
        else:
            status, updated = "PENDING", None
        if updated is not None:
            last_updated = max(last_updated, updated)
        stages.append(
            {
                "Name": name,
                "Status": status,
                "Description": description,
                "LastUpdated": None if updated is None else epoch(updated),
            }
        )
    done = now >= change.end
    if change.stopped is not None and done:
        return _stopped_status(change, stages, epoch)
    if done and change.failed:
        # Fake: a plugin change scripted to fail ends FAILED (model: OverallChangeStatus); no
        # source says at which stage, so the fake marks the last one.
        stages[-1]["Status"] = "FAILED"
    if not done:
        status = "PROCESSING"
        # Model: ConfigChangeStatus; Validating while the Validation stage runs, then
        # ApplyingChanges (the fake's mapping of stages to that enum).
        config_status = "Validating" if now < boundary(1) else "ApplyingChanges"
    else:
        status = "FAILED" if change.failed else "COMPLETED"
        # Model: ConfigChangeStatus has no failed value but ValidationFailed, which this is not.
        config_status = "Completed"
    return {
        "ChangeId": change.change_id,
        "StartTime": epoch(change.start),
        "Status": status,
        # Fake: no source names the properties a package change lists; the fake lists none.
        "PendingProperties": [],
        "CompletedProperties": [],
        "TotalNumberOfStages": total,
        "ChangeProgressStages": stages,
        "LastUpdatedTime": epoch(last_updated),
        "ConfigChangeStatus": config_status,
        # Model: InitiatedBy CUSTOMER | SERVICE; every change the fake makes is a caller's.
        "InitiatedBy": "CUSTOMER",
    }


def _stopped_status(
    change: Change, stages: list[dict[str, Any]], epoch: Callable[[float], float]
) -> dict[str, Any]:
    """A change that stopped after its Validation stage (`stop_next_change`). Model:
    ConfigChangeStatus ValidationFailed, Cancelled or PendingUserInput, ValidationFailures
    {Code, Message, Severity}. Fake: Status FAILED for the first two, PROCESSING while it waits
    for the user; the stage statuses are the fake's own, as everywhere."""
    assert change.stopped is not None
    waiting = change.stopped.config_status == "PendingUserInput"
    stages[0]["Status"] = "COMPLETED" if waiting else "FAILED"
    for stage in stages[1:]:
        stage["Status"], stage["LastUpdated"] = "PENDING", None
    return {
        "ChangeId": change.change_id,
        "StartTime": epoch(change.start),
        "Status": "PROCESSING" if waiting else "FAILED",
        "PendingProperties": [],
        "CompletedProperties": [],
        "TotalNumberOfStages": len(stages),
        "ChangeProgressStages": stages,
        "LastUpdatedTime": epoch(change.end),
        "ConfigChangeStatus": change.stopped.config_status,
        "InitiatedBy": "CUSTOMER",
        "ValidationFailures": [
            {"Code": code, "Message": message, "Severity": "Critical"}
            for code, message in change.stopped.failures
        ],
    }
