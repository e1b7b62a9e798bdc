"""Keep a library current while its folders change: a file-system watcher feeding the writer.

`LibraryWatcher` follows the library's folders with watchfiles (inotify, FSEvents and the
like), waits until a burst of changes is quiet and every changed file has kept its size and time
for `settle` seconds (a download or a copy still being written), then runs the library's own
update: the plan-then-apply writer of `qa index update`, never a second one. It knows nothing of
terminals or screens; `qa index watch`, the chat and a server all drive it through `start`,
`stop` and a callback that hears one `WatchEvent` per committed change.

A folder that vanishes (a removable disk pulled out) is left out of updates while it is gone:
its articles stay in the library, still answerable, until it is back or the user removes it
with `qa index remove`. A single file named as a source that disappears is forgotten, as an
update would.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .embedder import Embedder
from .errors import LibraryBusy, QAError
from .library import DATABASE_NAME, Library
from .passages import ChunkSettings
from .plan import FileStamp, is_under, stamp
from .report import ProgressCallback, SyncReport
from .watch_follow import Follower, follow, stop_following
from .watch_lock import WatchLock

COUNTED = (
    ("added", "+", "articles_added"),
    ("updated", "~", "articles_updated"),
    ("moved", ">", "articles_moved"),
    ("removed", "-", "articles_removed"),
)
"""The changes a batch reports: event kind, the sign of its line, the report's count."""


@dataclass(frozen=True)
class WatchEvent:
    """One thing the watcher did or saw, as one line (`qa index watch`) or one JSON object."""

    kind: str
    """"added", "updated", "moved", "removed" (committed changes), "synced" (a batch applied),
    "skipped" (files that could not be read), "missing", "back" (a folder), "busy", "error"."""
    count: int = 0
    detail: str = ""
    report: SyncReport | None = field(default=None, compare=False)
    """The whole report of the batch (for committed changes and "synced")."""

    @property
    def line(self) -> str:
        """The event for people: `+ added 3 articles`, `! /media/usb is gone …`."""
        for kind, sign, _ in COUNTED:
            if self.kind == kind:
                noun = "article" if self.count == 1 else "articles"
                return f"{sign} {kind} {self.count} {noun}" + (
                    f" ({self.detail})" if self.detail else ""
                )
        return f"! {self.detail}" if self.kind != "synced" else f"= {self.detail}"


def batch_events(report: SyncReport) -> list[WatchEvent]:
    """The events of one applied batch: each count that moved, the files skipped, and
    "synced" last (so a caller waiting for a batch hears it after its changes)."""
    events = [
        WatchEvent(kind, getattr(report, name), report=report)
        for kind, _, name in COUNTED
        if getattr(report, name)
    ]
    for failure in report.failures:
        events.append(WatchEvent("skipped", 1, failure, report))
    seconds = f"{report.seconds:.1f} s"
    events.append(WatchEvent("synced", report.passages_embedded, seconds, report))
    return events


class Stopping(KeyboardInterrupt):
    """Raised inside an update when the watcher is asked to stop: the library keeps every
    batch committed so far, exactly as when Ctrl+C stops `qa index update`."""


