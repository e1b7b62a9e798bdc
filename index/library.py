"""A library: one folder holding the index of a person's articles, to search or update."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import numpy as np

from . import vector_file
from .causes import REBUILD, database_failure
from .check import (
    SAMPLE,
    Difference,
    check_database,
    check_files,
    check_integrity,
    check_vectors,
    repair_database,
)
from .embedder import Embedder
from .engine import Engine, LocalEngine
from .errors import IndexCorrupt, IndexNotFound, LibraryBusy, ModelMismatch, NotALibrary
from .lock import LOCK_NAME, update_lock
from .manifest import MANIFEST_NAME, Manifest
from .passages import ChunkSettings, Span
from .plan import FOLLOW_LINKS, is_under
from .report import ProgressCallback, SyncReport
from .store import ArticleSelection, FileRecord, Store, StoredArticle, StoredPassage, name_of
from .sync import plan_library, sync
from .vector_file import VECTORS_NAME
from .vectors import VectorIndex
from .writer import Writer

DATABASE_NAME = "library.sqlite3"
SCORED_DIRECTLY = 1_000
"""Selected passages up to which a filtered search in an inverted-file index scores their
stored vectors instead of searching the index. The index reads more lists the rarer the
selection (`VectorIndex.search_within`), so for a rare one it scans about the whole library:
60 ms at 1M passages (docs/scale.md), while 1,000 stored vectors are 1.5 MB of SQLite. On the
8,779 passages of 2,000 BBC articles in a forced IVF index, where scanning everything is cheap,
122 selected passages took 18 ms a question scored directly against 11 ms in the index
(benchmarks/filters.py, 2 loaded cores), so the line is kept low."""
REBUILDING = ".rebuilding"
"""Suffix of the folder beside a library where `rebuild` builds its replacement."""
OWN_NAMES = (
    MANIFEST_NAME,
    DATABASE_NAME,
    VECTORS_NAME,
    LOCK_NAME,
    "chats.sqlite3",
    "preferences.json",
)
"""Files qa keeps in a library's folder: a folder holding none of them but other files is not
a library, and qa never writes into it (nor suggests deleting it)."""

P = ParamSpec("P")
R = TypeVar("R")


def reads_database(
    method: Callable[Concatenate[Library, P], R],
) -> Callable[Concatenate[Library, P], R]:
    """Turn a SQLite error inside `method` into one line saying what it means (damage names
    `qa index rebuild`; a locked or read-only database says so): `qa ask`, `status`,
    `check` and the chat show it instead of a traceback."""

    def guarded(library: Library, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(library, *args, **kwargs)
        except sqlite3.Error as error:
            raise database_failure(library.folder, error) from error

    functools.update_wrapper(guarded, method)
    return guarded


@dataclass(frozen=True)
class LibraryStatus:
    """What `qa index status` reports."""

    folder: str
    model: str
    articles: int
    passages: int
    roots: list[str]
    bytes_on_disk: int
    updated: str
    stale_files: list[str]
    """Files under the roots that are new, changed or gone since the last update."""
    unreadable_files: list[str] = field(default_factory=list)
    """Files that could not be read and have not changed since, each with its problem."""
    excluded: list[str] = field(default_factory=list)
    """Files and folders inside the library's folders that `qa index remove` left out."""
    articles_per_root: dict[str, int] = field(default_factory=dict)
    """How many articles came from each folder or file the library reads, each file counted
    once, under the outermost of them that holds it (0 for one inside another)."""

    @property
    def sources(self) -> list[str]:
        """The roots as a person thinks of them: a file or folder added again inside a folder
        already read (re-added after a `qa index remove`) is not a source of its own."""
        return outermost(self.roots)


def outermost(roots: list[str]) -> list[str]:
    """The roots that lie inside no other root."""
    return [root for root in roots if not any(o != root and is_under(root, o) for o in roots)]


def per_root(roots: list[str], files: dict[str, FileRecord]) -> dict[str, int]:
    """Articles per root, each file counted once, under the outermost root that holds it: a
    file re-added inside a folder root was counted under both (301 for 300 articles)."""
    counts = dict.fromkeys(roots, 0)
    tops = outermost(roots)
    for path, record in files.items():
        owner = next((root for root in tops if is_under(path, root)), None)
        if owner is not None:
            counts[owner] += record.articles
    return counts


