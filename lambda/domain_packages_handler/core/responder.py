"""The one seam to crhelper: the CloudFormation protocol, with three of its defaults changed.

Nothing else in the handler imports crhelper. `Responder` is what the rest of the handler uses:
built with the function that serves every request, it is called with (event, context), takes
the answer's physical ID and Data, and can be told that a later invocation answers.

crhelper 2.0.12's private hooks overridden here (CRHELPER_HOOKS) are not part of its public
API; tests/handler/core/test_responder.py fails if the pinned version stops calling them.
Its stubs omit them, hence the type-ignore comments.

- A hand-over ends an invocation without answering: the invocation that finishes answers.
- The response PUT is retried a bounded number of times, a non-2xx answer counts as a failure,
  and a final failure is logged plainly instead of retrying until the Lambda times out.
- The safety timer fires a little earlier and first tries to hand the wait over, answering
  FAILED only if that is impossible.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from crhelper import CfnResource

from .https_put import PUT_ATTEMPTS, put_json
from .logs import log_event, logger

#: crhelper's private methods this module overrides, in the order an invocation calls them.
CRHELPER_HOOKS = ("_crhelper_init", "_set_timeout", "_cfn_response", "_send", "_timeout")

MAX_RESPONSE_BYTES = 4096
__all__ = ["PUT_ATTEMPTS", "Responder", "put_response", "stack_event_reason"]


def _fit_response(body: dict[str, Any]) -> str:
    """CloudFormation rejects bodies over 4,096 bytes: drop Data rather than lose the answer."""
    encoded = json.dumps(body)
    if len(encoded.encode()) <= MAX_RESPONSE_BYTES:
        return encoded
    log_event("response_too_large", size=len(encoded.encode()), keys=sorted(body.get("Data", {})))
    body = {
        **body,
        "Status": "FAILED",
        "Data": {},
        "Reason": "the response Data exceeded CloudFormation's 4,096-byte limit; "
        "declare fewer packages per DomainPackages",
    }
    return json.dumps(body)


def put_response(
    url: str,
    body: dict[str, Any],
    ssl_verify: Any = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = PUT_ATTEMPTS,
) -> bool:
    """PUT the answer to the pre-signed URL; True once CloudFormation's store accepted it."""
    attempt, last_error = put_json(
        url, _fit_response(body), ssl_verify, what="response", sleep=sleep, attempts=attempts
    )
    if attempt:
        log_event(
            "response_sent",
            status=body.get("Status"),
            attempt=attempt,
            physical_id=body.get("PhysicalResourceId"),
        )
        return True
    logger.error(
        json.dumps(
            {
                "event": "response_undeliverable",
                "attempts": attempts,
                "error": last_error,
                "status": body.get("Status"),
                "note": "CloudFormation never received the answer; the stack waits until the "
                "resource's ServiceTimeout, then fails",
            }
        )
    )
    return False


def stack_event_reason(reason: str) -> str:
    """The Reason as CloudFormation's stack event shows it: crhelper 2.0.12 cuts a reason over
    256 characters to its last 240 behind "ERROR: (truncated) " (its `_send`). A long wait's
    FAILURE signal carries the same text."""
    if len(reason) > 256:
        return "ERROR: (truncated) " + reason[len(reason) - 240 :]
    return reason


class Responder(CfnResource):
    """crhelper's CfnResource with hand-over support and a bounded response PUT.

    `serve(event, context)` handles Create, Update and Delete alike and returns the physical ID.
    """

    def __init__(self, serve: Callable[[dict[str, Any], Any], str]) -> None:
        super().__init__(
            json_logging=False, log_level="INFO", boto_level="ERROR", sleep_on_delete=0
        )
        self._answer_lock = threading.Lock()
        self._answered = False
        self._suppressed = False
        self.emergency_handover: Callable[[], bool] | None = None
        self.create(serve)
        self.update(serve)
        self.delete(serve)

    def set_physical_id(self, physical_id: str) -> None:
        """The answer's PhysicalResourceId, also for a FAILED answer sent before `serve` ends."""
        self.PhysicalResourceId = physical_id

    def add_data(self, data: dict[str, str]) -> None:
        """Attributes for Fn::GetAtt in the SUCCESS answer."""
        self.Data.update(data)

    def _crhelper_init(self, event: dict[str, Any], context: Any) -> bool:
        with self._answer_lock:
            self._answered = False
            self._suppressed = False
        self.emergency_handover = None
        return bool(super()._crhelper_init(event, context))  # type: ignore[misc]

    def answer_now(self) -> bool:
        """Answer SUCCESS now, with the Data and physical ID set so far, and not again at the
        end of the invocation (a long wait answers once its change is accepted)."""
        with self._answer_lock:
            if self._suppressed or self._answered:
                return False
            self._answered = True
        super()._send("SUCCESS", "", send_response=put_response)  # type: ignore[misc]
        return True

    def suppress_response(self) -> None:
        """A later invocation will answer this request."""
        with self._answer_lock:
            self._suppressed = True

    def _cfn_response(self, event: dict[str, Any]) -> None:
        if self._suppressed:
            log_event("response_deferred", note="handed over; a later invocation answers")
            return
        super()._cfn_response(event)  # type: ignore[misc]

    def _send(self, status: str | None = None, reason: str = "", send_response: Any = None) -> None:
        with self._answer_lock:
            if self._suppressed or self._answered:
                return
            self._answered = True
        super()._send(status, reason, send_response=put_response)  # type: ignore[misc]

    def _set_timeout(self) -> None:
        remaining = self._context.get_remaining_time_in_millis() / 1000.0  # type: ignore[attr-defined]
        lead = min(3.0, 0.1 * remaining)
        self._timer = threading.Timer(max(remaining - lead, 0.0), self._timeout)
        self._timer.daemon = True
        self._timer.start()

    def _timeout(self) -> None:
        handover = self.emergency_handover
        if handover is not None:
            try:
                if handover():
                    self.suppress_response()
                    return
            except Exception:  # the FAILED answer below is the fallback
                logger.exception("emergency hand-over failed")
        logger.error("Execution is about to time out, sending failure message")
        self._send("FAILED", "the handler ran out of time and could not hand over its wait")
