"""What the watch prints: a refresh as lines, the lines that close it, and where they go.

Pure text from a ``DomainState`` (``render``, ``final_lines``, ``progress_bar``), and a
``Screen`` that redraws the view in place on a terminal and prints it only when it changes
elsewhere, so that a log of a long deploy stays short.
"""

from __future__ import annotations

from typing import TextIO

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
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def _domain_line(state: DomainState) -> str:
    """The domain as the handler reads it: its EngineVersion when sent (what its plugins'
    packages are built for), Processing, and DomainProcessingStatus when sent."""
    words = ["Processing" if state.status.processing else "not Processing"]
    if state.status.processing_status:
        words.append(f"DomainProcessingStatus {state.status.processing_status}")
    engine = f" ({state.status.engine_version})" if state.status.engine_version else ""
    return f"Domain {state.domain}{engine}: {', '.join(words)}"


def _change_lines(state: DomainState) -> list[str]:
    change = state.change
    if change is None:
        return ["Change: none reported"]
    name = f" {change.change_id}" if change.change_id else ""
    config = f", ConfigChangeStatus {change.config_status}" if change.config_status else ""
    stage = f"  {change.current_stage}" if change.current_stage else ""
    lines = [
        f"Change{name}: {change.status}{config}",
        f"  {progress_bar(change.completed_stages, change.total_stages)} "
        f"{change.completed_stages}/{change.total_stages} stages{stage}",
    ]
    lines.extend(f"  ValidationFailure {failure}" for failure in change.validation_failures)
    return lines


def render(state: DomainState, elapsed: float | None = None) -> list[str]:
    """The view of one refresh, as lines; `elapsed` (seconds watched) is left out when None."""
    header = _domain_line(state)
    if elapsed is not None:
        header += f"  (watching {_duration(elapsed)})"
    lines = [header, *_change_lines(state)]
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
    if state.failed:
        return [
            f"{p.package_id} ({p.name}) {p.status}: {p.error or 'no ErrorDetails given'}"
            for p in state.failed
        ]
    if state.settled:
        status = state.status.processing_status
        shown = f", DomainProcessingStatus {status}" if status else ""
        return [
            f"{state.domain} settled: not Processing{shown}, no package associating or "
            "dissociating."
        ]
    if state.stopped:
        return [f"Stopped: {_why_stopped(state)}; waiting will not end it, and the deploy fails "
                "with it."]  # fmt: skip
    return []


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
