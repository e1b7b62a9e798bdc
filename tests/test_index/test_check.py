"""`qa index check`: every way SQLite, FAISS and the files can disagree is found, and repaired."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import FakeEmbedder

from qa.index import Library
from qa.index.library import DATABASE_NAME, VECTORS_NAME
from qa.index.vectors import VectorIndex


@pytest.fixture
def library(tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder) -> Library:
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([articles])
    assert library.check() == []
    library.close()
    return Library(tmp_path / "lib", fake_embedder)


def damage(library: Library, *statements: str) -> None:
    """Change the database behind the library's back, as a crash or a bug might."""
    library.close()
    with sqlite3.connect(library.folder / DATABASE_NAME) as db:
        for statement in statements:
            db.execute(statement)


def drop_a_faiss_vector(library: Library) -> None:
    path = library.folder / VECTORS_NAME
    vectors = VectorIndex.load(path, library.embedder.dimension)
    vectors.remove([int(vectors.ids()[0])])
    vectors.save(path)


DAMAGES: dict[str, tuple[Callable[[Library], None], str]] = {
    "an FTS row lost": (
        lambda lib: damage(lib, "DELETE FROM passages_fts WHERE rowid = 2"),
        "missing from the FTS table",
    ),
    "an FTS row rewritten": (
        lambda lib: damage(lib, "UPDATE passages_fts SET body = 'other words' WHERE rowid = 1"),
        "FTS rows differ",
    ),
    "orphan sentences": (
        lambda lib: damage(lib, "INSERT INTO sentences (article_id, start, end) VALUES (99, 0, 4)"),
        "sentences belong to no article",
    ),
    "an article without passages": (
        lambda lib: damage(
            lib,
            "DELETE FROM passages_fts WHERE rowid IN "
            "(SELECT id FROM passages WHERE article_id = 1)",
            "DELETE FROM passages WHERE article_id = 1",
        ),
        "with no passages",
    ),
    "a wrong file count": (
        lambda lib: damage(lib, "UPDATE files SET articles = 5"),
        "articles recorded",
    ),
    "a vector missing from FAISS": (drop_a_faiss_vector, "missing from FAISS"),
    "a stale manifest": (
        lambda lib: damage(lib, "UPDATE meta SET value = value + 1 WHERE key = 'generation'"),
        "the vector file lags the database",
    ),
}


@pytest.mark.parametrize("name", list(DAMAGES))
def test_each_kind_of_damage_is_one_line_and_repair_puts_it_right(
    library: Library, fake_embedder: FakeEmbedder, name: str
) -> None:
    harm, expected = DAMAGES[name]
    harm(library)
    library = Library(library.folder, fake_embedder)
    found = [str(difference) for difference in library.check()]
    assert found and any(expected in line for line in found), found
    assert all("\n" not in line and "(fix: qa index" in line for line in found)
    library.repair()
    assert library.check() == []
    reopened = Library(library.folder, fake_embedder)
    assert reopened.check() == []
    assert len(reopened.vectors) == reopened.status().passages


def test_repair_reads_again_the_file_of_an_article_it_had_to_drop(
    library: Library, fake_embedder: FakeEmbedder
) -> None:
    articles = library.status().articles
    DAMAGES["an article without passages"][0](library)
    library = Library(library.folder, fake_embedder)
    library.repair()
    assert library.status().articles == articles  # dropped, then indexed again from its file


def test_a_stored_vector_that_is_not_its_passage_s_embedding_is_found(
    library: Library, fake_embedder: FakeEmbedder
) -> None:
    wrong = np.zeros(fake_embedder.dimension, dtype=np.float32)
    wrong[0] = 1.0
    damage(library)
    with sqlite3.connect(library.folder / DATABASE_NAME) as db:
        first = db.execute("SELECT min(id) FROM passages").fetchone()[0]
        db.execute("UPDATE passages SET vector = ? WHERE id = ?", (wrong.tobytes(), first))
    library = Library(library.folder, fake_embedder)
    found = [str(d) for d in library.check()]
    assert any(f"passage {first}: FAISS and SQLite vectors differ" in line for line in found)
    assert any("not its text's embedding" in line and "qa index rebuild" in line for line in found)


def test_files_changed_since_the_last_update_are_differences_for_update(
    library: Library, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    (articles / "comet.txt").write_text("Comet\n\nThe comet was seen again.")
    (articles / "new.md").write_text("# New\n\nA new story arrived today.")
    (articles / "orchard.jsonl").unlink()
    found = [str(d) for d in library.check()]
    assert sorted(found) == sorted(
        [
            f"{articles / 'comet.txt'}: changed since it was indexed (fix: qa index update)",
            f"{articles / 'new.md'}: not indexed yet (fix: qa index update)",
            f"{articles / 'orchard.jsonl'}: gone, still indexed (fix: qa index update)",
        ]
    )
    library.update()
    assert library.check() == []
