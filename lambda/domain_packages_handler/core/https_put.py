"""PUT a JSON body to a presigned HTTPS URL, a bounded number of times.

CloudFormation takes two such PUTs from the handler: the custom resource's response
(core/responder.py) and a long wait's signal to its WaitConditionHandle (core/long_wait.py).
Both go over `http.client.HTTPSConnection` with the default SSL context, as crhelper's do (a
plain-http URL, which CloudFormation never hands out, goes over HTTPConnection).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from http.client import HTTPConnection, HTTPSConnection
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .logs import log_event

PUT_ATTEMPTS = 6
PUT_TIMEOUT_SECONDS = 10.0
PUT_BACKOFF_CAP_SECONDS = 8.0


def put_json(
    url: str,
    payload: str,
    ssl_verify: Any = None,
    *,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = PUT_ATTEMPTS,
) -> tuple[int, str]:
    """PUT `payload`: (the attempt that got a 2xx, "") or (0, the last error). `what` names
    the PUT in the retry logs ("response", "signal")."""
    parts = urlsplit(url)
    path = urlunsplit(("", "", *parts[2:]))
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if isinstance(ssl_verify, str):
        context.load_verify_locations(cafile=ssl_verify)
    last_error = ""
    for attempt in range(1, attempts + 1):
        try:
            connection = (
                HTTPConnection(parts.netloc, timeout=PUT_TIMEOUT_SECONDS)
                if parts.scheme == "http"
                else HTTPSConnection(parts.netloc, context=context, timeout=PUT_TIMEOUT_SECONDS)
            )
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
                return attempt, ""
            last_error = f"HTTP {response.status} {response.reason}"
            if 400 <= response.status < 500 and response.status != 429:
                # Refused for good (an expired URL, a condition that has ended): asking again
                # cannot help.
                log_event(f"{what}_refused", attempt=attempt, error=last_error)
                return 0, last_error
        except (OSError, ssl.SSLError) as error:
            last_error = f"{type(error).__name__}: {error}"
        log_event(f"{what}_retry", attempt=attempt, error=last_error)
        if attempt < attempts:
            sleep(min(PUT_BACKOFF_CAP_SECONDS, 0.5 * 2 ** (attempt - 1)))
    return 0, last_error or "no attempt made"
