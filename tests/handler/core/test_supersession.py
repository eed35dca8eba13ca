"""Whether a long wait was superseded (core/supersession.py): every request type against every
way CloudFormation can show the resource after the waiter's answer."""

from __future__ import annotations

import pytest
from domain_packages_handler.core.supersession import (
    ANSWER_SETTLE_SECONDS,
    StackResourceView,
    superseded,
)

ANSWERED = 10_000.0


def view(status: str, after_answer: float) -> StackResourceView:
    return StackResourceView(status=status, last_updated=ANSWERED + after_answer)


def test_unknown_is_not_superseded() -> None:
    assert not superseded("Create", ANSWERED, None)


@pytest.mark.parametrize(
    ("request_type", "status"),
    [
        ("Create", "CREATE_IN_PROGRESS"),  # CloudFormation has not recorded the answer yet
        ("Create", "CREATE_COMPLETE"),
        ("Update", "UPDATE_IN_PROGRESS"),
        ("Update", "UPDATE_COMPLETE"),
        ("Delete", "DELETE_IN_PROGRESS"),
        ("Delete", "DELETE_COMPLETE"),
    ],
)
def test_the_waiters_own_request_is_not_superseded(request_type: str, status: str) -> None:
    before = view(status, -30.0) if status.endswith("IN_PROGRESS") else view(status, 5.0)
    assert not superseded(request_type, ANSWERED, before)


@pytest.mark.parametrize(
    ("request_type", "status"),
    [
        ("Create", "UPDATE_IN_PROGRESS"),  # an update after the create's answer
        ("Create", "DELETE_IN_PROGRESS"),  # the stack deleted or rolled back
        ("Create", "DELETE_COMPLETE"),
        ("Create", "DELETE_SKIPPED"),  # retained: nothing waits for this resource any more
        ("Update", "UPDATE_IN_PROGRESS"),  # the rollback of a cancelled update
        ("Update", "UPDATE_ROLLBACK_IN_PROGRESS"),
        ("Update", "DELETE_IN_PROGRESS"),
        ("Delete", "CREATE_IN_PROGRESS"),  # the stack created again
        ("Delete", "CREATE_COMPLETE"),
        ("Create", "ROLLBACK_IN_PROGRESS"),
    ],
)
def test_a_newer_request_supersedes(request_type: str, status: str) -> None:
    assert superseded(request_type, ANSWERED, view(status, 60.0))


def test_a_newer_update_that_already_completed_supersedes_an_update() -> None:
    later = view("UPDATE_COMPLETE", ANSWER_SETTLE_SECONDS + 1)
    assert superseded("Update", ANSWERED, later)
    assert not superseded("Update", ANSWERED, view("UPDATE_COMPLETE", ANSWER_SETTLE_SECONDS - 1))


@pytest.mark.parametrize(
    ("request_type", "status"),
    [
        ("Create", "CREATE_IN_PROGRESS"),
        ("Create", "CREATE_COMPLETE"),
        ("Delete", "DELETE_IN_PROGRESS"),
        ("Delete", "DELETE_COMPLETE"),
    ],
)
def test_a_create_or_delete_never_stops_on_a_timestamp_alone(
    request_type: str, status: str
) -> None:
    # A stand-in that stamps every answer "now" must not stop the waiter of its own request.
    assert not superseded(request_type, ANSWERED, view(status, ANSWER_SETTLE_SECONDS * 10))


def test_an_unknown_request_type_is_never_superseded() -> None:
    assert not superseded("Other", ANSWERED, view("UPDATE_IN_PROGRESS", 60.0))
