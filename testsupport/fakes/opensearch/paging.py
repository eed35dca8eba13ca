"""Paged listings: MaxResults, NextToken, short pages.

Model: MaxResults is at most 100; NextToken is opaque. Reference: a ListPackagesForDomain page may
hold fewer entries than asked. The token format (base64 JSON of an offset and the listing it
belongs to) is the fake's own; a token only pages the listing that issued it.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from testsupport.fakes.opensearch.model import ApiError

__all__ = ["MAX_PAGE", "decode_token", "encode_token", "max_results", "page"]

# Model: MaxResults max 100 (also the fake's default page size when MaxResults is absent).
MAX_PAGE = 100


def page(
    entries: list[dict[str, Any]],
    list_key: str,
    params: dict[str, Any],
    scope: str,
    *,
    page_size: int | None = None,
) -> dict[str, Any]:
    """One page of `entries` from the request's NextToken on: at most MaxResults entries, and
    at most `page_size` when set (a service may answer short pages whatever MaxResults asks).
    """
    requested = max_results(params)
    limit = min(requested, page_size) if page_size else requested
    start = decode_token(params.get("NextToken"), scope)
    result: dict[str, Any] = {list_key: entries[start : start + limit]}
    if start + limit < len(entries):
        result["NextToken"] = encode_token(start + limit, scope)
    return result


def max_results(params: dict[str, Any]) -> int:
    """The request's MaxResults (default MAX_PAGE), refused outside 1..MAX_PAGE."""
    value = params.get("MaxResults", MAX_PAGE)
    if not isinstance(value, int) or not 1 <= value <= MAX_PAGE:
        raise ApiError("ValidationException", f"MaxResults must be 1..{MAX_PAGE}")
    return value


def encode_token(offset: int, scope: str) -> str:
    raw = json.dumps({"o": offset, "s": scope}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_token(token: Any, scope: str) -> int:
    """The offset a NextToken of listing `scope` stands for (0 without one)."""
    if token is None:
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        offset = decoded["o"]
        if decoded["s"] != scope or not isinstance(offset, int) or offset < 0:
            raise ValueError(scope)
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise ApiError("ValidationException", "Invalid NextToken") from error
    return offset
