"""A damaged library through the `qa` command, as a new user would meet it, with the real model:
one line that names `qa index rebuild`, never a traceback, and the rebuild puts it right."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import SEEDS

from qa.cli import cli
from qa.index.library import DATABASE_NAME, VECTORS_NAME


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("damage-cli") / "lib"
    result = CliRunner().invoke(cli, ["index", "add", "--library", str(folder), str(SEEDS)])
    assert result.exit_code == 0, result.output
    # As a finished `qa` process leaves it: everything in the database file, no write-ahead log.
    with sqlite3.connect(folder / DATABASE_NAME) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


def copy_of(seeded: Path, folder: Path) -> Path:
    shutil.copytree(seeded, folder, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    return folder


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def said_in_one_line(result: Result, *words: str) -> str:
    """The command failed with one line on stderr saying `words`, and no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert all(word in lines[0] for word in words), lines[0]
    return lines[0]


def test_zeros_over_the_database_are_one_line_in_every_command(
    seeded: Path, tmp_path: Path
) -> None:
    folder = copy_of(seeded, tmp_path / "lib")
    with open(folder / DATABASE_NAME, "r+b") as handle:
        handle.seek(8192)
        handle.write(bytes(20_000))
    library = ("--library", str(folder))
    asked = run("ask", *library, "who raised sanctions?")
    if asked.exit_code != 0:  # the zeros may miss every page a question reads
        said_in_one_line(asked, "damaged", "qa index rebuild")
    for args in (
        ("index", "status", *library),
        ("index", "check", *library),
        ("index", "check", "--repair", *library),
        ("index", "update", *library),
    ):
        said_in_one_line(run(*args), "damaged", "qa index rebuild")
    rebuilt = run("index", "rebuild", *library)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert run("index", "check", *library).exit_code == 0
    assert run("ask", *library, "who raised sanctions?").exit_code == 0


def test_a_deleted_database_is_named_and_the_vector_file_kept(seeded: Path, tmp_path: Path) -> None:
    folder = copy_of(seeded, tmp_path / "lib")
    (folder / DATABASE_NAME).unlink()
    vectors = (folder / VECTORS_NAME).read_bytes()
    library = ("--library", str(folder))
    for args in (
        ("index", "status", *library),
        ("ask", *library, "who raised sanctions?"),
        ("index", "check", "--repair", *library),
        ("index", "update", *library),
    ):
        said_in_one_line(run(*args), "is missing", "qa index rebuild")
    assert (folder / VECTORS_NAME).read_bytes() == vectors
    assert not (folder / DATABASE_NAME).exists()
    assert run("index", "rebuild", *library).exit_code == 0
    status = run("index", "status", "--json", *library)
    assert '"articles": 1' in status.output and str(SEEDS) in status.output


def test_check_repair_leaves_damage_only_a_rebuild_fixes_to_the_rebuild(
    seeded: Path, tmp_path: Path
) -> None:
    folder = copy_of(seeded, tmp_path / "lib")
    with sqlite3.connect(folder / DATABASE_NAME) as db:
        page = db.execute("SELECT max(pageno) FROM dbstat WHERE name = 'passages'").fetchone()[0]
    with open(folder / DATABASE_NAME, "r+b") as handle:
        handle.seek((page - 1) * 4096 + 8)
        handle.write(bytes(range(256)) * 15)
    vectors = (folder / VECTORS_NAME).read_bytes()
    result = run("index", "check", "--repair", "--library", str(folder))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert "the database is damaged" in lines[0] and "(fix: qa index rebuild)" in lines[0]
    assert lines[1:] == ["Nothing here can be repaired in place; run qa index rebuild."]
    assert (folder / VECTORS_NAME).read_bytes() == vectors
