"""``python -m integ.runner snapshots|deploy|destroy|list [APP ...]`` (README, "Integration
tests on real AWS"); `make snapshots`, `make integ` and `make integ-destroy` call it.

An APP is an ``integ/integ_*.py`` file, named by its stem (``integ_synonyms``); without any,
every app is taken, except opt-in apps whose switch is not set (``INTEG_PLUGIN=1``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from integ.runner.cases import IntegCase, read_cases
from integ.runner.deploy import (
    COMMON_CONTEXT,
    IntegApp,
    destroy_command,
    read_json_file,
    render_report,
    run_app,
)
from integ.runner.snapshots import (
    INTEG_MANIFEST,
    assembly_snapshot,
    read_snapshot,
    snapshot_differences,
    write_snapshot,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
INTEG_DIR = REPO_ROOT / "integ"
#: The CLI's cloud assemblies and outputs during `make integ` (ignored by git).
BUILD_DIR = REPO_ROOT / "build" / "integ"
#: Synthesis for snapshots and for reading the test cases: no bundling (no pip, no network);
#: the snapshot's asset hashes are numbered anyway.
SNAPSHOT_CONTEXT: Mapping[str, object] = {**COMMON_CONTEXT, "aws:cdk:bundling-stacks": []}


@dataclass(frozen=True)
class OptIn:
    """An app that runs on AWS only when asked to, and the inputs it needs then."""

    switch: str
    requires: tuple[str, ...] = ()


#: Apps that `make integ` leaves out unless their switch is "1" (their snapshots are always
#: compared: they synthesise without their inputs).
OPT_IN: Mapping[str, OptIn] = {
    # A blue/green and a real plugin zip built for the domain's engine version.
    "integ_plugin": OptIn("INTEG_PLUGIN", ("INTEG_PLUGIN_ZIP", "INTEG_PLUGIN_COMPONENT")),
}


def discover(names: Sequence[str]) -> list[Path]:
    found = {path.stem: path for path in sorted(INTEG_DIR.glob("integ_*.py"))}
    unknown = [name for name in names if name not in found]
    if unknown:
        raise SystemExit(f"no such integration app: {', '.join(unknown)} (have {sorted(found)})")
    return [found[name] for name in names] if names else list(found.values())


def snapshot_dir(app_file: Path) -> Path:
    return app_file.with_name(app_file.name + ".snapshot")


def synth(app_file: Path, out_dir: Path, context: Mapping[str, object]) -> None:
    """Run the app as the CLI would (``CDK_OUTDIR``, ``CDK_CONTEXT_JSON``), without the CLI."""
    env = {**os.environ, "CDK_OUTDIR": str(out_dir), "CDK_CONTEXT_JSON": json.dumps(context)}
    subprocess.run([sys.executable, str(app_file)], cwd=REPO_ROOT, env=env, check=True)


def snapshots(app_files: Sequence[Path], *, update: bool) -> int:
    """Compare (or with ``update``, rewrite) each app's snapshot; 1 when any differs."""
    differences: list[str] = []
    for app_file in app_files:
        with tempfile.TemporaryDirectory(prefix="integ-snapshot-") as out_dir:
            synth(app_file, Path(out_dir), SNAPSHOT_CONTEXT)
            actual = assembly_snapshot(Path(out_dir))
        target = snapshot_dir(app_file)
        label = target.relative_to(REPO_ROOT).as_posix()
        found = snapshot_differences(read_snapshot(target), actual, label)
        if found and update:
            write_snapshot(target, actual)
            print(f"{label}: updated ({len(found)} files changed)")
        elif found:
            differences += found
        else:
            print(f"{label}: matches ({len(actual)} files)")
    if differences:
        print("\n\n".join(differences))
        print(
            "\nThe integration apps no longer synthesise their committed snapshots. If the "
            "change is intended, run `make snapshots UPDATE=1` and commit integ/*.snapshot."
        )
        return 1
    return 0


def app_command(app_file: Path) -> str:
    """The ``--app`` command: this Python (the project's venv) running the app file."""
    return shlex.join([sys.executable, app_file.relative_to(REPO_ROOT).as_posix()])


def integ_app(app_file: Path) -> IntegApp:
    return IntegApp(app_file.stem, app_command(app_file), BUILD_DIR / f"{app_file.stem}.out")


