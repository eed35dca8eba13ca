"""The short soak the suite always runs; the long one is `python -m bench.soak`."""

from __future__ import annotations

from bench.soak import run_soak


def test_short_soak_leaves_every_domain_and_the_account_exactly_as_declared() -> None:
    report = run_soak(runs=8, seed=11, workers=4)
    assert report.violations == []
    assert report.runs == 8
    assert sum(report.faults.values()) > 0
    assert report.foreign_writes == 0
    assert any(s.startswith("package_") for s in report.scenarios), report.scenarios
    assert sum(report.kills.values()) > 0, "no invocation was killed"
