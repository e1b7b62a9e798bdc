"""A library indexes folders incrementally, keeps FAISS and SQLite in step, refuses mismatches."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from support import FakeEmbedder, news_dump

import qa.index.sync
from qa.index import (
    ChunkSettings,
    IndexCorrupt,
    IndexNotFound,
    IndexWriteError,
    Library,
    LibraryBusy,
    ModelMismatch,
)
from qa.index.library import DATABASE_NAME, VECTORS_NAME
from qa.index.lock import LOCK_NAME, update_lock


def test_adding_a_folder_indexes_every_format(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    library = Library(tmp_path / "lib", fake_embedder)
    report = library.add([articles])
    assert report.failures == []
    assert report.articles_added == 7  # five single-article files and a two-record dump
    status = library.status()
    assert status.articles == 7
    assert status.passages == len(library.vectors) > 0
    assert status.stale_files == []
    assert (tmp_path / "lib" / VECTORS_NAME).exists()


def test_rerun_embeds_nothing_and_edits_embed_only_the_edited_article(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([articles])
    again = library.add([articles])
    assert again.passages_embedded == 0
    assert again.files_unchanged == 6

    dump = articles / "orchard.jsonl"
    records = [json.loads(line) for line in dump.read_text().splitlines()]
    records[1]["text"] += "\n\nThe festival will also sell perry for the first time."
    dump.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    assert library.status().stale_files == [str(dump)]
    before = fake_embedder.encoded
    edited = library.add([articles])
    assert (edited.articles_updated, edited.articles_unchanged, edited.articles_added) == (1, 1, 0)
    assert fake_embedder.encoded - before == edited.passages_embedded > 0
    assert library.status().stale_files == []


def test_deleted_files_are_dropped_and_search_never_returns_them(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([articles])
    (articles / "comet.txt").unlink()
    report = library.add([articles])
    assert report.articles_removed == 1
    query = fake_embedder.encode(["comet Vance telescope"])[0]
    titles = {
        p.article.article.title
        for p in library.passages([i for i, _ in library.dense_search(query, 50)]).values()
    }
    assert "Amateur astronomer spots a new comet" not in titles
    assert len(library.vectors) == library.status().passages


def test_remove_forgets_articles_but_leaves_files(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([articles])
    assert library.remove([articles / "orchard.jsonl"]) == 2
    assert library.status().articles == 5
    assert (articles / "orchard.jsonl").exists()
    reopened = Library(tmp_path / "lib", fake_embedder)
    assert len(reopened.vectors) == reopened.status().passages


def test_lexical_search_finds_words_and_titles(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([articles])
    hits = library.lexical_search('"seahorses"', 5)
    passages = library.passages([i for i, _ in hits])
    assert hits and "seahorses" in passages[hits[0][0]].text
    title_hits = library.lexical_search('"bakery"', 5)
    assert title_hits


def test_opening_without_an_index_says_how_to_create_one(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    with pytest.raises(IndexNotFound, match="qa index add"):
        Library(tmp_path / "none", fake_embedder).status()


def test_an_index_of_another_model_or_chunking_is_refused(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    Library(tmp_path / "lib", fake_embedder).add([articles])
    other = FakeEmbedder()
    other.name = "another-model"
    with pytest.raises(ModelMismatch, match="qa index rebuild"):
        Library(tmp_path / "lib", other).status()
    with pytest.raises(ModelMismatch, match="chunking"):
        Library(tmp_path / "lib", fake_embedder, ChunkSettings(max_tokens=99)).status()


def test_a_newer_format_is_refused_and_rebuild_recovers(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "lib"
    Library(folder, fake_embedder).add([articles])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format"] = 99
    manifest["a_field_of_format_99"] = {"unknown": True}  # a newer qa writes fields we lack
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelMismatch, match=r"made by a newer qa \(index format 99"):
        Library(folder, fake_embedder).status()
    report = Library(folder, fake_embedder).rebuild()
    assert report.articles_added == 7
    assert Library(folder, fake_embedder).status().articles == 7


def test_a_vector_file_behind_the_database_is_rebuilt_from_stored_vectors(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "lib"
    library = Library(folder, fake_embedder)
    library.add([articles])
    expected = library.dense_search(fake_embedder.encode(["harbour wall"])[0], 3)
    (folder / VECTORS_NAME).unlink()  # as if the run died after committing the database
    reopened = Library(folder, fake_embedder)
    assert reopened.dense_search(fake_embedder.encode(["harbour wall"])[0], 3) == expected


def test_a_damaged_database_is_reported_with_the_rebuild_command(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "lib"
    Library(folder, fake_embedder).add([articles])
    for name in os.listdir(folder):
        if name.startswith(DATABASE_NAME + "-"):
            os.remove(folder / name)
    (folder / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorrupt, match="qa index rebuild"):
        Library(folder, fake_embedder).status()


def test_a_second_writer_is_told_the_library_is_busy(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    import fcntl

    folder = tmp_path / "lib"
    folder.mkdir()
    with open(folder / LOCK_NAME, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(LibraryBusy) as refused:
            Library(folder, fake_embedder).add([articles])
    assert str(refused.value) == (
        f"another qa process is updating {folder}; wait for it to finish, then try again"
    )


def test_the_update_lock_is_one_writer_at_a_time_and_let_go_after_a_failure(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "lib"
    with update_lock(folder), pytest.raises(LibraryBusy), update_lock(folder):
        pass  # a second writer in the same process is turned away too
    with pytest.raises(IndexWriteError, match="disk full"), update_lock(folder):
        raise OSError("disk full")
    with update_lock(folder):  # the failed writer let the lock go
        pass
    assert (folder / LOCK_NAME).exists()  # kept, as before: deleting it would race a waiter


def test_bad_files_are_reported_and_the_rest_indexed(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    (articles / "empty.txt").write_text("")
    (articles / "broken.json").write_text("{oops")
    report = Library(tmp_path / "lib", fake_embedder).add([articles])
    assert report.articles_added == 7
    assert len(report.failures) == 2
    assert any("empty.txt" in failure for failure in report.failures)


def test_stored_vectors_are_unit_length_and_match_the_faiss_index(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "lib"
    library = Library(folder, fake_embedder)
    library.add([articles])
    with sqlite3.connect(folder / DATABASE_NAME) as db:
        rows = db.execute("SELECT id, vector FROM passages").fetchall()
    for passage_id, blob in rows:
        vector = np.frombuffer(blob, dtype=np.float32)
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
        assert library.vectors.index.reconstruct(passage_id).tolist() == vector.tolist()


@pytest.mark.parametrize("name", ["dump.jsonl", "dump.jsonl.gz"])
def test_reading_a_large_dump_reports_its_progress_in_bytes(
    tmp_path: Path, fake_embedder: FakeEmbedder, name: str
) -> None:
    records = news_dump(3000, "Story {n} tells of harbour {n}. " * 8).encode()
    folder = tmp_path / "news"
    folder.mkdir()
    dump = folder / name
    dump.write_bytes(gzip.compress(records) if name.endswith(".gz") else records)
    seen: list[tuple[int, int]] = []
    Library(tmp_path / "lib", fake_embedder).add(
        [folder],
        lambda phase, done, total: seen.append((done, total)) if phase == "reading" else None,
    )
    size = dump.stat().st_size
    assert {total for _, total in seen} == {size}
    positions = [done for done, _ in seen]
    assert positions == sorted(positions) and positions[0] == 0 and positions[-1] == size
    assert len(set(positions)) > 3  # the bar moves while the one file streams


def test_a_dump_is_embedded_while_it_is_read_so_memory_holds_one_batch(
    tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qa.index.sync, "COMMIT_EVERY_PASSAGES", 50)
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "dump.jsonl").write_text(news_dump(1000))
    events: list[tuple[str, int, int]] = []
    library = Library(tmp_path / "lib", fake_embedder)
    report = library.add([folder], lambda phase, done, total: events.append((phase, done, total)))
    assert report.articles_added == 1000
    size = (folder / "dump.jsonl").stat().st_size
    reading_over = events.index(("reading", size, size))
    embedded_before = [done for phase, done, _ in events[:reading_over] if phase == "embedding"]
    # Batches of 50 passages are embedded and committed while the file is still being read.
    assert embedded_before and embedded_before == sorted(embedded_before)
    assert max(embedded_before) >= 900
    assert events[-1] == ("embedding", 1000, 1000)
    assert library.status().passages == 1000


def test_an_edited_record_turned_copy_in_a_dump_that_then_breaks_keeps_sqlite_and_faiss_equal(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    # The reproduction from issue 14: record 1 becomes a copy of record 2, a new record 3
    # follows, then a truncated line. SQLite ended with 3 passages and FAISS with 2.
    folder = tmp_path / "news"
    folder.mkdir()
    dump = folder / "dump.jsonl"

    def record(number: int, text: str) -> str:
        return json.dumps({"id": number, "title": "Harbour", "text": text}) + "\n"

    x, y, z = "The ferry sails at noon.", "The bridge opens in May.", "The pier closes at dusk."
    dump.write_text(record(1, x) + record(2, y))
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([folder])
    dump.write_text(record(1, y) + record(2, y) + record(3, z) + '{"id": 4, "text": \n')
    report = library.add([folder])
    assert [f for f in report.failures if "not valid JSON" in f]
    assert library.check() == []
    reopened = Library(tmp_path / "lib", fake_embedder)
    assert len(reopened.vectors) == reopened.status().passages == 2  # y and z
    assert reopened.check() == []
    # The bad line is one skipped record: the file itself was read, the others kept.
    assert reopened.status().unreadable_files == []


def test_a_copy_whose_original_changes_with_it_keeps_no_stale_text(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    # Found by tests/test_trust: records 1 (X) and 2 (a copy of 1) both become Y in one edit.
    # Deleting 1's old article handed its place to record 2's copy, under the old text X.
    folder = tmp_path / "news"
    folder.mkdir()
    dump = folder / "dump.jsonl"

    def records(*texts: str) -> str:
        return "".join(
            json.dumps({"id": n, "title": "Harbour", "text": t}) + "\n"
            for n, t in enumerate(texts, 1)
        )

    x, y = "The ferry sails at noon.", "The bridge opens in May."
    dump.write_text(records(x, y))
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([folder])
    dump.write_text(records(x, x))
    library.update()
    dump.write_text(records(y, y))
    report = library.update()
    assert library.check() == []
    assert report.duplicates == 1
    assert library.status().passages == 1  # y, once
    assert library.lexical_search('"ferry"', 10) == []  # x is gone
    assert len(library.lexical_search('"bridge"', 10)) == 1


def test_removing_a_file_inside_an_indexed_folder_sticks_until_it_is_added_again(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([articles])
    comet = articles / "comet.txt"
    assert library.remove([comet]) == 1
    assert library.status().excluded == [str(comet)]
    assert library.status().stale_files == []  # not "changed": it is left out on purpose
    assert library.update().articles_added == 0
    assert library.status().articles == 6
    comet.write_text(comet.read_text() + "\n\nThe comet is visible again tonight.")
    assert library.update().articles_added == 0  # an edit does not bring it back either
    assert library.add([comet]).articles_added == 1
    assert library.status().excluded == []
    assert library.status().articles == 7
    assert library.check() == []


def test_removing_a_folder_inside_an_indexed_folder_excludes_everything_under_it(
    tmp_path: Path, articles: Path, fake_embedder: FakeEmbedder
) -> None:
    inner = articles / "inner"
    inner.mkdir()
    (inner / "note.md").write_text("# Tide tables\n\nThe tide turns at six.")
    (inner / "more.md").write_text("# Lighthouse\n\nThe lighthouse keeper retired.")
    library = Library(tmp_path / "lib", fake_embedder)
    library.add([articles])
    assert library.status().articles == 9
    assert library.remove([inner]) == 2
    assert library.update().articles_added == 0
    assert library.status().excluded == [str(inner)]
    # Adding one file back brings back that file alone.
    assert library.add([inner / "note.md"]).articles_added == 1
    assert library.update().articles_added == 0
    assert library.status().articles == 8
    assert library.check() == []
