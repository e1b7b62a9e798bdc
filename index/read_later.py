"""Read read-later exports: those that carry the text (wallabag's JSON, Omnivore's and Readwise's
Markdown with front matter) become articles; those that carry only links (Pocket's HTML and CSV,
Instapaper's CSV) are skipped with the reason, since qa fetches nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .article import Article
from .dates import iso_date
from .decoding import decode_text
from .errors import ArticleError
from .html_part import html_part
from .read_json import TEXT_FIELDS, article_from_record
from .read_plain import read_markdown

_LINKS_ONLY = "carries only links; qa fetches nothing, so there is no text to index; skipped"
_POCKET_HTML = re.compile(rb"<title>\s*Pocket Export\s*</title>|\btime_added=", re.IGNORECASE)
_WALLABAG = re.compile(rb'"is_archived"\s*:')
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_ORIGINAL_LINK = re.compile(r"\[Read Original\]\((https?://[^)\s]+)\)")
"""Omnivore's export links the original page in its body this way."""
_URL_KEYS = ("url", "source", "link", "original_url", "source_url", "omnivore_url")
_DATE_KEYS = ("date_published", "published", "published_at", "date", "created", "date_saved")
_AUTHOR_KEYS = ("author", "authors", "byline")
_URL_COLUMNS = ("url", "link", "href")


def refuse_link_export(path: Path, data: bytes) -> None:
    """Raise ArticleError for Pocket's HTML export, a list of links with no text."""
    if _POCKET_HTML.search(data[:65_536]):
        raise ArticleError(f"{path}: a Pocket export {_LINKS_ONLY}")


def read_link_table(
    path: Path, data: bytes, skipped: Callable[[str], None] | None = None
) -> Iterator[Article]:
    """A CSV file: articles when a column holds their text, else (Pocket's and Instapaper's
    exports: titles and URLs) skipped with the reason. A row without text is passed over, as
    in a JSON dump (`skipped` is never called)."""
    rows = csv.DictReader(io.StringIO(decode_text(data, str(path))))
    columns = [name.strip().lower() for name in rows.fieldnames or []]
    if not any(name in TEXT_FIELDS for name in columns):
        if any(name in _URL_COLUMNS for name in columns):
            raise ArticleError(f"{path}: this list of saved articles {_LINKS_ONLY}")
        raise ArticleError(
            f"{path}: a CSV table with no text column ({', '.join(TEXT_FIELDS[:4])}...); skipped"
        )
    for number, row in enumerate(rows):
        record = {key.strip().lower(): value for key, value in row.items() if key}
        article = article_from_record(path, record, number)
        if article is not None:
            yield article


def is_wallabag_export(path: Path) -> bool:
    """True for a wallabag JSON export (its entries say whether they are archived)."""
    with open(path, "rb") as handle:
        return _WALLABAG.search(handle.read(65_536)) is not None


def read_wallabag(path: Path, data: bytes) -> Iterator[Article]:
    """Every entry of a wallabag export with content: its HTML read as a page, its URL the
    source, its publication date (wallabag's own dates say when it was saved, not written)."""
    try:
        entries = json.loads(decode_text(data, str(path)))
    except json.JSONDecodeError as error:
        raise ArticleError(f"{path}: not valid JSON ({error}); skipped") from error
    if not isinstance(entries, list):
        raise ArticleError(f"{path}: a wallabag export holds a list of entries; skipped")
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("content"), str):
            continue
        title = _text(entry.get("title"))
        page = html_part(path, entry["content"].encode("utf-8"), title)
        if page is None:
            continue
        url = _text(entry.get("url"))
        authors = entry.get("published_by")
        if not isinstance(authors, list):
            authors = []
        author = ", ".join(name for name in authors if isinstance(name, str))
        yield Article(
            key=f"{path}#{_text(entry.get('id')) or number + 1}",
            text=page.text,
            title=title or page.title,
            source=url or page.source,
            path=str(path),
            date=iso_date(_text(entry.get("published_at"))) or page.date,
            author=author or page.author,
        )


def read_markdown_export(path: Path, data: bytes) -> Article:
    """A Markdown article; with front matter (Omnivore, Readwise, Obsidian), its title, URL,
    date and author come from it and the text is what follows it."""
    article = read_markdown(path, data)
    front = _FRONT_MATTER.match(article.text)
    fields = _front_matter(front.group(1)) if front is not None else None
    if front is None or fields is None:
        return article  # no front matter: two rules around a paragraph are text
    body = article.text[front.end() :]
    original = _ORIGINAL_LINK.search(body)
    url = _first(fields, _URL_KEYS) or (original.group(1) if original else "")
    title = _first(fields, ("title",))
    return Article(
        key=article.key,
        text=body,
        title=title or read_markdown(path, body.encode("utf-8")).title,
        source=url or article.source,
        path=article.path,
        date=iso_date(_first(fields, _DATE_KEYS)),
        author=_first(fields, _AUTHOR_KEYS),
    )


def _front_matter(block: str) -> dict[str, Any] | None:
    """The fields of a YAML front matter block; None when the block is no mapping."""
    import yaml

    try:
        fields = yaml.safe_load(block)
    except yaml.YAMLError:
        return None
    if not isinstance(fields, dict):
        return None
    return {str(key).lower(): value for key, value in fields.items()}


def _first(fields: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, list):
            value = ", ".join(str(item).strip("[]") for item in value if item)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        if isinstance(value, str) and value.strip():
            return value.strip().strip("[]")  # Obsidian writes links to notes as [[Name]]
    return ""


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()
