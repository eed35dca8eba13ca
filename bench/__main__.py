"""Run the benchmarks, print tables, check the targets, write JSON to bench/results/.

    PYTHONPATH=lambda .venv/bin/python -m bench [--only completion,wire,plugin,api,cold,synth]
                                                [--quick]

`make bench` runs every section (about 4 minutes on 2 cores); see README, Performance.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("completion", "wire", "plugin", "api", "cold", "synth")


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        node = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        node = "not found"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "node": node,
        "os": platform.platform(),
        "aws_cdk_lib": metadata.version("aws-cdk-lib"),
        "boto3": metadata.version("boto3"),
    }


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(_align(c, w) for c, w in zip(row, widths, strict=True)) for row in cells[1:]
    ]
    return "\n".join(lines)


def _align(cell: str, width: int) -> str:
    """Figures to the right, words to the left."""
    return cell.rjust(width) if cell[:1].isdigit() else cell.ljust(width)


def _s(value: float) -> str:
    return f"{value:.2f} s"


def _row(name: str, block: dict[str, Any], *, lists: bool = True) -> list[object]:
    """One strategy's line: n, p50, p95, max, and (if `lists`) list calls per hour waited."""
    return [
        name,
        block["n"],
        _s(block["p50"]),
        _s(block["p95"]),
        _s(block["max"]),
        block["list_calls_per_hour_waited"] if lists else "",
    ]


def show_completion(result: dict[str, Any]) -> str:
    handler = result["handler"]
    rows = [
        _row("handler, one invocation", handler["single_invocation"], lists=False),
        _row("handler, across hand-over", handler["across_handover"], lists=False),
        _row("handler, all", handler["all"]),
        _row("handler with fixed 3 s polls (before)", result["fixed_3s_polls"]),
        _row("crhelper polling (2 min)", result["crhelper_default_polling"]),
        _row("Terraform waiter", result["terraform_waiter"]),
    ]
    rows += [_row(f"what if: handler {name}", b) for name, b in result["what_if_handler"].items()]
    durations = result["durations_s"]
    split = "; ".join(
        f"service {label}: handler {block['handler']:.2f} s, fixed 3 s polls "
        f"{block['fixed_3s_polls']:.2f} s, Terraform {block['terraform']:.2f} s (n={block['n']})"
        for label, block in result["p95_by_service_duration"].items()
    )
    within = "; ".join(
        f"{label.replace('_', ' ')} {block['within']}/{block['n']} "
        f"(worst {block['worst_share']:.0%} of it)"
        for label, block in handler["within_allowance"].items()
    )
    return (
        table(
            "1. Completion overhead (last ACTIVE/gone -> answer), simulated: "
            f"{result['operations']} operations ({result['creates']} creates, "
            f"{result['deletes']} deletes), service {durations['min']:g}-{durations['max']:g} s "
            f"{durations['distribution']}",
            ["strategy", "n", "p50", "p95", "max", "lists/h waited"],
            rows,
        )
        + f"\n   p95 by service duration: {split}"
        + f"\n   within max(5 % of the wait, 5 s): {within}"
    )


def show_plugin(result: dict[str, Any]) -> str:
    rows = [
        [w["wait"], f"{w['timeout_s'] / 3600:g} h", w["answer"], w["invocations_per_op"],
         w["calls_per_op"], w["calls_per_hour"], w["invocations_per_hour"],
         w["fixed_3s_polls"]["calls_per_hour"], _s(w["overhead"]["p50"]),
         _s(w["overhead"]["p95"]), _s(w["overhead"]["max"]), _s(w["allowance_s"])]
        for w in result["waits"]
    ]  # fmt: skip
    poll = result["poll"]
    by_op = "\n".join(
        f"   {w['wait']}: " + ", ".join(f"{op} {n:g}" for op, n in w["calls_by_operation"].items())
        for w in result["waits"]
    )
    title = (
        "1c. Plugin waits (ZIP-PLUGIN blue/green: two calls per poll), simulated: "
        f"{result['samples']} creates per wait, each within ±{result['spread']:.0%} of it; "
        f"polls {', '.join(f'{x:g}' for x in poll['steps_s'])} s, then "
        f"{poll['fraction']:.1%} of the time waited, at most {poll['cap_s']:g} s. "
        "Per hour: a wait under an hour counts as one hour"
    )
    headers = ["wait", "timeout", "answer", "invocations", "calls", "calls/h", "invocations/h",
               "calls/h, 3 s polls", "overhead p50", "p95", "max", "limit"]  # fmt: skip
    calls = "calls per create, mean (all AWS calls, the Invoke and S3 PUTs included)"
    return f"{table(title, headers, rows)}\n   {calls}:\n{by_op}"


