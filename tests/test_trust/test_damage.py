"""A damaged library: every kind of damage is one line that says what to do, nothing is repaired
by trusting what cannot be verified, and `qa index rebuild` puts everything right."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import FakeEmbedder

from qa.index import (
    ArticleError,
    IndexCorrupt,
    IndexWriteError,
    Library,
    LibraryBusy,
    LocalEngine,
    NotALibrary,
    QAError,
)
from qa.index import vectors as vectors_module
from qa.index.causes import database_failure
from qa.index.engine import FileArticles
from qa.index.library import DATABASE_NAME, REBUILDING, VECTORS_NAME
from qa.index.manifest import MANIFEST_NAME
from qa.workspace.libraries import library_names


def build(folder: Path, articles: Path) -> Library:
    """A library of `articles` with the fake model, closed, and its state checked sound."""
    library = Library(folder, FakeEmbedder())
    library.add([articles])
    assert library.check() == []
    library.close()
    return Library(folder, FakeEmbedder())


@pytest.fixture
def library(tmp_path: Path, articles: Path) -> Library:
    return build(tmp_path / "lib", articles)


def pages_of(database: Path, table: str) -> list[int]:
    """The pages SQLite keeps `table` in (its b-tree), from its own `dbstat` table."""
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))]


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


@pytest.mark.parametrize("how", ["missing", "empty"])
def test_a_lost_or_emptied_database_is_named_and_nothing_is_shrunk_to_it(
    library: Library, how: str
) -> None:
    folder, articles = library.folder, library.status().articles
    vectors = (folder / VECTORS_NAME).read_bytes()
    database = folder / DATABASE_NAME
    if how == "missing":
        database.unlink()
    else:
        database.write_bytes(b"")
    reopened = Library(folder, FakeEmbedder())
    for action in (
        reopened.status,
        reopened.check,
        reopened.repair,
        reopened.update,
        lambda: reopened.vectors,
    ):
        with pytest.raises(IndexCorrupt) as refused:
            action()
        said = str(refused.value)
        assert how in said and "qa index rebuild" in said and "\n" not in said
        assert f"{articles} articles" in said  # what the manifest still knows
    assert (folder / VECTORS_NAME).read_bytes() == vectors  # never shrunk to match
    assert database.exists() == (how == "empty")  # no empty database made in its place
    # The manifest remembers the sources, so rebuild works without the database.
    reopened.rebuild()
    rebuilt = Library(folder, FakeEmbedder())
    assert rebuilt.check() == []
    assert rebuilt.status().articles == articles


def test_a_database_of_another_library_or_an_older_copy_is_refused(
    tmp_path: Path, articles: Path
) -> None:
    first = build(tmp_path / "first", articles)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "story.txt").write_text("Other\n\nA different story about ferries.")
    other = build(tmp_path / "second", tmp_path / "other")
    old = (first.folder / DATABASE_NAME).read_bytes()
    shutil.copy(other.folder / DATABASE_NAME, first.folder / DATABASE_NAME)
    with pytest.raises(IndexCorrupt, match=r"not the one its manifest describes.*qa index rebuild"):
        Library(first.folder, FakeEmbedder()).check()
    (first.folder / DATABASE_NAME).write_bytes(old)
    (articles / "new.txt").write_text("New\n\nA new story about the harbour lights.")
    updated = Library(first.folder, FakeEmbedder())
    updated.update()
    updated.close()
    (first.folder / DATABASE_NAME).write_bytes(old)  # an old backup put back alone
    with pytest.raises(IndexCorrupt, match=r"older than its manifest.*qa index rebuild"):
        Library(first.folder, FakeEmbedder()).status()


def test_a_folder_or_database_that_is_not_a_library_is_left_alone(
    tmp_path: Path, articles: Path
) -> None:
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    for action in (
        lambda: Library(mine, FakeEmbedder()).add([articles]),
        lambda: Library(mine, FakeEmbedder()).status(),
    ):
        with pytest.raises(NotALibrary) as refused:
            action()
        assert "is not a qa library" in str(refused.value)
        assert "delete" not in str(refused.value)
    assert sorted(os.listdir(mine)) == ["notes.txt"]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    with sqlite3.connect(foreign / DATABASE_NAME) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    before = (foreign / DATABASE_NAME).read_bytes()
    with pytest.raises(NotALibrary, match="not a qa library's database"):
        Library(foreign, FakeEmbedder()).add([articles])
    assert (foreign / DATABASE_NAME).read_bytes() == before  # no table written into it


def test_a_damaged_passages_page_is_one_line_naming_rebuild_and_never_repaired(
    library: Library,
) -> None:
    folder = library.folder
    database = folder / DATABASE_NAME
    page = pages_of(database, "passages")[-1]
    overwrite(database, (page - 1) * 4096 + 8, os.urandom(4000))
    damaged = Library(folder, FakeEmbedder())
    found = damaged.check()
    assert [d.fix for d in found] == ["rebuild"] and "damaged" in found[0].what
    vectors = (folder / VECTORS_NAME).read_bytes()
    with pytest.raises(IndexCorrupt, match="qa index rebuild"):
        damaged.repair()
    assert (folder / VECTORS_NAME).read_bytes() == vectors
    damaged.rebuild()
    assert Library(folder, FakeEmbedder()).check() == []


def test_a_damaged_full_text_index_is_found_and_made_again(library: Library) -> None:
    # The pages are sound; what FTS5 keeps in them is not: PRAGMA integrity_check passes.
    with sqlite3.connect(library.folder / DATABASE_NAME) as db:
        db.execute("UPDATE passages_fts_data SET block = randomblob(length(block)) WHERE id > 10")
    damaged = Library(library.folder, FakeEmbedder())
    found = [str(d) for d in damaged.check()]
    assert any("full-text index is damaged" in line for line in found), found
    with pytest.raises(IndexCorrupt, match="qa index rebuild"):
        damaged.lexical_search("harbour", 5)  # a question: one line, not a traceback
    damaged.repair()
    repaired = Library(library.folder, FakeEmbedder())
    assert repaired.check() == []
    assert repaired.lexical_search("harbour", 5)


def test_article_text_changed_outside_qa_is_found_and_read_again(library: Library) -> None:
    with sqlite3.connect(library.folder / DATABASE_NAME) as db:
        original = db.execute("SELECT text FROM articles WHERE id = 1").fetchone()[0]
        db.execute("UPDATE articles SET text = replace(text, 'e', 'o') WHERE id = 1")
    altered = Library(library.folder, FakeEmbedder())
    found = [str(d) for d in altered.check()]
    assert any("no longer matches its hash" in line for line in found), found
    altered.repair()
    repaired = Library(library.folder, FakeEmbedder())
    assert repaired.check() == []
    with sqlite3.connect(library.folder / DATABASE_NAME) as db:
        texts = [row[0] for row in db.execute("SELECT text FROM articles")]
    assert original in texts


class BreaksAfter(LocalEngine):
    """Reads `dump.jsonl` as a file that breaks after its first records, whatever the reader
    makes of bad lines (the break is what this test is about, not how a line is bad)."""

    def read(self, files, position):  # type: ignore[no-untyped-def]
        for file in super().read(files, position):
            if file.key.endswith("dump.jsonl"):
                yield FileArticles(file.key, file.stamp, _then_break(file), file.split)
            else:
                yield file


def _then_break(file: FileArticles) -> Iterator:  # type: ignore[type-arg]
    for number, article in enumerate(file.articles):
        if number == 3:
            raise ArticleError(f"{file.key}: line 4 is not JSON")
        yield article


class StoppedWhileEmbedding(FakeEmbedder):
    """Ctrl+C once the first batch is being embedded."""

    def encode(self, texts):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt


def test_a_run_stopped_after_a_file_broke_reads_its_good_records_next_time(
    tmp_path: Path,
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "dump.jsonl").write_text(
        "".join(
            f'{{"id": {n}, "title": "Story {n}", "text": "Harbour story number {n}."}}\n'
            for n in range(6)
        )
    )
    folder = tmp_path / "lib"
    stopped = Library(folder, StoppedWhileEmbedding())
    with pytest.raises(KeyboardInterrupt):
        stopped._build([str(articles)], [], None, BreaksAfter(stopped.embedder, stopped.chunking))
    stopped.close()
    again = Library(folder, FakeEmbedder())
    report = again._sync(again.store.roots(), None, BreaksAfter(again.embedder, again.chunking))
    assert report.articles_added == 3  # read again, not skipped as "unchanged since"
    assert again.status().articles == 3
    assert any("line 4" in reason for reason in again.status().unreadable_files)


def test_a_full_disk_while_writing_the_vector_file_is_one_line_and_leaves_nothing(
    library: Library, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = library.folder
    (articles / "new.txt").write_text("New\n\nA new story about the harbour lights.")

    def disk_full(handle: object, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(vectors_module, "write_part", disk_full)
    with pytest.raises(IndexWriteError) as refused:
        Library(folder, FakeEmbedder()).update()
    said = str(refused.value)
    assert "the disk is full" in said and "free some disk space" in said and "\n" not in said
    assert sorted(os.listdir(folder)) == sorted(
        [DATABASE_NAME, MANIFEST_NAME, VECTORS_NAME, "update.lock"]
    )  # no temporary vector file, and the write-ahead log folded back
    monkeypatch.undo()
    consistent = Library(folder, FakeEmbedder())
    assert {d.fix for d in consistent.check()} <= {"update"}
    assert len(consistent.vectors) == consistent.status().passages
    consistent.update()
    assert Library(folder, FakeEmbedder()).check() == []


def test_each_failure_is_named_by_its_cause(tmp_path: Path, articles: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(IndexWriteError) as through_a_file:
        Library(tmp_path / "a-file" / "lib", FakeEmbedder()).add([articles])
    assert "not a folder" in str(through_a_file.value)
    assert "disk space" not in str(through_a_file.value)
    database = tmp_path / "plain.sqlite3"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        sqlite3.connect(database, timeout=0).execute("SELECT * FROM t")
    holder.close()
    busy = database_failure(tmp_path, locked.value)
    assert isinstance(busy, LibraryBusy) and "another program" in str(busy)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        reader = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        reader.execute("INSERT INTO t VALUES (1)")
    said = str(database_failure(tmp_path, readonly.value))
    assert "read-only" in said and "damaged" not in said and "disk space" not in said


def make_unwritable(folder: Path) -> None:
    """Make `folder` unwritable for this process: read-only bits, or the immutable attribute
    for root (whom the bits do not stop)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
    else:
        subprocess.run(["chattr", "+i", str(folder)], check=True)


