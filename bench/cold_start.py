"""Cold start: the handler's import time from the bundled asset, and the asset's zipped size.

The asset is built with the construct's own recipe (`_bundling.bundle`: handler, pinned
requirements, trimmed botocore data). Each measurement is a fresh interpreter that sees only the
asset and the standard library (`-E -S`, the asset first on `sys.path`), run with
`-X importtime`; the figure is the cumulative time of `domain_packages_handler.main`.

Two cases: as Lambda runs the asset (no bytecode: the asset ships none and `/var/task` is
read-only, so every cold start compiles the sources; `-B`), and with bytecode cached (the asset
compiled beforehand by this interpreter), which is what shipping `.pyc` files would give.
"""

from __future__ import annotations

import compileall
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from opensearch_packages.core import bundling as _bundling
from testsupport.fakes.fixtures import FAKE_CREDENTIALS

HANDLER_MODULE = "domain_packages_handler.main"
IMPORT = "import sys; sys.path[:0] = [sys.argv[1]]; import domain_packages_handler.main"
INIT = """
import json, sys, time
sys.path[:0] = [sys.argv[1]]
started = time.perf_counter()
import domain_packages_handler.main as main
imported = time.perf_counter()
import boto3
from domain_packages_handler.core.adapter import CLIENT_CONFIG
main.responder()  # crhelper: lambda, events and logs clients
boto3.client("opensearch", config=CLIENT_CONFIG)
ready = time.perf_counter()
print(json.dumps({"import_s": imported - started, "init_s": ready - started}))
"""
FAKE_LAMBDA_ENVIRONMENT = {
    "PATH": "/usr/bin:/bin",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    **FAKE_CREDENTIALS,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
ASSET_LIMIT_BYTES = 5 * 1024 * 1024


def build_asset(output: Path) -> Path:
    _bundling.bundle(_bundling.source_dir(), output)
    return output


def _files(asset: Path) -> list[Path]:
    return sorted(p for p in asset.rglob("*") if p.is_file())


def zipped_bytes(asset: Path, files: list[Path]) -> int:
    """Size of the asset's `files` zipped as the CDK CLI zips them (deflate, zlib's default
    level)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(asset).as_posix())
    return buffer.tell()


def sizes(asset: Path) -> dict[str, Any]:
    files = _files(asset)  # one walk of the asset for every figure
    top: Counter[str] = Counter()
    for path in files:
        top[path.relative_to(asset).parts[0]] += path.stat().st_size
    zipped = zipped_bytes(asset, files)
    return {
        "files": len(files),
        "unzipped_bytes": sum(top.values()),
        "zipped_bytes": zipped,
        "zipped_mb": round(zipped / 1024 / 1024, 2),
        "largest_unzipped_bytes": dict(top.most_common(6)),
        "botocore_services_kept": list(_bundling.BOTOCORE_SERVICES),
    }


def _parse_importtime(stderr: str) -> tuple[float, Counter[str]]:
    """(cumulative µs of the handler module, self µs summed by top-level package)."""
    total = float("nan")
    by_package: Counter[str] = Counter()
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        fields = line.removeprefix("import time:").split("|")
        if not fields[0].strip().isdigit():
            continue  # the header line
        own, cumulative, name = int(fields[0]), int(fields[1]), fields[2].strip()
        by_package[name.split(".")[0]] += own
        if name == HANDLER_MODULE:
            total = float(cumulative)
    return total, by_package


def import_times(asset: Path, runs: int, *, bytecode: bool) -> dict[str, Any]:
    flags = ["-E", "-S", "-X", "importtime"] + ([] if bytecode else ["-B"])
    totals: list[float] = []
    packages: Counter[str] = Counter()
    for _ in range(runs):
        completed = subprocess.run(
            [sys.executable, *flags, "-c", IMPORT, str(asset)],
            capture_output=True,
            text=True,
            env=FAKE_LAMBDA_ENVIRONMENT,
            check=True,
        )
        total, by_package = _parse_importtime(completed.stderr)
        totals.append(total / 1000.0)
        packages.update(by_package)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(totals), 1),
        "min_ms": round(min(totals), 1),
        "max_ms": round(max(totals), 1),
        "self_ms_by_package": {
            name: round(us / runs / 1000.0, 1) for name, us in packages.most_common(8)
        },
    }


def init_times(asset: Path, runs: int) -> dict[str, Any]:
    """Import plus crhelper's three clients plus the handler's OpenSearch client, no bytecode."""
    imports: list[float] = []
    inits: list[float] = []
    for _ in range(runs):
        completed = subprocess.run(
            [sys.executable, "-E", "-S", "-B", "-c", INIT, str(asset)],
            capture_output=True,
            text=True,
            env=FAKE_LAMBDA_ENVIRONMENT,
            check=True,
        )
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        imports.append(figures["import_s"] * 1000)
        inits.append(figures["init_s"] * 1000)
    return {
        "runs": runs,
        "import_median_ms": round(statistics.median(imports), 1),
        "import_and_clients_median_ms": round(statistics.median(inits), 1),
    }


def measure(runs: int = 7) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-asset-") as temporary:
        asset = build_asset(Path(temporary) / "asset")
        as_lambda = import_times(asset, runs, bytecode=False)
        init = init_times(asset, max(3, runs // 2))
        compiled = Path(temporary) / "compiled"
        shutil.copytree(asset, compiled)
        compileall.compile_dir(compiled, quiet=1)
        cached = import_times(compiled, runs, bytecode=True)
        return {
            "python": sys.version.split()[0],
            "asset": sizes(asset),
            "import_no_bytecode": as_lambda,
            "import_bytecode_cached": cached,
            "init_no_bytecode": init,
        }
