"""Fixtures for the construct, example-app and packaging tests."""

from __future__ import annotations

import json
import os

# Before jsii starts its Node process: Node 20 is end-of-life for jsii and warns on every start.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk
import pytest

from tests.constructs.support import HARDENED_STACK, Synthesised


@pytest.fixture
def app() -> cdk.App:
    """An app that skips asset bundling (the construct tests need no real asset)."""
    return cdk.App(context={"aws:cdk:bundling-stacks": []})


@pytest.fixture
def stack(app: cdk.App) -> cdk.Stack:
    return cdk.Stack(app, "TestStack")


@pytest.fixture(scope="session")
def example_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesised:
    """The hardened example (example/hardened_app.py) synthesised once, as `cdk synth` does: real
    bundling, cdk-nag on."""
    from example import hardened_app

    outdir = tmp_path_factory.mktemp("example-cdk.out")
    hardened_app.build_app(cdk.App(outdir=str(outdir))).synth()
    template = json.loads((outdir / f"{HARDENED_STACK}.template.json").read_text())
    return Synthesised(outdir=outdir, stack_name=HARDENED_STACK, template=template)
