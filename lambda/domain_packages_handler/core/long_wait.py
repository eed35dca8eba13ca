"""A wait longer than CloudFormation lets a custom resource wait (issue 21's long waits).

The custom resource carries a WaitConditionHandle's URL (`WaitHandle`); the stack's
AWS::CloudFormation::WaitCondition (up to 12 h) waits for it. The handler answers the custom
resource once the service has accepted the change (or when CloudFormation's hour is nearly up),
goes on waiting in later invocations, and at the end signals the handle: SUCCESS, or FAILURE
with the reason a failed custom resource would have shown. A Delete (nothing waits for it any
more) only logs its end. A waiter that a newer request superseded stops without a signal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

from .https_put import put_json
from .kind import Request
from .logs import log_event
from .properties import WAIT_HANDLE_KEY
from .responder import Responder, stack_event_reason
from .stack import StackResources
from .supersession import superseded

SignalStatus = Literal["SUCCESS", "FAILURE"]
#: A signal's Data is kept short: the WaitCondition's Data attribute gathers every signal's.
MAX_SIGNAL_DATA_BYTES = 4096


class LongWait:
    """One long-wait request: answers the custom resource early, asks CloudFormation whether
    a newer request took over, and signals the handle at the end. Without a handle (a Delete
    that finishes in the background, `Lifecycle.background_seconds`) it only answers early
    and logs its end."""

    def __init__(
        self,
        helper: Responder,
        request: Request,
        handle_url: str | None,
        *,
        stack: StackResources | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._helper = helper
        self._request = request
        self._handle_url = handle_url
        self._stack = stack or StackResources()
        self._sleep = sleep

    @property
    def handle_host(self) -> str:
        """For the logs: where the signal goes, without the URL's signature."""
        return urlsplit(self._handle_url).netloc if self._handle_url else ""

    def answer(self, data: dict[str, str]) -> None:
        """Answer the custom resource SUCCESS with `data` now; the wait goes on."""
        self._helper.add_data(data)
        self._helper.answer_now()

    def stop_answering(self) -> None:
        """This invocation does not answer the custom resource: it was answered before."""
        self._helper.suppress_response()

    def superseded(self, answered_at: float) -> bool:
        """Whether CloudFormation has since sent this resource a newer request."""
        request = self._request
        view = self._stack.describe(request.stack_id, request.logical_id)
        return superseded(request.request_type, answered_at, view)

    def signal(self, status: SignalStatus, reason: str, data: dict[str, str]) -> bool:
        """PUT the signal to the handle (a Delete has no one waiting: it only logs); True when
        the handle took it."""
        if self._request.request_type == "Delete" or self._handle_url is None:
            log_event("long_wait", phase="ended", status=status, reason=reason)
            return False
        encoded = json.dumps(data)
        body = {
            "Status": status,
            "Reason": stack_event_reason(reason) if reason else status.lower(),
            # One per request: a re-delivered waiter signals the same ID again, which
            # CloudFormation counts once.
            "UniqueId": self._request.request_id or self._request.logical_id,
            "Data": encoded if len(encoded.encode()) <= MAX_SIGNAL_DATA_BYTES else "",
        }
        attempt, error = put_json(
            self._handle_url, json.dumps(body), what="signal", sleep=self._sleep
        )
        log_event(
            "long_wait",
            phase="signalled" if attempt else "signal_undeliverable",
            status=status,
            handle_host=self.handle_host,
            attempt=attempt,
            error=error or None,
        )
        return bool(attempt)


def long_wait_of(helper: Responder, request: Request, handle_url: str | None) -> LongWait | None:
    """The request's long wait, when its properties carry a handle that no earlier request
    of this resource carried.

    An Update whose old properties name the same handle comes from a change the construct
    could not see at synth time (a parameter, another stack's output): CloudFormation keeps the
    old WaitCondition, which has ended, so nothing would wait for a signal. Such an Update
    waits within CloudFormation's hour instead, as a short wait does, and says so."""
    if handle_url is None:
        return None
    old_handle = (request.old_properties or {}).get(WAIT_HANDLE_KEY)
    if request.request_type == "Update" and str(old_handle or "").strip() == handle_url:
        log_event(
            "long_wait",
            phase="handle_reused",
            note="the WaitCondition of this change has ended: waiting within the hour",
        )
        return None
    return LongWait(helper, request, handle_url)


__all__ = ["LongWait", "SignalStatus", "long_wait_of"]
