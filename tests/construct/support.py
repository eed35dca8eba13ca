"""Helpers shared by the construct, example-app and packaging tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_STACK = "OpenSearchPackagesExample"


@dataclass(frozen=True)
class Synthesised:
    """A synthesised app: its cloud assembly directory and one stack's template."""

    outdir: Path
    stack_name: str
    template: dict[str, Any]

    def asset_dirs(self) -> list[Path]:
        """The stack's file assets that are directories (not the template itself)."""
        assets = json.loads((self.outdir / f"{self.stack_name}.assets.json").read_text())
        paths = [self.outdir / a["source"]["path"] for a in assets["files"].values()]
        return [p for p in paths if p.is_dir()]

    def handler_asset_dir(self) -> Path:
        (asset,) = self.asset_dirs()
        return asset


def resources_of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def only_resource_of_type(template: dict[str, Any], type_: str) -> tuple[str, dict[str, Any]]:
    found = resources_of_type(template, type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.items()))


def pinned_versions(requirements: Path) -> dict[str, str]:
    """``name -> version`` of the ``name==version`` lines of a requirements file."""
    pins = {}
    for raw_line in requirements.read_text().splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def dist_version(asset: Path, distribution: str) -> str:
    """Version of ``distribution`` installed in an asset, from its ``.dist-info`` folder."""
    normalised = distribution.lower().replace("-", "_")
    found = [
        p.name.removesuffix(".dist-info").split("-", 1)[1]
        for p in asset.glob("*.dist-info")
        if p.name.lower().split("-", 1)[0] == normalised
    ]
    assert len(found) == 1, f"expected one {distribution} in {asset}, found {found}"
    return found[0]


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3])


def check_handler_asset(asset: Path, requirements: Path) -> None:
    """The asset holds the handler, crhelper and boto3/botocore at the pinned versions."""
    assert (asset / "domain_packages_handler" / "main.py").is_file()
    assert (asset / "domain_packages_handler" / "__init__.py").is_file()
    for package in ("crhelper", "boto3", "botocore"):
        assert (asset / package / "__init__.py").is_file(), f"{package} missing from {asset}"
    pins = pinned_versions(requirements)
    for distribution in pins:
        assert dist_version(asset, distribution) == pins[distribution], distribution
    assert version_tuple(dist_version(asset, "botocore")) >= (1, 35, 58)
    assert not (asset / "bin").exists()
    assert not list(asset.glob("domain_packages_handler/**/__pycache__"))
    assert not list(asset.glob("domain_packages_handler/**/*.pyc"))
