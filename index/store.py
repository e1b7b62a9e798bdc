"""The SQLite half of an index: articles, passages with vectors, sentences, an FTS5 table."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .article import Article
from .causes import database_failure, write_failure
from .errors import NotALibrary
from .passages import Passage, Span
from .schema import LIBRARY_TABLES, SCHEMA

_READONLY, _CANTOPEN = 8, 14
"""SQLite's result codes for a file that cannot be written, or opened as asked."""


def _code(error: sqlite3.Error) -> int:
    """SQLite's primary result code of `error`."""
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


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


def stored_name(text: str) -> str | bytes:
    """A path or key as SQLite can hold it: the text, or, for a file name with bytes that are
    not UTF-8 (Python holds them as lone surrogates, which SQLite refuses), its bytes as a BLOB,
    so the file is found again exactly. `name_of` turns either back into the name."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
    return text


def name_of(value: str | bytes) -> str:
    """A path or key read back from the database (see `stored_name`)."""
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


class ArticleSelection(Protocol):
    """Which articles a search may use (`qa.answering.Filters` is one); empty means any."""

    @property
    def folders(self) -> tuple[str, ...]:
        """Absolute folders (or files) an article's file must lie in, one of them."""
        ...

    @property
    def since(self) -> str | None:
        """The first ISO day an article's date may have."""
        ...

    @property
    def until(self) -> str | None:
        """The last ISO day an article's date may have."""
        ...

    @property
    def sources(self) -> tuple[str, ...]:
        """Words, one of which an article's source must contain (ignoring case)."""
        ...


_ALIASES_WHERE = "a.id IN (SELECT article_id FROM aliases WHERE "
"""The articles that have an alias (the same text read from another file) meeting a condition;
not correlated, so SQLite runs it once, not once an article."""


def selection_sql(selection: ArticleSelection) -> tuple[str, list[object]]:
    """A condition on `articles AS a` (and its aliases: an article read from two files lies in
    both folders) that holds for the selected articles, with its parameters."""
    conditions: list[str] = []
    params: list[object] = []
    if selection.folders:
        inside: list[str] = []
        for folder in selection.folders:
            base = folder.rstrip("/")
            # A range, which the index on the path serves (LIKE would not, and a folder's name
            # may hold % or _): "0" sorts right after "/", so [base/, base0) is all inside.
            # Twice: paths that are not UTF-8 are BLOBs (`stored_name`), which sort apart.
            test = "({col} = ? OR ({col} >= ? AND {col} < ?) OR ({col} >= ? AND {col} < ?))"
            inside.append(test.format(col="a.path"))
            inside.append(_ALIASES_WHERE + test.format(col="path") + ")")
            start, stop = base + "/", base + "0"
            params += [
                stored_name(folder),
                stored_name(start),
                stored_name(stop),
                start.encode("utf-8", "surrogatepass"),
                stop.encode("utf-8", "surrogatepass"),
            ] * 2
        conditions.append("(" + " OR ".join(inside) + ")")
    if selection.since or selection.until:
        # Compared at the article's own precision: an article dated only "2024-03" lies in a
        # range that overlaps March 2024. Dates that are not ISO (an old library) never match.
        conditions.append("a.date GLOB '[0-9][0-9][0-9][0-9]*'")
        day = "substr(a.date, 1, 10)"
        if selection.since:
            conditions.append(f"{day} >= substr(?, 1, length({day}))")
            params.append(selection.since)
        if selection.until:
            conditions.append(f"{day} <= ?")
            params.append(selection.until)
    if selection.sources:
        contains = "instr(qa_fold({col}), ?) > 0"
        either: list[str] = []
        for source in selection.sources:
            either.append(contains.format(col="a.source"))
            either.append(_ALIASES_WHERE + contains.format(col="source") + ")")
            params += [source.casefold()] * 2
        conditions.append("(" + " OR ".join(either) + ")")
    return " AND ".join(conditions) or "1", params


