"""One writer at a time: the library's update lock, and write failures as one clear error."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .causes import write_failure
from .errors import LibraryBusy

LOCK_NAME = "update.lock"


@contextmanager
def update_lock(folder: Path) -> Iterator[None]:
    """Hold the library's update lock; turn write failures into one clear error."""
    # Imported here: only writers lock, and `qa ask` and the chat should not pay for the import.
    from filelock import FileLock, Timeout

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise write_failure(folder, error) from error
    # timeout=0: a second writer is turned away at once rather than queued behind the first.
    lock = FileLock(folder / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout as error:  # before OSError: filelock's Timeout is a TimeoutError
        raise LibraryBusy(
            f"another qa process is updating {folder}; wait for it to finish, then try again"
        ) from error
    except OSError as error:
        raise write_failure(folder, error) from error
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        # SQLite rolled the open transaction back and the FAISS file and manifest are
        # only ever replaced by rename, so the last complete index is still in place.
        raise write_failure(folder, error) from error
    finally:
        lock.release()
