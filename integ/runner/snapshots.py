"""Snapshots: what an integration app synthesises, in a form that changes only when the
templates do, committed as ``integ/<app>.py.snapshot/``.

Like integ-runner's snapshot test, asset hashes are replaced by numbered names (``Asset1``, ...)
so that a change in the handler's code or a dictionary's content alone, which only moves a
hash, is not a template change. Numbering follows the first appearance in the template, not
the asset manifest's order, so that one hash changing never renumbers the others.

integ-tests-alpha gives each assertion resource a ``salt`` property, the synth's time in
milliseconds, so that CloudFormation runs it again on every deploy; it is replaced by a fixed
value here, or no two synths would compare equal.

A snapshot holds each stack's template and the integ manifest; the rest of the cloud assembly
(assets, tree, metadata) is left out: it is large, and a template is what reviewers read.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: The integ manifest's file name in a cloud assembly and in a snapshot.
INTEG_MANIFEST = "integ.json"
TEMPLATE_SUFFIX = ".template.json"
#: At most this many diff lines per file in a report: enough to see what changed.
MAX_DIFF_LINES = 120
#: What an assertion resource's ``salt`` becomes in a snapshot.
SALT = "(the synth time)"


def canonical_template(template: Mapping[str, Any], asset_ids: Iterable[str]) -> str:
    """``template`` as JSON text with each asset ID numbered by its first appearance and each
    assertion resource's salt fixed."""
    text = json.dumps(_without_salts(template), indent=1) + "\n"
    present = [(text.find(asset_id), asset_id) for asset_id in set(asset_ids) if asset_id]
    for number, (_, asset_id) in enumerate(sorted(p for p in present if p[0] >= 0), start=1):
        text = text.replace(asset_id, f"Asset{number}")
    return text


def _without_salts(template: Mapping[str, Any]) -> Mapping[str, Any]:
    resources: Mapping[str, Any] = template.get("Resources") or {}
    salted = {
        logical_id: {**resource, "Properties": {**resource["Properties"], "salt": SALT}}
        for logical_id, resource in resources.items()
        if isinstance(resource.get("Properties"), dict) and "salt" in resource["Properties"]
    }
    if not salted:
        return template
    return {**template, "Resources": {**resources, **salted}}


def assembly_snapshot(assembly_dir: Path) -> dict[str, str]:
    """The snapshot files of a synthesised cloud assembly: file name -> text."""
    asset_ids: set[str] = set()
    for manifest_file in assembly_dir.glob("*.assets.json"):
        manifest = json.loads(manifest_file.read_text())
        asset_ids.update(manifest.get("files", {}))
        asset_ids.update(manifest.get("dockerImages", {}))
    files = {
        path.name: canonical_template(json.loads(path.read_text()), asset_ids)
        for path in sorted(assembly_dir.glob("*" + TEMPLATE_SUFFIX))
    }
    integ_manifest = assembly_dir / INTEG_MANIFEST
    if not integ_manifest.is_file():
        raise FileNotFoundError(f"{integ_manifest}: the app wrote no integ manifest")
    files[INTEG_MANIFEST] = json.dumps(json.loads(integ_manifest.read_text()), indent=1) + "\n"
    return files


def read_snapshot(snapshot_dir: Path) -> dict[str, str]:
    """The committed snapshot (empty when there is none)."""
    if not snapshot_dir.is_dir():
        return {}
    return {path.name: path.read_text() for path in sorted(snapshot_dir.iterdir())}


def write_snapshot(snapshot_dir: Path, files: Mapping[str, str]) -> None:
    """Replace the snapshot with ``files``: stale files (a stack that is gone) go too."""
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    for stale in set(read_snapshot(snapshot_dir)) - set(files):
        (snapshot_dir / stale).unlink()
    for name, text in files.items():
        (snapshot_dir / name).write_text(text)


def snapshot_differences(
    expected: Mapping[str, str], actual: Mapping[str, str], label: str
) -> list[str]:
    """One message per file that differs: missing, unexpected, or a unified diff."""
    messages: list[str] = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            messages.append(f"{label}/{name}: in the snapshot, no longer synthesised")
        elif name not in expected:
            messages.append(f"{label}/{name}: synthesised, not in the snapshot")
        elif expected[name] != actual[name]:
            diff = list(
                difflib.unified_diff(
                    expected[name].splitlines(),
                    actual[name].splitlines(),
                    f"{label}/{name} (snapshot)",
                    f"{label}/{name} (synthesised)",
                    lineterm="",
                )
            )
            shown = diff[:MAX_DIFF_LINES]
            if len(diff) > MAX_DIFF_LINES:
                shown.append(f"... {len(diff) - MAX_DIFF_LINES} more diff lines")
            messages.append("\n".join(shown))
    return messages
