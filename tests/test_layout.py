"""The architecture holds: imports flow tui -> qa -> index, and every module says what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"index": set(), "qa": {"index"}, "tui": {"qa"}}
MODULES = sorted(path for package in ALLOWED for path in (ROOT / package).rglob("*.py"))


def imported_packages(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_one_way(path: Path) -> None:
    package = path.relative_to(ROOT).parts[0]
    for name, line in imported_packages(path):
        if name in ALLOWED and name != package:
            allowed = ALLOWED[package] | ({"tui"} if path == ROOT / "qa" / "cli.py" else set())
            assert name in allowed, f"{path}:{line} imports {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_has_a_one_line_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring and docstring.strip(), f"{path} has no docstring"


def test_the_seed_article_is_the_design_article() -> None:
    seed = ROOT / "seeds" / "000_be1cfe4c88351585.txt"
    assert seed.read_text().startswith("G7 group meets with Middle East officials")
