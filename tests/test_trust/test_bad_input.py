"""Messy folders: every bad file gets one line naming it and the problem; the rest is indexed."""

from __future__ import annotations

import gzip
import io
import os
import resource
from pathlib import Path

import pytest
from pypdf import PdfWriter
from support import FakeEmbedder, news_dump

import qa.index.sync
from qa.index import ArticleError, Library, read_articles
from qa.index import reading as reading_module

GOOD = "Harbour wall approved\n\nThe council approved a new harbour wall on Thursday."


def index_folder(tmp_path: Path, folder: Path, embedder: FakeEmbedder):  # type: ignore[no-untyped-def]
    library = Library(tmp_path / "lib", embedder)
    return library, library.add([folder])


def encrypted_pdf(path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())


BAD_FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "zero.pdf": b"",
    "binary.txt": bytes(range(256)) * 20,
    "corrupt.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage",
    "truncated.jsonl.gz": gzip.compress(b'{"title": "t", "text": "Some text here."}\n' * 200)[:60],
    "broken.json": b'{"title": "x", "text": ',
    "wrong-types.json": b'{"articles": 7}',
}


def test_each_bad_file_is_named_with_its_problem_and_the_rest_indexed(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "messy"
    folder.mkdir()
    for name, content in BAD_FILES.items():
        (folder / name).write_bytes(content)
    encrypted_pdf(folder / "locked.pdf")
    (folder / "good.txt").write_text(GOOD)
    (folder / "latin1.txt").write_bytes("Café news\n\nZürich prices rose.".encode("latin-1"))
    (folder / "utf16.txt").write_bytes("Ferry news\n\nThe ferry sails.".encode("utf-16"))
    (folder / "invalid-utf8.txt").write_bytes(b"Odd bytes\n\nPrices \xff\xfe rose sharply.")
    (folder / "malformed.html").write_text(
        "<html><body><p>Unclosed <b>bold <div>The mayor opened the new bridge on Monday.<p>More"
    )
    library, report = index_folder(tmp_path, folder, fake_embedder)
    failures = "\n".join(report.failures)
    assert len(report.failures) == len(BAD_FILES) + 1, failures
    for name in [*BAD_FILES, "locked.pdf"]:
        line = next(f for f in report.failures if name in f)
        assert "\n" not in line and len(line) < 300
    assert "encrypted" in failures and "binary" in failures and "gzip" in failures
    titles = {library.article(i).article.title for i in range(1, 20) if _exists(library, i)}
    assert {"Harbour wall approved", "Café news", "Ferry news", "Odd bytes"} <= titles
    assert any(
        "bridge" in library.article(i).article.text for i in range(1, 20) if _exists(library, i)
    )


def _exists(library: Library, article_id: int) -> bool:
    try:
        library.article(article_id)
    except KeyError:
        return False
    return True


def test_a_200_mb_text_file_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(200_000_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ArticleError, match="too large for one article"):
        list(read_articles(huge))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000  # bounded memory: the file was never read


def test_a_large_news_dump_is_streamed(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl.gz"
    line = b'{"title": "Story", "text": "' + b"word " * 2000 + b'"}\n'
    with gzip.open(dump, "wb") as handle:
        for number in range(2000):
            handle.write(line.replace(b"Story", f"Story {number}".encode()))
    # The limit holds for each record (10 kB here), not for the dump (20 MB): it is streamed.
    articles = read_articles(dump, max_bytes=100_000)
    assert sum(1 for _ in articles) == 2000


def test_symlink_loops_fifos_and_odd_names(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "loop").symlink_to(folder)
    os.mkfifo(folder / "pipe.txt")
    (folder / "new\nline ☃.txt").write_text(GOOD)
    (folder / "ünïcödé名前.md").write_text("# Título\n\nLa alcaldesa inauguró el puente.")
    _, report = index_folder(tmp_path, folder, fake_embedder)
    assert report.articles_added == 2
    assert any("pipe.txt" in f and "not a regular file" in f for f in report.failures)


def test_unreadable_and_vanishing_files(
    tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "flaky"
    folder.mkdir()
    for name in ("locked.txt", "vanishing.txt", "fine.txt"):
        (folder / name).write_text(GOOD.replace("Thursday", name))
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        if self.name == "vanishing.txt":
            self.unlink()  # deleted between listing and reading
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    _, report = index_folder(tmp_path, folder, fake_embedder)
    assert report.articles_added == 1
    assert any("locked.txt: cannot read the file (Permission denied)" in f for f in report.failures)
    assert any("vanishing.txt: the file disappeared" in f for f in report.failures)


def test_the_same_article_under_two_paths_is_one_article_with_both_sources(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "copies"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    (folder / "a" / "story.txt").write_text(GOOD)
    (folder / "b" / "story-copy.txt").write_text(GOOD)
    library, report = index_folder(tmp_path, folder, fake_embedder)
    assert (report.articles_added, report.duplicates) == (1, 1)
    assert library.status().articles == 1
    assert library.store.sources(1) == [
        str(folder / "a" / "story.txt"),
        str(folder / "b" / "story-copy.txt"),
    ]
    (folder / "a" / "story.txt").unlink()
    again = library.add([folder])
    assert again.passages_embedded == 0  # the copy takes over; nothing to embed again
    assert library.store.sources(1) == [str(folder / "b" / "story-copy.txt")]
    hits = library.lexical_search('"harbour"', 5)
    assert len(hits) == 1


def test_reading_respects_the_size_limit_setting(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(GOOD)
    assert path.stat().st_size < reading_module.MAX_ARTICLE_BYTES
    with pytest.raises(ArticleError, match="too large"):
        list(read_articles(path, max_bytes=10))


def test_an_unreadable_file_is_remembered_until_it_changes(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    broken = folder / "broken.json"
    broken.write_text('{"title": "Ferry news", "text": ')
    library, first = index_folder(tmp_path, folder, fake_embedder)
    assert [f for f in first.failures if "broken.json: not valid JSON" in f]

    # Unchanged, it is still reported (it is still not indexed) but neither read again nor
    # counted as a change waiting for an update.
    again = library.update()
    assert [f for f in again.failures if f.endswith("(unchanged since the last try)")]
    status = library.status()
    assert status.stale_files == []
    assert [r for r in status.unreadable_files if "broken.json: not valid JSON" in r]

    # Fixed in place with the same size and modification time (only its status-change time
    # moves, as with chmod), it is read again and indexed.
    stat = broken.stat()
    broken.write_text('{"text": "The ferry sails."}'.ljust(stat.st_size))
    os.utime(broken, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert broken.stat().st_size == stat.st_size
    assert library.status().stale_files == [str(broken)]
    report = library.update()
    assert report.failures == [] and report.articles_added == 1
    assert library.status().unreadable_files == []


def test_a_bad_line_in_a_dump_is_one_skipped_record_and_every_other_record_is_kept(
    tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qa.index.sync, "COMMIT_EVERY_PASSAGES", 10)
    folder = tmp_path / "news"
    folder.mkdir()
    before = news_dump(105, "Ferry story {n} sails at noon.")
    after = news_dump(40, "Bridge story {n} opens in May.").replace('"id": ', '"id": 1000')
    (folder / "dump.jsonl").write_text(before + '{"id": 105, "text": \n' + after)
    library, report = index_folder(tmp_path, folder, fake_embedder)
    bad = [f for f in report.failures if "line 106 is not valid JSON" in f]
    assert len(bad) == 1 and "skipped that record" in bad[0] and "\n" not in bad[0]
    # Every good record is indexed, before the bad line (ten batches committed while reading)
    # and after it; the file was read, so it does not wait as unreadable.
    assert library.status().articles == 145
    assert library.status().unreadable_files == []
    assert library.update().failures == []  # unchanged: not read again
