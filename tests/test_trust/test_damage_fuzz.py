"""Random damage to a library's files: whatever is broken, status, check and a question each
work or fail with one line (a QAError), `check` never calls a database SQLite finds damaged
sound, and `qa index rebuild` from the intact articles makes everything agree again.

The cases come from a fixed seed, so a failure names a case that can be replayed. More cases
before a release (docs/reliability.md, "A damaged library"):

    QA_DAMAGE_CASES=2000 QA_DAMAGE_SEED=1 pytest tests/test_trust/test_damage_fuzz.py
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import FakeEmbedder

from qa import Asker, Settings
from qa.answering.readers import SentenceReader
from qa.index import Library, QAError
from qa.index.library import DATABASE_NAME, VECTORS_NAME
from qa.index.manifest import MANIFEST_NAME

CASES = int(os.environ.get("QA_DAMAGE_CASES", "18"))
"""Each file with each kind of damage once, by default (about 1 s a case on 2 cores)."""
SEED = int(os.environ.get("QA_DAMAGE_SEED", "20261207"))
FILES = (DATABASE_NAME, VECTORS_NAME, MANIFEST_NAME)
KINDS = ("zeros", "random bytes", "random page", "truncated", "deleted", "emptied")


@dataclass(frozen=True)
class Damage:
    """One case: what is done to which file, where."""

    name: str
    kind: str
    offset: float
    """Where, as a fraction of the file's size."""
    length: int
    seed: int

    def __str__(self) -> str:
        return f"{self.kind} in {self.name} at {self.offset:.3f} ({self.length} bytes)"

    def apply(self, folder: Path) -> None:
        path = folder / self.name
        size = path.stat().st_size
        at = int(self.offset * size)
        rng = random.Random(self.seed)
        if self.kind == "deleted":
            path.unlink()
        elif self.kind == "emptied":
            path.write_bytes(b"")
        elif self.kind == "truncated":
            os.truncate(path, at)
        else:
            if self.kind == "random page" and self.name == DATABASE_NAME:
                at, length = (at // 4096) * 4096, 4096  # one whole page of the database
            else:
                length = self.length
            data = bytes(length) if self.kind == "zeros" else rng.randbytes(length)
            with open(path, "r+b") as handle:
                handle.seek(min(at, max(size - 1, 0)))
                handle.write(data[: max(size - at, 1)])


def cases() -> list[Damage]:
    """CASES cases from SEED: every file and kind in turn, the rest drawn at random."""
    rng = random.Random(SEED)
    drawn = []
    for number in range(CASES):
        name = FILES[number % len(FILES)]
        kind = KINDS[(number // len(FILES)) % len(KINDS)]
        drawn.append(
            Damage(name, kind, rng.random(), rng.choice([1, 16, 512, 4096, 20_000]), number)
        )
    return drawn


def write_articles(folder: Path, count: int) -> None:
    """Articles enough for a database of many pages, in words a question can find."""
    folder.mkdir(parents=True)
    for number in range(count):
        sentences = " ".join(
            f"The harbour story {number} tells of ship {s} and the lighthouse keeper {number}."
            for s in range(20)
        )
        (folder / f"story-{number:03d}.txt").write_text(f"Story {number}\n\n{sentences}")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """(the library, its articles, its article count): built once, copied for every case."""
    root = tmp_path_factory.mktemp("damage-fuzz")
    articles = root / "articles"
    write_articles(articles, 30)
    library = Library(root / "lib", FakeEmbedder())
    library.add([articles])
    count = library.status().articles
    library.close()
    return root / "lib", articles, count


def one_line_or_works(what: str, damage: Damage, action: Callable[[], object]) -> object:
    """Run `action`: its result, or None when it failed with one line; anything else (a
    traceback for a user) fails the case."""
    try:
        return action()
    except QAError as error:
        assert "\n" not in str(error) and str(error), f"{damage}: {what}: {error!r}"
        return None


def sqlite_finds_it_sound(database: Path) -> bool:
    """SQLite's own verdict on the database file, read-only."""
    if not database.is_file() or database.stat().st_size == 0:
        return False
    try:
        db = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        try:
            return [row[0] for row in db.execute("PRAGMA integrity_check")] == ["ok"]
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return False


@pytest.mark.parametrize("damage", cases(), ids=str)
def test_damage_is_one_line_never_called_sound_and_rebuilt(
    pristine: tuple[Path, Path, int], tmp_path: Path, damage: Damage
) -> None:
    source, _, count = pristine
    folder = tmp_path / "lib"
    shutil.copytree(source, folder)
    damage.apply(folder)
    embedder = FakeEmbedder()

    def ask() -> object:
        library = Library(folder, embedder)
        asker = Asker(library, Settings(library=folder), reader=SentenceReader())
        try:
            return asker.ask("what did the lighthouse keeper tell?")
        finally:
            library.close()

    def status() -> object:
        library = Library(folder, embedder)
        try:
            return library.status()
        finally:
            library.close()

    def check() -> object:
        library = Library(folder, embedder)
        try:
            return library.check()
        finally:
            library.close()

    one_line_or_works("status", damage, status)
    one_line_or_works("ask", damage, ask)
    found = one_line_or_works("check", damage, check)
    if found == []:
        assert sqlite_finds_it_sound(folder / DATABASE_NAME), f"{damage}: check said all agree"
    rebuilt = Library(folder, embedder)
    rebuilt.rebuild()
    rebuilt.close()
    after = Library(folder, embedder)
    assert after.check() == [], damage
    assert after.status().articles == count, damage
    after.close()
