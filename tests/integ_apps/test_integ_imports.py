"""The integration apps stand on their own: nothing from the examples, so that editing an
example (written for users to read and copy) never changes an integration template."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

INTEG_DIR = Path(__file__).resolve().parents[2] / "integ"
#: The examples' modules: app.py at the root, everything under example/.
EXAMPLE_MODULES = ("app", "example")


def imported_modules(source: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def is_example(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in EXAMPLE_MODULES)


@pytest.mark.parametrize(
    "source",
    sorted(INTEG_DIR.rglob("*.py")),
    ids=lambda p: p.relative_to(INTEG_DIR).as_posix(),
)
def test_integration_code_imports_no_example(source: Path) -> None:
    assert sorted(m for m in imported_modules(source) if is_example(m)) == []


def test_the_check_sees_an_example_import(tmp_path: Path) -> None:
    """Control: the check finds both import forms."""
    source = tmp_path / "integ_x.py"
    source.write_text("import example.plugin_app\nfrom app import index_settings\nimport apps\n")
    assert sorted(m for m in imported_modules(source) if is_example(m)) == [
        "app",
        "example.plugin_app",
    ]
