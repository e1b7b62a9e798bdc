"""Read news dumps: JSON or JSON Lines (optionally gzipped), one article per record."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from .article import Article
from .dates import iso_date
from .decoding import decode_text, normalise_newlines
from .errors import ArticleError
from .limits import MAX_ARTICLE_BYTES, size_text
from .lines import has_words, one_line

TEXT_FIELDS = (
    "text",
    "body",
    "content",
    "article",
    "story",
    "maintext",
    "full_text",
    "description",
)
TITLE_FIELDS = ("title", "headline", "name")
URL_FIELDS = ("url", "link", "source_url", "gold_url")
DATE_FIELDS = ("publish_date", "date", "published", "published_at", "pubDate", "datetime", "time")
AUTHOR_FIELDS = ("author", "authors", "byline")
ID_FIELDS = ("id", "_id", "guid", "uuid")
_LIST_KEYS = ("articles", "data", "items", "records", "results")


def read_records(
    path: Path,
    position: Callable[[int], None] | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    skipped: Callable[[str], None] | None = None,
) -> Iterator[Article]:
    """Every record with text in a `.json`, `.jsonl` or gzipped file, in file order.

    JSON Lines are streamed line by line, so a dump of any size is read in bounded memory;
    `position` hears how far into the file (in bytes on disk) the stream has got. A record that
    cannot be read, or one over `max_bytes`, is left out and `skipped` hears its one line (without
    `skipped`, it raises ArticleError); a `.json.gz` that decompresses to more than `max_bytes` is
    refused, having decompressed no more than that."""
    name = path.name.lower()
    compressed = name.endswith(".gz")
    stem = name[:-3] if compressed else name
    if stem.endswith((".jsonl", ".ndjson")):
        records = _read_lines(path, compressed, position, max_bytes, skipped)
    else:
        records = _read_document(path, compressed, max_bytes, skipped)
    found = False
    try:
        for article in records:
            found = True
            yield article
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArticleError(damaged_gzip(path, error)) from error
    if not found:
        raise ArticleError(
            f"{path}: no record with text in it (a field named {', '.join(TEXT_FIELDS[:4])}...); "
            f"skipped"
        )


def _read_document(
    path: Path, compressed: bool, max_bytes: int, skipped: Callable[[str], None] | None
) -> Iterator[Article]:
    """The records of a whole JSON document (gzipped or not)."""
    data = _unzipped_whole(path, max_bytes) if compressed else path.read_bytes()
    if not data.strip():
        raise ArticleError(f"{path}: the file is empty; skipped")
    try:
        document = json.loads(decode_text(data, str(path)))
    except json.JSONDecodeError as error:
        raise ArticleError(f"{path}: not valid JSON ({error}); skipped") from error
    records = _records_of(document)
    if records is None:
        raise ArticleError(
            f"{path}: JSON holds no article records (expected an object with a "
            f"text field, or a list of them); skipped"
        )
    for number, record in enumerate(records):
        try:
            article = article_from_record(path, record, number)
        except Exception as error:  # one bad record is that record's failure alone
            _skip(skipped, f"{path}: record {number + 1} cannot be read ({_why(error)})", error)
            continue
        if article is not None:
            yield article


def _unzipped_whole(path: Path, max_bytes: int) -> bytes:
    """A gzipped JSON document, decompressed up to `max_bytes`: a small file that inflates to
    gigabytes (a "zip bomb") is refused, not read."""
    with gzip.open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ArticleError(
            f"{path}: decompresses to more than {size_text(max_bytes)}, the limit for one "
            f"JSON document; split it into smaller files or save it as JSON Lines (.jsonl.gz)"
        )
    return data


SKIPPED_RECORD = "; skipped that record, the others are read"


def _skip(skipped: Callable[[str], None] | None, line: str, error: Exception | None = None) -> None:
    """Leave one record out: `skipped` hears the line, or it ends the file without `skipped`."""
    line = one_line(line + SKIPPED_RECORD)
    if skipped is None:
        raise ArticleError(line) from error
    skipped(line)


def _why(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    if isinstance(error, ArticleError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def damaged_gzip(path: Path | str, error: Exception) -> str:
    """The one line for a gzipped dump whose stream breaks."""
    return f"{path}: damaged or truncated gzip file ({error})"


POSITION_EVERY_LINES = 20
"""How often a streamed dump reports its position: often enough for a smooth progress bar."""
_SKIP_CHUNK = 1 << 20
"""Bytes read at a time while passing over a line too long to keep."""


def _read_lines(
    path: Path,
    compressed: bool,
    position: Callable[[int], None] | None,
    max_bytes: int,
    skipped: Callable[[str], None] | None,
) -> Iterator[Article]:
    with open(path, "rb") as raw_file, _unzipped(raw_file, compressed) as handle:
        for number, raw in enumerate(bounded_lines(handle, max_bytes)):
            if position is not None and number % POSITION_EVERY_LINES == 0:
                position(raw_file.tell())  # the bytes on disk read so far, compressed or not
            article = _article_of_line(path, raw, number, max_bytes, skipped)
            if article is not None:
                yield article


class ReadsLines(Protocol):
    """A binary file as a line reader: the file itself, or a GzipFile over it."""

    def readline(self, size: int = -1, /) -> bytes: ...


def bounded_lines(handle: ReadsLines, limit: int) -> Iterator[bytes | int]:
    """Each line of `handle`; a line longer than `limit` bytes comes as its length alone, passed
    over a chunk at a time, so one huge record never sits in memory."""
    while line := handle.readline(limit + 1):
        if len(line) <= limit or (line.endswith(b"\n") and len(line) == limit + 1):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := handle.readline(_SKIP_CHUNK)):
            size += len(line)
        yield size


def too_long(path: Path | str, number: int, size: int, max_bytes: int) -> str:
    """The line for record `number` (0-based) of a dump, `size` bytes long, over `max_bytes`."""
    return (
        f"{path}: line {number + 1} is {size_text(size)}, over the {size_text(max_bytes)} "
        f"limit for one record"
    )


def _article_of_line(
    path: Path,
    raw: bytes | int,
    number: int,
    max_bytes: int = MAX_ARTICLE_BYTES,
    skipped: Callable[[str], None] | None = None,
) -> Article | None:
    """The article on line `number` (0-based) of a JSON Lines dump; None for a blank line, a
    record without text, or one left out (see `_skip`). `raw` is the line's length alone when it
    is over `max_bytes`."""
    where = f"{path}: line {number + 1}"
    if isinstance(raw, int) or len(raw.rstrip(b"\n")) > max_bytes:
        _skip(skipped, too_long(path, number, raw if isinstance(raw, int) else len(raw), max_bytes))
        return None
    line = raw.decode("utf-8", errors="replace").strip()
    if not line:
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        _skip(skipped, f"{where} is not valid JSON ({error})", error)
        return None
    except Exception as error:  # one bad record is that record's failure alone
        _skip(skipped, f"{where} cannot be read ({_why(error)})", error)
        return None
    try:
        return article_from_record(path, record, number)
    except Exception as error:
        _skip(skipped, f"{where} cannot be read ({_why(error)})", error)
        return None


def line_blocks(path: Path, block_bytes: int) -> list[tuple[int, int, int]]:
    """An uncompressed JSON Lines dump cut at line ends into blocks of about `block_bytes`:
    (first byte, end byte, number of the first line), so blocks are read apart and in parallel
    with the same record keys and error lines as reading the whole file. Read a chunk at a
    time: a block with one huge line is never held whole."""
    blocks: list[tuple[int, int, int]] = []
    start = line = 0
    size = path.stat().st_size
    with open(path, "rb") as handle:
        while True:
            handle.seek(start + block_bytes)
            rest = 0
            while start + block_bytes < size and (piece := handle.readline(_SKIP_CHUNK)):
                rest += len(piece)
                if piece.endswith(b"\n"):
                    break
            end = min(start + block_bytes + rest, size)
            if end <= start:
                break
            handle.seek(start)
            lines = sum(piece.count(b"\n") for piece in _chunks(handle, end - start))
            blocks.append((start, end, line))
            start, line = end, line + lines
    return blocks


def _chunks(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """The next `size` bytes of `handle`, a chunk at a time."""
    while size > 0 and (piece := handle.read(min(size, _SKIP_CHUNK))):
        size -= len(piece)
        yield piece


class _Window:
    """The lines of `size` bytes of a file from where it stands (a block of a dump)."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle, self.left = handle, size

    def readline(self, size: int = -1, /) -> bytes:
        wanted = self.left if size < 0 else min(size, self.left)
        line = self.handle.readline(wanted) if wanted > 0 else b""
        self.left -= len(line)
        return line


