"""The chat keeps its library current by itself: a watcher of its folders, run in the background.

While the chat is open, new, changed, moved and deleted articles in the library's folders are
indexed by `qa.index.watch.LibraryWatcher` on threads of its own, through the library's one
writer, beside the index the asker reads; once a change is committed the asker's library is
closed under its lock, so the next question opens the new index. When another process watches
the library already (`qa index watch`), the chat does not index itself: the status bar's look
at the manifest (`StatusBar._watch_library`) reopens the index when that process commits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qa import Asker
from qa.index import QAError
from qa.index.watch import LibraryWatcher, WatchEvent, start_watching
from qa.index.watch_lock import WatcherRunning
from qa.workspace.libraries import is_library

SETTLE_SECONDS = 1.0
"""How long a changed file must keep its size and time before the chat reads it."""

OWNER = "qa chat"


class BackgroundIndexer:
    """Starts, follows and stops the chat's watcher; `on_event` hears it on the watcher's
    thread, `progress` while it reads and embeds."""

    def __init__(
        self,
        on_event: Callable[[WatchEvent], None],
        progress: Callable[[str, int, int], None],
    ) -> None:
        self.on_event, self.progress = on_event, progress
        self.watcher: LibraryWatcher | None = None
        self.folder: Path | None = None
        self.asker: Asker | None = None
        self.elsewhere = False
        """Another process watches the library: the chat follows its commits instead."""

    def keep(self, asker: Asker) -> None:
        """Watch `asker`'s library unless it is watched already (call again from time to time:
        it starts once the library exists, or once another watcher has stopped, and follows a
        switch to another library). Touches the disk: call it from a worker."""
        folder = asker.library.folder
        if self.watcher is not None and (self.folder != folder or not self.watcher.running):
            self.stop()
        if self.watcher is not None or not is_library(folder):
            return
        try:
            watcher = start_watching(
                folder,
                asker.embedder,
                asker.library.chunking,
                self._heard,
                owner=OWNER,
                settle=SETTLE_SECONDS,
                progress=self.progress,
            )
        except WatcherRunning:
            self.elsewhere = True
            return
        except (QAError, OSError):
            return  # a read-only library: nothing to keep current from here
        self.elsewhere = False
        self.watcher, self.folder, self.asker = watcher, folder, asker

    def _heard(self, event: WatchEvent) -> None:
        """On the watcher's thread: once a batch is committed, the asker reopens the index
        (after the question it may be answering), then the chat hears of it."""
        report = event.report
        changed = report is not None and bool(
            report.added_ids or report.removed_ids or report.articles_moved
        )
        if event.kind == "synced" and changed and self.asker is not None:
            self.asker.with_library(lambda library: library.close())
        self.on_event(event)

    def stop(self) -> None:
        """Stop watching (an update in progress keeps what it committed)."""
        if self.watcher is not None:
            self.watcher.stop(timeout=5.0)
            if not self.watcher.running:  # its own handle on the library, once it has stopped
                self.watcher.library.close()
        self.watcher, self.folder, self.asker = None, None, None
