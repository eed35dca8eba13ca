"""Reading property values that CloudFormation delivers as strings, for every kind."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .names import NAME_RULE

DEFAULT_TIMEOUT_SECONDS = 3600
#: CloudFormation's longest ServiceTimeout: a custom resource must be answered within it.
SERVICE_TIMEOUT_SECONDS = 3600
#: The longest wait a kind may take: a DomainPackages above SERVICE_TIMEOUT_SECONDS answers
#: early and is waited for by an AWS::CloudFormation::WaitCondition (Timeout ≤ 43,200 s).
MAX_TIMEOUT_SECONDS = 43200
#: The property that carries the WaitConditionHandle's URL of a long wait.
WAIT_HANDLE_KEY = "WaitHandle"


class InvalidProperties(ValueError):
    """The resource's properties cannot be acted on; the message says which and why."""


def parse_bool(value: Any, what: str) -> bool | None:
    """CloudFormation turns booleans into "true"/"false"; direct invocations may not."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "true":
        return True
    if text == "false":
        return False
    raise InvalidProperties(f"{what} must be true or false, got {value!r}")


def parse_timeout(raw: Any, maximum: int = SERVICE_TIMEOUT_SECONDS) -> int:
    """TimeoutSeconds, clamped to 1..`maximum` (CloudFormation's ServiceTimeout range unless
    the kind waits longer through a WaitCondition)."""
    if raw is None or raw == "":
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = int(float(str(raw)))
    except ValueError:
        raise InvalidProperties(f"TimeoutSeconds must be a number, got {raw!r}") from None
    return max(1, min(seconds, maximum))


def read_wait_handle(properties: Mapping[str, Any] | None) -> str | None:
    """The WaitConditionHandle URL of a long wait; None when the resource has none.

    CloudFormation's handle is a presigned HTTPS URL; anything that is not a URL is refused
    rather than signalled."""
    raw = (properties or {}).get(WAIT_HANDLE_KEY)
    if raw is None or raw == "":
        return None
    url = str(raw).strip()
    if not url.startswith(("https://", "http://")):
        raise InvalidProperties(
            f"{WAIT_HANDLE_KEY} must be a WaitConditionHandle's URL, got {url!r}"
        )
    return url


def require_properties(properties: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The properties, refused when missing or empty."""
    if not properties:
        raise InvalidProperties("the resource has no properties")
    return properties


def read_name(properties: Mapping[str, Any], key: str, pattern: re.Pattern[str], what: str) -> str:
    """The resource's name property `key` (DomainName, PackageName), checked against `pattern`."""
    name = str(properties.get(key, "")).strip()
    if not pattern.match(name):
        raise InvalidProperties(f"{key} {name!r} is not a {what} ({NAME_RULE})")
    return name
