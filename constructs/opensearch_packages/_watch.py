"""``python -m opensearch_packages watch DOMAIN``: a read-only view of a long package deploy.

A plugin association is a blue/green deployment that can keep a stack in CREATE_IN_PROGRESS for
most of an hour. This command shows, refreshed in place on a terminal (plain lines otherwise),
each package on the domain with its association status and version, and the domain's change
progress (stages done of the total, the current stage) with a text bar, until the domain settles.

It calls ListPackagesForDomain, DescribeDomain and DescribeDomainChangeProgress with the caller's
credentials and Region (boto3's default chain), and changes nothing. boto3 is an optional extra:
``pip install 'opensearch-packages[watch]'``.

The parts are separate so tests need neither AWS nor waiting: `read_state` makes the calls,
`render` and `final_lines` turn a `DomainState` into lines, `outcome` decides when to stop, and
`watch` runs the loop with injected clock, sleep and output.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from mypy_boto3_opensearch import OpenSearchServiceClient

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_SETTLED",
    "ChangeState",
    "DomainState",
    "PackageState",
    "Screen",
    "change_state",
    "final_lines",
    "main",
    "outcome",
    "progress_bar",
    "read_state",
    "render",
    "watch",
]

EXIT_SETTLED = 0
"""The domain settled with no failed package (or, with --once, nothing has failed yet)."""
EXIT_FAILED = 1
"""A package is ASSOCIATION_FAILED or DISSOCIATION_FAILED."""
EXIT_ERROR = 2
"""Bad arguments, boto3 missing, or an AWS call failed (no credentials, no such domain...)."""
EXIT_INTERRUPTED = 130
"""Interrupted with ctrl-C (128 + SIGINT, as shells report it)."""

PENDING_STATUSES = ("ASSOCIATING", "DISSOCIATING")
FAILED_STATUSES = ("ASSOCIATION_FAILED", "DISSOCIATION_FAILED")
INSTALL_HINT = "pip install 'opensearch-packages[watch]'"


@dataclass(frozen=True)
class PackageState:
    """One DomainPackageDetails entry of ListPackagesForDomain."""

    package_id: str
    name: str
    package_type: str
    status: str
    version: str
    error: str | None = None
    """"ErrorType: ErrorMessage" of a failed association or dissociation."""


@dataclass(frozen=True)
class ChangeState:
    """The domain's latest change, from DescribeDomainChangeProgress."""

    change_id: str
    status: str
    completed_stages: int
    total_stages: int
    current_stage: str | None
    """The first stage not COMPLETED; None once every stage is."""


@dataclass(frozen=True)
class DomainState:
    """Everything one refresh shows."""

    domain: str
    processing: bool
    packages: tuple[PackageState, ...]
    change: ChangeState | None

    @property
    def failed(self) -> tuple[PackageState, ...]:
        return tuple(p for p in self.packages if p.status in FAILED_STATUSES)

    @property
    def settled(self) -> bool:
        """Not Processing and no package ASSOCIATING or DISSOCIATING."""
        return not self.processing and not any(p.status in PENDING_STATUSES for p in self.packages)


# ------------------------------------------------------------------------------- reading AWS


def read_state(client: OpenSearchServiceClient, domain: str) -> DomainState:
    """One refresh: the domain's packages (every page), Processing, and its latest change."""
    packages: list[PackageState] = []
    token: str | None = None
    while True:
        # ListPackagesForDomain has no paginator in botocore: follow NextToken by hand.
        page = (
            client.list_packages_for_domain(DomainName=domain, NextToken=token)
            if token
            else client.list_packages_for_domain(DomainName=domain)
        )
        packages.extend(_package_state(entry) for entry in page.get("DomainPackageDetailsList", []))
        token = page.get("NextToken")
        if not token:
            break
    status = client.describe_domain(DomainName=domain)["DomainStatus"]
    progress = client.describe_domain_change_progress(DomainName=domain)
    return DomainState(
        domain=domain,
        processing=bool(status.get("Processing")),
        packages=tuple(packages),
        change=change_state(dict(progress.get("ChangeProgressStatus", {}))),
    )


def _package_state(entry: Any) -> PackageState:
    error = entry.get("ErrorDetails")
    return PackageState(
        package_id=str(entry.get("PackageID", "?")),
        name=str(entry.get("PackageName", "")),
        package_type=str(entry.get("PackageType", "")),
        status=str(entry.get("DomainPackageStatus", "?")),
        version=str(entry.get("PackageVersion", "")),
        error=(
            f"{error.get('ErrorType', 'Error')}: {error.get('ErrorMessage', '')}".rstrip(": ")
            if error
            else None
        ),
    )


