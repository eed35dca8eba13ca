"""Continuing a long wait in a fresh asynchronous invocation of the same function.

The event travels on unchanged, plus the operation's progress under PROGRESS_KEY; the invocation
that finishes the wait answers CloudFormation, the ones before it stay silent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import boto3

from .adapter import CLIENT_CONFIG
from .logs import log_event
from .progress import Progress
from .responder import Responder
from .waiting import OperationFailed

PROGRESS_KEY = "DomainPackagesProgress"
HANDOVER_ATTEMPTS = 3


class Handover:
    """Hands one request's wait over at most once, whether the wait or crhelper's safety timer
    asks first: the second caller waits for the first to finish, then finds it handed over."""

    def __init__(self, helper: Responder, event: Mapping[str, Any], context: Any) -> None:
        self._helper = helper
        self._event = {k: v for k, v in event.items() if k != PROGRESS_KEY}
        self._context = context
        self._lock = threading.Lock()
        self._done = False

    def once(self, progress: Progress[Any]) -> bool:
        with self._lock:
            if not self._done:
                self._send(progress)
                self._done = True
        return True

    def _send(self, progress: Progress[Any]) -> None:
        payload = json.dumps({**self._event, PROGRESS_KEY: progress.to_json()}).encode()
        client = boto3.client("lambda", config=CLIENT_CONFIG)
        last_error: Exception | None = None
        for attempt in range(1, HANDOVER_ATTEMPTS + 1):
            try:
                client.invoke(
                    FunctionName=self._context.invoked_function_arn,
                    InvocationType="Event",
                    Payload=payload,
                )
                log_event(
                    "handed_over",
                    attempt=attempt,
                    handovers=progress.handovers,
                    payload_bytes=len(payload),
                )
                self._helper.suppress_response()
                return
            except Exception as error:
                last_error = error
                log_event("handover_retry", attempt=attempt, error=str(error))
                time.sleep(min(2.0 * attempt, 5.0))
        raise OperationFailed(
            f"could not hand the wait over to a new invocation of "
            f"{self._context.function_name}: {last_error}. Check the handler's "
            "lambda:InvokeFunction permission on itself."
        )