def make_writable(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o755)
    else:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_library_is_read_and_said_to_be_unwritable(
    library: Library, articles: Path
) -> None:
    folder = library.folder
    make_unwritable(folder)
    try:
        reader = Library(folder, FakeEmbedder())
        assert reader.status().articles > 0
        assert reader.dense_search(FakeEmbedder().encode(["harbour"])[0], 3)
        assert reader.lexical_search("harbour", 3)
        reader.close()
        (articles / "new.txt").write_text("New\n\nA new story about the harbour lights.")
        with pytest.raises(IndexWriteError) as refused:
            Library(folder, FakeEmbedder()).update()
        said = str(refused.value)
        assert "cannot be changed" in said or "read-only" in said or "permission" in said
        assert "damaged" not in said and "disk space" not in said
    finally:
        make_writable(folder)


def test_a_lost_manifest_is_made_again_without_embedding_everything(
    library: Library,
) -> None:
    folder = library.folder
    status = library.status()
    library.close()
    (folder / MANIFEST_NAME).unlink()
    embedder = FakeEmbedder()
    recovered = Library(folder, embedder)
    assert recovered.status().articles == status.articles
    assert (folder / MANIFEST_NAME).exists()
    assert embedder.encoded <= 16  # a sample checked, nothing re-embedded
    assert recovered.check() == []
    # When the vector file cannot vouch for the database, nothing is guessed.
    recovered.close()
    (folder / MANIFEST_NAME).unlink()
    (folder / VECTORS_NAME).unlink()
    with pytest.raises(IndexCorrupt, match=r"vector file is missing.*qa index rebuild"):
        Library(folder, FakeEmbedder()).status()
    Library(folder, FakeEmbedder()).rebuild()
    assert Library(folder, FakeEmbedder()).check() == []


