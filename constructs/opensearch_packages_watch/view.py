"""What the watch prints: a refresh as lines, the lines that close it, and where they go.

Pure text from a ``DomainState`` (``render``, ``final_lines``, ``progress_bar``), and a
``Screen`` that redraws the view in place on a terminal and prints it only when it changes
elsewhere, so that a log of a long deploy stays short. ``render(state)`` without `elapsed` shows
no durations at all: it is the key that says whether a view changed, and a duration changes at
every refresh.
"""

from __future__ import annotations

from typing import TextIO

from opensearch_packages_watch.reading import ChangeState
from opensearch_packages_watch.stack import StackState, WaitConditionState
from opensearch_packages_watch.state import DomainState

__all__ = ["Screen", "final_lines", "progress_bar", "render"]

#: What each state that no wait ends means (``reading.DOMAIN_UNUSABLE``, ``CHANGE_STOPPED``).
MEANINGS = {
    "Isolated": "the service has isolated the domain and it takes no configuration change; "
    "check its status and your AWS Health notifications",
    "Deleting": "the domain is being deleted",
    "ValidationFailed": "the service refused the change",
    "Cancelled": "someone cancelled the change (console or CancelDomainConfigChange)",
    "PendingUserInput": "a cloned blue/green upgrade waits for its cut-over (UpdateClone, or "
    "the domain's upgrade page in the console)",
}


