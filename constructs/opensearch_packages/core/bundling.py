"""The handler's Lambda asset: the handler package plus its pinned requirements.

Bundled at synth time on the local machine with pip (no Docker needed); if pip is not available
CDK falls back to the same recipe in the runtime's bundling container. The asset hash is computed
from the sources and the recipe, so two synths of the same sources give the same asset.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

#: Data package (``lambda/`` in the source tree) that holds the handler and its requirements.
SOURCE_PACKAGE = "opensearch_packages._lambda"
HANDLER_PACKAGE = "domain_packages_handler"
REQUIREMENTS_FILE = "requirements.txt"
HANDLER = f"{HANDLER_PACKAGE}.main.handler"
RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64
#: Bump when the bundling recipe below changes in a way that changes the asset's contents.
RECIPE_VERSION = "opensearch-packages-bundle/3"
#: botocore service models kept in the asset; the other ~400 (over 80% of the zipped asset) are
#: never loaded. The handler builds ``opensearch`` and ``lambda`` clients (and, for a long
#: wait, a ``cloudformation`` one: core/stack.py), crhelper builds
#: ``lambda``, ``events`` and ``logs`` clients in its constructor (a failure there fails every
#: event), and botocore's credential providers may build ``sts``, ``sso`` and ``sso-oidc``
#: clients. The files directly under ``botocore/data`` (endpoints, partitions, retry and
#: default configuration) are all kept.
BOTOCORE_SERVICES = (
    "cloudformation",
    "events",
    "lambda",
    "logs",
    "opensearch",
    "sso",
    "sso-oidc",
    "sts",
)

#: pip's ``--platform`` machine name for each Lambda architecture.
_PIP_MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
_RUNTIME_PREFIX = "python"


def _pip_python_version(runtime: lambda_.Runtime) -> str:
    """``--python-version`` for ``runtime``, e.g. ``"3.14"`` for ``python3.14``."""
    if not runtime.name.startswith(_RUNTIME_PREFIX):
        raise ValueError(f"not a Python runtime: {runtime.name!r}")
    return runtime.name.removeprefix(_RUNTIME_PREFIX)


def _pip_platform(architecture: lambda_.Architecture) -> str:
    """``--platform`` for ``architecture``, e.g. ``"manylinux2014_aarch64"`` for ``arm64``."""
    return f"manylinux2014_{_PIP_MACHINES[architecture.name]}"


#: Derived from ``RUNTIME`` and ``ARCHITECTURE`` (which also feed the asset hash) so that the
#: wheels pip picks always match the function's runtime and architecture. ``--require-hashes``:
#: every pin in ``requirements.txt`` carries the sha256 of its wheels, so a synth bundles exactly
#: the files the tests ran with, whatever index the user's pip reads, or fails.
_PIP_TARGET_OPTIONS = (
    "--no-deps",
    "--no-compile",
    "--only-binary=:all:",
    "--require-hashes",
    "--platform",
    _pip_platform(ARCHITECTURE),
    "--implementation",
    "cp",
    "--python-version",
    _pip_python_version(RUNTIME),
    "--quiet",
    "--disable-pip-version-check",
)
_SKIPPED_DIRS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def source_dir() -> Path:
    """The directory holding ``domain_packages_handler/`` and ``requirements.txt``.

    Found through the installed package (wheel or editable install), never by importing the
    handler.
    """
    path = Path(str(importlib.resources.files(SOURCE_PACKAGE)))
    if (
        not (path / HANDLER_PACKAGE / "main.py").is_file()
        or not (path / REQUIREMENTS_FILE).is_file()
    ):
        raise FileNotFoundError(
            f"the handler sources are missing from {path}: expected {HANDLER_PACKAGE}/main.py and "
            f"{REQUIREMENTS_FILE}; reinstall opensearch-packages"
        )
    return path


def _skipped(name: str) -> bool:
    """Whether a file or directory called ``name`` is left out of the asset (bytecode caches).

    The one rule for both hashing (``_handler_files``) and copying (``bundle``), so that the
    asset hash covers exactly the files that are bundled.
    """
    return name in _SKIPPED_DIRS or name.endswith(_SKIPPED_SUFFIXES)


def _handler_files(source: Path) -> list[Path]:
    """Files of the handler package, sorted, without bytecode caches."""
    files = []
    for path in (source / HANDLER_PACKAGE).rglob("*"):
        relative = path.relative_to(source)
        if not path.is_file() or any(_skipped(part) for part in relative.parts):
            continue
        files.append(path)
    return sorted(files, key=lambda p: p.relative_to(source).as_posix())


def asset_hash(source: Path) -> str:
    """SHA-256 over the recipe, the target platform and every file that goes into the asset."""
    digest = hashlib.sha256()

    def feed(*parts: bytes) -> None:
        for part in parts:
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)

    feed(RECIPE_VERSION.encode(), RUNTIME.name.encode(), ARCHITECTURE.name.encode())
    for path in [*_handler_files(source), source / REQUIREMENTS_FILE]:
        feed(path.relative_to(source).as_posix().encode(), path.read_bytes())
    return digest.hexdigest()


def _ignore_caches(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if _skipped(n)}


def bundle(source: Path, output_dir: Path) -> None:
    """Write the asset into ``output_dir``: the handler package plus the pinned requirements."""
    shutil.copytree(
        source / HANDLER_PACKAGE,
        output_dir / HANDLER_PACKAGE,
        ignore=_ignore_caches,
        dirs_exist_ok=True,
    )
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        *_PIP_TARGET_OPTIONS,
        "--target",
        str(output_dir),
        "--requirement",
        str(source / REQUIREMENTS_FILE),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"bundling the OpenSearch packages handler failed: {' '.join(command)} exited with "
            f"{result.returncode}:\n{result.stdout}{result.stderr}"
        )
    shutil.rmtree(output_dir / "bin", ignore_errors=True)
    trim_botocore_data(output_dir)


def trim_botocore_data(output_dir: Path) -> None:
    """Remove the service models of ``botocore/data`` that no client of the handler loads."""
    data = output_dir / "botocore" / "data"
    for entry in sorted(data.iterdir()):
        if entry.is_dir() and entry.name not in BOTOCORE_SERVICES:
            shutil.rmtree(entry)


@jsii.implements(ILocalBundling)
class LocalBundling:
    """Bundles the handler asset with this Python's pip, without Docker."""

    def __init__(self, source: Path) -> None:
        self._source = source

    def try_bundle(self, output_dir: str, *, image: DockerImage, **options: Any) -> bool:
        """Bundle into ``output_dir``; ``False`` (use Docker instead) when pip is missing."""
        if importlib.util.find_spec("pip") is None:
            return False
        bundle(self._source, Path(output_dir))
        return True