class Store:
    """Reads and writes one library's SQLite database; all writes go through transactions."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """Open the database at `path`, creating its tables when it is new. A database that
        cannot be written (a read-only or immutable folder) is opened for reading; one that
        holds other tables than a library's is refused, never written into."""
        self.path = path
        self.writable = not readonly
        try:
            existed = path.stat().st_size > 0
        except FileNotFoundError:
            existed = False
        except OSError as error:
            raise write_failure(path.parent, error) from error
        try:
            self.db = self._connect(existed)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("SELECT count(*) FROM articles").fetchone()
        except sqlite3.Error as error:
            raise database_failure(path.parent, error) from error
        self._articles: dict[int, StoredArticle] = {}

    def _connect(self, existed: bool) -> sqlite3.Connection:
        """A connection for writing when the file allows it, else for reading only."""
        if self.writable:
            db = sqlite3.connect(self.path, check_same_thread=False)
            try:
                if existed:
                    self._refuse_foreign(db)
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(SCHEMA)
                return db
            except sqlite3.OperationalError as error:
                db.close()
                if not existed or _code(error) not in (_READONLY, _CANTOPEN):
                    raise
                self.writable = False  # a read-only folder: `qa ask` still reads it
        uri = self.path.absolute().as_uri()  # percent-encoded: a "?" in a folder name is safe
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
        try:
            self._refuse_foreign(db)
            return db
        except sqlite3.OperationalError as error:
            db.close()
            if _code(error) not in (_READONLY, _CANTOPEN):
                raise
        # A WAL database in a folder where its -shm file cannot be made: read as immutable,
        # which is safe only because nothing can write there either.
        db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._refuse_foreign(db)
        return db

    def _refuse_foreign(self, db: sqlite3.Connection) -> None:
        """Raise NotALibrary when the database holds no library's tables (another program's
        file under the library's name): nothing is ever written into it."""
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        missing = [table for table in LIBRARY_TABLES if table not in names]
        if missing:
            raise NotALibrary(
                f"{self.path} is not a qa library's database (it has no {missing[0]} table); "
                f"pick the folder of a qa library with --library, or a new one to index into"
            )

    def close(self) -> None:
        self.db.close()

    # -- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def identity(self) -> str:
        """The library's random id, also kept in its manifest: a database of another library
        put in this one's place is told apart ("" in a library made before ids)."""
        return self.get_meta("library")

    def claim_identity(self) -> str:
        """Give the library an id if it has none; call inside a transaction."""
        if not self.identity:
            self.set_meta("library", uuid.uuid4().hex)
        return self.identity

    @property
    def generation(self) -> int:
        """Bumped by every committed change to the passages, so the FAISS file can be checked."""
        return int(self.get_meta("generation", "0"))

    def bump_generation(self) -> None:
        """Mark a change to the passages; call inside the transaction that makes it."""
        self.set_meta("generation", str(self.generation + 1))

    # -- files and roots -------------------------------------------------------------------

    def roots(self) -> list[str]:
        return [name_of(row[0]) for row in self.db.execute("SELECT path FROM roots ORDER BY path")]

    def add_root(self, path: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO roots (path) VALUES (?)", (stored_name(path),))

    def remove_root(self, path: str) -> None:
        self.db.execute("DELETE FROM roots WHERE path = ?", (stored_name(path),))

    def exclusions(self) -> list[str]:
        """Files and folders inside the library's folders that `qa index remove` left out."""
        try:
            rows = self.db.execute("SELECT path FROM exclusions ORDER BY path").fetchall()
        except sqlite3.OperationalError:
            return []  # an index written before exclusions existed, opened read-only
        return [name_of(row[0]) for row in rows]

    def add_exclusion(self, path: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO exclusions (path) VALUES (?)", (stored_name(path),))

    def remove_exclusion(self, path: str) -> None:
        self.db.execute("DELETE FROM exclusions WHERE path = ?", (stored_name(path),))

    def files(self) -> dict[str, FileRecord]:
        rows = self.db.execute("SELECT path, size, mtime_ns, articles FROM files")
        return {name_of(row[0]): FileRecord(name_of(row[0]), *row[1:]) for row in rows}

    def record_file(self, record: FileRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files (path, size, mtime_ns, articles) VALUES (?, ?, ?, ?)",
            (stored_name(record.path), record.size, record.mtime_ns, record.articles),
        )

    def unreadable(self) -> dict[str, UnreadableFile]:
        try:
            rows = self.db.execute("SELECT path, size, mtime_ns, ctime_ns, reason FROM unreadable")
        except sqlite3.OperationalError:
            return {}  # an index written before unreadable files were remembered, opened read-only
        return {
            name_of(path): UnreadableFile(name_of(path), size, mtime_ns, ctime_ns, name_of(reason))
            for path, size, mtime_ns, ctime_ns, reason in rows
        }

    def record_unreadable(self, record: UnreadableFile) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO unreadable (path, size, mtime_ns, ctime_ns, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                stored_name(record.path),
                record.size,
                record.mtime_ns,
                record.ctime_ns,
                stored_name(record.reason),
            ),
        )

    def forget_unreadable(self, path: str) -> None:
        self.db.execute("DELETE FROM unreadable WHERE path = ?", (stored_name(path),))

    def forget_file(self, path: str) -> list[int]:
        """Drop a file and its articles; returns the ids of the passages removed."""
        name = stored_name(path)
        self.db.execute("DELETE FROM files WHERE path = ?", (name,))
        self.db.execute("DELETE FROM aliases WHERE path = ?", (name,))
        removed: list[int] = []
        rows = self.db.execute("SELECT id FROM articles WHERE path = ?", (name,)).fetchall()
        for (article_id,) in rows:
            removed.extend(self.delete_article(article_id))
        return removed

    # -- articles --------------------------------------------------------------------------

    def article_hashes(self, path: str) -> dict[str, tuple[int, str, bool]]:
        """Article key -> (id, content hash, is a duplicate) for every article read from `path`."""
        name = stored_name(path)
        found = {
            name_of(row[0]): (row[1], row[2], False)
            for row in self.db.execute(
                "SELECT key, id, content_hash FROM articles WHERE path = ?", (name,)
            )
        }
        for key, article_id, content_hash in self.db.execute(
            "SELECT key, article_id, content_hash FROM aliases WHERE path = ?", (name,)
        ):
            found[name_of(key)] = (article_id, content_hash, True)
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
            (
                article_id,
                stored_name(article.key),
                stored_name(article.path),
                stored_name(article.source),
                article.content_hash,
            ),
        )

    def remove_alias(self, key: str) -> None:
        self.db.execute("DELETE FROM aliases WHERE key = ?", (stored_name(key),))

    def copies_in(self, paths: list[str], elsewhere: list[str]) -> int:
        """How many articles read from `paths` are also known, as copies, from `elsewhere`."""
        if not paths or not elsewhere:
            return 0
        wanted = set(elsewhere)
        moved = 0
        for path in paths:
            for (article_id,) in self.db.execute(
                "SELECT id FROM articles WHERE path = ?", (path,)
            ).fetchall():
                copies = self.db.execute(
                    "SELECT path FROM aliases WHERE article_id = ?", (article_id,)
                ).fetchall()
                moved += any(copy in wanted for (copy,) in copies)
        return moved

    def sources(self, article_id: int) -> list[str]:
        """Every source an article was found under, the indexed one first."""
        first = self.stored_article(article_id).article.source
        rows = self.db.execute(
            "SELECT source FROM aliases WHERE article_id = ? ORDER BY rowid", (article_id,)
        )
        return [first, *(name_of(row[0]) for row in rows)]

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
            self.db.execute("DELETE FROM aliases WHERE key = ?", (twin[0],))
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
                stored_name(article.key),
                stored_name(article.path),
                article.title,
                stored_name(article.source),
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
            key=name_of(row[1]),
            text=row[2],
            title=row[3],
            source=name_of(row[4]),
            path=name_of(row[5]),
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
        """The passages of `ids` that exist, with their articles; a passage whose article is
        gone (damage `qa index check` reports) cannot be shown or cited, so it is left out."""
        wanted = list(ids)
        found: dict[int, StoredPassage] = {}
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, article_id, start, end FROM passages WHERE id IN ({marks})", chunk
            )
            for passage_id, article_id, start, end in rows.fetchall():
                try:
                    article = self.stored_article(article_id)
                except KeyError:
                    continue
                found[passage_id] = StoredPassage(passage_id, article, start, end)
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

    def selected_passages(self, selection: ArticleSelection) -> np.ndarray:
        """The ids of the passages of the selected articles, sorted."""
        where, params = self._selecting(selection)
        rows = self.db.execute(
            # Articles first (CROSS JOIN keeps that order), then their passage ids from the
            # index on article_id alone: the passage rows, which hold the vectors, stay unread.
            f"SELECT p.id FROM articles a CROSS JOIN passages p ON p.article_id = a.id "
            f"WHERE {where} ORDER BY p.id",
            params,
        )
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def lexical_search_in(
        self, query: str, limit: int, selection: ArticleSelection
    ) -> list[tuple[int, float]]:
        """`lexical_search` among the passages of the selected articles only: the condition
        is in the query, so a rare selection still gets its `limit` best matches."""
        if not query:
            return []
        where, params = self._selecting(selection)
        # The matches drive (CROSS JOIN keeps that order; the other way round, SQLite looks up
        # every selected passage in the FTS table, 10 to 80 times slower on 2,000 articles),
        # each checked against the selected articles, found once.
        rows = self.db.execute(
            "SELECT passages_fts.rowid, bm25(passages_fts, 0.5, 1.0) AS rank FROM passages_fts "
            "CROSS JOIN passages p ON p.id = passages_fts.rowid WHERE passages_fts MATCH ? "
            f"AND p.article_id IN (SELECT a.id FROM articles a WHERE {where}) "
            "ORDER BY rank LIMIT ?",
            [query, *params, limit],
        )
        return [(int(row[0]), -float(row[1])) for row in rows]

    def _selecting(self, selection: ArticleSelection) -> tuple[str, list[object]]:
        # SQLite's lower() folds ASCII only; sources may be paths in any script.
        self.db.create_function("qa_fold", 1, _fold, deterministic=True)
        return selection_sql(selection)

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


def _fold(text: object) -> str:
    return str(text or "").casefold()