class StopsRebuilding(FakeEmbedder):
    def encode(self, texts):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt


def test_a_stopped_rebuild_leaves_no_library_behind(
    tmp_path: Path, articles: Path, private_home: Path
) -> None:
    folder = private_home / "libraries" / "news"
    build(folder, articles)
    with pytest.raises(KeyboardInterrupt):
        Library(folder, StopsRebuilding()).rebuild()
    assert not folder.with_name("news" + REBUILDING).exists()
    assert library_names() == ["news"]
    # One left by a killed process is never listed, and goes with the next run.
    shutil.copytree(folder, folder.with_name("news" + REBUILDING))
    assert library_names() == ["news"]
    Library(folder, FakeEmbedder()).update()
    assert not folder.with_name("news" + REBUILDING).exists()
    assert Library(folder, FakeEmbedder()).check() == []


def test_a_damaged_library_is_never_a_traceback_for_the_asker(library: Library) -> None:
    database = library.folder / DATABASE_NAME
    overwrite(database, 8192, bytes(20_000))
    damaged = Library(library.folder, FakeEmbedder())
    for action in (
        damaged.status,
        lambda: damaged.dense_search(FakeEmbedder().encode(["harbour"])[0], 3),
        lambda: damaged.lexical_search("harbour", 3),
        damaged.repair,
    ):
        with pytest.raises(QAError, match="qa index rebuild"):
            action()
    with pytest.raises(QAError, match=r"damaged.*qa index rebuild"):
        damaged.check()  # SQLite cannot even open it: one line, as for the others


def test_a_library_that_lost_its_database_and_its_sources_is_rebuilt_from_named_folders(
    library: Library, articles: Path
) -> None:
    import json

    folder = library.folder
    articles_before = library.status().articles
    library.close()
    (folder / DATABASE_NAME).unlink()
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    manifest["extra"] = {}  # as a library made before the manifest kept its sources
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(QAError, match=r"qa index rebuild PATH"):
        Library(folder, FakeEmbedder()).rebuild()
    Library(folder, FakeEmbedder()).rebuild(paths=[articles])
    rebuilt = Library(folder, FakeEmbedder())
    assert rebuilt.check() == []
    assert rebuilt.status().articles == articles_before
