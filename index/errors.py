"""The few named errors the indexer raises; the CLI turns each into one line for the user."""

from __future__ import annotations


class QAError(Exception):
    """Base of every error the product reports to a user as a one-line message."""


class ArticleError(QAError):
    """An article file could not be read; the message names the file and the problem."""


class IndexNotFound(QAError):
    """The library folder holds no index yet."""


class ModelMismatch(QAError):
    """The index was built with another embedding model, dimension or format."""


class IndexCorrupt(QAError):
    """An index file is damaged; the message says how to rebuild."""


class LibraryBusy(QAError):
    """Another process is updating the library."""


class ModelUnavailable(QAError):
    """The embedding model or another packaged model cannot be loaded."""


class IndexWriteError(QAError):
    """The index could not be written (disk full, read-only folder); the previous one is intact."""


class NotALibrary(QAError):
    """A folder or database that is not a qa library's: never written into, never deleted."""
