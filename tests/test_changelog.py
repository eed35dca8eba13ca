"""CHANGELOG.md says what the version in pyproject.toml changes: its top entry is that version,
and every entry is newest first with at least one of Added, Changed and Fixed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The sections an entry may have; at least one of CHANGE_SECTIONS, each with a bullet.
CHANGE_SECTIONS = ("Added", "Changed", "Fixed")
SECTIONS = (*CHANGE_SECTIONS, "Upgrading")
_ENTRY = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\](?: - (?P<date>.+))?$")
_SECTION = re.compile(r"^### (?P<name>.+)$")


@dataclass
class Entry:
    version: str
    #: Section name -> its bullet lines.
    sections: dict[str, list[str]] = field(default_factory=dict)


def project_version() -> str:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+, as in tests/bench/test_mutation.py
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        version: str = tomllib.load(file)["project"]["version"]
    return version


def entries(text: str) -> list[Entry]:
    """The ``## [X.Y.Z]`` entries in order, with the bullets of their ``###`` sections."""
    found: list[Entry] = []
    section: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            match = _ENTRY.match(line)
            assert match, f"not a version heading (## [X.Y.Z] or ## [X.Y.Z] - date): {line!r}"
            found.append(Entry(match["version"]))
            section = None
        elif (match := _SECTION.match(line)) and found:
            section = found[-1].sections.setdefault(match["name"], [])
        elif line.startswith("- ") and section is not None:
            section.append(line)
    return found


def problems(text: str, version: str) -> list[str]:
    """Why a changelog does not describe ``version`` as the project's latest release."""
    found = entries(text)
    if not found:
        return ["no ## [X.Y.Z] entry"]
    result = []
    if found[0].version != version:
        result.append(f"top entry {found[0].version}, project version {version}")
    numbers = [tuple(int(part) for part in e.version.split(".")) for e in found]
    if numbers != sorted(set(numbers), reverse=True):
        result.append(f"versions not newest first, each once: {[e.version for e in found]}")
    for entry in found:
        unknown = sorted(set(entry.sections) - set(SECTIONS))
        if unknown:
            result.append(f"{entry.version}: sections {unknown}, not among {SECTIONS}")
        if not any(entry.sections.get(name) for name in CHANGE_SECTIONS):
            result.append(f"{entry.version}: none of {CHANGE_SECTIONS} with an entry")
        result.extend(
            f"{entry.version}: empty section {name}"
            for name, bullets in entry.sections.items()
            if not bullets
        )
    return result


def test_the_changelog_describes_the_project_version() -> None:
    text = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert problems(text, project_version()) == []


GOOD = """# Changelog

## [0.2.0] - Unreleased

### Fixed

- a fix

### Upgrading

- a note

## [0.1.0] - 2026-11-28

### Added

- a thing
"""


def test_a_good_changelog_passes() -> None:
    assert problems(GOOD, "0.2.0") == []
    assert [e.version for e in entries(GOOD)] == ["0.2.0", "0.1.0"]


@pytest.mark.parametrize(
    ("text", "version", "problem"),
    [
        pytest.param(GOOD, "0.3.0", "top entry 0.2.0, project version 0.3.0", id="version raised"),
        pytest.param(GOOD, "0.1.0", "top entry 0.2.0", id="version not raised"),
        pytest.param("# Changelog\n", "0.1.0", "no ## [X.Y.Z] entry", id="no entry"),
        pytest.param(
            GOOD.replace("### Fixed\n\n- a fix\n\n", ""),
            "0.2.0",
            "0.2.0: none of",
            id="upgrading only",
        ),
        pytest.param(GOOD.replace("- a thing\n", ""), "0.2.0", "0.1.0: none of", id="empty entry"),
        pytest.param(
            GOOD.replace("### Added", "### Removed"), "0.2.0", "sections ['Removed']", id="other"
        ),
        pytest.param(GOOD.replace("[0.1.0]", "[0.3.0]"), "0.2.0", "not newest first", id="order"),
        pytest.param(GOOD.replace("[0.1.0]", "[0.2.0]"), "0.2.0", "not newest first", id="twice"),
    ],
)
def test_the_check_finds(text: str, version: str, problem: str) -> None:
    assert any(problem in found for found in problems(text, version)), problems(text, version)


def test_a_heading_without_a_version_is_refused() -> None:
    with pytest.raises(AssertionError, match="not a version heading"):
        entries("## [Unreleased]\n\n### Added\n\n- a thing\n")
