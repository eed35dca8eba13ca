"""Wait-condition handles, the signals PUT to them, and the conditions that read them.

A WaitConditionHandle is a presigned S3 URL: S3 stores whatever is PUT there, and CloudFormation
reads the stored signals when it evaluates the WaitCondition (user guide, "Create wait conditions
in a CloudFormation template"; AWS::CloudFormation::WaitConditionHandle: "An associated
WaitCondition resource checks the URL for the required number of success signals or for a
failure signal"). So the fake keeps the two apart as AWS does: FakeCloudFormation answers the PUT
as S3 would, and what a signal says matters only when a WaitCondition here reads it. Every
outcome is worked out from the stored signals and the injected clock whenever it is asked for,
so a condition on a SimClock times out the moment simulated time passes its Timeout.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "CANCELLED_REASON",
    "MAX_WAIT_TIMEOUT_SECONDS",
    "SIGNAL_STATUSES",
    "UNPARSABLE_REASON",
    "LateSignals",
    "ReceivedSignal",
    "SignalFaultKind",
    "SignalRejected",
    "UnparsableSignals",
    "WaitCondition",
    "WaitHandle",
    "WaitStatus",
    "failed_message",
    "parse_signal",
    "timed_out_message",
]

#: User guide, wait condition signal JSON format: "StatusValue must be one of" these.
SIGNAL_STATUSES = ("SUCCESS", "FAILURE")
#: AWS::CloudFormation::WaitCondition, Timeout: "The maximum time that can be specified for this
#: property is 12 hours (43200 seconds)".
MAX_WAIT_TIMEOUT_SECONDS = 43_200
#: What a stack event shows for a signal CloudFormation cannot read
#: (aws-cloudformation/cloudformation-coverage-roadmap#2088, quickstart-pivotal-cloudfoundry#10).
UNPARSABLE_REASON = "Unparsable WaitCondition data"
#: What a condition that a failing stack stops shows (aws-samples/immersive-media-refarch#7).
CANCELLED_REASON = "Resource creation cancelled"

WaitStatus = Literal["CREATE_IN_PROGRESS", "CREATE_COMPLETE", "CREATE_FAILED"]
UnparsableSignals = Literal["fail", "ignore"]
LateSignals = Literal["refused", "stored"]
SignalFaultKind = Literal["500", "drop"]


def failed_message(reason: str, unique_id: str) -> str:
    """The stack event of a FAILURE signal, word for word as users report it
    (aws-samples/vpn-gateway-strongswan#28, aws-quickstart/quickstart-trendmicro-deepsecurity#29).
    """
    return f"WaitCondition received failed message: '{reason}' for uniqueId: {unique_id}"


def timed_out_message(received: int, expected: int) -> str:
    """The stack event of a condition whose Timeout passed (aws-samples/immersive-media-refarch#7,
    nicolaka/ddc-aws#42: "Received 0 conditions when expecting 1")."""
    return f"WaitCondition timed out. Received {received} conditions when expecting {expected}"


def parse_signal(raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    """The signal document and why CloudFormation could not read it as one (empty when it can).

    The user guide's format: a JSON object whose Status is SUCCESS or FAILURE, with UniqueId,
    Data and Reason. The guide names no type for the three; the fake wants strings and a
    non-empty UniqueId, the strictest reading (the guide's examples are all strings, and the
    UniqueId is what tells signals apart).
    """
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, ["The signal is not JSON"]
    if not isinstance(document, dict):
        return None, ["The signal is not a JSON object"]
    errors: list[str] = []
    status = document.get("Status")
    if status not in SIGNAL_STATUSES:
        errors.append(f"Status {status!r} is neither SUCCESS nor FAILURE")
    unique_id = document.get("UniqueId")
    if not isinstance(unique_id, str) or not unique_id:
        errors.append("UniqueId must be a non-empty string")
    for name in ("Data", "Reason"):
        value = document.get(name)
        if value is not None and not isinstance(value, str):
            errors.append(f"{name} must be a string")
    return document, errors


@dataclass
class ReceivedSignal:
    """One PUT to a wait-condition handle URL, kept whatever happened to it."""

    handle_url: str
    raw: bytes
    document: dict[str, Any] | None
    """The parsed body when it was a JSON object, else None."""
    status_code: int
    """What the fake answered as S3 (0 for a dropped connection)."""
    errors: list[str] = field(default_factory=list)
    """Why CloudFormation cannot read it as a signal; empty when it can."""
    refusal: str | None = None
    """S3's error code when the PUT was refused (nothing stored), else None."""
    injected_fault: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    received_at: float = field(default_factory=time.time)
    """When it arrived, on the fake's clock."""
    sequence: int = 0
    """Arrival order across all handles (ties in `received_at` keep their order)."""

    @property
    def stored(self) -> bool:
        """Whether S3 kept it, so that a condition reads it."""
        return self.injected_fault is None and self.refusal is None

    @property
    def accepted(self) -> bool:
        """Stored and readable as a signal."""
        return self.stored and not self.errors

    @property
    def status(self) -> str | None:
        return None if self.document is None else _text(self.document.get("Status"))

    @property
    def unique_id(self) -> str | None:
        return None if self.document is None else _text(self.document.get("UniqueId"))


class SignalRejected(AssertionError):
    """The first real signal on a handle is one S3 refused or CloudFormation cannot read."""

    def __init__(self, signal: ReceivedSignal) -> None:
        why = [signal.refusal] if signal.refusal else signal.errors
        super().__init__(f"signal to {signal.handle_url} rejected: {'; '.join(why)}")
        self.signal = signal


@dataclass
class WaitHandle:
    """An AWS::CloudFormation::WaitConditionHandle: its presigned URL and what was PUT there."""

    stack_id: str
    logical_id: str
    url: str
    signals: list[ReceivedSignal] = field(default_factory=list)
    conditions: list[WaitCondition] = field(default_factory=list)

    @property
    def key(self) -> str:
        return handle_key(self.stack_id, self.logical_id)


def handle_key(stack_id: str, logical_id: str) -> str:
    """The object key a handle's URL names: the stack's ID and the handle's logical ID (as in the
    user guide's example URL, .../arn%3Aaws%3Acloudformation...%2FmyWaitConditionHandle)."""
    return f"{stack_id}/{logical_id}"


@dataclass(frozen=True)
class _Outcome:
    status: WaitStatus
    reason: str | None
    ended_at: float | None
    counted: dict[str, str]


class WaitCondition:
    """An AWS::CloudFormation::WaitCondition reading one handle, timed on the fake's clock.

    CREATE_IN_PROGRESS from `created_at` until `count` SUCCESS signals with distinct UniqueIds
    were stored (CREATE_COMPLETE), or the first FAILURE, or an unreadable signal, or `timeout`
    seconds passed (CREATE_FAILED). Signals stored on the handle before the condition existed
    count too. Build one with FakeCloudFormation.wait_condition.
    """

    def __init__(
        self,
        *,
        handle: WaitHandle,
        logical_id: str,
        timeout: float,
        count: int,
        created_at: float,
        clock: Callable[[], float],
        lock: threading.Condition,
        unparsable_signals: UnparsableSignals,
    ) -> None:
        self.handle = handle
        self.logical_id = logical_id
        self.timeout = timeout
        self.count = count
        self.created_at = created_at
        self._clock = clock
        self._lock = lock
        self._unparsable_signals = unparsable_signals
        self._cancelled_at: float | None = None

    def __repr__(self) -> str:
        return f"WaitCondition({self.logical_id!r}, status={self.status!r})"

    @property
    def stack_id(self) -> str:
        return self.handle.stack_id

    @property
    def physical_id(self) -> str:
        """The stack ID and the handle's logical ID, as stack events show a condition's
        physical ID (aws-quickstart/quickstart-pivotal-cloudfoundry#10)."""
        return self.handle.key

    @property
    def deadline(self) -> float:
        return self.created_at + self.timeout

    @property
    def status(self) -> str:
        """CREATE_IN_PROGRESS, CREATE_COMPLETE or CREATE_FAILED (a plain str, so that a test can
        assert one status, move the clock and assert another)."""
        return self._outcome().status

    @property
    def reason(self) -> str | None:
        """The status reason a stack event would show; None while in progress or complete."""
        return self._outcome().reason

    @property
    def ended_at(self) -> float | None:
        """When it completed or failed, on the fake's clock; None while in progress."""
        return self._outcome().ended_at

    @property
    def data(self) -> dict[str, str]:
        """The `Data` attribute: UniqueId to Data of every success signal counted so far
        (AWS::CloudFormation::WaitCondition, Fn::GetAtt Data)."""
        return dict(self._outcome().counted)

    @property
    def ended(self) -> bool:
        return self.status != "CREATE_IN_PROGRESS"

    def cancel(self) -> None:
        """Stop it as a failing stack does: CREATE_FAILED "Resource creation cancelled" now,
        unless it has already ended."""
        with self._lock:
            if self._outcome_locked(self._clock()).status == "CREATE_IN_PROGRESS":
                self._cancelled_at = self._clock()
            self._lock.notify_all()

    def wait_for_outcome(self, timeout: float = 30.0) -> WaitStatus:
        """Its status once it has ended, waiting at most `timeout` real seconds.

        Signals wake the wait; a Timeout passing on a simulated clock does not, so the status is
        also read again every 50 ms.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                outcome = self._outcome_locked(self._clock())
                if outcome.status != "CREATE_IN_PROGRESS":
                    return outcome.status
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{self.logical_id} still {outcome.status} after {timeout}s "
                        f"(clock {self._clock()}, deadline {self.deadline})"
                    )
                self._lock.wait(min(remaining, 0.05))

    def ended_before(self, now: float) -> bool:
        """Whether it had ended at `now` (the caller holds the fake's lock)."""
        return self._outcome_locked(now).status != "CREATE_IN_PROGRESS"

    def _outcome(self) -> _Outcome:
        with self._lock:
            return self._outcome_locked(self._clock())

    def _outcome_locked(self, now: float) -> _Outcome:
        """Replay the stored signals in arrival order up to `now` (or the cancel, or the
        Timeout, whichever comes first)."""
        horizon = now if self._cancelled_at is None else min(now, self._cancelled_at)
        deadline = self.deadline
        counted: dict[str, str] = {}
        signals = sorted(
            (s for s in self.handle.signals if s.stored and s.received_at <= horizon),
            key=lambda s: (s.received_at, s.sequence),
        )
        for signal in signals:
            if signal.received_at > deadline:
                break
            at = max(signal.received_at, self.created_at)
            if signal.errors:
                if self._unparsable_signals == "fail":
                    return _Outcome("CREATE_FAILED", UNPARSABLE_REASON, at, counted)
                continue
            document = signal.document or {}
            unique_id = str(document["UniqueId"])
            if document["Status"] == "FAILURE":
                reason = _text(document.get("Reason")) or ""
                return _Outcome("CREATE_FAILED", failed_message(reason, unique_id), at, counted)
            # User guide: a repeated UniqueId is "a retransmission of the previously sent
            # signal", which CloudFormation ignores: the first one stays.
            counted.setdefault(unique_id, _text(document.get("Data")) or "")
            if len(counted) >= self.count:
                return _Outcome("CREATE_COMPLETE", None, at, counted)
        if horizon >= deadline:
            message = timed_out_message(len(counted), self.count)
            return _Outcome("CREATE_FAILED", message, deadline, counted)
        if self._cancelled_at is not None and horizon >= self._cancelled_at:
            return _Outcome("CREATE_FAILED", CANCELLED_REASON, self._cancelled_at, counted)
        return _Outcome("CREATE_IN_PROGRESS", None, None, counted)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
