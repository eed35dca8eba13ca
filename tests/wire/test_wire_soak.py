"""The short soak the suite always runs; the long one is `python -m tests.wire.soak`."""

from __future__ import annotations

from tests.wire.soak import run_soak


def test_short_soak_leaves_every_domain_exactly_as_declared() -> None:
    report = run_soak(runs=9, seed=11, workers=3)
    assert report.violations == []
    assert report.runs == 9
    assert sum(report.faults.values()) > 0
