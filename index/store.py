"""The SQLite half of an index: articles, passages with vectors, sentences, an FTS5 table."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .article import Article
from .errors import IndexCorrupt
from .passages import Passage, Span
from .schema import SCHEMA


@dataclass(frozen=True)
class StoredArticle:
    """An article as the index holds it, with its row id."""

    id: int
    article: Article


@dataclass(frozen=True)
class StoredPassage:
    """A passage row joined with its article, ready to show and cite."""

    id: int
    article: StoredArticle
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.article.article.text[self.start : self.end]


@dataclass(frozen=True)
class FileRecord:
    """What the index remembers about an article file, to notice changes without reading it."""

    path: str
    size: int
    mtime_ns: int
    articles: int


@dataclass(frozen=True)
class UnreadableFile:
    """A file that could not be read, remembered so it is neither read again nor reported as
    changed until it does change."""

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int
    """Status change time too: `chmod` fixes an unreadable file without touching its mtime."""
    reason: str


class Store:
    """Reads and writes one library's SQLite database; all writes go through transactions."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            else:
                self.db = sqlite3.connect(path, check_same_thread=False)
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.executescript(SCHEMA)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("SELECT count(*) FROM articles").fetchone()
        except sqlite3.DatabaseError as error:
            raise IndexCorrupt(
                f"the index database {path} is damaged ({error}); rebuild it with: qa index rebuild"
            ) from error
        self._articles: dict[int, StoredArticle] = {}

    def close(self) -> None:
        self.db.close()

    # -- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        """Bumped by every committed change to the passages, so the FAISS file can be checked."""
        return int(self.get_meta("generation", "0"))

    def bump_generation(self) -> None:
        """Mark a change to the passages; call inside the transaction that makes it."""
        self.set_meta("generation", str(self.generation + 1))

    # -- files and roots -------------------------------------------------------------------

    def roots(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT path FROM roots ORDER BY path")]

    def add_root(self, path: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO roots (path) VALUES (?)", (path,))

    def remove_root(self, path: str) -> None:
        self.db.execute("DELETE FROM roots WHERE path = ?", (path,))

    def exclusions(self) -> list[str]:
        """Files and folders inside the library's folders that `qa index remove` left out."""
        try:
            rows = self.db.execute("SELECT path FROM exclusions ORDER BY path").fetchall()
        except sqlite3.OperationalError:
            return []  # an index written before exclusions existed, opened read-only
        return [row[0] for row in rows]

    def add_exclusion(self, path: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO exclusions (path) VALUES (?)", (path,))

    def remove_exclusion(self, path: str) -> None:
        self.db.execute("DELETE FROM exclusions WHERE path = ?", (path,))

    def files(self) -> dict[str, FileRecord]:
        rows = self.db.execute("SELECT path, size, mtime_ns, articles FROM files")
        return {row[0]: FileRecord(*row) for row in rows}

    def record_file(self, record: FileRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files (path, size, mtime_ns, articles) VALUES (?, ?, ?, ?)",
            (record.path, record.size, record.mtime_ns, record.articles),
        )

    def unreadable(self) -> dict[str, UnreadableFile]:
        try:
            rows = self.db.execute("SELECT path, size, mtime_ns, ctime_ns, reason FROM unreadable")
        except sqlite3.OperationalError:
            return {}  # an index written before unreadable files were remembered, opened read-only
        return {row[0]: UnreadableFile(*row) for row in rows}

    def record_unreadable(self, record: UnreadableFile) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO unreadable (path, size, mtime_ns, ctime_ns, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            (record.path, record.size, record.mtime_ns, record.ctime_ns, record.reason),
        )

    def forget_unreadable(self, path: str) -> None:
        self.db.execute("DELETE FROM unreadable WHERE path = ?", (path,))

    def forget_file(self, path: str) -> list[int]:
        """Drop a file and its articles; returns the ids of the passages removed."""
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        self.db.execute("DELETE FROM aliases WHERE path = ?", (path,))
        removed: list[int] = []
        rows = self.db.execute("SELECT id FROM articles WHERE path = ?", (path,)).fetchall()
        for (article_id,) in rows:
            removed.extend(self.delete_article(article_id))
        return removed

    # -- articles --------------------------------------------------------------------------

    def article_hashes(self, path: str) -> dict[str, tuple[int, str, bool]]:
        """Article key -> (id, content hash, is a duplicate) for every article read from `path`."""
        found = {
            row[0]: (row[1], row[2], False)
            for row in self.db.execute(
                "SELECT key, id, content_hash FROM articles WHERE path = ?", (path,)
            )
        }
        for key, article_id, content_hash in self.db.execute(
            "SELECT key, article_id, content_hash FROM aliases WHERE path = ?", (path,)
        ):
            found[key] = (article_id, content_hash, True)
        return found

    def article_with_text(self, text_hash: str) -> int | None:
        """The id of an article with exactly this text, if one is indexed."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE text_hash = ? LIMIT 1", (text_hash,)
        ).fetchone()
        return int(row[0]) if row else None

    def add_alias(self, article_id: int, article: Article) -> None:
        """Remember that `article` (same text, another file or record) is already indexed."""
        self.db.execute(
            "INSERT OR REPLACE INTO aliases (article_id, key, path, source, content_hash) "
            "VALUES (?, ?, ?, ?, ?)",
            (article_id, article.key, article.path, article.source, article.content_hash),
        )

    def remove_alias(self, key: str) -> None:
        self.db.execute("DELETE FROM aliases WHERE key = ?", (key,))

    def sources(self, article_id: int) -> list[str]:
        """Every source an article was found under, the indexed one first."""
        first = self.stored_article(article_id).article.source
        rows = self.db.execute(
            "SELECT source FROM aliases WHERE article_id = ? ORDER BY rowid", (article_id,)
        )
        return [first, *(row[0] for row in rows)]

    def delete_article(self, article_id: int) -> list[int]:
        """Remove an article with its passages and sentences; returns the removed passage ids.

        If the same text is also known under another file, that copy takes its place instead."""
        self._articles.pop(article_id, None)
        twin = self.db.execute(
            "SELECT key, path, source, content_hash FROM aliases WHERE article_id = ? "
            "ORDER BY rowid LIMIT 1",
            (article_id,),
        ).fetchone()
        if twin is not None:
            self.db.execute(
                "UPDATE articles SET key = ?, path = ?, source = ?, content_hash = ? WHERE id = ?",
                (*twin, article_id),
            )
            self.remove_alias(twin[0])
            return []
        ids = [
            row[0]
            for row in self.db.execute(
                "SELECT id FROM passages WHERE article_id = ?", (article_id,)
            )
        ]
        self.db.executemany("DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in ids])
        self.db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM sentences WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return ids

    def insert_article(
        self, article: Article, passages: list[Passage], sentences: list[Span], vectors: np.ndarray
    ) -> list[int]:
        """Store an article, its sentences and its passages with vectors; returns passage ids."""
        cursor = self.db.execute(
            "INSERT INTO articles (key, path, title, source, date, author, text, content_hash, "
            "text_hash, page_starts, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.key,
                article.path,
                article.title,
                article.source,
                article.date,
                article.author,
                article.text,
                article.content_hash,
                article.text_hash,
                json.dumps(list(article.page_starts)),
                time.time(),
            ),
        )
        article_id = int(cursor.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO sentences (article_id, start, end) VALUES (?, ?, ?)",
            [(article_id, span.start, span.end) for span in sentences],
        )
        ids: list[int] = []
        for passage, vector in zip(passages, vectors, strict=True):
            cursor = self.db.execute(
                "INSERT INTO passages (article_id, start, end, vector) VALUES (?, ?, ?, ?)",
                (article_id, passage.start, passage.end, vector.astype(np.float32).tobytes()),
            )
            passage_id = int(cursor.lastrowid or 0)
            self.db.execute(
                "INSERT INTO passages_fts (rowid, title, body) VALUES (?, ?, ?)",
                (passage_id, article.title, article.text[passage.start : passage.end]),
            )
            ids.append(passage_id)
        return ids

    def recent_titles(self, count: int) -> list[str]:
        """The titles of the `count` articles indexed last (the chat's example questions)."""
        rows = self.db.execute(
            "SELECT title FROM articles WHERE title != '' ORDER BY indexed_at DESC, id DESC "
            "LIMIT ?",
            (count,),
        )
        return [row[0] for row in rows]

    def stored_article(self, article_id: int) -> StoredArticle:
        cached = self._articles.get(article_id)
        if cached is not None:
            return cached
        row = self.db.execute(
            "SELECT id, key, text, title, source, path, date, author, page_starts FROM articles "
            "WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise KeyError(article_id)
        article = Article(
            key=row[1],
            text=row[2],
            title=row[3],
            source=row[4],
            path=row[5],
            date=row[6],
            author=row[7],
            page_starts=tuple(json.loads(row[8])),
        )
        stored = StoredArticle(row[0], article)
        self._articles[article_id] = stored
        return stored

    def sentences(self, article_id: int, start: int = 0, end: int | None = None) -> list[Span]:
        """Sentences of an article overlapping `[start, end)`, in order."""
        stop = end if end is not None else 1 << 62
        rows = self.db.execute(
            "SELECT start, end FROM sentences WHERE article_id = ? AND end > ? AND start < ? "
            "ORDER BY start",
            (article_id, start, stop),
        )
        return [Span(row[0], row[1]) for row in rows]

    # -- passages --------------------------------------------------------------------------

    def passages(self, ids: Iterable[int]) -> dict[int, StoredPassage]:
        wanted = list(ids)
        found: dict[int, StoredPassage] = {}
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, article_id, start, end FROM passages WHERE id IN ({marks})", chunk
            )
            for passage_id, article_id, start, end in rows.fetchall():
                found[passage_id] = StoredPassage(
                    passage_id, self.stored_article(article_id), start, end
                )
        return found

    def vectors_for(self, ids: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of the given passages that exist, ordered by id."""
        wanted = sorted(set(ids))
        found_ids: list[int] = []
        vectors: list[np.ndarray] = []
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, vector FROM passages WHERE id IN ({marks}) ORDER BY id", chunk
            )
            for passage_id, blob in rows.fetchall():
                found_ids.append(passage_id)
                vectors.append(np.frombuffer(blob, dtype=np.float32))
        if not vectors:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        return np.array(found_ids, dtype=np.int64), np.stack(vectors)

    def iter_vectors(self, batch: int = 4096) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """All (ids, vectors) in batches, for rebuilding the FAISS index."""
        cursor = self.db.execute("SELECT id, vector FROM passages ORDER BY id")
        while rows := cursor.fetchmany(batch):
            ids = np.array([row[0] for row in rows], dtype=np.int64)
            vectors = np.stack([np.frombuffer(row[1], dtype=np.float32) for row in rows])
            yield ids, vectors

    def lexical_search(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(passage id, score) by BM25 over title and body; higher is better."""
        if not query:
            return []
        # bm25() is lower-is-better; the title counts, but less than the passage itself.
        rows = self.db.execute(
            "SELECT rowid, bm25(passages_fts, 0.5, 1.0) AS rank FROM passages_fts "
            "WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        )
        return [(int(row[0]), -float(row[1])) for row in rows]

    def matches(self, query: str) -> int:
        """How many passages an FTS5 query matches (counted from its doclists: fast)."""
        row = self.db.execute(
            "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (query,)
        ).fetchone()
        return int(row[0])

    def counts(self) -> tuple[int, int]:
        """(articles, passages) in the index."""
        articles = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        passages = self.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        return int(articles), int(passages)
