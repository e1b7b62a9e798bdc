"""A server keeps its library current: the library's folders are watched while it serves.

New, changed, moved and deleted articles are indexed by `qa.index.watch.LibraryWatcher` on a
thread of its own, through the library's one writer; the askers reopen the index at the next
request once the manifest shows a commit (`pool._snapshot`). When another process watches the
library already (`qa index watch`, `qa chat`), the server leaves the indexing to it and follows
its commits the same way. Each change is one line on stderr, never on stdout (MCP's stdio).
"""

from __future__ import annotations

import logging
from pathlib import Path

from qa.index import Embedder, QAError
from qa.index.passages import ChunkSettings
from qa.index.watch import LibraryWatcher, WatchEvent, start_watching
from qa.index.watch_lock import WatcherRunning
from qa.workspace.libraries import is_library

log = logging.getLogger("qa.servers.keep_current")
log.setLevel(logging.INFO)  # each change is said, as `qa index watch` says it

SETTLE = 1.0
"""How long a changed file must keep its size and time before the server reads it."""


class ServerWatcher:
    """Starts and stops the watcher of one served library."""

    def __init__(self, watcher: LibraryWatcher) -> None:
        self._watcher = watcher

    @classmethod
    def start_for(
        cls, folder: Path, embedder: Embedder, chunking: ChunkSettings, owner: str
    ) -> ServerWatcher | None:
        """A running watcher of the library at `folder`, or None when there is nothing to
        watch from here (no library yet, another watcher, a folder that cannot be written)."""
        if not is_library(folder):
            return None
        try:
            watcher = start_watching(folder, embedder, chunking, _said, owner=owner, settle=SETTLE)
        except WatcherRunning as running:
            log.info("%s; the server follows its commits", running)
            return None
        except (QAError, OSError) as error:
            log.info("not keeping the library current from here: %s", error)
            return None
        log.info("keeping %s current as its folders change", folder)
        return cls(watcher)

    def stop(self) -> None:
        """Stop watching; an update in progress keeps what it committed (its handle on the
        library is closed once it has stopped)."""
        self._watcher.stop(timeout=5.0)
        if not self._watcher.running:
            self._watcher.library.close()


def _said(event: WatchEvent) -> None:
    if event.kind != "synced":
        log.info("%s", event.line)
