"""The layout both sides keep (README, "Repository layout"): a shared core that knows neither
kind, two kinds that never import each other, and a watch tool that imports neither the
constructs nor the handler. Read from the sources' import statements, nothing is imported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSTRUCTS = ROOT / "constructs" / "opensearch_packages"
WATCH = ROOT / "constructs" / "opensearch_packages_watch"
HANDLER = ROOT / "lambda" / "domain_packages_handler"
KINDS = ("packages", "associations", "upgrade_check")


def modules(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path, package: str) -> set[str]:
    """The absolute names a module imports (relative imports resolved against `package`, the
    dotted name of the module's own package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            else:
                names.add(node.module or "")
    return names


def dotted(path: Path, root: Path, top: str) -> str:
    """The dotted name of the package `path` is in."""
    return ".".join([top, *path.relative_to(root).parent.parts])


def layer(path: Path, root: Path) -> str:
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else "top"


@pytest.mark.parametrize(
    ("root", "top"), [(CONSTRUCTS, "opensearch_packages"), (HANDLER, "domain_packages_handler")]
)
def test_the_kinds_import_only_the_core_and_the_core_no_kind(root: Path, top: str) -> None:
    wrong = []
    for path in modules(root):
        own = layer(path, root)
        for name in imported(path, dotted(path, root, top)):
            target = name.split(".")[1] if name.startswith(top + ".") else None
            if own == "core" and target in KINDS:
                wrong.append(f"{path.relative_to(ROOT)} (core) imports {name}")
            if own in KINDS and target in KINDS and target != own:
                wrong.append(f"{path.relative_to(ROOT)} ({own}) imports {name}")
    assert wrong == []


def test_the_constructs_never_import_the_handler() -> None:
    for path in modules(CONSTRUCTS):
        names = imported(path, dotted(path, CONSTRUCTS, "opensearch_packages"))
        assert not any(
            n.startswith(("domain_packages_handler", "opensearch_packages._lambda")) for n in names
        ), path


def test_the_watch_tool_imports_neither_the_constructs_nor_the_handler() -> None:
    for path in modules(WATCH):
        names = imported(path, "opensearch_packages_watch")
        tops = {n.split(".")[0] for n in names}
        assert not tops & {"opensearch_packages", "domain_packages_handler", "aws_cdk", "jsii"}, (
            path
        )


@pytest.mark.parametrize("root", [CONSTRUCTS, WATCH], ids=["constructs", "watch"])
def test_every_module_says_why_it_exists(root: Path) -> None:
    undocumented = [
        str(p.relative_to(ROOT))
        for p in modules(root)
        if not ast.get_docstring(ast.parse(p.read_text()))
    ]
    assert undocumented == []


def test_every_package_is_in_the_wheel() -> None:
    """setuptools builds the wheel from an explicit list: a subpackage left off it is missing
    from the wheel (the slow wheel test in tests/constructs/core/test_packaging.py would
    find out too, minutes later)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+, as in tests/test_changelog.py
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT / "constructs").parts)
        for init in (ROOT / "constructs").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    # The handler ships inside the wheel as opensearch_packages._lambda (package-dir).
    found |= {
        ".".join(("opensearch_packages._lambda", *init.parent.relative_to(ROOT / "lambda").parts))
        for init in (ROOT / "lambda").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - listed == set()
