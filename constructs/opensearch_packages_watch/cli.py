"""The command line: ``opensearch-packages-watch DOMAIN``, and the loop behind it.

``watch`` refreshes until the deploy ends one way or another, with the clock, the sleep and the
output injected so that tests need neither AWS nor waiting; ``main`` parses the arguments,
builds the boto3 client (boto3 is imported here only: it is the optional ``[watch]`` extra) and
turns interruptions and AWS errors into exit statuses. ``legacy_parser`` reads the older
spelling, ``python -m opensearch_packages watch DOMAIN``, which ``opensearch_packages/__main__.py``
keeps.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from opensearch_packages_watch.state import DomainState, read_state
from opensearch_packages_watch.view import Screen, final_lines, render

if TYPE_CHECKING:
    from mypy_boto3_opensearch import OpenSearchServiceClient

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_SETTLED",
    "legacy_parser",
    "main",
    "outcome",
    "watch",
]

EXIT_SETTLED = 0
"""The domain settled with no failed package (or, with --once, nothing has failed yet)."""
EXIT_FAILED = 1
"""A package is ASSOCIATION_FAILED or DISSOCIATION_FAILED, or the domain or its change stopped
where no wait helps (Isolated, Deleting; ValidationFailed, Cancelled, PendingUserInput)."""
EXIT_ERROR = 2
"""Bad arguments, boto3 missing, or an AWS call failed (no credentials, no such domain...)."""
EXIT_INTERRUPTED = 130
"""Interrupted with ctrl-C (128 + SIGINT, as shells report it)."""

PROG = "opensearch-packages-watch"
LEGACY_PROG = "python -m opensearch_packages"
INSTALL_HINT = "pip install 'opensearch-packages[watch]'"
DESCRIPTION = (
    "Show each package on DOMAIN (association status, version) and the domain's change progress "
    "(ConfigChangeStatus, stages, current stage), refreshed until the domain takes package "
    "changes again (not Processing, DomainProcessingStatus Active) and no package is ASSOCIATING "
    "or DISSOCIATING. Read-only: needs es:ListPackagesForDomain, es:DescribeDomain and "
    "es:DescribeDomainChangeProgress. Exit status: 0 settled, 1 a package failed or the deploy "
    "stopped where waiting cannot help (the reason is printed), 2 error, 130 interrupted."
)


def outcome(state: DomainState) -> int | None:
    """EXIT_FAILED once a package failed or the deploy stopped, EXIT_SETTLED once the domain
    settled, else None (keep watching)."""
    if state.failed:
        return EXIT_FAILED
    if state.settled:
        return EXIT_SETTLED
    if state.stopped:
        return EXIT_FAILED
    return None


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
    """Refresh every `interval` seconds until the domain settles, a package fails or the deploy
    stops. Returns EXIT_SETTLED or EXIT_FAILED; with `once`, after the first view (EXIT_FAILED
    if a package has failed or the deploy stopped, else EXIT_SETTLED)."""
    start = clock()
    while True:
        state = read_state(client, domain)
        screen.show(render(state, clock() - start), key=render(state))
        result = outcome(state)
        if result is not None or once:
            screen.write(final_lines(state))
            return EXIT_SETTLED if result is None else result
        sleep(interval)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DOMAIN and the options, for the command and for its older spelling alike."""
    parser.add_argument("domain", metavar="DOMAIN", help="the OpenSearch Service domain")
    parser.add_argument(
        "--region", help="AWS Region (default: boto3's: AWS_DEFAULT_REGION, the profile's)"
    )
    parser.add_argument("--profile", help="named profile of the AWS config files")
    parser.add_argument(
        "--interval",
        type=_positive_seconds,
        default=5.0,
        metavar="SECONDS",
        help="seconds between refreshes (default: 5)",
    )
    parser.add_argument("--once", action="store_true", help="print one view and exit")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    add_arguments(parser)
    return parser


def legacy_parser() -> argparse.ArgumentParser:
    """The arguments of the older spelling, ``python -m opensearch_packages watch DOMAIN``, for
    ``main(parser=...)``."""
    parser = argparse.ArgumentParser(
        prog=LEGACY_PROG,
        description=f"Tools for Amazon OpenSearch Service packages. Also known as {PROG}.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_arguments(
        commands.add_parser(
            "watch",
            help="show a domain's packages and change progress until the domain settles",
            description=DESCRIPTION,
        )
    )
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
    parser: argparse.ArgumentParser | None = None,
) -> int:
    """``opensearch-packages-watch``; returns the exit status (see the EXIT_ constants).

    :param parser: Reads ``argv``; default: the console script's (``legacy_parser()`` reads
        ``watch DOMAIN``).
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        args = (parser or _parser()).parse_args(argv)
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
        return watch(
            session.client("opensearch"),
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
