"""`qa index check`: do the article files, the database and the vector file agree?

Like `git fsck` or `restic check`: every store that must agree with another is compared, and each
difference is one line saying what differs and what fixes it. SQLite is the source of truth, so
`repair` rebuilds everything derived from it (the FTS table, the file counts, the vector file)
and drops rows it cannot vouch for, for the next update to read their files again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .article import Article
from .embedder import Embedder
from .errors import IndexCorrupt
from .manifest import Manifest
from .passages import Passage
from .report import SyncReport
from .schema import FTS_TABLE
from .store import Store
from .sync import plan_library
from .vectors import VectorIndex
from .writer import Writer, passage_input

SAMPLE = 16
"""Stored vectors compared with the same passages embedded again."""
VERIFIED = 64
"""Passages whose FAISS and SQLite vectors differ that are embedded again to tell which side
is wrong; more than that are judged by these."""
SAME_VECTOR = 0.99
"""Cosine above which a stored vector counts as its passage's embedding (batching and int8
rounding move it by less than 0.001)."""


@dataclass(frozen=True)
class Difference:
    """One way the stores disagree."""

    what: str
    """One line: what differs, with counts or ids."""
    fix: str
    """What puts it right: `repair` (from SQLite), `update` (read the files) or `rebuild`."""

    def __str__(self) -> str:
        command = {"repair": "qa index check --repair", "update": "qa index update"}
        return f"{self.what} (fix: {command.get(self.fix, 'qa index rebuild')})"


_ORPHANS = {
    "passages": "SELECT count(*) FROM passages WHERE article_id NOT IN (SELECT id FROM articles)",
    "sentences": "SELECT count(*) FROM sentences WHERE article_id NOT IN (SELECT id FROM articles)",
    "aliases": "SELECT count(*) FROM aliases WHERE article_id NOT IN (SELECT id FROM articles)",
}
_BROKEN_ARTICLES = {
    "no passages": "SELECT id FROM articles a WHERE NOT EXISTS "
    "(SELECT 1 FROM passages p WHERE p.article_id = a.id)",
    "no sentences": "SELECT id FROM articles a WHERE NOT EXISTS "
    "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)",
    "passages outside their text": "SELECT DISTINCT a.id FROM passages p JOIN articles a "
    "ON a.id = p.article_id WHERE p.start < 0 OR p.start >= p.end OR p.end > length(a.text)",
    "vectors of the wrong size": "SELECT DISTINCT article_id FROM passages "
    "WHERE length(vector) != :bytes",
}
_FTS_MISSING = "SELECT id FROM passages EXCEPT SELECT rowid FROM passages_fts"
_FTS_EXTRA = "SELECT rowid FROM passages_fts EXCEPT SELECT id FROM passages"
_FTS_WRONG = (
    "SELECT count(*) FROM passages p JOIN articles a ON a.id = p.article_id "
    "JOIN passages_fts f ON f.rowid = p.id "
    "WHERE f.body != substr(a.text, p.start + 1, p.end - p.start) OR f.title != a.title"
)
_FILE_COUNTS = (
    "SELECT f.path, f.articles, "
    "(SELECT count(*) FROM articles a WHERE a.path = f.path) + "
    "(SELECT count(*) FROM aliases s WHERE s.path = f.path) FROM files f "
    # A file that broke halfway keeps the records read before the bad part: not counted.
    "WHERE f.path NOT IN (SELECT path FROM unreadable)"
)
_UNRECORDED = (
    "SELECT DISTINCT path FROM articles WHERE path NOT IN (SELECT path FROM files) "
    "AND path NOT IN (SELECT path FROM unreadable)"
)


def check_integrity(store: Store) -> list[Difference]:
    """SQLite's own integrity check, then FTS5's. A database that fails SQLite's is damaged
    below anything `repair` can vouch for: one difference, for `qa index rebuild`. A full-text
    index that fails FTS5's (its pages sound) is derived from the passages: `repair` makes it
    again."""
    db = store.db
    problems = [str(row[0]) for row in db.execute("PRAGMA integrity_check(3)")]
    if problems != ["ok"]:
        said = "; ".join(" ".join(problem.split()) for problem in problems)
        return [Difference(f"the database is damaged (integrity check: {said[:200]})", "rebuild")]
    if not store.writable:
        return []  # FTS5's check is an INSERT: a read-only database cannot run it
    try:
        db.execute("INSERT INTO passages_fts (passages_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as error:
        return [Difference(f"the full-text index is damaged ({error})", "repair")]
    finally:
        db.rollback()
    return []


def check_database(store: Store, dimension: int, fts: bool = True) -> list[Difference]:
    """Differences inside SQLite: orphan rows, broken or altered articles, the FTS table
    (unless `fts` is False: known damaged), file counts."""
    db = store.db
    found: list[Difference] = []
    for table, query in _ORPHANS.items():
        count = db.execute(query).fetchone()[0]
        if count:
            found.append(Difference(f"{count} {table} belong to no article", "repair"))
    for problem, query in _BROKEN_ARTICLES.items():
        ids = [row[0] for row in db.execute(query, {"bytes": 4 * dimension})]
        if ids:
            found.append(Difference(f"{_some(ids, 'article')} with {problem}", "repair"))
    altered = altered_articles(store)
    if altered:
        found.append(
            Difference(
                f"{_some(altered, 'article')} whose stored text no longer matches its hash "
                f"(changed outside qa)",
                "repair",
            )
        )
    if fts:
        found += _check_fts(store)
    for path, recorded, actual in db.execute(_FILE_COUNTS):
        if recorded != actual:
            found.append(
                Difference(f"{path}: {recorded} articles recorded, {actual} indexed", "repair")
            )
    return found


def _check_fts(store: Store) -> list[Difference]:
    """The FTS table against the passages it indexes."""
    db = store.db
    found: list[Difference] = []
    missing = [row[0] for row in db.execute(_FTS_MISSING)]
    extra = [row[0] for row in db.execute(_FTS_EXTRA)]
    if missing:
        found.append(
            Difference(f"{_some(missing, 'passage')} missing from the FTS table", "repair")
        )
    if extra:
        found.append(Difference(f"{_some(extra, 'FTS row')} for no passage", "repair"))
    wrong = db.execute(_FTS_WRONG).fetchone()[0]
    if wrong:
        found.append(Difference(f"{wrong} FTS rows differ from their passage's text", "repair"))
    return found


def altered_articles(store: Store) -> list[int]:
    """Ids of articles whose title and text no longer hash to the hash stored when they were
    indexed: changed behind qa's back, so their passages and offsets cannot be trusted."""
    rows = store.db.execute("SELECT id, title, text, text_hash FROM articles ORDER BY id")
    return [
        article_id
        for article_id, title, text, stored in rows
        if Article(key="", text=text, title=title, source="", path="").text_hash != stored
    ]