def read_line_block(
    path: Path,
    start: int,
    end: int,
    first_line: int,
    skipped: Callable[[str], None] | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Iterator[Article]:
    """The articles of one block of an uncompressed JSON Lines dump (see `line_blocks`), its
    lines read as the whole file's are: a line over `max_bytes` is passed over, never held."""
    with open(path, "rb") as handle:
        handle.seek(start)
        lines = bounded_lines(_Window(handle, end - start), max_bytes)
        for number, raw in enumerate(lines, first_line):
            article = _article_of_line(path, raw, number, max_bytes, skipped)
            if article is not None:
                yield article


def articles_of_lines(
    path: Path,
    block: bytes,
    first_line: int,
    skipped: Callable[[str], None] | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Iterator[Article]:
    """The articles of consecutive lines of a JSON Lines dump, the first being `first_line`."""
    # Split at "\n" alone, as iterating over the file does, so line numbers agree.
    for number, raw in enumerate(block.split(b"\n"), first_line):
        article = _article_of_line(path, raw, number, max_bytes, skipped)
        if article is not None:
            yield article


def _unzipped(raw_file: BinaryIO, compressed: bool) -> AbstractContextManager[ReadsLines]:
    """The file's lines as stored or through gzip; the file underneath tells the position."""
    if compressed:
        return gzip.GzipFile(fileobj=raw_file)  # closing it leaves raw_file to its own `with`
    return nullcontext(raw_file)


def _records_of(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        if _first(document, TEXT_FIELDS):
            return [document]
        for key in _LIST_KEYS:
            if isinstance(document.get(key), list):
                return list(document[key])
    return None


def article_from_record(path: Path, record: Any, number: int) -> Article | None:
    """One article from a record using common field names; None when it has no text."""
    if not isinstance(record, dict):
        return None
    text = _first(record, TEXT_FIELDS, numbers=False)
    if not has_words(text):
        return None
    url = _first(record, URL_FIELDS)
    record_id = _first(record, ID_FIELDS) or url or f"line-{number + 1}"
    title = (
        _first(record, TITLE_FIELDS)
        or next((line.strip() for line in text.split("\n") if line.strip()), "")[:120]
    )
    return Article(
        key=f"{path}#{record_id}",
        text=normalise_newlines(text),
        title=" ".join(title.split()),
        source=url or f"{path}#{record_id}",
        path=str(path),
        date=iso_date(_first(record, DATE_FIELDS)),
        author=_first(record, AUTHOR_FIELDS),
    )


def _first(record: dict[str, Any], fields: tuple[str, ...], numbers: bool = True) -> str:
    """The first field present with a usable value, as text (lists joined, numbers written out
    unless `numbers` is False)."""
    for field in fields:
        value = record.get(field)
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, list):
            joined = ", ".join(str(item) for item in value if isinstance(item, str | int | float))
            if joined:
                return joined
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    return ""
