"""Read word-processor documents (DOCX, ODT): paragraphs with a blank line between them, the
title from the document's properties or else its first heading."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime
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
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[tuple[str, str]] = []
        for block in document.iter_inner_content():
            cells = _cells(block) if isinstance(block, Table) else [block]
            for paragraph in cells:
                style = paragraph.style.name if paragraph.style is not None else ""
                paragraphs.append((paragraph.text, style or ""))
        properties = document.core_properties
        title, author, created = properties.title, properties.author, properties.created
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ArticleError(f"{path}: not a readable DOCX document ({error}); skipped") from error
    except etree.XMLSyntaxError as error:
        raise ArticleError(f"{path}: not a readable DOCX document ({error}); skipped") from error
    return _article(path, paragraphs, title, author, created)


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
        paragraphs = [
            (element.text_recursive or "", "heading" if element.tag == "text:h" else "")
            for element in document.body.xpath("descendant::text:h | descendant::text:p")
            if isinstance(element, Element)
        ]
        meta = document.meta
        title, author, created = (
            meta.get_title() or "",
            meta.get_initial_creator() or meta.get_creator() or "",
            meta.get_creation_date(),
        )
    except (TypeError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        # odfdo answers TypeError for bytes that are no OpenDocument package at all
        raise ArticleError(f"{path}: not a readable ODT document ({error}); skipped") from error
    return _article(path, paragraphs, title, author, created)


def _article(
    path: Path,
    paragraphs: list[tuple[str, str]],
    title: str | None,
    author: str | None,
    created: datetime | None,
) -> Article:
    kept = [(" ".join(text.split()), style) for text, style in paragraphs if text.strip()]
    if not kept:
        raise ArticleError(f"{path}: no text in this document; skipped")
    heading = next((text for text, style in kept if style.lower().startswith(_HEADING_STYLES)), "")
    return Article(
        key=str(path),
        text="\n\n".join(text for text, _ in kept),
        title=(title or "").strip() or heading or kept[0][0][:120],
        source=str(path),
        path=str(path),
        date=iso_date(created.isoformat()) if isinstance(created, datetime) else "",
        author=(author or "").strip(),
    )