def check_vectors(
    store: Store, manifest: Manifest, vector_file: Path, embedder: Embedder, sample: int = SAMPLE
) -> list[Difference]:
    """Differences between SQLite and the vector file, and stored vectors against the model."""
    found: list[Difference] = []
    articles, passages = store.counts()
    if manifest.generation != store.generation:
        # A run killed between its commit and saving the vector file; readers rebuild the
        # vectors in memory meanwhile, and the next update saves them.
        return [
            Difference(
                f"the vector file lags the database (generation {manifest.generation} of "
                f"{store.generation}): a run was stopped before it saved it",
                "update",
            )
        ]
    if (manifest.articles, manifest.passages) != (articles, passages):
        found.append(
            Difference(
                f"the manifest counts {manifest.articles} articles and {manifest.passages} "
                f"passages, the database {articles} and {passages}",
                "repair",
            )
        )
    stored_ids = np.array([r[0] for r in store.db.execute("SELECT id FROM passages ORDER BY id")])
    if not vector_file.exists():
        return [*found, Difference("the vector file is missing", "repair")]
    try:
        # Mapped: a compact file of 10M passages is 4 GB, of which the check reads the ids and a
        # sample of codes.
        vectors = VectorIndex.load(vector_file, embedder.dimension, mapped=True)
    except IndexCorrupt:
        return [Difference("the vector file is damaged", "repair")]
    faiss_ids = vectors.ids()
    only_db = np.setdiff1d(stored_ids, faiss_ids)
    only_faiss = np.setdiff1d(faiss_ids, stored_ids)
    if len(only_db):
        found.append(
            Difference(f"{_some(only_db.tolist(), 'passage')} missing from FAISS", "repair")
        )
    if len(only_faiss):
        found.append(
            Difference(f"{_some(only_faiss.tolist(), 'FAISS vector')} for no passage", "repair")
        )
    if len(faiss_ids) != len(np.unique(faiss_ids)):
        found.append(Difference("FAISS holds a passage id twice", "repair"))
    differing = _differing_vectors(store, vectors, faiss_ids)
    # Which side is wrong is found by embedding the passage again: a stored vector that still
    # is its text's embedding means the vector file is wrong (repair writes it from SQLite);
    # one that is not cannot be trusted to repair anything (rebuild).
    verified = differing[:VERIFIED]
    chosen = np.union1d(_evenly(np.intersect1d(stored_ids, faiss_ids), sample), verified)
    ids, saved = store.vectors_for(chosen.astype(np.int64).tolist())
    misembedded = _misembedded(store, embedder, ids, saved)
    for passage_id in verified:
        fix = "rebuild" if passage_id in misembedded else "repair"
        found.append(Difference(f"passage {passage_id}: FAISS and SQLite vectors differ", fix))
    if len(differing) > len(verified):
        found.append(
            Difference(
                f"{len(differing) - len(verified)} more passages: FAISS and SQLite vectors differ",
                "rebuild" if misembedded else "repair",
            )
        )
    found += [
        Difference(
            f"passage {passage_id}: its stored vector is not its text's embedding "
            f"(cosine {cosine:.3f})",
            "rebuild",
        )
        for passage_id, cosine in sorted(misembedded.items())
    ]
    return found


