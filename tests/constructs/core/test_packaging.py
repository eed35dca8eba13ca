"""The handler asset (local bundling, stable hash) and the library installed from a wheel: a user's
app, and a user's copy of the minimal example (app.py), synthesise with it."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from opensearch_packages import DomainPackages
from opensearch_packages.core import bundling as _bundling
from tests.constructs.support import (
    MINIMAL_STACK,
    REPO_ROOT,
    Synthesised,
    check_handler_asset,
    only_resource_of_type,
)

REQUIREMENTS = REPO_ROOT / "lambda" / "requirements.txt"


def function_s3_key(template: dict[str, Any]) -> str:
    _, function = only_resource_of_type(template, "AWS::Lambda::Function")
    key: str = function["Properties"]["Code"]["S3Key"]
    return key


def synth_small_app(outdir: Path, *, bundle: bool) -> Synthesised:
    context: dict[str, Any] = {} if bundle else {"aws:cdk:bundling-stacks": []}
    app = cdk.App(outdir=str(outdir), context=context)
    stack = cdk.Stack(app, "Small")
    DomainPackages(stack, "Packages", domain_name="my-domain", packages=["F1"])
    app.synth()
    template = json.loads((outdir / "Small.template.json").read_text())
    return Synthesised(outdir=outdir, stack_name="Small", template=template)


def copy_sources(destination: Path) -> Path:
    """A copy of the handler sources (``lambda/``) to modify."""
    shutil.copytree(
        _bundling.source_dir(), destination, ignore=shutil.ignore_patterns("__pycache__")
    )
    return destination


# --- the asset ----------------------------------------------------------------------------------


def test_sources_come_from_the_installed_package() -> None:
    assert _bundling.source_dir() == REPO_ROOT / "lambda"  # editable install of this checkout


def test_example_asset_is_bundled_locally(example_synth: Synthesised) -> None:
    asset = example_synth.handler_asset_dir()
    check_handler_asset(asset, REQUIREMENTS)
    handler_files = sorted(
        p.relative_to(asset).as_posix() for p in (asset / "domain_packages_handler").rglob("*.py")
    )
    source_files = sorted(
        p.relative_to(REPO_ROOT / "lambda").as_posix()
        for p in (REPO_ROOT / "lambda" / "domain_packages_handler").rglob("*.py")
    )
    assert handler_files == source_files
    assert not (asset / "requirements.txt").exists()
    assert not (asset / "__init__.py").exists()  # lambda/__init__.py is packaging only


def test_asset_hash_does_not_depend_on_the_bundling_output(
    example_synth: Synthesised, tmp_path: Path
) -> None:
    """The asset's hash derives from the sources and the recipe: known before bundling, and the
    same whether bundling runs or is skipped (as in the unit tests)."""
    asset = example_synth.handler_asset_dir()
    assert asset.name == f"asset.{function_s3_key(example_synth.template).removesuffix('.zip')}"
    skipped = synth_small_app(tmp_path / "skipped", bundle=False)
    assert function_s3_key(skipped.template) == function_s3_key(example_synth.template)


@pytest.mark.slow
def test_asset_hash_is_identical_across_two_synths(
    example_synth: Synthesised, tmp_path: Path
) -> None:
    """A second synth in a fresh output directory (bundled again) gives the same asset."""
    second = synth_small_app(tmp_path / "second", bundle=True)
    assert function_s3_key(second.template) == function_s3_key(example_synth.template)
    check_handler_asset(second.handler_asset_dir(), REQUIREMENTS)


def test_asset_hash_changes_when_a_handler_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = copy_sources(tmp_path / "lambda")
    original = synth_small_app(tmp_path / "original", bundle=False)

    monkeypatch.setattr(_bundling, "source_dir", lambda: source)
    unchanged = synth_small_app(tmp_path / "unchanged", bundle=False)
    assert function_s3_key(unchanged.template) == function_s3_key(original.template)

    main = source / "domain_packages_handler" / "main.py"
    main.write_text(main.read_text() + "\n# changed\n")
    changed = synth_small_app(tmp_path / "changed", bundle=False)
    assert function_s3_key(changed.template) != function_s3_key(original.template)


def test_asset_hash_covers_every_input(tmp_path: Path) -> None:
    source = copy_sources(tmp_path / "lambda")
    baseline = _bundling.asset_hash(source)
    assert _bundling.asset_hash(source) == baseline

    # bytecode caches and files outside the asset do not count
    cache = source / "domain_packages_handler" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "main.cpython-311.pyc").write_bytes(b"\0")
    (source / "domain_packages_handler" / "stale.pyc").write_bytes(b"\0")
    (source / "NOTES.md").write_text("not bundled")
    assert _bundling.asset_hash(source) == baseline

    # a new module, a renamed module, the requirements: all count
    (source / "domain_packages_handler" / "extra.py").write_text("X = 1\n")
    with_extra = _bundling.asset_hash(source)
    assert with_extra != baseline
    (source / "domain_packages_handler" / "extra.py").rename(
        source / "domain_packages_handler" / "other.py"
    )
    assert _bundling.asset_hash(source) not in {baseline, with_extra}
    (source / "domain_packages_handler" / "other.py").unlink()
    assert _bundling.asset_hash(source) == baseline
    requirements = source / "requirements.txt"
    requirements.write_text(requirements.read_text() + "\n")
    assert _bundling.asset_hash(source) != baseline


def test_no_pip_means_docker_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    bundler = _bundling.LocalBundling(_bundling.source_dir())
    assert bundler.try_bundle(str(tmp_path), image=cdk.DockerImage("unused")) is False
    assert list(tmp_path.iterdir()) == []


def test_docker_fallback_uses_the_same_recipe() -> None:
    command = _bundling._docker_command()
    assert command[:2] == ["bash", "-c"]
    for option in (
        "--no-deps",
        "--only-binary=:all:",
        "--platform manylinux2014_aarch64",
        "--python-version 3.14",
        "--target /asset-output",
        "--requirement /asset-input/requirements.txt",
        "cp -R /asset-input/domain_packages_handler /asset-output/",
        "rm -rf /asset-output/bin",
    ):
        assert option in command[2]


def test_bundling_failure_is_reported(tmp_path: Path) -> None:
    source = copy_sources(tmp_path / "lambda")
    (source / "requirements.txt").write_text("this-package-does-not-exist-anywhere==0.0.0\n")
    with pytest.raises(RuntimeError, match=r"bundling the OpenSearch packages handler failed"):
        _bundling.bundle(source, tmp_path / "out")


# --- installed from a wheel -----------------------------------------------------------------------

USER_APP = textwrap.dedent(
    """
    import aws_cdk as cdk
    from aws_cdk import aws_opensearchservice as opensearch
    from opensearch_packages import DomainPackages, Package, PackageAssociation

    app = cdk.App()
    stack = cdk.Stack(app, "UserStack")
    domain = opensearch.Domain(
        stack, "Domain", version=opensearch.EngineVersion.OPENSEARCH_2_19
    )
    synonyms = Package(stack, "Synonyms", source="synonyms.txt")
    packages = DomainPackages(
        stack, "SearchPackages",
        domain=domain,
        packages=["F111111111", PackageAssociation("pkg-0a1b2c3d", prerequisites=["F111111111"])],
        timeout=cdk.Duration.minutes(20),
    )
    DomainPackages(stack, "DictionaryPackages", domain=domain, packages=[synonyms])
    cdk.CfnOutput(stack, "SynonymsPath", value=packages.reference_path("F111111111"))
    app.synth()
    """
)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=env, timeout=900, check=False
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"


@dataclass(frozen=True)
class WheelVenv:
    """A fresh virtual environment with a wheel of this checkout installed, and nothing else but
    the wheel's dependencies (aws-cdk-lib, constructs): what a user's CDK app has."""

    venv: Path
    #: The environment to run its Python in: no PYTHONPATH or VIRTUAL_ENV of this checkout's.
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    """Built once per module: a wheel of a clean copy of this checkout, installed into a venv."""
    root = tmp_path_factory.mktemp("wheel")
    checkout = root / "checkout"
    shutil.copytree(
        REPO_ROOT,
        checkout,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "cdk.out", "build", "dist", "*.egg-info",
            "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis",
        ),
    )  # fmt: skip
    wheels = root / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), "."], checkout)
    (wheel,) = wheels.glob("opensearch_packages-*.whl")

    venv = root / "venv"
    run([sys.executable, "-m", "venv", str(venv)], root)
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        root)  # fmt: skip
    shutil.rmtree(checkout)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return WheelVenv(venv=venv, env=env)


@pytest.mark.slow
def test_installed_from_a_wheel_into_a_fresh_venv(
    example_synth: Synthesised, wheel_venv: WheelVenv, tmp_path: Path
) -> None:
    """`pip install` of a wheel of this checkout gives a library that synthesises with a full
    asset, from a user app in an unrelated folder."""
    venv, python, env = wheel_venv.venv, wheel_venv.python, wheel_venv.env

    user = tmp_path / "user-app"
    user.mkdir()
    (user / "app.py").write_text(USER_APP)
    (user / "synonyms.txt").write_text("laptop, notebook\n")
    run([str(python), "app.py"], user, {**env, "CDK_OUTDIR": str(user / "cdk.out")})

    outdir = user / "cdk.out"
    template = json.loads((outdir / "UserStack.template.json").read_text())
    synthesised = Synthesised(outdir=outdir, stack_name="UserStack", template=template)
    Template.from_json(template).resource_count_is("Custom::OpenSearchDomainPackages", 2)
    Template.from_json(template).resource_count_is("Custom::OpenSearchPackage", 1)
    resource = template["Resources"][
        next(k for k in template["Resources"] if k.startswith("SearchPackages"))
    ]
    assert resource["Properties"]["Packages"] == [
        {"PackageID": "F111111111"},
        {"PackageID": "pkg-0a1b2c3d", "Prerequisites": ["F111111111"]},
    ]
    asset = synthesised.handler_asset_dir()
    installed = Path(
        subprocess.run(
            [str(python), "-c", "import opensearch_packages, os; "
             "print(os.path.dirname(opensearch_packages.__file__))"],
            capture_output=True, text=True, check=True, cwd=user,
        ).stdout.strip()
    )  # fmt: skip
    assert installed.is_relative_to(venv)  # the wheel's copy, not this checkout
    check_handler_asset(asset, installed / "_lambda" / "requirements.txt")
    assert (installed / "_lambda" / "requirements.txt").read_text() == REQUIREMENTS.read_text()
    # same sources, same asset as from this checkout
    assert function_s3_key(template) == function_s3_key(example_synth.template)
    # The watch tool ships too, as a console script and in its older spelling; without the
    # [watch] extra it names the extra to install.
    for command in (
        [str(venv / "bin" / "opensearch-packages-watch"), "my-domain"],
        [str(python), "-m", "opensearch_packages", "watch", "my-domain"],
    ):
        watch = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=user, env=env
        )
        assert (watch.returncode, watch.stdout) == (2, ""), command
        assert watch.stderr.endswith("pip install 'opensearch-packages[watch]'\n"), command


@pytest.mark.slow
def test_the_minimal_example_synthesises_from_a_users_copy(
    example_synth: Synthesised, wheel_venv: WheelVenv, tmp_path: Path
) -> None:
    """app.py and the file it packages, copied out of the repository as a user would copy them,
    synthesise with only the library installed (from its wheel): no cdk_nag, no dev extras,
    nothing of this checkout on the path, run from another directory as the cdk CLI may."""
    copy = tmp_path / "my-search-app"
    (copy / "example").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "app.py", copy / "app.py")
    shutil.copy2(REPO_ROOT / "example" / "synonyms.txt", copy / "example" / "synonyms.txt")
    assert not copy.is_relative_to(REPO_ROOT)
    python, env = wheel_venv.python, wheel_venv.env
    for module in ("cdk_nag", "example", "tests"):  # what the repository's apps and tests have
        absent = subprocess.run(
            [str(python), "-c", f"import {module}"],
            capture_output=True, text=True, check=False, cwd=tmp_path, env=env,
        )  # fmt: skip
        assert absent.returncode == 1, module
        assert f"No module named '{module}'" in absent.stderr

    outdir = tmp_path / "cdk.out"
    run([str(python), str(copy / "app.py")], tmp_path, {**env, "CDK_OUTDIR": str(outdir)})

    template = json.loads((outdir / f"{MINIMAL_STACK}.template.json").read_text())
    only_resource_of_type(template, "AWS::OpenSearchService::Domain")
    package_id, package = only_resource_of_type(template, "Custom::OpenSearchPackage")
    _, association = only_resource_of_type(template, "Custom::OpenSearchDomainPackages")
    assert [e["PackageID"] for e in association["Properties"]["Packages"]] == [{"Ref": package_id}]
    assert list(template["Outputs"]) == ["SynonymsPath"]
    staged = outdir / f"asset.{package['Properties']['PackageSource']['S3Key']}"
    assert staged.read_text() == (REPO_ROOT / "example" / "synonyms.txt").read_text()
    synthesised = Synthesised(outdir=outdir, stack_name=MINIMAL_STACK, template=template)
    check_handler_asset(synthesised.handler_asset_dir(), REQUIREMENTS)
    # same sources, same handler asset as from this checkout
    assert function_s3_key(template) == function_s3_key(example_synth.template)
