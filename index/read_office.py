"""Read word-processor documents (DOCX, ODT): paragraphs with a blank line between them, the
title from the document's properties or else its first heading."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from .article import Article
from .dates import iso_date
from .errors import ArticleError

_HEADING_STYLES = ("title", "heading")


def read_docx(path: Path, data: bytes) -> Article:
    """A Word document: body paragraphs and table cells in document order."""
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
        from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ArticleError(
            f"{path}: reading DOCX needs python-docx (pip install python-docx)"
        ) from error
    damaged = (
        PackageNotFoundError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
    )
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[tuple[str, Callable[[], str]]] = []
        for block in document.iter_inner_content():
            cells = _cells(block) if isinstance(block, Table) else [block]
            for paragraph in cells:
                paragraphs.append((paragraph.text, partial(_style_name, paragraph)))
        properties = document.core_properties
        title, author, created = properties.title, properties.author, properties.created
        return _article(path, paragraphs, title, author, created)
    except damaged as error:
        raise ArticleError(f"{path}: not a readable DOCX document ({error}); skipped") from error


def _style_name(paragraph: Any) -> str:
    """The paragraph's style name; looked up only while a title is sought (python-docx takes
    about half of the reading time to resolve one)."""
    return str(paragraph.style.name or "") if paragraph.style is not None else ""


def _cells(table: Any) -> Iterable[Any]:
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs


def read_odt(path: Path, data: bytes) -> Article:
    """An OpenDocument text: headings and paragraphs in document order."""
    try:
        from lxml import etree
        from odfdo import Document, Element
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ArticleError(f"{path}: reading ODT needs odfdo (pip install odfdo)") from error
    try:
        document = Document(io.BytesIO(data))
        paragraphs: list[tuple[str, Callable[[], str]]] = []
        for element in document.body.xpath("descendant::text:h | descendant::text:p"):
            if isinstance(element, Element):
                style = "heading" if element.tag == "text:h" else ""
                paragraphs.append((element.text_recursive or "", partial(str, style)))
        meta = document.meta
        title, author, created = (
            meta.get_title() or "",
            meta.get_initial_creator() or meta.get_creator() or "",
            meta.get_creation_date(),
        )
    except (
        TypeError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
    ) as error:
        # odfdo answers TypeError for bytes that are no OpenDocument package at all
        raise ArticleError(f"{path}: not a readable ODT document ({error}); skipped") from error
    return _article(path, paragraphs, title, author, created)


def _article(
    path: Path,
    paragraphs: list[tuple[str, Callable[[], str]]],
    title: str | None,
    author: str | None,
    created: datetime | None,
) -> Article:
    kept = [(" ".join(text.split()), style) for text, style in paragraphs if text.strip()]
    if not kept:
        raise ArticleError(f"{path}: no text in this document; skipped")
    title = (title or "").strip() or next(
        (text for text, style in kept if style().lower().startswith(_HEADING_STYLES)), ""
    )
    return Article(
        key=str(path),
        text="\n\n".join(text for text, _ in kept),
        title=title or kept[0][0][:120],
        source=str(path),
        path=str(path),
        date=iso_date(created.isoformat()) if isinstance(created, datetime) else "",
        author=(author or "").strip(),
    )