class LibraryWatcher:
    """Follows a library's folders and brings every change through the library's writer.

    `on_event` is called from the watcher's thread. `settle`: seconds a changed file must keep
    its size and time; `quiet`: seconds without new events that end a burst; `most_wait`: a
    file that never settles (a log written forever) is read after this long anyway."""

    def __init__(
        self,
        library: Library,
        on_event: Callable[[WatchEvent], None],
        *,
        owner: str = "qa index watch",
        settle: float = 1.0,
        quiet: float = 0.3,
        most_wait: float = 30.0,
        roots_every: float = 2.0,
        progress: ProgressCallback | None = None,
        catch_up: bool = True,
    ) -> None:
        self.library, self.on_event, self.progress = library, on_event, progress
        self.settle, self.quiet, self.most_wait = settle, quiet, most_wait
        self.roots_every, self.catch_up = roots_every, catch_up
        self._lock = WatchLock(library.folder, owner)
        self._stop = threading.Event()
        self._changes: queue.Queue[set[str]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._followers: list[Follower] = []
        self._pending: dict[str, tuple[FileStamp | None, float]] = {}
        """Changed path -> (its stamp when last looked at, since when it has kept it)."""
        self._first_pending = 0.0
        self._last_change = 0.0
        self._missing: set[str] = set()
        self._busy = False
        self._database = 0
        """The database file's inode when the library was last opened."""
        self.error: BaseException | None = None
        """What ended the watcher, if it was not asked to stop."""

    # -- start and stop -------------------------------------------------------------------

    def start(self) -> None:
        """Take the library's watch lock (WatcherRunning if another watcher holds it) and
        start following its folders in a thread of its own."""
        self._lock.acquire()
        self._thread = threading.Thread(target=self._run, name="qa-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop watching; an update in progress stops at its next batch, keeping what it
        committed. Releases the lock."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the watcher to end (it ends on `stop`, or on an error kept in `error`)."""
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the watcher's thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._watch()
        except Stopping:
            pass
        except BaseException as error:  # kept for the owner, which says it in its own way
            self.error = error
            self._say(WatchEvent("error", detail=str(error) or type(error).__name__))
        finally:
            self._stop_followers()
            self.library.close()
            self._lock.release()

    def _watch(self) -> None:
        roots = self._present_roots()
        self._follow(roots)
        if self.catch_up:  # what changed while nothing watched
            self._apply(roots)
        next_roots = time.monotonic() + self.roots_every
        while not self._stop.is_set():
            self._take_changes(self._wait_for())
            now = time.monotonic()
            if now >= next_roots:
                next_roots = now + self.roots_every
                try:
                    present = self._present_roots()
                except QAError:
                    continue  # mid-swap of `qa index rebuild`: look again in a moment
                if present != roots or not all(t.is_alive() for t, _ in self._followers):
                    self._follow(present)
                    for root in set(present) - set(roots):
                        self._note(root)  # a folder that is back: re-check all of it
                    roots = present
            if self._pending and self._ready(now):
                self._apply(roots)

    def _wait_for(self) -> float:
        """How long to wait for changes: briefly while some are pending, else until the next
        look at the roots (so an idle watcher wakes twice a few seconds, no more)."""
        if self._pending:
            return max(0.02, min(self.quiet, self.settle) / 4)
        return self.roots_every

    def _take_changes(self, timeout: float) -> None:
        try:
            paths = self._changes.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            for path in paths:
                self._note(path)
            try:
                paths = self._changes.get_nowait()
            except queue.Empty:
                return

    def _note(self, path: str) -> None:
        now = time.monotonic()
        if not self._pending:
            self._first_pending = now
        self._pending[path] = (stamp(Path(path)), now)
        self._last_change = now

    def _ready(self, now: float) -> bool:
        """True when the burst is quiet and every changed file has kept its size and time for
        `settle` seconds (or the oldest change has waited `most_wait`)."""
        if now - self._first_pending >= self.most_wait:
            return True
        if now - self._last_change < self.quiet:
            return False
        settled = True
        for path, (seen, since) in list(self._pending.items()):
            current = stamp(Path(path))
            if current != seen:
                self._pending[path] = (current, now)
                settled = False
            elif now - since < self.settle:
                settled = False
        return settled

    def _apply(self, roots: list[str]) -> None:
        """Run the library's update over the folders that are there, and tell what changed."""
        self._reopen_if_replaced()
        try:
            report = self.library.update(self._progress, only=roots)
        except LibraryBusy as error:
            # `qa index add` in another shell: the changes wait for it (said once, not at
            # every try).
            if not self._busy:
                self._say(WatchEvent("busy", detail=f"{error}; the watcher tries again"))
            self._busy = True
            self._stop.wait(1.0)
            return
        except QAError as error:
            self._say(WatchEvent("error", detail=str(error)))
        else:
            for event in batch_events(report):
                self._say(event)
        self._busy = False
        self._pending.clear()

    def _reopen_if_replaced(self) -> None:
        """`qa index rebuild` swaps in a new database file: a connection kept open on the old
        one would go on writing to a file nobody reads, so the library is opened again."""
        try:
            identity = os.stat(self.library.folder / DATABASE_NAME).st_ino
        except OSError:
            identity = 0
        if identity != self._database:
            self.library.close()
            self._database = identity

    def _progress(self, phase: str, done: int, total: int) -> None:
        if self._stop.is_set():
            raise Stopping
        if self.progress is not None:
            self.progress(phase, done, total)

    def _say(self, event: WatchEvent) -> None:
        self.on_event(event)

    # -- the roots, and a follower thread per kind of root --------------------------------

    def _present_roots(self) -> list[str]:
        """The library's folders and files that are there; a folder that vanished is said once
        (and again once it is back). A file named as a source that is gone counts as there:
        the update forgets it."""
        self._reopen_if_replaced()
        roots = self.library.store.roots()
        gone = [root for root in roots if not os.path.exists(root)]
        files = self.library.store.files() if gone else {}
        present: list[str] = []
        for root in roots:
            if root not in gone or root in files:
                present.append(root)
                if root in self._missing:
                    self._missing.discard(root)
                    self._say(WatchEvent("back", detail=f"{root} is back; reading what changed"))
            elif root not in self._missing:
                self._missing.add(root)
                kept = sum(r.articles for p, r in files.items() if is_under(p, root))
                self._say(
                    WatchEvent(
                        "missing",
                        kept,
                        f"{root} is gone (a disk removed?); its {kept} articles stay in the "
                        f"library until it is back, or until: qa index remove {root}",
                    )
                )
        return present

    def _follow(self, roots: list[str]) -> None:
        """(Re)start following `roots`; the watches are in place when this returns."""
        self._stop_followers()
        self._followers = follow(roots, self.quiet, self._changes.put)

    def _stop_followers(self) -> None:
        stop_following(self._followers)
        self._followers = []


def start_watching(
    folder: Path,
    embedder: Embedder,
    chunking: ChunkSettings | None,
    on_event: Callable[[WatchEvent], None],
    *,
    owner: str,
    settle: float,
    progress: ProgressCallback | None = None,
) -> LibraryWatcher:
    """A started watcher of the library at `folder`, over a handle of its own (it writes beside
    the handles that answer questions). When starting
    fails (`WatcherRunning`: another process watches; a `QAError` or `OSError`: a library that
    cannot be written) the handle is closed and the error passes on."""
    library = Library(folder, embedder, chunking)
    watcher = LibraryWatcher(library, on_event, owner=owner, settle=settle, progress=progress)
    try:
        watcher.start()
    except BaseException:
        library.close()
        raise
    return watcher
