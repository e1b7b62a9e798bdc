"""Read saved RSS and Atom feeds: each entry with content is an article, its link the source."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .article import Article
from .decoding import normalise_newlines
from .errors import ArticleError
from .html_part import html_part


def read_feed(
    path: Path, data: bytes, skipped: Callable[[str], None] | None = None
) -> Iterator[Article]:
    """Every entry in feed order: its full content (content:encoded or Atom content) over its
    summary, its title, its link as source, its published (else updated) date. (An entry with
    no text at all is passed over, not reported: `skipped` is never called.)"""
    try:
        import feedparser
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ArticleError(
            f"{path}: reading feeds needs feedparser (pip install feedparser)"
        ) from error
    # A stream, never a string: feedparser would take a string for an address and fetch it.
    feed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    if not feed.entries:
        reason = f" ({feed.get('bozo_exception')})" if feed.get("bozo") else ""
        raise ArticleError(f"{path}: no entries in this RSS or Atom feed{reason}; skipped")
    for number, entry in enumerate(feed.entries, 1):
        article = _entry(path, entry, number)
        if article is not None:
            yield article


def _entry(path: Path, entry: Any, number: int) -> Article | None:
    title = " ".join(str(entry.get("title", "")).split())
    body, kind = _content(entry)
    if not body.strip():
        return None
    if "html" in kind:
        page = html_part(path, body.encode("utf-8"), title)
        if page is None:
            return None
        text = page.text
    else:
        text = normalise_newlines(body).strip()
    link = str(entry.get("link", ""))
    return Article(
        key=f"{path}#{entry.get('id') or link or number}",
        text=text,
        title=title or text.split("\n")[0][:120],
        source=link or f"{path}#{number}",
        path=str(path),
        date=_date(entry),
        author=str(entry.get("author", "")),
    )


def _content(entry: Any) -> tuple[str, str]:
    """The fullest text the entry carries, with its type."""
    for content in entry.get("content") or []:
        if str(content.get("value", "")).strip():
            return str(content["value"]), str(content.get("type", "text/html"))
    detail = entry.get("summary_detail") or {}
    return str(entry.get("summary", "")), str(detail.get("type", "text/html"))


def _date(entry: Any) -> str:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            return time.strftime("%Y-%m-%d", parsed)
    return ""
