"""Failure reasons for CloudFormation: short, complete, and in the service's own words.

CloudFormation shows the Reason in the console and crhelper keeps only the last 240 characters
of anything longer than 256, so every reason here is built to fit in 256: all package IDs and
error types first, the service's messages trimmed to share what room is left.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import PackageFailure, Pending

MAX_REASON = 256


def _fit(head: str, parts: Sequence[str], tail: str, limit: int = MAX_REASON) -> str:
    """`head` + parts joined by "; " + `tail`, each part trimmed evenly to fit `limit`."""
    separator = "; "
    fixed = len(head) + len(tail) + len(separator) * max(0, len(parts) - 1)
    room = limit - fixed
    if not parts or sum(len(p) for p in parts) <= room:
        return (head + separator.join(parts) + tail)[:limit]
    share = max(room // len(parts), 0)
    trimmed = [p if len(p) <= share else p[: max(share - 1, 0)] + "…" for p in parts]
    return (head + separator.join(trimmed) + tail)[:limit]


def package_failures(domain_name: str, action: str, failures: Sequence[PackageFailure]) -> str:
    """E.g. "pkg-1 ASSOCIATION_FAILED on domain d: PluginValidationFailure: bad zip"."""
    ids = ", ".join(f.package_id for f in failures)
    head = f"{action} failed on domain {domain_name} for {ids}: "
    parts = [f"{f.package_id} {f.error_type}: {f.error_message}" for f in failures]
    head_room = MAX_REASON - 40
    if len(head) > head_room:
        head = f"{action} failed on domain {domain_name} for {len(failures)} packages: "
    return _fit(head, parts, "")


def timed_out(domain_name: str, elapsed_seconds: float, pending: Sequence[Pending]) -> str:
    """The deadline passed: say what is still pending and what to do."""
    head = f"timed out after {int(elapsed_seconds)} s on domain {domain_name} waiting for "
    tail = ". Raise `timeout` (max 1 h) or check the domain in the console."
    parts = [str(p) for p in pending] or ["the service"]
    if len(parts) > 6:
        parts = [*parts[:5], f"{len(parts) - 5} more"]
    return _fit(head, parts, tail)


def service_error(domain_name: str, subject: str, code: str, message: str, advice: str) -> str:
    """A call the service rejected outright (validation, access, quota)."""
    head = f"{subject} on domain {domain_name}: {code}: "
    return _fit(head, [message], f". {advice}" if advice else "")
