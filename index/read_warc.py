"""Read web archives (WARC, .warc.gz): each HTML page response is an article, read record by
record so that an archive of any size is read in bounded memory."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

from .article import Article
from .dates import iso_date
from .errors import ArticleError
from .html_part import html_part
from .limits import size_text
from .skipped_parts import SkippedParts

MAX_RECORD_BYTES = 20_000_000
"""Largest page read from an archive (a whole archive may be any size)."""
_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16


def read_warc(
    path: Path,
    position: Callable[[int], None] | None = None,
    skipped: Callable[[str], None] | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[Article]:
    """Every HTML page answered with 200 in the archive, in archive order, its source the
    record's WARC-Target-URI and its date the page's own (else the WARC-Date of the capture).

    A damaged or truncated record ends the reading with one ArticleError, after the articles
    before it; a page over `max_record_bytes` is left out (see `SkippedParts`)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ArticleError(f"{path}: reading WARC needs warcio (pip install warcio)") from error
    left_out = SkippedParts(path, "record", skipped)
    number = 0
    with open(path, "rb") as handle:
        records = iter(ArchiveIterator(handle))
        while True:
            try:
                with redirect_stderr(io.StringIO()) as said:
                    record = next(records, None)
                    if record is None:
                        break
                    number += 1
                    article = _page(path, record, number, max_record_bytes, left_out)
            # warcio reports a cut gzip member or a garbled header in these ways (a cut
            # member's header arrives as None, hence AttributeError).
            except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, AttributeError) as error:
                raise ArticleError(_damaged(path, number, error)) from error
            if said.getvalue().strip():
                # warcio writes, rather than raises, a damaged gzip member (the rest of the
                # member is lost) or a record longer or shorter than it says, and reads on.
                left_out.add(f"record {number}", f"damaged ({said.getvalue().strip()[:160]})")
            if position is not None:
                position(handle.tell())
            if article is not None:
                yield article
    left_out.raise_if_any()


def _damaged(path: Path, number: int, error: Exception) -> str:
    detail = str(error).strip().split("\n")[0][:160] or type(error).__name__
    kept = f"the {number - 1} records before it were read" if number > 1 else "nothing was read"
    return f"{path}: damaged or truncated WARC at record {max(number, 1)} ({detail}); {kept}"


def _page(
    path: Path, record: Any, number: int, max_bytes: int, skipped: SkippedParts
) -> Article | None:
    """The article of one record, or None for a record that is no page (requests, images,
    redirects); reads the record's block to its end so that a cut record is noticed."""
    if not _is_page(record):
        _drain(record, path, number)
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.length is not None and int(record.length) > max_bytes:
        skipped.add(f"record {number} ({uri})", _over(max_bytes))
        _drain(record, path, number)
        return None
    body = record.content_stream().read(max_bytes + 1)
    _drain(record, path, number)
    if len(body) > max_bytes:
        skipped.add(f"record {number} ({uri})", _over(max_bytes))
        return None
    page = html_part(path, body)
    if page is None:
        return None
    captured = iso_date(record.rec_headers.get_header("WARC-Date") or "")
    return Article(
        key=f"{path}#{record.rec_headers.get_header('WARC-Record-ID') or number}",
        text=page.text,
        title=page.title if page.title != path.stem else uri,
        source=uri or page.source,
        path=str(path),
        date=page.date or captured,
        author=page.author,
    )


def _over(max_bytes: int) -> str:
    return f"over the {size_text(max_bytes)} limit for one page"


def _is_page(record: Any) -> bool:
    if record.rec_type not in ("response", "resource"):
        return False
    if record.http_headers is not None:
        if record.http_headers.get_statuscode() != "200":
            return False
        kind = record.http_headers.get_header("Content-Type") or ""
    else:
        kind = record.rec_headers.get_header("Content-Type") or ""
    return kind.split(";")[0].strip().lower() in _PAGE_TYPES


def _drain(record: Any, path: Path, number: int) -> None:
    """Read the rest of the record's block: a block shorter than its Content-Length was cut."""
    stream = record.raw_stream
    while stream.read(_CHUNK):
        pass
    if getattr(stream, "limit", 0) > 0:
        raise ArticleError(_damaged(path, number, EOFError("the record is cut short")))
