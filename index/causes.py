"""What an OS or SQLite error means for a library, in one line a user can act on.

"Free some disk space" is right for a full disk and wrong for a read-only folder, a path through
a file or a database another program holds open; each error is named by its own cause, and only
errors that really mean damage point at `qa index rebuild`.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from .errors import IndexCorrupt, IndexWriteError, LibraryBusy, QAError

REBUILD = "qa index rebuild"

_OS_CAUSES = {
    errno.ENOSPC: ("the disk is full", "free some disk space, then run the command again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, then run the command again"),
    errno.EROFS: ("the file system is read-only", "pick a writable --library"),
    errno.EACCES: ("permission denied", "make the folder writable, or pick another --library"),
    errno.EPERM: (
        "the folder or a file in it cannot be changed (read-only or immutable)",
        "make it writable, or pick another --library",
    ),
    errno.ENOTDIR: (
        "part of the path is a file, not a folder",
        "pick a folder for --library",
    ),
    errno.EISDIR: ("a folder stands where a file should be", "pick another --library"),
    errno.EIO: ("the disk reported an input/output error", "check the disk"),
}

_SQLITE_CAUSES = {
    # Primary result codes (https://sqlite.org/rescode.html).
    13: ("the disk is full", "free some disk space, then run the command again"),  # FULL
    8: (
        "the database cannot be written (read-only file or folder)",
        "make the library's folder writable, or pick another --library",
    ),  # READONLY
    14: (
        "the database cannot be opened (missing permission, or a read-only folder)",
        "make the library's folder readable and writable, or pick another --library",
    ),  # CANTOPEN
    3: ("access to the database was refused", "check the folder's permissions"),  # PERM
    23: ("access to the database was refused", "check the folder's permissions"),  # AUTH
    10: ("the disk reported an input/output error", "check the disk"),  # IOERR
}
_BUSY = (5, 6)  # BUSY, LOCKED


def os_cause(error: OSError) -> tuple[str, str]:
    """(what happened, what to do) for an OSError; its own message when the cause is unknown."""
    known = _OS_CAUSES.get(error.errno or 0)
    if known:
        return known
    return (error.strerror or str(error), "then run the command again")


def write_failure(folder: Path, error: OSError | sqlite3.Error) -> QAError:
    """The one-line error for a failed write to the library in `folder`; SQLite rolled back the
    open transaction and the vector file and manifest are only replaced by rename, so the last
    complete index is intact."""
    if isinstance(error, sqlite3.Error):
        return database_failure(folder, error)
    what, do = os_cause(error)
    return IndexWriteError(
        f"cannot write the index in {folder}: {what} ({error}); {do} (the previous index is intact)"
    )


def database_failure(folder: Path, error: sqlite3.Error) -> QAError:
    """The one-line error for a SQLite error on the library in `folder`, by its cause:
    damage names `qa index rebuild`; a lock, a full disk or a read-only folder say so."""
    code = int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    message = str(error)
    if code in _BUSY or "locked" in message:
        return LibraryBusy(
            f"another program is using the database of {folder} ({message}); wait for it to "
            f"finish or close it, then try again"
        )
    if code in _SQLITE_CAUSES:
        what, do = _SQLITE_CAUSES[code]
        return IndexWriteError(f"cannot use the library in {folder}: {what} ({message}); {do}")
    # CORRUPT, NOTADB and whatever else SQLite could not read: the file is not what it was.
    return IndexCorrupt(damaged(folder, message))


def damaged(folder: Path, detail: str) -> str:
    """The line for a damaged database: what SQLite said and the command that puts it right."""
    return (
        f"the library's database in {folder} is damaged ({detail}): run {REBUILD} to index "
        f"your articles again (they are only ever read)"
    )
