"""A library: one folder holding the index of a person's articles, to search or update."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import vector_file
from .check import SAMPLE, Difference, check_database, check_files, check_vectors, repair_database
from .embedder import Embedder
from .engine import Engine, LocalEngine
from .errors import IndexCorrupt, IndexNotFound
from .lock import update_lock
from .manifest import MANIFEST_NAME, Manifest
from .passages import ChunkSettings, Span
from .plan import is_under
from .report import ProgressCallback, SyncReport
from .store import FileRecord, Store, StoredArticle, StoredPassage
from .sync import plan_library, sync
from .vector_file import VECTORS_NAME
from .vectors import VectorIndex
from .writer import Writer

DATABASE_NAME = "library.sqlite3"


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
        """The manifest, checked against this library's model and chunking."""
        if not self.exists:
            raise IndexNotFound(f"no index in {self.folder} yet; create it with: qa index add PATH")
        manifest = Manifest.load(self.folder)
        manifest.check_compatible(
            self.embedder.name, self.embedder.dimension, self._chunking_dict()
        )
        return manifest

    @property
    def store(self) -> Store:
        if self._store is None:
            self.manifest()
            self._store = Store(self.folder / DATABASE_NAME)
        return self._store

    @property
    def vectors(self) -> VectorIndex:
        """The FAISS index, rebuilt from the database if the file lags behind it (a crash)."""
        if self._vectors is None:
            self._vectors = vector_file.for_search(
                self.folder, self.manifest(), self.store, self.embedder.dimension
            )
        return self._vectors

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None
        self._vectors = None

    # -- updating --------------------------------------------------------------------------

    def _locked(self) -> AbstractContextManager[None]:
        return update_lock(self.folder)

    def add(
        self,
        paths: list[Path],
        progress: ProgressCallback | None = None,
        engine: Engine | None = None,
    ) -> SyncReport:
        """Remember `paths` as part of the library and bring everything under them up to date.

        Naming a file or folder that `remove` excluded brings it back. `engine` runs reading
        and embedding elsewhere (a Ray cluster); by default they run in this process."""
        roots = [str(path.expanduser().resolve()) for path in paths]
        with self._locked():
            if not self.exists:
                self._new_manifest().save(self.folder)
            Writer(self.store, SyncReport()).add_roots(roots)
            return self._sync(roots, progress, engine)

    def update(
        self, progress: ProgressCallback | None = None, engine: Engine | None = None
    ) -> SyncReport:
        """Re-check every folder and file the library was built from."""
        with self._locked():
            return self._sync(self.store.roots(), progress, engine)

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

    def rebuild(self, progress: ProgressCallback | None = None) -> SyncReport:
        """Index every recorded source again from scratch, beside the old index, then swap it in.

        Works on an index of another model or format too; the old index stays usable until the
        new one is complete."""
        roots = self._recorded_roots()
        if not roots:
            raise IndexNotFound(
                f"{self.folder} records no articles to rebuild from; "
                f"add some with: qa index add PATH"
            )
        with self._locked():
            fresh = Library(
                self.folder.with_name(self.folder.name + ".rebuilding"),
                self.embedder,
                self.chunking,
            )
            shutil.rmtree(fresh.folder, ignore_errors=True)
            report = fresh.add([Path(root) for root in roots], progress)
            fresh.close()
            self.close()
            (self.folder / MANIFEST_NAME).unlink(missing_ok=True)  # mid-swap reads as "no index"
            for suffix in ("-wal", "-shm"):
                (self.folder / (DATABASE_NAME + suffix)).unlink(missing_ok=True)
            for name in (DATABASE_NAME, VECTORS_NAME, MANIFEST_NAME):
                os.replace(fresh.folder / name, self.folder / name)
            shutil.rmtree(fresh.folder, ignore_errors=True)
            return report

    def _recorded_roots(self) -> list[str]:
        """The sources recorded in the database, read without checking the manifest."""
        path = self.folder / DATABASE_NAME
        if not path.exists():
            return []
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                return [row[0] for row in db.execute("SELECT path FROM roots ORDER BY path")]
        except sqlite3.DatabaseError as error:
            raise IndexCorrupt(
                f"cannot read the list of sources from {path} ({error}); delete "
                f"{self.folder} and index your articles again with: "
                f"qa index add PATH"
            ) from error

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
        matches = vector_file.file_matches(self.folder, self.manifest(), before)
        # A missing file, or one a killed run left behind, is rebuilt even when nothing changed.
        if self.store.generation != before or not matches:
            self._write_vectors(before, report.added_ids, report.removed_ids)

    def _write_vectors(self, before: int, added: list[int], removed: list[int]) -> None:
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

        Holds the update lock: while a writer works, the stores differ by design."""
        manifest = self.manifest()
        with self._locked():
            return [
                *check_database(self.store, self.embedder.dimension),
                *check_vectors(
                    self.store, manifest, self.folder / VECTORS_NAME, self.embedder, sample
                ),
                *check_files(self.store),
            ]

    def repair(self, progress: ProgressCallback | None = None) -> SyncReport:
        """Rebuild what derives from the database (FTS, file counts, the vector file), then read
        the files that changed; returns the update's report."""
        with self._locked():
            self.manifest()
            repair_database(self.store, self.embedder.dimension)
            self._write_vectors(before=-1, added=[], removed=[])  # -1: never matches, rebuilt
            return self._sync(self.store.roots(), progress)

    # -- reading ---------------------------------------------------------------------------

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

    def lexical_search(self, query: str, limit: int) -> list[tuple[int, float]]:
        return self.store.lexical_search(query, limit)

    def term_matches(self, terms: list[str]) -> dict[str, int]:
        """How many passages each FTS5 term (or phrase) matches."""
        return {term: self.store.matches(term) for term in terms}

    def passage_count(self) -> int:
        return len(self.vectors)

    def passage_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        """Stored vectors by passage id (for scoring passages found only lexically)."""
        found, vectors = self.store.vectors_for(ids)
        return {int(i): vector for i, vector in zip(found, vectors, strict=True)}

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]:
        return self.store.passages(ids)

    def sentences(self, passage: StoredPassage) -> list[Span]:
        return self.store.sentences(passage.article.id, passage.start, passage.end)

    def article(self, article_id: int) -> StoredArticle:
        return self.store.stored_article(article_id)

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