class Library:
    """The index of one person's articles: SQLite + FAISS + manifest in one folder."""

    def __init__(
        self, folder: Path, embedder: Embedder, chunking: ChunkSettings | None = None
    ) -> None:
        self.folder = folder
        self.embedder = embedder
        self.chunking = chunking or ChunkSettings()
        self._store: Store | None = None
        self._vectors: VectorIndex | None = None

    @property
    def exists(self) -> bool:
        return (self.folder / MANIFEST_NAME).exists()

    def _chunking_dict(self) -> dict[str, int]:
        return {key: int(value) for key, value in asdict(self.chunking).items()}

    def _new_manifest(self) -> Manifest:
        return Manifest(
            model=self.embedder.name,
            dimension=self.embedder.dimension,
            chunking=self._chunking_dict(),
        )

    def manifest(self) -> Manifest:
        """The manifest, checked against this library's model and chunking; a lost manifest is
        made again from the database and the vector file when they agree."""
        manifest = Manifest.load(self.folder) if self.exists else self._recovered_manifest()
        manifest.check_compatible(
            self.embedder.name, self.embedder.dimension, self._chunking_dict()
        )
        return manifest

    def _recovered_manifest(self) -> Manifest:
        """The manifest of a library that lost it, rebuilt (`recover_manifest`) and saved;
        IndexNotFound for a folder that holds no index, NotALibrary for someone else's."""
        from .recovery import recover_manifest

        self.refuse_foreign_folder()
        if not (self.folder / DATABASE_NAME).is_file():
            raise IndexNotFound(f"no index in {self.folder} yet; create it with: qa index add PATH")
        try:
            with self._locked():
                if self.exists:  # another process recovered it meanwhile
                    return Manifest.load(self.folder)
                manifest = recover_manifest(self.folder / DATABASE_NAME, self._new_manifest(), self)
                manifest.save(self.folder)
                return manifest
        except LibraryBusy as error:
            raise IndexNotFound(
                f"{self.folder} has no manifest while another qa process updates it; "
                f"try again when it has finished"
            ) from error

    def refuse_foreign_folder(self) -> None:
        """Raise NotALibrary when the folder exists and holds files, none of them qa's."""
        try:
            names = [entry.name for entry in self.folder.iterdir()]
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError:
            return  # unreadable: the write that follows says why, in its own words
        if names and not any(name.startswith(OWN_NAMES) for name in names):
            shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
            raise NotALibrary(
                f"{self.folder} is not a qa library (it holds other files: {shown}); qa leaves "
                f"it alone: pick a library with --library NAME, or a new folder to index into"
            )

    @property
    @reads_database
    def store(self) -> Store:
        if self._store is None:
            self._store = self._open_store(self.manifest())
        return self._store

    def _open_store(self, manifest: Manifest) -> Store:
        """The database, refused when it is not the one the manifest describes: a lost, empty
        or replaced database is never taken (nor created afresh) for a library that had one,
        and never trusted to shrink the vector file to it."""
        path = self.folder / DATABASE_NAME
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = -1
        if size <= 0 and manifest.had_database:
            what = "missing" if size < 0 else "empty (0 bytes)"
            raise IndexCorrupt(
                f"the library's database {path} is {what}, though its manifest counts "
                f"{manifest.articles} articles and {manifest.passages} passages: run {REBUILD} "
                f"to index your articles again"
            )
        store = Store(path)
        problem = _not_described(store, manifest)
        if problem:
            store.close()
            raise IndexCorrupt(
                f"the library's database {path} {problem}: run {REBUILD} to index your "
                f"articles again"
            )
        return store

    @property
    @reads_database
    def vectors(self) -> VectorIndex:
        """The FAISS index, rebuilt from the database if the file lags behind it (a crash)."""
        if self._vectors is None:
            self._vectors = vector_file.for_search(
                self.folder, self.manifest(), self.store, self.embedder.dimension
            )
        return self._vectors

    def close(self) -> None:
        store, self._store, self._vectors = self._store, None, None
        if store is not None:
            with contextlib.suppress(sqlite3.Error):  # a damaged database: nothing to lose
                store.close()

    # -- updating --------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the update lock; a failed write closes the database, so its write-ahead log
        is folded back and removed rather than left behind grown; a `rebuild` stopped earlier
        leaves its half-built folder, removed here (its lock is this one)."""
        with update_lock(self.folder):
            shutil.rmtree(self.rebuilding_folder, ignore_errors=True)
            try:
                yield
            except BaseException:
                self.close()
                raise

    @property
    def rebuilding_folder(self) -> Path:
        """Where `rebuild` builds the new index beside this one (it exists only meanwhile)."""
        return self.folder.with_name(self.folder.name + REBUILDING)

    @reads_database
    def add(
        self,
        paths: list[Path],
        progress: ProgressCallback | None = None,
        engine: Engine | None = None,
        follow_links: bool | None = None,
    ) -> SyncReport:
        """Remember `paths` as part of the library and bring everything under them up to date.

        Naming a file or folder that `remove` excluded brings it back. `engine` runs reading
        and embedding elsewhere (a Ray cluster); by default they run in this process.
        Symbolic links are followed where they stay inside the library's folders; with
        `follow_links` True, anywhere, in this and every later update (False turns it off
        again; None keeps what was chosen before)."""
        roots = [str(path.expanduser().resolve()) for path in paths]
        return self._build(roots, [], progress, engine, follow_links)

    def _build(
        self,
        roots: list[str],
        exclusions: list[str],
        progress: ProgressCallback | None,
        engine: Engine | None = None,
        follow_links: bool | None = None,
    ) -> SyncReport:
        """Add `roots` (less `exclusions`) to the library, creating it if need be, and sync."""
        if not self.exists:
            if (self.folder / DATABASE_NAME).exists():
                self.manifest()  # a lost manifest: made again, or refused, never replaced
            else:
                self.refuse_foreign_folder()  # never make a library in someone's own folder
        with self._locked():
            if not self.exists:
                self._new_manifest().save(self.folder)
            writer = Writer(self.store, SyncReport())
            writer.add_roots(roots, follow_links)
            writer.add_exclusions(exclusions)
            return self._sync(roots, progress, engine)

    @reads_database
    def update(
        self,
        progress: ProgressCallback | None = None,
        engine: Engine | None = None,
        only: list[str] | None = None,
    ) -> SyncReport:
        """Re-check every folder and file the library was built from (`only`: just these of
        them; the watcher leaves out a folder whose disk is gone, keeping its articles)."""
        with self._locked():
            roots = self.store.roots()
            return self._sync([r for r in roots if only is None or r in only], progress, engine)

    @reads_database
    def remove(self, paths: list[Path]) -> int:
        """Forget the articles read from these files or folders; returns how many were removed.

        A path inside one of the library's folders stays out of later updates until `add`
        names it again."""
        targets = [str(path.expanduser().resolve()) for path in paths]
        with self._locked():
            before = self.store.generation
            report = SyncReport()
            articles = Writer(self.store, report).remove_paths(targets)
            self._write_vectors(before, added=[], removed=report.removed_ids)
            if articles:
                # SQLite keeps freed pages for later rows: after removing a third of the
                # articles the index was as large as before. VACUUM hands them back.
                self.store.db.commit()
                self.store.db.execute("VACUUM")
                # VACUUM goes through the write-ahead log: empty it, or the folder grew.
                self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return articles

    def rebuild(
        self, progress: ProgressCallback | None = None, paths: list[Path] | None = None
    ) -> SyncReport:
        """Index every recorded source (or `paths`) again from scratch, beside the old index,
        then swap it in.

        Works on an index of another model or format too, and on one whose database is lost
        or damaged (the manifest remembers the sources); the old index stays usable until the
        new one is complete, and a stopped rebuild leaves nothing behind."""
        follows = self._recorded_follow_links()
        if paths:
            roots = [str(path.expanduser().resolve()) for path in paths]
            exclusions: list[str] = []
        else:
            roots, exclusions = self._recorded_sources()
        if not roots:
            raise IndexNotFound(
                f"{self.folder} records no articles to rebuild from; name them: "
                f"qa index rebuild PATH..."
            )
        with self._locked():
            fresh = Library(self.rebuilding_folder, self.embedder, self.chunking)
            try:
                report = fresh._build(roots, exclusions, progress, follow_links=follows)
                fresh.close()
                self.close()
                (self.folder / MANIFEST_NAME).unlink(missing_ok=True)  # mid-swap: "no index"
                for suffix in ("-wal", "-shm"):
                    (self.folder / (DATABASE_NAME + suffix)).unlink(missing_ok=True)
                for name in (DATABASE_NAME, VECTORS_NAME, MANIFEST_NAME):
                    os.replace(fresh.folder / name, self.folder / name)
            finally:
                fresh.close()
                shutil.rmtree(fresh.folder, ignore_errors=True)  # also after Ctrl+C
            return report

    def _recorded_sources(self) -> tuple[list[str], list[str]]:
        """The folders and files the library reads, with its exclusions: from the database
        when it can be read (without checking the manifest: another model's index is rebuilt
        too), else from the manifest's copy."""
        path = self.folder / DATABASE_NAME
        try:
            if path.stat().st_size > 0:
                with contextlib.closing(
                    sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
                ) as db:
                    rows = db.execute("SELECT path FROM roots ORDER BY path")
                    roots = [name_of(row[0]) for row in rows]
                    exclusions = [
                        name_of(row[0]) for row in db.execute("SELECT path FROM exclusions")
                    ]
                    if roots:
                        return roots, exclusions
        except (OSError, sqlite3.Error):
            pass  # lost or damaged: the manifest remembers the sources
        try:
            manifest = Manifest.load(self.folder)
        except (IndexCorrupt, ModelMismatch):
            return [], []
        return manifest.roots, manifest.exclusions

    def _recorded_follow_links(self) -> bool:
        """Whether the library was told to follow links out of its folders (read like roots)."""
        uri = f"{(self.folder / DATABASE_NAME).absolute().as_uri()}?mode=ro"
        try:
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
                row = db.execute("SELECT value FROM meta WHERE key = ?", (FOLLOW_LINKS,)).fetchone()
        except sqlite3.Error:
            return False
        return bool(row) and row[0] == "1"

    def _sync(
        self, roots: list[str], progress: ProgressCallback | None, engine: Engine | None = None
    ) -> SyncReport:
        before = self.store.generation
        report = SyncReport()
        try:
            sync(
                self.store,
                engine or LocalEngine(self.embedder, self.chunking),
                roots,
                progress,
                report,
            )
        except KeyboardInterrupt:
            # Ctrl+C: the batches committed so far are kept, so the vector file follows them.
            self._follow_database(before, report)
            raise
        self._follow_database(before, report)
        return report

    def _follow_database(self, before: int, report: SyncReport) -> None:
        """Bring the vector file to what the database committed since generation `before`."""
        manifest = self.manifest()
        matches = vector_file.file_matches(self.folder, manifest, before)
        described = manifest.database == self.store.identity != ""
        # A missing file, or one a killed run left behind, is rebuilt even when nothing changed.
        if self.store.generation != before or not matches or not described:
            self._write_vectors(before, report.added_ids, report.removed_ids)

    def _write_vectors(self, before: int, added: list[int], removed: list[int]) -> None:
        Writer(self.store, SyncReport()).describe(self.manifest())
        self._vectors = vector_file.follow(
            self.folder,
            self.manifest(),
            self.store,
            self.embedder.dimension,
            before,
            added,
            removed,
        )

    # -- checking ---------------------------------------------------------------------------

    def check(self, sample: int = SAMPLE) -> list[Difference]:
        """Every way the files, the database and the vector file disagree (empty: all agree).

        Holds the update lock: while a writer works, the stores differ by design. A database
        SQLite finds damaged is one difference, for `qa index rebuild`: nothing else is
        compared with it."""
        manifest = self.manifest()
        with self._locked():
            try:
                damage = check_integrity(self.store)
                if any(difference.fix == "rebuild" for difference in damage):
                    return damage
                return [
                    *damage,
                    *check_database(self.store, self.embedder.dimension, fts=not damage),
                    *check_vectors(
                        self.store, manifest, self.folder / VECTORS_NAME, self.embedder, sample
                    ),
                    *check_files(self.store),
                ]
            except sqlite3.Error as error:
                self.close()
                failure = database_failure(self.folder, error)
                if not isinstance(failure, IndexCorrupt):
                    raise failure from error  # locked, read-only: not damage
                return [Difference(f"the database is damaged ({error})", "rebuild")]

    @reads_database
    def repair(self, progress: ProgressCallback | None = None) -> SyncReport:
        """Rebuild what derives from the database (FTS, file counts, the vector file), then read
        the files that changed; returns the update's report. A database SQLite finds damaged
        is not repaired in place (what it holds cannot be vouched for): IndexCorrupt says to
        rebuild."""
        with self._locked():
            self.manifest()
            damage = [d for d in check_integrity(self.store) if d.fix == "rebuild"]
            if damage:
                raise IndexCorrupt(f"{damage[0].what}: run {REBUILD}")
            repair_database(self.store, self.embedder.dimension)
            self._write_vectors(before=-1, added=[], removed=[])  # -1: never matches, rebuilt
            return self._sync(self.store.roots(), progress)

    # -- reading ---------------------------------------------------------------------------

    @reads_database
    def dense_search(self, vector: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """(passage id, cosine) of the nearest passages, best first; in the compact tier the
        candidates are re-scored with the float vectors stored in SQLite, so the order and
        the cosines are exact (`VectorIndex.search`)."""
        return self.vectors.search(vector, limit, exact=self._stored_vectors)

    def _stored_vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of `ids`, row for row (a vector file that matches the database
        holds no other ids; a row missing all the same scores 0 rather than failing a search)."""
        stored = self.passage_vectors(ids.tolist())
        rows = np.zeros((len(ids), self.embedder.dimension), dtype=np.float32)
        for row, passage_id in enumerate(ids.tolist()):
            if passage_id in stored:
                rows[row] = stored[passage_id]
        return rows

    def selected_passages(self, selection: ArticleSelection) -> np.ndarray:
        """The ids of the passages of the articles `selection` keeps, sorted."""
        return self.store.selected_passages(selection)

    def dense_search_in(
        self, vector: np.ndarray, limit: int, ids: np.ndarray
    ) -> list[tuple[int, float]]:
        """`dense_search` among the passages `ids` only. Exact in the flat tier (the index
        skips the other ids). In an inverted-file index, up to SCORED_DIRECTLY passages are
        scored exactly from their stored vectors; more are searched in the index, which reads
        more lists the rarer they are (as approximate as an unfiltered search), and from
        their stored vectors after all when it finds fewer than it could."""
        if len(ids) == 0 or limit <= 0:
            return []
        if not self.vectors.exact and len(ids) <= SCORED_DIRECTLY:
            return self._scored_directly(vector, limit, ids)
        found = self.vectors.search_within(vector, limit, ids, exact=self._stored_vectors)
        if len(found) < min(limit, len(ids)) and not self.vectors.exact:
            return self._scored_directly(vector, limit, ids)
        return found

    def _scored_directly(
        self, vector: np.ndarray, limit: int, ids: np.ndarray
    ) -> list[tuple[int, float]]:
        """The nearest of `ids` by their stored float vectors (exact), a batch at a time."""
        best: list[tuple[int, float]] = []
        query = np.asarray(vector, dtype=np.float32)
        for first in range(0, len(ids), 4096):
            found, vectors = self.store.vectors_for(ids[first : first + 4096].tolist())
            if len(found):
                scores = vectors @ query
                best += zip(found.tolist(), scores.tolist(), strict=True)
            best = sorted(best, key=lambda pair: -pair[1])[:limit]
        return [(int(i), float(s)) for i, s in best]

    def lexical_search_in(
        self, query: str, limit: int, selection: ArticleSelection
    ) -> list[tuple[int, float]]:
        """`lexical_search` among the articles `selection` keeps."""
        return self.store.lexical_search_in(query, limit, selection)

    @reads_database
    def lexical_search(self, query: str, limit: int) -> list[tuple[int, float]]:
        return self.store.lexical_search(query, limit)

    @reads_database
    def term_matches(self, terms: list[str]) -> dict[str, int]:
        """How many passages each FTS5 term (or phrase) matches."""
        return {term: self.store.matches(term) for term in terms}

    @reads_database
    def passage_count(self) -> int:
        return len(self.vectors)

    @reads_database
    def passage_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        """Stored vectors by passage id (for scoring passages found only lexically)."""
        found, vectors = self.store.vectors_for(ids)
        return {int(i): vector for i, vector in zip(found, vectors, strict=True)}

    @reads_database
    def passages(self, ids: list[int]) -> dict[int, StoredPassage]:
        return self.store.passages(ids)

    @reads_database
    def sentences(self, passage: StoredPassage) -> list[Span]:
        return self.store.sentences(passage.article.id, passage.start, passage.end)

    @reads_database
    def article(self, article_id: int) -> StoredArticle:
        return self.store.stored_article(article_id)

    @reads_database
    def status(self) -> LibraryStatus:
        manifest = self.manifest()
        articles, passages = self.store.counts()
        roots = self.store.roots()
        plan = plan_library(self.store, roots)
        files = self.store.files()
        size = sum(entry.stat().st_size for entry in self.folder.iterdir() if entry.is_file())
        return LibraryStatus(
            str(self.folder),
            manifest.model,
            articles,
            passages,
            roots,
            size,
            manifest.updated,
            plan.stale,
            sorted(record.reason for record in plan.still_unreadable),
            plan.excluded,
            per_root(roots, files),
        )


def _not_described(store: Store, manifest: Manifest) -> str:
    """Why the database is not the one `manifest` describes ("" when it is)."""
    if manifest.database and store.identity != manifest.database:
        return "is not the one its manifest describes (another library's, or a copy of one)"
    if manifest.had_database and store.generation < manifest.generation:
        return (
            f"is older than its manifest (generation {store.generation} of "
            f"{manifest.generation}): it was replaced or restored from an old copy"
        )
    return ""