def progress_bar(done: int, total: int, width: int = 24) -> str:
    """``[#########---------------]``: `done` of `total`, `width` cells inside the brackets."""
    filled = 0 if total <= 0 else round(width * min(max(done, 0), total) / total)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(max(int(seconds), 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def _domain_line(state: DomainState) -> str:
    """The domain as the handler reads it: its EngineVersion when sent (what its plugins'
    packages are built for), its deployment strategy when sent (a CapacityOptimized blue/green
    goes in batches and takes longer), Processing, and DomainProcessingStatus when sent."""
    words = ["Processing" if state.status.processing else "not Processing"]
    if state.status.processing_status:
        words.append(f"DomainProcessingStatus {state.status.processing_status}")
    about = [state.status.engine_version] if state.status.engine_version else []
    if state.status.deployment_strategy:
        about.append(f"deployment strategy {state.status.deployment_strategy}")
    shown = f" ({', '.join(about)})" if about else ""
    return f"Domain {state.domain}{shown}: {', '.join(words)}"


#: OverallChangeStatus values of a change that has ended (model: PENDING, PROCESSING too).
_ENDED = frozenset({"COMPLETED", "FAILED"})


def _change_time(change: ChangeState, read_at: float | None) -> str:
    """How long the change has run (since its StartTime), or how long it took once ended;
    "" when the answer lacks the times."""
    if change.start_time is None:
        return ""
    if change.status in _ENDED:
        if change.last_updated is None:
            return ""
        return f", took {_duration(change.last_updated - change.start_time)}"
    if read_at is None:
        return ""
    return f", running {_duration(read_at - change.start_time)}"


def _change_lines(state: DomainState, clocks: bool) -> list[str]:
    change = state.change
    if change is None:
        return ["Change: none reported"]
    name = f" {change.change_id}" if change.change_id else ""
    config = f", ConfigChangeStatus {change.config_status}" if change.config_status else ""
    took = _change_time(change, state.read_at) if clocks else ""
    percent = f", {change.percent}%" if change.percent is not None else ""
    stage = f"  {change.current_stage}" if change.current_stage else ""
    lines = [
        f"Change{name}: {change.status}{config}{took}",
        f"  {progress_bar(change.completed_stages, change.total_stages)} "
        f"{change.completed_stages}/{change.total_stages} stages{percent}{stage}",
    ]
    lines.extend(f"  ValidationFailure {failure}" for failure in change.validation_failures)
    return lines


def _wait_detail(condition: WaitConditionState, read_at: float | None, clocks: bool) -> str:
    """How long the stack has waited on a WaitCondition in progress and how long it may; a
    failed one's reason."""
    if condition.failed:
        return condition.reason or "no reason given"
    if not condition.waiting:
        return ""
    parts = []
    if clocks and condition.since is not None and read_at is not None:
        parts.append(f"{_duration(read_at - condition.since)} so far")
    if condition.timeout is not None:
        parts.append(f"of up to {_duration(condition.timeout)}")
    return ", ".join(parts)


def _stack_lines(stack: StackState, clocks: bool) -> list[str]:
    """The stack's WaitConditions: the long wait of a DomainPackages whose timeout is above an
    hour, which the stack's events show only as CREATE_IN_PROGRESS."""
    if not stack.conditions:
        return [
            f"Stack {stack.name}: no WaitCondition (a timeout of an hour or less waits on the "
            "custom resource alone)"
        ]
    count = len(stack.waiting)
    waits = (
        f"waits on {count} WaitCondition{'s' if count > 1 else ''}"
        if count
        else "waits on no WaitCondition"
    )
    rows = [
        (c.logical_id, c.status, _wait_detail(c, stack.read_at, clocks)) for c in stack.conditions
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return [f"Stack {stack.name}: {waits}"] + [
        f"  {logical_id.ljust(widths[0])}  {status.ljust(widths[1])}  {detail}".rstrip()
        for logical_id, status, detail in rows
    ]


def render(
    state: DomainState, elapsed: float | None = None, refresh: float | None = None
) -> list[str]:
    """The view of one refresh, as lines.

    :param elapsed: Seconds watched. None leaves out every duration (how long the watch, the
        change and the stack's wait have run), for a key that changes only with the deploy.
    :param refresh: Seconds to the next refresh, shown when given (it grows on a long wait).
    """
    clocks = elapsed is not None
    header = _domain_line(state)
    if elapsed is not None:
        every = f", refreshed every {_duration(refresh)}" if refresh is not None else ""
        header += f"  (watching {_duration(elapsed)}{every})"
    lines = [header, *_change_lines(state, clocks)]
    if state.stack is not None:
        lines.extend(_stack_lines(state.stack, clocks))
    if not state.packages:
        lines.append("No packages associated.")
        return lines
    rows = [("PACKAGE", "NAME", "TYPE", "STATUS", "VERSION")] + [
        (p.package_id, p.name, p.package_type, p.status, p.version) for p in state.packages
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
    return lines


def final_lines(state: DomainState) -> list[str]:
    """What follows the last view: each failure's ErrorDetails, why the deploy has stopped,
    or that the domain settled."""
    if state.failed or state.stack_failed:
        return [
            f"{p.package_id} ({p.name}) {p.status}: {p.error or 'no ErrorDetails given'}"
            for p in state.failed
        ] + _stack_failures(state)
    if state.settled:
        status = state.status.processing_status
        shown = f", DomainProcessingStatus {status}" if status else ""
        stack = f"; stack {state.stack.name} waits on no WaitCondition" if state.stack else ""
        return [
            f"{state.domain} settled: not Processing{shown}, no package associating or "
            f"dissociating{stack}."
        ]
    if state.stopped:
        return [f"Stopped: {_why_stopped(state)}; waiting will not end it, and the deploy fails "
                "with it."]  # fmt: skip
    return []


def _stack_failures(state: DomainState) -> list[str]:
    """Each failed or timed-out WaitCondition with CloudFormation's reason: the stack's deploy
    fails with it (and rolls back, unless rollback is off)."""
    if state.stack is None:
        return []
    return [
        f"Stack {state.stack.name}: WaitCondition {c.logical_id} {c.status}: "
        f"{c.reason or 'no reason given'}; the stack's deploy fails with it."
        for c in state.stack.failed
    ]


def _why_stopped(state: DomainState) -> str:
    if state.status.unusable:
        status = state.status.processing_status
        return f"domain {state.domain} is {status}: {MEANINGS[status]}"
    assert state.change is not None  # a stopped change; narrows the type
    failures = "; ".join(state.change.validation_failures)
    said = f" ({failures})" if failures else ""
    status = state.change.config_status
    return (
        f"the configuration change on domain {state.domain} is {status}{said}: {MEANINGS[status]}"
    )


class Screen:
    """Writes views: on a terminal each replaces the last in place; elsewhere a view is printed
    as plain lines, and only when it differs from the last one printed (so logs stay short)."""

    def __init__(self, out: TextIO, *, tty: bool, width: int | None = None) -> None:
        self._out = out
        self._tty = tty
        self._width = width
        self._shown = 0
        self._last_key: list[str] | None = None

    def show(self, lines: list[str], key: list[str] | None = None) -> None:
        """Show `lines`; off a terminal, skip them when `key` (default: the lines) is unchanged."""
        if not self._tty:
            key = lines if key is None else key
            if key == self._last_key:
                return
            separator = "" if self._last_key is None else "\n"  # a blank line between views
            self._last_key = key
            self._out.write(separator + "".join(f"{line}\n" for line in lines))
        else:
            if self._width:  # a wrapped line would throw off the count of lines to go back over
                lines = [line[: self._width - 1] for line in lines]
            # Up to the first line of the last view (CSI n F), then clear to the end (CSI J).
            rewind = f"\x1b[{self._shown}F\x1b[J" if self._shown else ""
            self._out.write(rewind + "".join(f"{line}\n" for line in lines))
            self._shown = len(lines)
        self._out.flush()

    def write(self, lines: list[str]) -> None:
        """Lines that stay below the view."""
        self._out.write("".join(f"{line}\n" for line in lines))
        self._out.flush()
        self._shown = 0
