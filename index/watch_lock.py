"""One watcher per library: a lock held while it watches, with the pid that holds it.

The lock is an OS file lock (filelock, as the update lock): the system releases it when its
process dies, so a watcher that was killed never blocks the next one. The pid beside it is
only a note for `qa index status` and for the refusal's message.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import LibraryBusy

WATCH_LOCK_NAME = "watch.lock"
WATCHER_NAME = "watcher.json"


class WatcherRunning(LibraryBusy):
    """Another watcher (`qa index watch`, or an open chat) already follows this library."""


@dataclass(frozen=True)
class WatcherInfo:
    """Who watches a library."""

    pid: int
    owner: str
    """What watches it: "qa index watch", "qa chat", a server's name."""
    since: str


class WatchLock:
    """The library's watch lock; `acquire` refuses at once when another watcher holds it."""

    def __init__(self, folder: Path, owner: str) -> None:
        from filelock import FileLock  # only watchers lock; `qa ask` should not pay for it

        self.folder, self.owner = folder, owner
        self._lock = FileLock(folder / WATCH_LOCK_NAME, timeout=0, thread_local=False)

    def acquire(self) -> None:
        """Hold the lock and note this process as the watcher, or raise WatcherRunning."""
        from filelock import Timeout

        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            # A short wait: `qa index status` probes the lock for a moment (`running_watcher`).
            self._lock.acquire(timeout=0.5)
        except Timeout as error:
            raise refusal(self.folder, read_info(self.folder)) from error
        note = {"pid": os.getpid(), "owner": self.owner, "since": _now()}
        temporary = self.folder / (WATCHER_NAME + ".tmp")
        temporary.write_text(json.dumps(note) + "\n")
        os.replace(temporary, self.folder / WATCHER_NAME)

    def release(self) -> None:
        (self.folder / WATCHER_NAME).unlink(missing_ok=True)
        self._lock.release()


def refusal(folder: Path, info: WatcherInfo | None) -> WatcherRunning:
    """The one line that turns a second watcher away, naming the first."""
    who = f"{info.owner} (pid {info.pid})" if info else "another qa process"
    return WatcherRunning(
        f"{who} is already watching {folder}; stop it first (Ctrl+C in its terminal, or "
        f"kill {info.pid if info else 'it'}): one watcher per library"
    )


def running_watcher(folder: Path) -> WatcherInfo | None:
    """Who watches the library in `folder` now, or None (a killed watcher's note is ignored:
    the lock it held went with its process)."""
    if not (folder / WATCH_LOCK_NAME).exists():
        return None
    from filelock import FileLock, Timeout

    probe = FileLock(folder / WATCH_LOCK_NAME, timeout=0, thread_local=False)
    try:
        probe.acquire()
    except Timeout:
        return read_info(folder) or WatcherInfo(0, "another qa process", "")
    except OSError:
        return None  # a read-only library folder: nobody can be writing it either
    probe.release()
    return None


def read_info(folder: Path) -> WatcherInfo | None:
    """The note a watcher left, or None when there is none or it cannot be read."""
    try:
        raw: Any = json.loads((folder / WATCHER_NAME).read_text())
        return WatcherInfo(int(raw["pid"]), str(raw["owner"]), str(raw.get("since", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
