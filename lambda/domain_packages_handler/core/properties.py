"""Reading property values that CloudFormation delivers as strings, for every kind."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .names import NAME_RULE

DEFAULT_TIMEOUT_SECONDS = 3600
MAX_TIMEOUT_SECONDS = 3600


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


def parse_timeout(raw: Any) -> int:
    """TimeoutSeconds, clamped to 1..3600 (CloudFormation's ServiceTimeout range)."""
    if raw is None or raw == "":
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = int(float(str(raw)))
    except ValueError:
        raise InvalidProperties(f"TimeoutSeconds must be a number, got {raw!r}") from None
    return max(1, min(seconds, MAX_TIMEOUT_SECONDS))


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
