"""The architecture holds: one import root, `qa`, in floors that import only downwards, and
every module says what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = (
    "qa.index",
    "qa.config",
    "qa.answering",
    "qa.followups",
    "qa.workspace",
    "qa.display",
    "qa.api",
    "qa.evaluation",
    "qa.tui",
    "qa.cli",
)
"""Bottom first: a module may import its own floor and the floors below it, never one above."""
FOLDERS = {"qa.index": ROOT / "index", "qa.tui": ROOT / "tui"}
"""Floors whose folder sits at the top of the layout; qa/index and qa/tui link to them."""
FACADE = "qa"
"""The root package re-exports the middle floors; only the floors above them may import it."""


def module_name(path: Path) -> str:
    """The dotted name `path` is imported as under the one root."""
    for floor, folder in FOLDERS.items():
        if path.is_relative_to(folder):
            parts = [floor, *path.relative_to(folder).with_suffix("").parts]
            break
    else:
        parts = ["qa", *path.relative_to(ROOT / "qa").with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    """Every module of the product once: the top-level folders, and qa/ without its links."""
    files = [path for folder in FOLDERS.values() for path in folder.rglob("*.py")]
    for path in (ROOT / "qa").rglob("*.py"):
        if not any(
            parent.is_symlink() for parent in path.relative_to(ROOT).parents if parent.parts
        ):
            files.append(path)
    return sorted(files)


MODULES = source_files()


def floor_of(name: str) -> int | None:
    """The floor's height for a module name; None for the root package itself."""
    for height, floor in enumerate(FLOORS):
        if name == floor or name.startswith(floor + "."):
            return height
    return None


def imports(path: Path, source: str | None = None) -> list[tuple[str, int]]:
    """(absolute module name, line) of every import in `path`, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text() if source is None else source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((target, node.lineno))
    return found


def wrong_imports(path: Path, source: str | None = None) -> list[str]:
    """What in `path` imports upwards, the root package from below, or an old top-level name."""
    here = floor_of(module_name(path))
    wrong = []
    for target, line in imports(path, source):
        top = target.split(".")[0]
        if top in {"index", "tui"}:
            wrong.append(f"{path}:{line} imports {target}: use qa.{target}")
        elif top != "qa":
            continue
        elif target == FACADE:
            if here is None or here < FLOORS.index("qa.tui"):
                wrong.append(f"{path}:{line} imports the root package: import the floor itself")
        elif (there := floor_of(target)) is None:
            wrong.append(f"{path}:{line} imports {target}, which is on no floor")
        elif here is not None and there > here:
            wrong.append(f"{path}:{line} imports {target} ({FLOORS[there]}) from {FLOORS[here]}")
    return wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_downwards(path: Path) -> None:
    assert wrong_imports(path) == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("index/store.py", "from qa.answering import Asker"),
        ("index/store.py", "from index.vectors import Vectors"),
        ("qa/answering/asker.py", "from ..followups import Conversation"),
        ("qa/config/settings.py", "import qa"),
        ("tui/app.py", "from qa.cli import main"),
        ("qa/display/render.py", "from qa.nowhere import thing"),
    ],
)
def test_an_upward_or_unplaced_import_is_caught(path: str, source: str) -> None:
    assert len(wrong_imports(ROOT / path, source)) == 1


def test_downward_imports_pass() -> None:
    source = (
        "from qa.index import Library\nfrom .answer import Answer\nfrom ..config import Settings"
    )
    assert wrong_imports(ROOT / "qa" / "answering" / "asker.py", source) == []
    assert wrong_imports(ROOT / "tui" / "app.py", "from qa import Answer") == []


def test_every_package_of_qa_is_on_a_floor() -> None:
    names = {module_name(path) for path in MODULES}
    assert all(floor_of(name) is not None for name in names - {FACADE}), sorted(
        name for name in names if floor_of(name) is None and name != FACADE
    )


def test_qa_links_to_the_top_level_folders() -> None:
    for floor, folder in FOLDERS.items():
        link = ROOT / "qa" / floor.split(".")[1]
        assert link.is_symlink() and link.resolve() == folder, f"{link} must link to {folder}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_has_a_one_line_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring and docstring.strip(), f"{path} has no docstring"


def test_the_seed_article_is_the_design_article() -> None:
    seed = ROOT / "seeds" / "000_be1cfe4c88351585.txt"
    assert seed.read_text().startswith("G7 group meets with Middle East officials")
