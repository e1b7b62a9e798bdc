"""What goes wrong for a client, in one line each, and the HTTP status each one earns.

The MCP server reports these as tool errors (`isError` with the line); the HTTP API as a 4xx (or
503) with `{"error": line, "kind": name}`. Every line says what to do next."""

from __future__ import annotations

from qa.answering.asker import NoArticles, QuestionError
from qa.answering.filters import FilterError
from qa.api.reading import CitationGone
from qa.index import IndexCorrupt, IndexNotFound, LibraryBusy, ModelMismatch, QAError


class ServerError(QAError):
    """A request the server cannot serve as sent; `status` is its HTTP status."""

    status = 400


class BadRequest(ServerError):
    """An argument is missing, of the wrong kind or out of range."""

    status = 400


class UnknownConversation(ServerError):
    """The conversation id names no saved chat of this library."""

    status = 404


class LibraryRebuilding(ServerError):
    """`qa index rebuild` is swapping the library's files: asking again in a moment works."""

    status = 503


class WritesDisabled(ServerError):
    """An indexing tool was called on a server started without `--allow-writes`."""

    status = 403


class NotReady(ServerError):
    """The models failed to load; the message says why and what to install."""

    status = 503


def status_of(error: QAError) -> int:
    """The HTTP status for a domain error: 4xx for what the client can fix, 503 for a library
    that cannot answer now (being rebuilt, updated or damaged)."""
    if isinstance(error, ServerError):
        return error.status
    if isinstance(error, CitationGone):
        return 410  # it existed once: a re-index removed or changed it
    if isinstance(error, QuestionError | FilterError):
        return 422
    if isinstance(error, NoArticles):
        return 404
    if isinstance(error, IndexNotFound):
        return 404
    if isinstance(error, ModelMismatch | IndexCorrupt):
        return 409
    if isinstance(error, LibraryBusy):
        return 503
    return 400


def one_line(text: str) -> str:
    """`text` on one line, as a client shows it: whitespace runs collapsed."""
    return " ".join(text.split())
