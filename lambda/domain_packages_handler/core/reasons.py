"""Failure reasons for CloudFormation: short, complete, and in the service's own words.

CloudFormation shows the Reason in the console and crhelper keeps only the last 240 characters
of anything longer than 256, so every reason here is built to fit in 256: all package IDs and
error types first, the service's messages trimmed to share what room is left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .outcome import PackageFailure, Pending

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


def _fit_messages(head: str, items: Sequence[tuple[str, str]]) -> str | None:
    """Each item is (prefix kept whole, message trimmed to share the room); None if too tight."""
    separator = "; "
    fixed = len(head) + sum(len(p) for p, _ in items) + len(separator) * (len(items) - 1)
    room = MAX_REASON - fixed
    if room < 12 * len(items):
        return None
    share = room // len(items)
    parts = [p + (m if len(m) <= share else m[: share - 1] + "…") for p, m in items]
    return head + separator.join(parts)


def package_failures(where: str, action: str, failures: Sequence[PackageFailure]) -> str:
    """E.g. "association failed on domain d: pkg-1 PluginValidationFailure: bad zip"."""
    head = f"{action} failed on {where}: "
    text = _fit_messages(
        head, [(f"{f.package_id} {f.error_type}: ", f.error_message) for f in failures]
    )
    if text is not None:
        return text
    # Too many for every message: name the packages under their error types, as many as fit.
    by_type: dict[str, list[str]] = {}
    for f in failures:
        by_type.setdefault(f.error_type, []).append(f.package_id)
    text = f"{head}{len(failures)} packages: "
    named = 0
    for error_type, ids in by_type.items():
        text += f"{error_type} "
        for package_id in ids:
            more = f" and {len(failures) - named} more (see the handler's log)"
            if len(text) + len(package_id) + 2 + len(more) > MAX_REASON:
                return text.rstrip(", ") + more
            text += package_id + ", "
            named += 1
        text = text.rstrip(", ") + "; "
    return text.rstrip("; ")


def package_import_failed(where: str, failure: PackageFailure) -> str:
    """CreatePackage/UpdatePackage ended COPY_FAILED or VALIDATION_FAILED; `where`: "package p"."""
    head = f"{where} ({failure.package_id}) is {failure.status}: {failure.error_type}: "
    advice = {
        "COPY_FAILED": "Check that the source object exists and is readable, then deploy again.",
        "VALIDATION_FAILED": "Fix the file and deploy again.",
    }.get(failure.status, "Check the package in the OpenSearch console.")
    return _fit(head, [failure.error_message], f". {advice}")


def package_in_use(where: str, package_id: str, domains: Sequence[str]) -> str:
    """DeletePackage would fail: name the domains and both ways out."""
    return _fit(
        f"{where} ({package_id}) is still associated with domain(s) ",
        [", ".join(domains)],
        ": remove it from their DomainPackages first, or keep the package with "
        "removal_policy=RemovalPolicy.RETAIN",
    )


def timed_out(
    where: str, elapsed_seconds: float, pending: Sequence[Pending], max_timeout_seconds: int = 3600
) -> str:
    """The deadline passed: say what is still pending and what to do (`where`: "domain d";
    `max_timeout_seconds`: the longest `timeout` the kind's construct takes)."""
    head = f"timed out after {int(elapsed_seconds)} s on {where} waiting for "
    limit = (
        f"{max_timeout_seconds // 3600} h"
        if max_timeout_seconds % 3600 == 0
        else (f"{max_timeout_seconds} s")
    )
    tail = f". Raise `timeout` (max {limit}) or check the domain in the console."
    parts = [str(p) for p in pending] or ["the service"]
    if len(parts) > 6:
        parts = [*parts[:5], f"{len(parts) - 5} more"]
    return _fit(head, parts, tail)


def service_error(where: str, subject: str, code: str, message: str, advice: str) -> str:
    """A call the service rejected outright (validation, access, quota); `where`: "domain d".

    The service's message usually ends with a period already: it is not doubled."""
    head = f"{subject} on {where}: {code}: "
    return _fit(head, [message.rstrip().rstrip(".")], f". {advice}" if advice else "")


def stopped(subject: str, status: str, messages: Sequence[str], advice: str) -> str:
    """`subject` ("domain d", "the configuration change on domain d") is in a state no wait
    ends (Isolated, ValidationFailed, PendingUserInput, …): the service's messages, then what
    to do."""
    head = f"{subject} is {status}"
    if not messages:
        return _fit(head, [], f": {advice}")
    return _fit(head + ": ", [m.rstrip().rstrip(".") for m in messages], f". {advice}")


def name_taken(where: str, package_id: str) -> str:
    """CreatePackage met a package of the same name that this resource did not make."""
    return _fit(
        f"{where}: the name is taken by package {package_id}, which this stack did not create",
        [],
        ". Give the Package another package_name, or use the existing package with "
        f"Package.from_package_id(self, 'Id', '{package_id}')",
    )


def plugin_name_refused(where: str, engine_version: str, other_id: str, other_version: str) -> str:
    """CreatePackage refused a plugin's package for a new engine version under the name its
    package for another version has (`where`: "package p")."""
    return _fit(
        f"{where}: the service refused a package for {engine_version} under the name of "
        f"{other_id}, the package for {other_version}",
        [],
        f". Dissociate and delete {other_id} first (the domain then runs without the plugin "
        "until it is associated again), or give the Package another package_name",
    )


def _fit_name(build: Callable[[str], str], name: str) -> str:
    """`build(name)`, the name trimmed (it may be 256 characters long) so that the whole reason,
    with what to do at its end, fits."""
    text = build(name)
    if len(text) <= MAX_REASON:
        return text
    keep = max(len(name) - (len(text) - MAX_REASON) - 1, 8)
    return build(name[:keep] + "…")[:MAX_REASON]


def _owned(name: str, owner: str | None) -> str:
    return f"{name} (owner {owner})" if owner else name


def name_not_found(where: str, name: str, owner: str | None) -> str:
    """A package declared by name that DescribePackages does not know (`where`: "domain d")."""
    return _fit_name(
        lambda n: (
            f"{where}: no package named {_owned(n, owner)} in this account and Region. "
            "Check the name and owner (DescribePackages), or create the package first"
        ),
        name,
    )


def _listed(values: Sequence[str], most: int = 6) -> str:
    shown = ", ".join(values[:most])
    return shown if len(values) <= most else f"{shown} and {len(values) - most} more"


def name_not_for_version(
    where: str, name: str, engine_version: str, versions: Sequence[str]
) -> str:
    """The name has packages, none for the domain's engine version: name the versions it has
    (as many as fit)."""

    def build(most: int) -> str:
        return _fit_name(
            lambda n: (
                f"{where} runs {engine_version}: package {n} has none for it, only for "
                f"{_listed(versions, most)}. Create one for {engine_version} (custom plugin), or "
                "upgrade the domain to one of those"
            ),
            name,
        )

    for most in range(len(versions), 1, -1):
        text = build(most)
        if text.endswith("of those"):
            return text
    return build(1)


def name_ambiguous(where: str, name: str, engine_version: str, package_ids: Sequence[str]) -> str:
    """Several packages fit the name on this domain: name them."""
    return _fit_name(
        lambda n: (
            f"{where}: package name {n} matches {len(package_ids)} packages for "
            f"{engine_version}: {_listed(package_ids)}. Give the owner (PackageOwner), or "
            "reference "
            "the package by its ID"
        ),
        name,
    )


def plugins_not_for_version(where: str, engine_version: str, problems: Sequence[str]) -> str:
    """The upgrade check found plugins without exactly one package for the target engine version
    (`problems`: "name: only for OpenSearch_2.17", one per plugin, trimmed to share the room);
    `where`: "domain d". Said before the domain changes, so the reason says it did not.
    Past three plugins the rest are counted (the handler's log names them all)."""
    parts, more = list(problems), ""
    if len(parts) > 3:
        parts, more = parts[:2], f"; {len(parts) - 2} more in the handler's log"
    return _fit(
        f"{where} not upgraded to {engine_version}: plugins without one package for it: ",
        parts,
        f"{more}. Create one for {engine_version} under the same name, or drop the plugin, "
        "and deploy again",
    )