def _docker_command() -> list[str]:
    pip = " ".join(
        [
            "python -m pip install",
            *_PIP_TARGET_OPTIONS,
            "--target /asset-output",
            f"--requirement /asset-input/{REQUIREMENTS_FILE}",
        ]
    )
    kept = " ".join(f"! -name {name}" for name in BOTOCORE_SERVICES)
    script = " && ".join(
        [
            f"cp -R /asset-input/{HANDLER_PACKAGE} /asset-output/",
            "find /asset-output -depth \\( -name __pycache__ -o -name '*.py[co]' \\) "
            "-exec rm -rf {} +",
            pip,
            "rm -rf /asset-output/bin",
            f"find /asset-output/botocore/data -mindepth 1 -maxdepth 1 -type d {kept} "
            "-exec rm -rf {} +",
        ]
    )
    return ["bash", "-c", script]


def handler_code() -> lambda_.Code:
    """The handler's ``Code``: bundled locally (or in Docker), with a content-derived hash."""
    source = source_dir()
    return lambda_.Code.from_asset(
        str(source),
        asset_hash=asset_hash(source),
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=BundlingOptions(
            image=RUNTIME.bundling_image,
            command=_docker_command(),
            environment={"PIP_CACHE_DIR": "/tmp/pip-cache"},  # noqa: S108 (inside the container)
            local=LocalBundling(source),
        ),
    )
