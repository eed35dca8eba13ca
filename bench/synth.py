"""Synth cost: time and template size of one stack with 1, 10 and 50 DomainPackages.

Each run is a fresh interpreter (as `cdk synth` runs the app) that imports aws_cdk and the
library, builds `App` → `Stack` → n `DomainPackages` and calls `app.synth()`. Reported:

- cold: `App()` to the end of `synth()`, the first synth in that interpreter (jsii loads what the
  app uses on first use), median over the runs; and the whole process's wall time;
- warm: the same app synthesised again in the same interpreter (the marginal cost of each
  DomainPackages, without jsii's one-off loading).

Two asset modes: bundling skipped for the stack (`aws:cdk:bundling-stacks: []`, as the unit
tests do), and bundling on with the asset already in the output directory (a re-synth: CDK finds
`asset.<hash>` and does not bundle again; the asset's hash is known before bundling).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES = (1, 10, 50)
STACK = "Bench"
APP = """
import json, sys, time
started = time.perf_counter()
import aws_cdk as cdk
from opensearch_packages import DomainPackages
imported = time.perf_counter()
count, outdir, mode, repeats = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
bundle = mode == "bundle"

def synth():
    began = time.perf_counter()
    app = cdk.App(outdir=outdir, context={} if bundle else {"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Bench")
    for i in range(count):
        DomainPackages(
            stack, f"Packages{i}", domain_name=f"bench-{i % 10}", packages=[f"F{i}1", f"F{i}2"]
        )
    app.synth()
    return time.perf_counter() - began

cold = synth()
warm = [synth() for _ in range(repeats)]
print(json.dumps({"import_s": imported - started, "cold_s": cold, "warm_s": warm}))
"""


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    return environment


def _run(count: int, outdir: Path, *, bundle: bool, repeats: int) -> dict[str, Any]:
    began = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", APP, str(count), str(outdir), "bundle" if bundle else "skip",
         str(repeats)],
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
    )  # fmt: skip
    wall = time.perf_counter() - began
    if completed.returncode != 0:
        raise RuntimeError(f"synth of {count} DomainPackages failed:\n{completed.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["wall_s"] = wall
    return figures


def _template(outdir: Path) -> dict[str, Any]:
    path = outdir / f"{STACK}.template.json"
    template: dict[str, Any] = json.loads(path.read_text())
    types: dict[str, int] = {}
    for resource in template["Resources"].values():
        types[resource["Type"]] = types.get(resource["Type"], 0) + 1
    return {
        "bytes": path.stat().st_size,
        "resources": len(template["Resources"]),
        "functions": types.get("AWS::Lambda::Function", 0),
        "custom_resources": types.get("Custom::OpenSearchDomainPackages", 0),
    }


def _mode(*, bundle: bool, runs: int, repeats: int, workdir: Path) -> dict[str, Any]:
    rows = []
    shared = workdir / "cdk.out.bundled"
    first_bundle_s: float | None = None
    if bundle:  # fill the output directory with the asset once: later synths find it there
        first_bundle_s = round(_run(1, shared, bundle=True, repeats=0)["cold_s"], 3)
    for count in SIZES:
        results = []
        outdir = shared
        for run in range(runs):
            if not bundle:
                outdir = workdir / f"cdk.out.{count}.{run}"
            results.append(_run(count, outdir, bundle=bundle, repeats=repeats))
        warm = [w for r in results for w in r["warm_s"]]
        rows.append(
            {
                "domain_packages": count,
                "cold_synth_s": round(statistics.median(r["cold_s"] for r in results), 3),
                "process_wall_s": round(statistics.median(r["wall_s"] for r in results), 3),
                "warm_synth_s": round(statistics.median(warm), 3) if warm else None,
                "template": _template(outdir),
            }
        )
    by_size = {row["domain_packages"]: row for row in rows}
    smallest, largest = by_size[SIZES[0]], by_size[SIZES[-1]]
    return {
        "runs": runs,
        "warm_repeats_per_run": repeats,
        "first_synth_with_bundling_s": first_bundle_s,
        "sizes": rows,
        "cold_ratio_50_to_1": round(largest["cold_synth_s"] / smallest["cold_synth_s"], 2),
        "wall_ratio_50_to_1": round(largest["process_wall_s"] / smallest["process_wall_s"], 2),
        "warm_ms_per_extra_domain_packages": round(
            (largest["warm_synth_s"] - smallest["warm_synth_s"]) / (SIZES[-1] - SIZES[0]) * 1000,
            1,
        ),
    }


def measure(runs: int = 3, repeats: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as temporary:
        workdir = Path(temporary)
        return {
            "bundling_skipped": _mode(bundle=False, runs=runs, repeats=repeats, workdir=workdir),
            "asset_cached": _mode(bundle=True, runs=runs, repeats=repeats, workdir=workdir),
        }
