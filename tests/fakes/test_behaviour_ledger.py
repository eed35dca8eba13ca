"""The behaviour ledger (BEHAVIOUR.md) and the fakes stay in step: every row is well formed and
names a source, every switch it names is one its fake has (with the default it has), every
switch FakeOpenSearch and FakeCloudFormation have is in the ledger, and every test a row names
exists. A row's fake is its section's: the CloudFormation sections are FakeCloudFormation's,
the Lambda section FakeLambda's (no switches yet, so not checked), the others FakeOpenSearch's."""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.opensearch import FakeOpenSearch

ROOT = Path(__file__).resolve().parents[2]
LEDGER = ROOT / "testsupport" / "fakes" / "BEHAVIOUR.md"
COLUMNS = ("id", "behaviour", "source", "evidence", "switch", "handler fallback", "test")
SOURCES = frozenset({"model", "api-reference", "guide", "field", "assumed"})
NONE = "—"
_SWITCH = re.compile(r"`(?P<name>[a-z_]+)=(?P<default>[^`]+)`")
#: Attributes that select an alternative without being constructor keywords, per fake.
ATTRIBUTE_SWITCHES: dict[type, tuple[str, ...]] = {FakeOpenSearch: ("batch_version_update",)}
#: The fakes whose switches the ledger must list, every one of them.
CHECKED_FAKES: tuple[type, ...] = (FakeOpenSearch, FakeCloudFormation)


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]
    section: str = ""

    def __getitem__(self, column: str) -> str:
        return self.cells[column]


def read_ledger(text: str) -> list[Row]:
    """Every table row of the ledger; a header that is not COLUMNS is an error."""
    rows: list[Row] = []
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "id":
            assert tuple(cells) == COLUMNS, f"line {number}: header {cells}"
            continue
        assert len(cells) == len(COLUMNS), f"line {number}: {len(cells)} cells"
        rows.append(Row(number, dict(zip(COLUMNS, cells, strict=True)), section))
    return rows


@cache
def ledger() -> list[Row]:
    return read_ledger(LEDGER.read_text(encoding="utf-8"))


def fake_of(row: Row) -> type | None:
    """The fake whose behaviour the row describes (None for one whose switches go unchecked)."""
    if row.section.startswith("CloudFormation"):
        return FakeCloudFormation
    if row.section.startswith("Lambda"):
        return None
    return FakeOpenSearch


def switches(fake: type) -> dict[str, object]:
    """The fake's behaviour switches and their defaults."""
    found: dict[str, object] = {
        name: parameter.default
        for name, parameter in inspect.signature(fake).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    for name in ATTRIBUTE_SWITCHES.get(fake, ()):
        found[name] = getattr(fake, name)
    return found


def shown(value: object) -> str:
    """A default as the ledger writes it: `name=value`, callables by their dotted name."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__name__', '')}"
    return repr(value).replace("'", '"')


def named_switches(row: Row) -> list[tuple[str, str]]:
    if row["switch"] == NONE:
        return []
    named = [(m["name"], m["default"]) for m in _SWITCH.finditer(row["switch"])]
    assert named, f"line {row.line}: switch cell {row['switch']!r} names no `name=default`"
    return named


@cache
def functions_in(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))


def problems(row: Row) -> list[str]:
    """What is wrong with one row on its own."""
    found = []
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["id"]):
        found.append(f"id {row['id']!r} is not kebab-case")
    if row["source"] not in SOURCES:
        found.append(f"source {row['source']!r} is not one of {sorted(SOURCES)}")
    if not row["behaviour"] or not row["evidence"]:
        found.append("behaviour or evidence is empty")
    if row["source"] == "assumed":
        if row["evidence"] != "undocumented":
            found.append("an assumed row's evidence is 'undocumented'")
        if row["handler fallback"] in ("", NONE):
            found.append("an assumed row says what the handler does otherwise")
    return [f"line {row.line}: {p}" for p in found]


def test_the_ledger_has_well_formed_rows_with_unique_ids() -> None:
    rows = ledger()
    assert len(rows) >= 40
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [p for row in rows for p in problems(row)] == []


def test_every_switch_in_the_ledger_is_the_fakes_with_its_default() -> None:
    for row in ledger():
        fake = fake_of(row)
        if fake is None:
            assert named_switches(row) == [], f"line {row.line}: no switches checked there"
            continue
        actual = switches(fake)
        for name, default in named_switches(row):
            assert name in actual, f"line {row.line}: {fake.__name__} has no switch {name}"
            assert default == shown(actual[name]), (row.line, name, default, actual[name])


@pytest.mark.parametrize("fake", CHECKED_FAKES, ids=lambda fake: fake.__name__)
def test_every_switch_of_the_fake_is_in_the_ledger(fake: type) -> None:
    named = {name for row in ledger() if fake_of(row) is fake for name, _ in named_switches(row)}
    assert set(switches(fake)) - named == set()


def test_every_test_a_row_names_exists() -> None:
    for row in ledger():
        path, _, function = row["test"].partition("::")
        assert function, f"line {row.line}: {row['test']!r} is not path::function"
        assert (ROOT / path).is_file(), f"line {row.line}: no file {path}"
        assert function in functions_in(ROOT / path), f"line {row.line}: no {function} in {path}"


@pytest.mark.parametrize(
    "broken",
    [
        "| x | does | folklore | a blog | — | — | tests/x.py::t |",
        "| Bad_Id | does | model | a shape | — | — | tests/x.py::t |",
        "| x | does | assumed | a guess | — | — | tests/x.py::t |",
        "| x | does | assumed | undocumented | — | — | tests/x.py::t |",
    ],
)
def test_the_checks_catch_a_broken_row(broken: str) -> None:
    header = "| " + " | ".join(COLUMNS) + " |\n|---|---|---|---|---|---|---|\n"
    [row] = read_ledger(header + broken)
    assert problems(row) != []


def test_a_row_with_too_few_cells_is_refused() -> None:
    header = "| " + " | ".join(COLUMNS) + " |\n|---|---|---|---|---|---|---|\n"
    with pytest.raises(AssertionError, match="cells"):
        read_ledger(header + "| a | b | c |")
