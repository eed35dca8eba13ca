"""FakeCloudFormation's wait-condition handles and conditions (issue 21): the signal PUT as S3
and CloudFormation take it, Count, FAILURE, Timeout on a SimClock, early and late signals."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from testsupport.fakes.clock import SimClock
from testsupport.fakes.cloudformation import FakeCloudFormation, SignalRejected
from testsupport.fakes.cloudformation_waits import UNPARSABLE_REASON
from testsupport.fakes.support import put_signal


def signal(status: str = "SUCCESS", unique_id: str = "id-1", **fields: str) -> dict[str, str]:
    """A signal in the user guide's JSON format (Reason and Data default to short texts)."""
    return {"Status": status, "UniqueId": unique_id, "Reason": "done", "Data": "data", **fields}


def send(fake: FakeCloudFormation, url: str, body: bytes | dict[str, Any], **kw: Any) -> int:
    return put_signal(url, body, ca_pem_path=fake.ca_pem_path, **kw)


def test_a_handle_url_is_presigned_on_the_tls_listener_and_put_only(
    sim_cloudformation: FakeCloudFormation,
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandleA")
    assert url.startswith(f"https://localhost:{fake.port}/cloudformation-waitcondition-us-east-1/")
    assert "X-Amz-Signature=" in url
    assert fake.wait_handle_url(fake.stack_id("stack"), "WaitHandleA") == url  # by ID, same URL
    assert fake.wait_handle_url("stack", "WaitHandleB") != url

    assert send(fake, url, signal(), method="POST") == 405
    assert send(fake, url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), signal()) == 403
    # User guide: the Content-Type header "must be an empty string or omitted".
    assert send(fake, url, signal(), content_type="application/json") == 403
    assert send(fake, url, signal(unique_id="empty"), content_type="") == 200
    assert send(fake, url, signal(unique_id="absent"), content_type=None) == 200
    refused, empty, absent = fake.signals(url)
    assert (refused.refusal, refused.stored) == ("SignatureDoesNotMatch", False)
    assert [s.unique_id for s in (empty, absent)] == ["empty", "absent"]
    assert all(s.accepted for s in (empty, absent))
    with pytest.raises(SignalRejected, match="SignatureDoesNotMatch"):
        fake.wait_for_signal(url)  # like wait_for_response: the first real one decides


