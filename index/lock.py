"""One writer at a time: the library's update lock, and write failures as one clear error."""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import IndexWriteError, LibraryBusy

LOCK_NAME = "update.lock"


@contextmanager
def update_lock(folder: Path) -> Iterator[None]:
    """Hold the library's update lock; turn write failures into one clear error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_NAME, "a+")  # noqa: SIM115 - closed below
    except OSError as error:
        raise write_error(folder, error) from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise LibraryBusy(
                f"another qa process is updating {folder}; wait for it to finish, then try again"
            ) from error
        try:
            yield
        except (sqlite3.OperationalError, OSError) as error:
            # SQLite rolled the open transaction back and the FAISS file and manifest are
            # only ever replaced by rename, so the last complete index is still in place.
            raise write_error(folder, error) from error
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_error(folder: Path, error: Exception) -> IndexWriteError:
    return IndexWriteError(
        f"cannot write the index in {folder} ({error}); free some disk space or pick a "
        f"writable --library, then run the command again (the previous index is intact)"
    )
