"""Read saved web pages: a browser's MHTML archive, and HTML files as SingleFile or "Save Page
As" leave them (inlined images stripped before parsing, the page's address kept as its source)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .article import Article
from .dates import iso_date
from .errors import ArticleError
from .html_part import html_part
from .read_html import read_html
from .read_later import refuse_link_export
from .read_mail import utf8_payload

_DATA_URI = re.compile(rb"(?<![\w-])data:[a-z]+/[\w.+-]+[^,\"'\s)<>]*,[^\"'\s)<>]*", re.IGNORECASE)
"""An inlined resource (`data:image/png;base64,...`): SingleFile puts every image and font in
the page this way, often megabytes of them, none of which is text."""
_SAVED_FROM = (
    re.compile(rb"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE),
    re.compile(rb"<!--\s*Page saved with SingleFile\s+url:\s*(\S+)", re.IGNORECASE),
    re.compile(rb"<meta\s+name=[\"']savepage-url[\"']\s+content=[\"']([^\"']+)", re.IGNORECASE),
)
"""Where the browser ("Save Page As"), SingleFile or Save Page WE say the page came from."""
_HEAD = 65_536


def read_web_page(path: Path, data: bytes) -> Article:
    """An HTML file, saved from the web or written by hand."""
    refuse_link_export(path, data)
    stripped = _DATA_URI.sub(b"data:,", data)
    article = read_html(path, stripped)
    saved_from = saved_address(data[:_HEAD])
    if saved_from and article.source == str(path):
        return replace(article, source=saved_from)
    return article


def saved_address(head: bytes) -> str:
    """The address a saved page states it was saved from, or ""."""
    for pattern in _SAVED_FROM:
        found = pattern.search(head)
        if found is not None:
            address = found.group(1).decode("utf-8", errors="replace")
            if address.startswith(("http://", "https://")):
                return address
    return ""


def read_mhtml(path: Path, data: bytes) -> Article:
    """A page saved as MHTML (a MIME multipart/related message): its HTML part, the part's
    Content-Location as the source, dated by the page itself or else by the archive's Date."""
    from email import policy
    from email.message import EmailMessage
    from email.parser import BytesParser

    archive = BytesParser(policy=policy.default).parsebytes(data)
    page = next((part for part in archive.walk() if part.get_content_type() == "text/html"), None)
    if not isinstance(page, EmailMessage):
        raise ArticleError(f"{path}: no HTML page in this MHTML file; skipped")
    markup = utf8_payload(page)
    if not markup:
        raise ArticleError(f"{path}: the MHTML page part is empty; skipped")
    article = html_part(path, _DATA_URI.sub(b"data:,", markup), str(archive.get("Subject", "")))
    if article is None:
        raise ArticleError(f"{path}: no readable text found in this MHTML page; skipped")
    location = str(page.get("Content-Location", "") or archive.get("Snapshot-Content-Location", ""))
    title = article.title
    if title == path.stem:
        title = " ".join(str(archive.get("Subject", "")).split()) or title
    return replace(
        article,
        title=title,
        source=location.strip() or article.source,
        date=article.date or iso_date(str(archive.get("Date", ""))),
    )