def _differing_vectors(store: Store, vectors: VectorIndex, held: np.ndarray) -> list[int]:
    """Ids of every passage whose vector in the file is not the one SQLite stores (within the
    tier's tolerance: a compact index keeps 8-bit codes), read a batch at a time."""
    tolerance = max(1e-5, vectors.tolerance)
    differing: list[int] = []
    # Vectors of the wrong size are left to check_database, which reports them.
    cursor = store.db.execute(
        "SELECT id, vector FROM passages WHERE length(vector) = ? ORDER BY id",
        (4 * vectors.dimension,),
    )
    while rows := cursor.fetchmany(4096):
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        saved = np.stack([np.frombuffer(row[1], dtype=np.float32) for row in rows])
        present = np.isin(ids, held)
        if not present.any():
            continue
        stored = saved[present]
        found = vectors.vectors(ids[present])
        with np.errstate(invalid="ignore", over="ignore"):  # garbage: inf - inf, NaN
            same = np.all(np.abs(found - stored) <= tolerance, axis=1)  # NaN is never the same
        differing.extend(int(i) for i in ids[present][~same])
    return differing


def _misembedded(
    store: Store, embedder: Embedder, ids: np.ndarray, saved: np.ndarray
) -> dict[int, float]:
    """{passage id: cosine} of the stored vectors among `ids` that are not their passage's
    embedding now (a sample, and the passages whose two vectors differ)."""
    if not len(ids):
        return {}
    passages = store.passages(ids.tolist())
    texts = [
        passage_input(found.article.article, Passage(found.start, found.end, ()))
        for found in (passages[int(i)] for i in ids)
    ]
    fresh = embedder.encode(texts)
    cosines = np.sum(fresh * saved, axis=1)
    return {
        int(passage_id): float(cosine)
        for passage_id, cosine in zip(ids, cosines, strict=True)
        if not cosine >= SAME_VECTOR  # NaN (garbage) is not the same either
    }


def check_files(store: Store) -> list[Difference]:
    """Article files new, changed or gone since the last update."""
    plan = plan_library(store, store.roots())
    # A run stopped before it recorded a file leaves its articles waiting for the next update;
    # articles of a file that no update will read are lost track of.
    unaccounted = [path for (path,) in store.db.execute(_UNRECORDED) if path not in plan.read]
    return [
        *(Difference(f"{path}: not indexed yet", "update") for path in plan.new),
        *(Difference(f"{path}: changed since it was indexed", "update") for path in plan.changed),
        *(Difference(f"{path}: gone, still indexed", "update") for path in plan.gone),
        *(
            Difference(f"{path}: articles of a file no update reads", "repair")
            for path in unaccounted
        ),
    ]


def repair_database(store: Store, dimension: int) -> None:
    """Put SQLite right from its own tables: drop orphans and articles it cannot vouch for
    (broken or altered: their files are forgotten, so the next update reads them again),
    rebuild the FTS table and the file counts. One transaction. Only for a database that
    passes `check_integrity`'s SQLite check: nothing is dropped on the word of a damaged one."""
    db = store.db
    with Writer(store, SyncReport()).transaction() as changes:
        broken: set[int] = set(altered_articles(store))
        for query in _BROKEN_ARTICLES.values():
            broken.update(row[0] for row in db.execute(query, {"bytes": 4 * dimension}))
        for article_id in sorted(broken):
            path = db.execute("SELECT path FROM articles WHERE id = ?", (article_id,)).fetchone()
            changes.removed.extend(store.delete_article(article_id))
            db.execute("DELETE FROM files WHERE path = ?", (path[0],))
        for table in _ORPHANS:
            db.execute(f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)")
        for (path,) in db.execute(_UNRECORDED).fetchall():
            # Kept: the next update reads the file and finds these articles unchanged.
            db.execute("DELETE FROM files WHERE path = ?", (path,))
        # Dropped and made again, not emptied: emptying reads an index FTS5 may find damaged.
        db.execute("DROP TABLE IF EXISTS passages_fts")
        db.execute(FTS_TABLE)
        db.execute(
            "INSERT INTO passages_fts (rowid, title, body) SELECT p.id, a.title, "
            "substr(a.text, p.start + 1, p.end - p.start) FROM passages p "
            "JOIN articles a ON a.id = p.article_id"
        )
        for path, recorded, actual in db.execute(_FILE_COUNTS).fetchall():
            if recorded != actual:
                db.execute("UPDATE files SET articles = ? WHERE path = ?", (actual, path))
        store.bump_generation()  # the vector file is rebuilt from what this commits


def _evenly(ids: np.ndarray, count: int) -> np.ndarray:
    """Up to `count` ids spread evenly over `ids` (the same sample every run)."""
    if len(ids) <= count:
        return ids
    chosen: np.ndarray = ids[np.linspace(0, len(ids) - 1, count).astype(int)]
    return chosen


def _some(ids: list[int], noun: str) -> str:
    shown = ", ".join(str(i) for i in ids[:5]) + (", ..." if len(ids) > 5 else "")
    return f"{len(ids)} {noun}{'' if len(ids) == 1 else 's'} ({shown})"