def show_wire(result: dict[str, Any]) -> str:
    rows = [
        [_s(r["service_s"]), r["packages"], f"{r['function_timeout_s']:g} s", r["invocations"],
         r["status"], _s(r["overhead_s"]), _s(r["predicted_overhead_s"]),
         r["calls"].get("AssociatePackages", 0), r["calls"].get("ListPackagesForDomain", 0)]
        for r in result["operations"]
    ]  # fmt: skip
    return table(
        "1b. Real time on the wire fakes (main.handler, crhelper, boto3): overhead measured vs "
        f"simulated (max difference {result['max_abs_difference_from_simulation_s']:.3f} s)",
        ["service", "packages", "timeout", "invocations", "status", "measured", "simulated",
         "AssociatePackages", "ListPackagesForDomain"],
        rows,
    )  # fmt: skip


def show_api(result: dict[str, Any]) -> str:
    rows = []
    for size in result["sizes"]:
        for name, key in (("handler", "handler"), ("per package (Terraform)",
                                                    "terraform_per_package")):  # fmt: skip
            block = size[key]
            calls = ", ".join(f"{op} {n}" for op, n in block["calls"].items())
            rows.append(
                [size["packages"], name, block["association_calls"], block["total"],
                 f"{block['simulated_seconds_to_done']:g} s", calls]
            )  # fmt: skip
    calls = table(
        "2. OpenSearch calls per create (wire fakes, manual clock, each change "
        f"{result['service_seconds_per_change']:g} s)",
        ["packages", "approach", "association calls", "total", "time to done", "by operation"],
        rows,
    )
    deployments = table(
        "2b. Blue/green deployments to install N plugins in one deploy",
        ["plugins", "handler (one AssociatePackages)", "one resource per package (Terraform)"],
        [[s["packages"], s["plugins"]["handler"], s["plugins"]["terraform_per_package"]]
         for s in result["sizes"]],
    )  # fmt: skip
    return f"{calls}\n\n{deployments}"


def show_cold(result: dict[str, Any]) -> str:
    asset = result["asset"]
    no_bc, cached, init = (
        result["import_no_bytecode"],
        result["import_bytecode_cached"],
        result["init_no_bytecode"],
    )
    rows = [
        ["import, no bytecode (as Lambda runs the asset)", f"{no_bc['median_ms']} ms",
         f"{no_bc['min_ms']}-{no_bc['max_ms']} ms"],
        ["import, bytecode cached", f"{cached['median_ms']} ms",
         f"{cached['min_ms']}-{cached['max_ms']} ms"],
        ["import + crhelper's 3 clients + opensearch client, no bytecode",
         f"{init['import_and_clients_median_ms']} ms", ""],
        ["asset zipped (deflate, default level)", f"{asset['zipped_mb']} MB",
         f"{asset['zipped_bytes']:,} bytes, {asset['files']} files"],
        ["asset unzipped", f"{asset['unzipped_bytes'] / 1024 / 1024:.1f} MB", ""],
    ]  # fmt: skip
    breakdown = ", ".join(f"{name} {ms} ms" for name, ms in no_bc["self_ms_by_package"].items())
    return (
        table(
            f"3. Cold start from the bundled asset (python {result['python']}, -X importtime, "
            f"median of {no_bc['runs']})",
            ["measure", "median", "range"],
            rows,
        )
        + f"\n   import self-time by package, no bytecode: {breakdown}"
    )