def selected_for_aws(app_files: Sequence[Path], named: bool) -> list[Path]:
    """The apps to deploy: opt-in ones only with their switch (or when named), and then only
    with their inputs set."""
    chosen: list[Path] = []
    for app_file in app_files:
        opt_in = OPT_IN.get(app_file.stem)
        if opt_in is None:
            chosen.append(app_file)
            continue
        if not named and os.environ.get(opt_in.switch) != "1":
            print(f"{app_file.stem}: skipped (opt-in: {opt_in.switch}=1)")
            continue
        missing = [name for name in opt_in.requires if not os.environ.get(name)]
        if missing:
            raise SystemExit(f"{app_file.stem} needs {', '.join(missing)} set")
        chosen.append(app_file)
    return chosen


def execute(command: Sequence[str]) -> int:
    print("$ " + shlex.join(command), flush=True)
    return subprocess.run(command, cwd=REPO_ROOT, check=False).returncode


def caller_environment() -> str:
    """The account and Region the CLI will deploy to, from the caller's credentials: checked
    before anything is synthesised, so a run without credentials fails at once and clearly."""
    session = boto3.session.Session()
    # The CLI reads AWS_REGION as well as botocore's AWS_DEFAULT_REGION and profile region.
    region = os.environ.get("AWS_REGION") or session.region_name
    if not region:
        raise SystemExit("no AWS Region: set AWS_REGION (or a profile's region)")
    try:
        account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as error:
        raise SystemExit(f"no usable AWS credentials: {error}") from error
    return f"aws://{account}/{region}"


def interrupted(signum: int, frame: FrameType | None) -> NoReturn:
    """SIGTERM (a CI job cancelled, a terminal closed) as Ctrl-C: the run's cleanup still runs."""
    raise KeyboardInterrupt(f"signal {signum}")


def read_app_cases(app_file: Path) -> list[IntegCase]:
    """The app's test cases, from a synth without bundling (its integ manifest)."""
    with tempfile.TemporaryDirectory(prefix="integ-cases-") as out_dir:
        synth(app_file, Path(out_dir), SNAPSHOT_CONTEXT)
        return read_cases(json.loads((Path(out_dir) / INTEG_MANIFEST).read_text()))


def clear_earlier_run(app: IntegApp) -> None:
    """Remove the app's assembly and outputs files of an earlier run: never read as this one's."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    for stale in BUILD_DIR.glob(f"{app.name}.*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()


def deploy(app_files: Sequence[Path]) -> int:
    """Each app's test cases on AWS; every stack destroyed at the end of each app. Every app's
    cases are read first, so a manifest the runner refuses stops the run before any deploy."""
    if not app_files:
        print("no integration app to run")
        return 1
    print(f"integration tests in {caller_environment()}: {', '.join(f.stem for f in app_files)}")
    planned = [(integ_app(app_file), read_app_cases(app_file)) for app_file in app_files]
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        reports = []
        for app, cases in planned:
            clear_earlier_run(app)
            reports.append(run_app(app, cases, execute, read_json_file))
    finally:
        signal.signal(signal.SIGTERM, previous)
    print("\n" + "\n".join(render_report(report) for report in reports))
    return 0 if all(report.passed for report in reports) else 1


def destroy(app_files: Sequence[Path]) -> int:
    """Every stack of each app (`make integ-destroy`: after an interrupted run)."""
    statuses = [execute(destroy_command(integ_app(f), None, {})) for f in app_files]
    return max(statuses, default=0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m integ.runner", description=__doc__)
    parser.add_argument("action", choices=["snapshots", "deploy", "destroy", "list"])
    parser.add_argument("apps", nargs="*", help="app names (integ_*.py stems); default: all")
    parser.add_argument("--update", action="store_true", help="snapshots: rewrite them")
    args = parser.parse_intermixed_args(argv)
    app_files = discover(args.apps)
    if args.action == "snapshots":
        return snapshots(app_files, update=args.update)
    if args.action == "list":
        for app_file in app_files:
            opt_in = OPT_IN.get(app_file.stem)
            print(app_file.stem + (f" (opt-in: {opt_in.switch}=1)" if opt_in else ""))
        return 0
    if args.action == "destroy":
        return destroy(app_files)
    return deploy(selected_for_aws(app_files, named=bool(args.apps)))


if __name__ == "__main__":
    sys.exit(main())
