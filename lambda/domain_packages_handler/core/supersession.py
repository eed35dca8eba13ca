"""Whether a newer request took over a resource whose long wait still runs. Pure.

A long wait answers CloudFormation early and goes on in later invocations. CloudFormation may
meanwhile send the same resource a newer request (a rollback, a delete, an update after a
cancel): the old waiter must then stop, without another call and without signalling, so that
two waiters never act on one domain. CloudFormation's own view of the resource
(DescribeStackResource) tells: after the waiter's answer the resource completes that request
within seconds; any later movement is somebody else's request.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How long CloudFormation may take to record the waiter's own answer: a change of the resource
#: later than this after the answer is a newer request's.
ANSWER_SETTLE_SECONDS = 600.0
_PREFIX = {"Create": "CREATE_", "Update": "UPDATE_", "Delete": "DELETE_"}


@dataclass(frozen=True)
class StackResourceView:
    """DescribeStackResource's StackResourceDetail, the parts that matter here."""

    status: str
    #: LastUpdatedTimestamp, epoch seconds.
    last_updated: float
    physical_id: str = ""


def superseded(request_type: str, answered_at: float, view: StackResourceView | None) -> bool:
    """True when `view` shows a request newer than the one answered at `answered_at`; False
    when it shows this one, or when CloudFormation could not be asked (`view` None): the
    waiter then goes on, as it would have without this check.

    Another kind of request (an update or a delete after a create, a create after a delete)
    shows in the status alone. Only an update can follow an update (a rollback, or the next
    deploy): there the timestamps tell, and only there, so that a create's or a delete's
    waiter never stops on a timestamp alone."""
    if view is None:
        return False
    own = _PREFIX.get(request_type, "")
    if not own or not view.status.startswith(own):
        return bool(own)
    if request_type != "Update":
        return False
    if view.status.endswith("_IN_PROGRESS") and view.last_updated > answered_at:
        return True
    return view.last_updated > answered_at + ANSWER_SETTLE_SECONDS