def test_count_needs_distinct_unique_ids_and_a_repeat_is_a_retransmission(
    sim_cloudformation: FakeCloudFormation, clock: SimClock
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    condition = fake.wait_condition(url, timeout="600", count="2", logical_id="Wait")
    assert condition.status == "CREATE_IN_PROGRESS"
    assert condition.physical_id == f"{fake.stack_id('stack')}/WaitHandle"
    send(fake, url, signal(unique_id="a", Data="first"))
    clock.advance(10)
    send(fake, url, signal(unique_id="a", Data="second"))
    assert condition.status == "CREATE_IN_PROGRESS"
    assert condition.data == {"a": "first"}  # the retransmission is ignored
    clock.advance(10)
    send(fake, url, signal(unique_id="b", Data="other"))
    assert condition.status == "CREATE_COMPLETE"
    assert (condition.reason, condition.ended_at) == (None, 1_020.0)
    assert condition.data == {"a": "first", "b": "other"}
    assert condition.wait_for_outcome(timeout=0.1) == "CREATE_COMPLETE"


def test_the_first_failure_fails_it_with_the_reason_cloudformation_shows(
    sim_cloudformation: FakeCloudFormation,
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    condition = fake.wait_condition(url, timeout=600, count=2)
    send(fake, url, signal(unique_id="ok"))
    send(fake, url, signal("FAILURE", "req-1", Reason="Package F1 on search: it broke"))
    send(fake, url, signal(unique_id="late-success"))  # refused: the condition has ended
    assert condition.status == "CREATE_FAILED"
    assert condition.reason == (
        "WaitCondition received failed message: 'Package F1 on search: it broke' "
        "for uniqueId: req-1"
    )


def test_no_success_by_the_timeout_fails_it_on_the_simulated_clock(
    sim_cloudformation: FakeCloudFormation, clock: SimClock
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    condition = fake.wait_condition(url, timeout=43_200)
    clock.advance(43_199)
    assert condition.status == "CREATE_IN_PROGRESS"
    clock.advance(1)
    assert condition.status == "CREATE_FAILED"
    assert condition.reason == "WaitCondition timed out. Received 0 conditions when expecting 1"
    assert condition.ended_at == 1_000.0 + 43_200
    assert send(fake, url, signal()) == 403  # too late: counted for nothing
    assert condition.status == "CREATE_FAILED"

    other = fake.wait_handle_url("stack", "OtherHandle")
    partial = fake.wait_condition(other, timeout=60, count=2)
    send(fake, other, signal(unique_id="one"))
    clock.advance(60)
    assert partial.reason == "WaitCondition timed out. Received 1 conditions when expecting 2"


def test_a_signal_after_the_timeout_is_not_counted_even_when_read_late(
    clock: SimClock,
) -> None:
    # The status is worked out when asked: a signal stamped after the deadline must lose even
    # when nobody looked at the condition in between.
    with FakeCloudFormation(clock=clock, late_signals="stored") as fake:
        url = fake.wait_handle_url("stack", "WaitHandle")
        condition = fake.wait_condition(url, timeout=100)
        clock.advance(101)
        assert send(fake, url, signal()) == 200
        assert condition.status == "CREATE_FAILED"
        assert condition.data == {}


def test_signals_stored_before_the_condition_exists_count(
    sim_cloudformation: FakeCloudFormation, clock: SimClock
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    send(fake, url, signal(unique_id="early", Data="ready"))
    clock.advance(30)
    condition = fake.wait_condition(url, timeout=3600)
    assert condition.status == "CREATE_COMPLETE"
    assert condition.ended_at == condition.created_at == 1_030.0
    assert condition.data == {"early": "ready"}
    # A condition created in the past (a harness that learns of it late) keeps its own start.
    again = fake.wait_handle_url("stack", "Again")
    backdated = fake.wait_condition(again, timeout=20, created_at=1_000.0)
    assert backdated.status == "CREATE_FAILED"  # 1_000 + 20 < 1_030


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'["SUCCESS"]',
        {"Status": "WAITING", "UniqueId": "a", "Data": "d", "Reason": "r"},
        {"Status": "SUCCESS", "Data": "d", "Reason": "r"},
        {"Status": "SUCCESS", "UniqueId": "a", "Data": {"nested": "json"}, "Reason": "r"},
    ],
    ids=["not-json", "not-an-object", "other-status", "no-unique-id", "data-not-a-string"],
)
@pytest.mark.parametrize("unparsable_signals", ["fail", "ignore"])
def test_an_unreadable_signal_is_stored_then_fails_the_condition_or_is_skipped(
    clock: SimClock, body: bytes | dict[str, Any], unparsable_signals: str
) -> None:
    with FakeCloudFormation(clock=clock, unparsable_signals=unparsable_signals) as fake:  # type: ignore[arg-type]
        url = fake.wait_handle_url("stack", "WaitHandle")
        condition = fake.wait_condition(url, timeout=600)
        assert send(fake, url, body) == 200  # S3 stores any body
        [stored] = fake.signals(url)
        assert stored.stored
        assert not stored.accepted
        assert stored.errors
        with pytest.raises(SignalRejected):
            fake.wait_for_signal(url, timeout=1)
        if unparsable_signals == "fail":
            assert (condition.status, condition.reason) == ("CREATE_FAILED", UNPARSABLE_REASON)
        else:
            assert condition.status == "CREATE_IN_PROGRESS"
            send(fake, url, signal())
            assert condition.status == "CREATE_COMPLETE"


@pytest.mark.parametrize(("late_signals", "answer"), [("refused", 403), ("stored", 200)])
def test_a_signal_after_the_condition_ended_changes_nothing(
    clock: SimClock, late_signals: str, answer: int
) -> None:
    with FakeCloudFormation(clock=clock, late_signals=late_signals) as fake:  # type: ignore[arg-type]
        url = fake.wait_handle_url("stack", "WaitHandle")
        condition = fake.wait_condition(url, timeout=600)
        assert send(fake, url, signal(unique_id="first")) == 200
        clock.advance(5)
        assert send(fake, url, signal("FAILURE", "second")) == answer
        assert (condition.status, condition.data) == ("CREATE_COMPLETE", {"first": "data"})
        late = fake.signals(url)[-1]
        assert late.refusal == ("AccessDenied" if late_signals == "refused" else None)


def test_cancel_fails_an_unfinished_condition_only(
    sim_cloudformation: FakeCloudFormation, clock: SimClock
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    condition = fake.wait_condition(url, timeout=600)
    clock.advance(5)
    condition.cancel()
    assert (condition.status, condition.reason) == ("CREATE_FAILED", "Resource creation cancelled")
    assert send(fake, url, signal()) == 403
    done_url = fake.wait_handle_url("stack", "Done")
    done = fake.wait_condition(done_url, timeout=600)
    send(fake, done_url, signal())
    done.cancel()
    assert done.status == "CREATE_COMPLETE"


def test_waits_are_bounded_in_real_time_and_woken_by_signals(
    sim_cloudformation: FakeCloudFormation,
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    condition = fake.wait_condition(url, timeout=600)
    with pytest.raises(TimeoutError):
        fake.wait_for_signal(url, timeout=0.05)
    with pytest.raises(TimeoutError):
        condition.wait_for_outcome(timeout=0.05)
    sender = threading.Timer(0.2, lambda: send(fake, url, signal()))
    started = time.monotonic()
    sender.start()
    try:
        assert fake.wait_for_signal(url, timeout=5)["Status"] == "SUCCESS"
        assert condition.wait_for_outcome(timeout=5) == "CREATE_COMPLETE"
    finally:
        sender.join()
    assert time.monotonic() - started < 4


def test_a_timeout_on_the_simulated_clock_ends_a_waiting_wait_for_outcome(
    sim_cloudformation: FakeCloudFormation, clock: SimClock
) -> None:
    condition = sim_cloudformation.wait_condition(
        sim_cloudformation.wait_handle_url("stack", "WaitHandle"), timeout=7200
    )
    mover = threading.Timer(0.1, lambda: clock.advance(7200))
    mover.start()
    try:
        assert condition.wait_for_outcome(timeout=5) == "CREATE_FAILED"
    finally:
        mover.join()


def test_signal_faults_eat_puts_before_anything_is_stored(
    sim_cloudformation: FakeCloudFormation,
) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    condition = fake.wait_condition(url, timeout=600)
    fake.fail_next_signals(1, "500")
    fake.fail_next_signals(1, "drop")
    assert send(fake, url, signal()) == 500
    with pytest.raises((ConnectionError, OSError)):
        send(fake, url, signal())
    assert condition.status == "CREATE_IN_PROGRESS"
    assert send(fake, url, signal()) == 200
    assert condition.status == "CREATE_COMPLETE"
    assert [s.injected_fault for s in fake.signals(url)] == ["500", "drop", None]
    with pytest.raises(ValueError, match="fault kind"):
        fake.fail_next_signals(1, "slow")  # type: ignore[arg-type]


def test_timeout_count_and_handle_are_checked(sim_cloudformation: FakeCloudFormation) -> None:
    fake = sim_cloudformation
    url = fake.wait_handle_url("stack", "WaitHandle")
    assert fake.wait_condition(url, timeout="43200").timeout == 43_200
    for timeout in (0, "43201"):
        with pytest.raises(ValueError, match="Timeout"):
            fake.wait_condition(url, timeout=timeout)
    with pytest.raises(ValueError, match="Count"):
        fake.wait_condition(url, timeout=60, count=0)
    with pytest.raises(KeyError):
        fake.wait_condition(url.replace("WaitHandle", "Unknown"), timeout=60)
    with pytest.raises(KeyError):
        fake.wait_handle_url("arn:aws:cloudformation:us-east-1:123456789012:stack/x/y", "H")
