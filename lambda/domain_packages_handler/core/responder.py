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
import ssl
import threading
import time
from collections.abc import Callable
from http.client import HTTPSConnection
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crhelper import CfnResource

from .logs import log_event, logger

#: crhelper's private methods this module overrides, in the order an invocation calls them.
CRHELPER_HOOKS = ("_crhelper_init", "_set_timeout", "_cfn_response", "_send", "_timeout")

MAX_RESPONSE_BYTES = 4096
PUT_ATTEMPTS = 6
PUT_TIMEOUT_SECONDS = 10.0
PUT_BACKOFF_CAP_SECONDS = 8.0


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
    payload = _fit_response(body)
    parts = urlsplit(url)
    path = urlunsplit(("", "", *parts[2:]))
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if isinstance(ssl_verify, str):
        context.load_verify_locations(cafile=ssl_verify)
    last_error = ""
    for attempt in range(1, attempts + 1):
        try:
            connection = HTTPSConnection(parts.netloc, context=context, timeout=PUT_TIMEOUT_SECONDS)
            try:
                connection.request(
                    "PUT",
                    path,
                    body=payload,
                    headers={"content-type": "", "content-length": str(len(payload.encode()))},
                )
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            if 200 <= response.status < 300:
                log_event(
                    "response_sent",
                    status=body.get("Status"),
                    attempt=attempt,
                    physical_id=body.get("PhysicalResourceId"),
                )
                return True
            last_error = f"HTTP {response.status} {response.reason}"
        except (OSError, ssl.SSLError) as error:
            last_error = f"{type(error).__name__}: {error}"
        log_event("response_retry", attempt=attempt, error=last_error)
        if attempt < attempts:
            sleep(min(PUT_BACKOFF_CAP_SECONDS, 0.5 * 2 ** (attempt - 1)))
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
