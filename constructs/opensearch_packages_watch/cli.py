"""The command line: ``opensearch-packages-watch DOMAIN``, and the loop behind it.

``watch`` refreshes until the deploy ends one way or another, with the clocks, the sleep and the
output injected so that tests need neither AWS nor waiting; ``refresh_interval`` thins the
refreshes out on a long wait; ``main`` parses the arguments, builds the boto3 clients (boto3 is
imported here only: it is the optional ``[watch]`` extra) and turns interruptions and AWS
errors into exit statuses. ``legacy_parser`` reads the older
spelling, ``python -m opensearch_packages watch DOMAIN``, which ``opensearch_packages/__main__.py``
keeps.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO, cast

from opensearch_packages_watch.stack import CloudFormationReads, StackReader
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
    "refresh_interval",
    "watch",
]

EXIT_SETTLED = 0
"""The domain settled with no failed package, and with --stack the stack waits on no
WaitCondition (or, with --once, nothing has failed yet)."""
EXIT_FAILED = 1
"""A package is ASSOCIATION_FAILED or DISSOCIATION_FAILED, the domain or its change stopped
where no wait helps (Isolated, Deleting; ValidationFailed, Cancelled, PendingUserInput), or with
--stack a WaitCondition failed or timed out."""
EXIT_ERROR = 2
"""Bad arguments, boto3 missing, or an AWS call failed (no credentials, no such domain...)."""
EXIT_INTERRUPTED = 130
"""Interrupted with ctrl-C (128 + SIGINT, as shells report it)."""

PROG = "opensearch-packages-watch"
LEGACY_PROG = "python -m opensearch_packages"
INSTALL_HINT = "pip install 'opensearch-packages[watch]'"
DESCRIPTION = (
    "Show each package on DOMAIN (association status, version), the domain's deployment strategy "
    "and its change progress (ConfigChangeStatus, stages, percent, current stage, how long it "
    "has run), refreshed until the domain takes package changes again (not Processing, "
    "DomainProcessingStatus Active) and no package is ASSOCIATING or DISSOCIATING; with --stack, "
    "also the stack's WaitConditions (the long wait of a timeout above an hour: how long so far, "
    "of up to how long), until the stack waits on none. Read-only: needs "
    "es:ListPackagesForDomain, es:DescribeDomain and es:DescribeDomainChangeProgress, and with "
    "--stack cloudformation:ListStackResources (cloudformation:GetTemplate for the timeouts, "
    "left out without it). Exit status: 0 settled, 1 a package or a WaitCondition failed or the "
    "deploy stopped where waiting cannot help (the reason is printed), 2 error, 130 interrupted."
)

DEFAULT_INTERVAL = 5.0
"""Seconds between refreshes at first, unless --interval says otherwise."""
INTERVAL_SHARE = 0.05
"""On a long wait, refresh about every 5 % of the time watched, as the handler polls: a watch
left open on a 12-hour wait then refreshes about 230 times instead of 8,640 (three calls each,
four with --stack), against a control-plane API that throttles and that every stack's handler
polls too."""
MAX_INTERVAL = 300.0
"""But at least every 5 minutes: a stage of a long blue/green lasts longer than that."""
HEARTBEAT_SECONDS = 600.0
"""Off a terminal, a view that has not changed is printed again after this long, so that a log
(and a CI step that ends silent jobs) sees a multi-hour wait go on."""


def refresh_interval(watched: float, base: float = DEFAULT_INTERVAL) -> float:
    """Seconds to the next refresh after `watched` seconds: about 5 % of the time watched, at
    least `base`, at most 5 minutes (or `base`, if that is longer)."""
    return max(base, min(INTERVAL_SHARE * watched, MAX_INTERVAL))


def outcome(state: DomainState) -> int | None:
    """EXIT_FAILED once a package or a WaitCondition failed or the deploy stopped, EXIT_SETTLED
    once the domain settled (and the stack waits on no WaitCondition), else None (keep
    watching)."""
    if state.failed or state.stack_failed:
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
    interval: float | None = None,
    once: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
    stack: StackReader | None = None,
) -> int:
    """Refresh until the domain settles (and the stack waits on no WaitCondition), a package or
    a WaitCondition fails, or the deploy stops. Returns EXIT_SETTLED or EXIT_FAILED; with
    `once`, after the first view (EXIT_FAILED if something has failed or the deploy stopped,
    else EXIT_SETTLED).

    :param interval: Seconds between refreshes; None: ``refresh_interval``'s, which grow with
        the time watched.
    :param wall: Epoch seconds now, for how long the change and the stack's wait have run.
    :param stack: Reads the stack's WaitConditions at each refresh (``--stack``).
    """
    start = clock()
    while True:
        state = read_state(client, domain, wall=wall)
        if stack is not None:
            state = replace(state, stack=stack.read(wall))
        watched = clock() - start
        pause = refresh_interval(watched) if interval is None else interval
        grown = interval is None and pause > DEFAULT_INTERVAL
        # The key leaves out durations; a heartbeat in it reprints an unchanged view now and then.
        key = [*render(state), f"heartbeat {int(watched // HEARTBEAT_SECONDS)}"]
        screen.show(render(state, watched, pause if grown else None), key=key)
        result = outcome(state)
        if result is not None or once:
            screen.write(final_lines(state))
            return EXIT_SETTLED if result is None else result
        sleep(pause)


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
        default=None,
        metavar="SECONDS",
        help="seconds between refreshes (default: 5, growing on a long wait to about 5%% of the "
        "time watched, at most 5 minutes)",
    )
    parser.add_argument(
        "--stack",
        metavar="STACK_NAME",
        help="also show this CloudFormation stack's WaitConditions (the long wait of a timeout "
        "above an hour; for a nested stack, its own name), and watch until it waits on none",
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
    wall: Callable[[], float] = time.time,
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
        stack = None
        if args.stack:
            # Typed by the two calls the watch makes: the boto3-stubs extras carry no
            # CloudFormation client types.
            cloudformation = cast("CloudFormationReads", session.client("cloudformation"))
            stack = StackReader(
                cloudformation, args.stack, template_errors=(BotoCoreError, ClientError)
            )
        return watch(
            session.client("opensearch"),
            args.domain,
            screen=screen,
            interval=args.interval,
            once=args.once,
            sleep=sleep,
            clock=clock,
            wall=wall,
            stack=stack,
        )
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except (BotoCoreError, ClientError) as error:
        err.write(f"error: {error}\n")
        return EXIT_ERROR
