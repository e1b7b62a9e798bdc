"""A few askers over one library, sharing the models, each with its own database connection:
questions are answered side by side, and each from one committed state of the library."""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from qa.answering.asker import Asker
from qa.answering.readers.confidence import Calibrator
from qa.answering.readers.protocol import Reader
from qa.config.settings import Settings
from qa.index import Embedder, IndexNotFound, Library, QAError
from qa.workspace.history import History
from qa.workspace.libraries import library_stamp

from .errors import LibraryRebuilding


@dataclass
class Slot:
    """One asker and the history it saves turns to; used by one request at a time."""

    asker: Asker
    folder: Path
    stamp: int = 0
    """The manifest's stamp when the asker's library was last opened."""
    _history: History | None = field(default=None, repr=False)

    @property
    def history(self) -> History:
        """The library's saved chats, opened on first use (never for a library not indexed)."""
        if self._history is None:
            self._history = History(self.folder)
        return self._history

    def close(self) -> None:
        self.asker.library.close()
        if self._history is not None:
            self._history.close()


class AskerPool:
    """`size` askers over the library at `settings.library`, handed out one request each."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        reader: Reader,
        calibrator: Calibrator | None,
        size: int,
    ) -> None:
        self.folder = settings.library
        self._free: queue.Queue[Slot] = queue.Queue()
        self._slots: list[Slot] = []
        for _ in range(max(1, size)):
            library = Library(settings.library, embedder, settings.chunking)
            asker = Asker(library, settings, reader=reader, calibrator=calibrator)
            self._slots.append(Slot(asker, settings.library))
        for slot in self._slots:
            self._free.put(slot)

    def warm(self) -> None:
        """Open each asker's index now rather than on its first question (nothing to open
        yet is fine: the question will say so)."""
        for slot in self._slots:
            with suppress(QAError):
                slot.stamp = library_stamp(slot.folder)
                _ = slot.asker.library.vectors

    @property
    def size(self) -> int:
        return len(self._slots)

    @contextmanager
    def slot(self) -> Iterator[Slot]:
        """A free asker, its library current and held at one committed state (a read
        transaction) until the request is done, whatever a concurrent `qa index` commits."""
        slot = self._free.get()
        try:
            with _snapshot(slot):
                yield slot
        finally:
            self._free.put(slot)

    def close(self) -> None:
        for slot in self._slots:
            slot.close()


@contextmanager
def _snapshot(slot: Slot) -> Iterator[None]:
    library = slot.asker.library
    stamp = library_stamp(slot.folder)
    if stamp != slot.stamp:
        # A writer replaced the manifest (it is written last): reopen at the new index.
        library.close()
        slot.stamp = stamp
    if not library.exists:
        library.close()
        if library.rebuilding_folder.exists():
            raise LibraryRebuilding(
                "the library is being rebuilt (qa index rebuild); ask again in a minute"
            )
        raise IndexNotFound(
            f"no index in {slot.folder} yet; create it with: qa index add PATH "
            f"--library {slot.folder}"
        )
    db = library.store.db
    db.execute("BEGIN")  # SQLite (WAL) reads one snapshot until the transaction ends
    try:
        yield
    finally:
        # Nothing was written: the read transaction just ends (unless the library was closed).
        with suppress(sqlite3.ProgrammingError):
            if db.in_transaction:
                db.execute("ROLLBACK")