def change_state(progress: dict[str, Any]) -> ChangeState | None:
    """The ChangeProgressStatus of DescribeDomainChangeProgress, or None when it names no change.

    Stage statuses are free strings in the service model: a stage counts as done when its status
    is COMPLETED (in any case); the current stage is the first that is not.
    """
    if not progress.get("ChangeId") and not progress.get("ChangeProgressStages"):
        return None
    stages = list(progress.get("ChangeProgressStages") or [])
    done = [str(s.get("Status", "")).upper() == "COMPLETED" for s in stages]
    pending = [str(s.get("Name", "?")) for s, d in zip(stages, done, strict=True) if not d]
    current = pending[0] if pending else None
    return ChangeState(
        change_id=str(progress.get("ChangeId", "")),
        status=str(progress.get("Status", "?")),
        completed_stages=sum(done),
        total_stages=int(progress.get("TotalNumberOfStages") or len(stages)),
        current_stage=current,
    )


# ---------------------------------------------------------------------------------- rendering


def progress_bar(done: int, total: int, width: int = 24) -> str:
    """``[#########---------------]``: `done` of `total`, `width` cells inside the brackets."""
    filled = 0 if total <= 0 else round(width * min(max(done, 0), total) / total)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def render(state: DomainState, elapsed: float | None = None) -> list[str]:
    """The view of one refresh, as lines; `elapsed` (seconds watched) is left out when None."""
    domain_status = "Processing" if state.processing else "Active"
    header = f"Domain {state.domain}: {domain_status}"
    if elapsed is not None:
        header += f"  (watching {_duration(elapsed)})"
    lines = [header]
    change = state.change
    if change is None:
        lines.append("Change: none reported")
    else:
        stage = f"  {change.current_stage}" if change.current_stage else ""
        lines.append(f"Change {change.change_id}: {change.status}")
        lines.append(
            f"  {progress_bar(change.completed_stages, change.total_stages)} "
            f"{change.completed_stages}/{change.total_stages} stages{stage}"
        )
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
    """What follows the last view: each failure's ErrorDetails, or that the domain settled."""
    if state.failed:
        return [
            f"{p.package_id} ({p.name}) {p.status}: {p.error or 'no ErrorDetails given'}"
            for p in state.failed
        ]
    if state.settled:
        return [f"{state.domain} settled: not Processing, no package associating or dissociating."]
    return []


def outcome(state: DomainState) -> int | None:
    """EXIT_FAILED once a package failed, EXIT_SETTLED once the domain settled, else None."""
    if state.failed:
        return EXIT_FAILED
    if state.settled:
        return EXIT_SETTLED
    return None


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


# ------------------------------------------------------------------------------------- the loop


def watch(
    client: OpenSearchServiceClient,
    domain: str,
    *,
    screen: Screen,
    interval: float = 5.0,
    once: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Refresh every `interval` seconds until the domain settles or a package fails.

    Returns EXIT_SETTLED or EXIT_FAILED; with `once`, after the first view (EXIT_FAILED if a
    package has failed, else EXIT_SETTLED).
    """
    start = clock()
    while True:
        state = read_state(client, domain)
        screen.show(render(state, clock() - start), key=render(state))
        result = outcome(state)
        if result is not None or once:
            screen.write(final_lines(state))
            return EXIT_SETTLED if result is None else result
        sleep(interval)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m opensearch_packages",
        description="Tools for Amazon OpenSearch Service packages.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    watch_parser = commands.add_parser(
        "watch",
        help="show a domain's packages and change progress until the domain settles",
        description=(
            "Show each package on DOMAIN (association status, version) and the domain's change "
            "progress (stages, current stage), refreshed until the domain is no longer Processing "
            "and no package is ASSOCIATING or DISSOCIATING. Read-only: needs "
            "es:ListPackagesForDomain, es:DescribeDomain and es:DescribeDomainChangeProgress. "
            "Exit status: 0 settled, 1 a package failed (its ErrorDetails are printed), 2 error, "
            "130 interrupted."
        ),
    )
    watch_parser.add_argument("domain", metavar="DOMAIN", help="the OpenSearch Service domain")
    watch_parser.add_argument(
        "--region", help="AWS Region (default: boto3's: AWS_DEFAULT_REGION, the profile's)"
    )
    watch_parser.add_argument("--profile", help="named profile of the AWS config files")
    watch_parser.add_argument(
        "--interval",
        type=_positive_seconds,
        default=5.0,
        metavar="SECONDS",
        help="seconds between refreshes (default: 5)",
    )
    watch_parser.add_argument("--once", action="store_true", help="print one view and exit")
    return parser


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return value


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """The command line; returns the exit status (see the EXIT_ constants)."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error argparse has printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    try:
        import boto3  # noqa: PLC0415 - optional: only this command needs it
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415
    except ImportError:
        err.write(f"watch needs boto3, which is not installed: {INSTALL_HINT}\n")
        return EXIT_ERROR
    tty = out.isatty()
    screen = Screen(out, tty=tty, width=shutil.get_terminal_size().columns if tty else None)
    try:
        session = boto3.session.Session(profile_name=args.profile, region_name=args.region)
        client = session.client("opensearch")
        return watch(
            client,
            args.domain,
            screen=screen,
            interval=args.interval,
            once=args.once,
            sleep=sleep,
            clock=clock,
        )
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except (BotoCoreError, ClientError) as error:
        err.write(f"error: {error}\n")
        return EXIT_ERROR