def show_synth(result: dict[str, Any]) -> str:
    rows = []
    for mode, label in (("bundling_skipped", "bundling skipped"), ("asset_cached", "asset cached")):
        for size in result[mode]["sizes"]:
            rows.append(
                [label, size["domain_packages"], _s(size["cold_synth_s"]),
                 _s(size["process_wall_s"]), _s(size["warm_synth_s"]),
                 f"{size['template']['bytes']:,} B", size["template"]["resources"],
                 size["template"]["functions"]]
            )  # fmt: skip
    skipped, cached = result["bundling_skipped"], result["asset_cached"]
    return table(
        "4. Synth cost, one stack (cold: App()..synth() in a fresh interpreter; warm: again in "
        f"the same one). 50/1 cold: {skipped['cold_ratio_50_to_1']}x skipped, "
        f"{cached['cold_ratio_50_to_1']}x cached; warm +"
        f"{skipped['warm_ms_per_extra_domain_packages']} ms per DomainPackages",
        ["mode", "DomainPackages", "cold synth", "process", "warm synth", "template",
         "resources", "functions"],
        rows,
    )  # fmt: skip


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []

    def check(name: str, value: object, limit: str, met: bool) -> None:
        checks.append({"target": name, "value": value, "limit": limit, "met": met})

    if "completion" in results:
        c = results["completion"]
        short = c["p95_by_service_duration"]["under 60 s"]
        mine, before = short["handler"], short["fixed_3s_polls"]
        ratio = c["terraform_p95_over_handler_p95_under_60_s"]
        check("completion p95, waits under 60 s", f"{mine:.2f} s", "<= 5 s", mine <= 5.0)
        check(
            "the same, vs fixed 3 s polls (before)",
            f"{mine:.2f} s vs {before:.2f} s",
            "not above",
            mine <= before,
        )
        check("Terraform p95 / handler p95, under 60 s", f"{ratio:.2f}x", ">= 6x", ratio >= 6.0)
        for label, block in c["handler"]["within_allowance"].items():
            check(
                f"overhead, {label.replace('_', ' ')}",
                f"{block['within']}/{block['n']}, worst {block['worst_share']:.0%}",
                "<= max(5 %, 5 s)",
                block["within"] == block["n"],
            )
    if "wire" in results:
        diff = results["wire"]["max_abs_difference_from_simulation_s"]
        ok = all(r["status"] == "SUCCESS" for r in results["wire"]["operations"])
        check("wire run confirms the simulation", f"{diff:.3f} s", "<= 0.5 s", ok and diff <= 0.5)
    if "plugin" in results:
        limit = results["plugin"]["calls_per_hour_target"]
        for w in results["plugin"]["waits"]:
            rate, within = w["calls_per_hour"], w["within_allowance"]
            check(
                f"plugin {w['wait']}: calls per hour waited",
                f"{rate:g}",
                f"<= {limit:g}",
                rate <= limit,
            )
            check(
                f"plugin {w['wait']}: overhead",
                f"max {w['overhead']['max']:.1f} s, worst {within['worst_share']:.0%}",
                "<= max(5 %, 5 s)",
                within["within"] == within["n"],
            )
    if "api" in results:
        sizes = results["api"]["sizes"]
        one = all(s["handler"]["association_calls"] == 1 for s in sizes)
        pages = sum(s["handler"]["list_pages_with_next_token"] for s in sizes)
        check("one association call for 1, 5, 20 packages", one, "True", one)
        check("list calls past the first page", pages, "0", pages == 0)
    if "cold" in results:
        cold = results["cold"]
        ms = cold["import_no_bytecode"]["median_ms"]
        cached = cold["import_bytecode_cached"]["median_ms"]
        mb = cold["asset"]["zipped_mb"]
        check("handler import, as shipped (no bytecode)", f"{ms} ms", "<= 250 ms", ms <= 250)
        check("handler import, bytecode cached", f"{cached} ms", "<= 250 ms", cached <= 250)
        check("asset zipped", f"{mb} MB", "<= 5 MB", cold["asset"]["zipped_bytes"] <= 5 * 2**20)
    if "synth" in results:
        for mode in ("bundling_skipped", "asset_cached"):
            ratio = results["synth"][mode]["cold_ratio_50_to_1"]
            check(f"synth 50 vs 1 ({mode.replace('_', ' ')})", f"{ratio}x", "<= 1.5x", ratio <= 1.5)
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--operations", type=int, default=1000, help="simulated operations")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    selected = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(selected) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

    from bench import cold_start, completion, synth, wire  # noqa: PLC0415 (after the env)

    runners: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[dict[str, Any]], str]]] = {
        "completion": (
            lambda: completion.simulate(
                count=60 if args.quick else args.operations, seed=args.seed
            ),
            show_completion,
        ),
        "wire": (
            lambda: wire.realtime(
                wire.REALTIME_OPERATIONS[:1] if args.quick else wire.REALTIME_OPERATIONS
            ),
            show_wire,
        ),
        "plugin": (
            lambda: completion.plugin_waits(
                samples=20 if args.quick else 200, seed=args.seed, fixed_samples=2
            ),
            show_plugin,
        ),
        "api": (wire.api_calls, show_api),
        "cold": (lambda: cold_start.measure(runs=3 if args.quick else 7), show_cold),
        "synth": (
            lambda: synth.measure(runs=1 if args.quick else 3, repeats=1 if args.quick else 3),
            show_synth,
        ),
    }
    started = time.perf_counter()
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name in SECTIONS:
        if name not in selected:
            continue
        run, show = runners[name]
        began = time.perf_counter()
        results[name] = run()
        timings[name] = round(time.perf_counter() - began, 1)
        print(show(results[name]), end="\n\n", flush=True)
    checks = targets(results)
    print(
        table(
            "Targets",
            ["target", "value", "limit", "result"],
            [[c["target"], c["value"], c["limit"], "met" if c["met"] else "MISSED"]
             for c in checks],
        )
    )  # fmt: skip
    document: dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": "make bench",
        "seconds": {**timings, "total": round(time.perf_counter() - started, 1)},
        "results": results,
        "targets": checks,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = args.out / f"bench-{stamp}.json"
    text = json.dumps(document, indent=2) + "\n"
    path.write_text(text)
    (args.out / "latest.json").write_text(text)
    print(f"\nmachine: {document['machine']}")
    print(f"wrote {path} (and latest.json) in {document['seconds']['total']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
