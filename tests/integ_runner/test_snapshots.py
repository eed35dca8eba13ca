"""integ.runner.snapshots: canonical templates, the snapshot files, and the comparison that
fails `make test` when a template changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integ.runner.snapshots import (
    INTEG_MANIFEST,
    MAX_DIFF_LINES,
    SALT,
    assembly_snapshot,
    canonical_template,
    read_snapshot,
    snapshot_differences,
    write_snapshot,
)

HASH_A = "a" * 64
HASH_B = "b" * 64
HASH_C = "c" * 64


def template(code_hash: str = HASH_A, file_hash: str = HASH_B, **properties: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Handler": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Key": f"{code_hash}.zip"}, **properties},
            },
            "Package": {
                "Type": "Custom::OpenSearchPackage",
                "Properties": {"S3Key": f"{file_hash}.txt", "Copy": f"asset.{file_hash}.txt"},
            },
        }
    }


def test_asset_hashes_are_numbered_by_first_appearance() -> None:
    text = canonical_template(template(), [HASH_B, HASH_A, HASH_C])
    assert '"S3Key": "Asset1.zip"' in text
    assert '"S3Key": "Asset2.txt"' in text
    assert '"Copy": "asset.Asset2.txt"' in text
    assert HASH_A not in text
    assert HASH_B not in text
    assert "Asset3" not in text


def test_a_changed_asset_alone_is_not_a_template_change() -> None:
    assert canonical_template(template(), [HASH_A, HASH_B]) == canonical_template(
        template(code_hash=HASH_C), [HASH_C, HASH_B]
    )


def test_a_changed_property_is_a_template_change() -> None:
    assert canonical_template(template(), [HASH_A, HASH_B]) != canonical_template(
        template(Timeout=900), [HASH_A, HASH_B]
    )


def test_assertion_salts_are_fixed_and_nothing_else_moves() -> None:
    salted = {
        "Resources": {
            "First": {"Type": "Custom::DeployAssert@SdkCall", "Properties": {"salt": "1"}},
            "Second": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r"}},
            "Third": {"Type": "Custom::X", "Properties": {"salt": "2", "flattenResponse": "false"}},
        },
        "Outputs": {"salt": {"Value": "kept"}},
    }
    text = canonical_template(salted, [])
    parsed = json.loads(text)
    assert list(parsed["Resources"]) == ["First", "Second", "Third"]
    assert parsed["Resources"]["First"]["Properties"] == {"salt": SALT}
    assert parsed["Resources"]["Third"]["Properties"] == {"salt": SALT, "flattenResponse": "false"}
    assert parsed["Outputs"] == {"salt": {"Value": "kept"}}
    assert canonical_template({**salted}, []) == text


def write_assembly(directory: Path, templates: dict[str, dict[str, Any]]) -> None:
    for stack, body in templates.items():
        (directory / f"{stack}.template.json").write_text(json.dumps(body))
    (directory / "Stack.assets.json").write_text(
        json.dumps({"files": {HASH_A: {}, HASH_B: {}}, "dockerImages": {}})
    )
    (directory / INTEG_MANIFEST).write_text(json.dumps({"testCases": {"A": {"stacks": ["S"]}}}))
    (directory / "tree.json").write_text("{}")


def test_an_assembly_snapshot_holds_templates_and_the_integ_manifest(tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Stack": template(), "Assert": {"Resources": {}}})
    files = assembly_snapshot(tmp_path)
    assert sorted(files) == ["Assert.template.json", "Stack.template.json", INTEG_MANIFEST]
    assert "Asset1.zip" in files["Stack.template.json"]
    assert json.loads(files[INTEG_MANIFEST]) == {"testCases": {"A": {"stacks": ["S"]}}}


def test_an_assembly_without_integ_manifest_is_an_error(tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Stack": template()})
    (tmp_path / INTEG_MANIFEST).unlink()
    with pytest.raises(FileNotFoundError, match="wrote no integ manifest"):
        assembly_snapshot(tmp_path)


def test_write_then_read_round_trips_and_removes_stale_files(tmp_path: Path) -> None:
    target = tmp_path / "app.py.snapshot"
    assert read_snapshot(target) == {}
    write_snapshot(target, {"Old.template.json": "{}\n", "integ.json": "{}\n"})
    write_snapshot(target, {"New.template.json": "[]\n", "integ.json": "{}\n"})
    assert read_snapshot(target) == {"New.template.json": "[]\n", "integ.json": "{}\n"}


def test_differences_name_missing_unexpected_and_changed_files() -> None:
    expected = {"Gone.template.json": "{}\n", "Same.json": "x\n", "Changed.json": "a\nb\n"}
    actual = {"New.template.json": "{}\n", "Same.json": "x\n", "Changed.json": "a\nc\n"}
    messages = snapshot_differences(expected, actual, "x")
    assert len(messages) == 3
    changed, gone, new = messages
    assert changed.splitlines() == [
        "--- x/Changed.json (snapshot)",
        "+++ x/Changed.json (synthesised)",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "+c",
    ]
    assert gone == "x/Gone.template.json: in the snapshot, no longer synthesised"
    assert new == "x/New.template.json: synthesised, not in the snapshot"
    assert snapshot_differences(actual, actual, "x") == []


def test_long_diffs_are_cut() -> None:
    expected = {"T.json": "".join(f"old {i}\n" for i in range(500))}
    actual = {"T.json": "".join(f"new {i}\n" for i in range(500))}
    (message,) = snapshot_differences(expected, actual, "x")
    lines = message.splitlines()
    assert len(lines) == MAX_DIFF_LINES + 1
    # 2 file lines, 1 hunk header, 500 removed, 500 added: 1,003 in all.
    assert lines[-1] == f"... {1003 - MAX_DIFF_LINES} more diff lines"
