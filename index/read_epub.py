"""Read EPUB books: each chapter (each document of the reading order) is an article titled
"Book › Chapter", read by the HTML reader, with the book's author and date."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .article import Article
from .dates import iso_date
from .errors import ArticleError
from .html_part import html_part
from .limits import size_text
from .skipped_parts import SkippedParts

MAX_CHAPTER_BYTES = 20_000_000
"""Largest chapter read (uncompressed), so a zip bomb cannot fill the memory."""
_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
_PAGES = ("application/xhtml+xml", "text/html")


def read_epub(
    path: Path, data: bytes, skipped: Callable[[str], None] | None = None
) -> Iterator[Article]:
    """Every chapter with text, in reading order; a chapter that cannot be read is left out
    alone (see `SkippedParts`)."""
    from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        container = _xml(book, "META-INF/container.xml")
        root = container.find(".//c:rootfile", _NS)
        package_path = root.get("full-path", "") if root is not None else ""
        package = _xml(book, package_path)
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
        EOFError,
    ) as error:
        raise ArticleError(f"{path}: not a readable EPUB book ({error}); skipped") from error
    folder = posixpath.dirname(package_path)
    book_title = _metadata(package, "title") or path.stem
    items = {item.get("id"): item for item in package.iterfind("opf:manifest/opf:item", _NS)}
    labels = _chapter_labels(book, package, items, folder)
    left_out = SkippedParts(path, "chapter", skipped)
    for itemref in package.iterfind("opf:spine/opf:itemref", _NS):
        item = items.get(itemref.get("idref"))
        if item is None or item.get("media-type") not in _PAGES or _is_nav(item):
            continue
        name = _member(folder, item.get("href", ""))
        try:
            markup = _read(book, name)
        except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError) as error:
            left_out.add(name, str(error))
            continue
        chapter = html_part(path, markup, labels.get(name, ""))
        if chapter is None:
            continue  # a cover or an image-only page
        own_title = chapter.title if chapter.title != path.stem else ""
        label = labels.get(name) or own_title or posixpath.basename(name)
        yield Article(
            key=f"{path}#{name}",
            text=chapter.text,
            title=f"{book_title} › {label}",
            source=str(path),
            path=str(path),
            date=iso_date(_metadata(package, "date")),
            author=_metadata(package, "creator"),
        )
    left_out.raise_if_any()


def _read(book: zipfile.ZipFile, name: str) -> bytes:
    if book.getinfo(name).file_size > MAX_CHAPTER_BYTES:
        raise ValueError(f"over the {size_text(MAX_CHAPTER_BYTES)} limit for one chapter")
    return book.read(name)


def _xml(book: zipfile.ZipFile, name: str) -> Any:
    """A parsed XML member; entities are not expanded and nothing is fetched."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    document = etree.fromstring(_read(book, name), parser)
    if document is None:
        raise ValueError(f"{name} is empty")
    return document


def _member(folder: str, href: str) -> str:
    """The zip member an href in the package (relative to its folder) points at."""
    return posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0])))


def _metadata(package: Any, name: str) -> str:
    element = package.find(f"opf:metadata/dc:{name}", _NS)
    return " ".join((element.text or "").split()) if element is not None else ""


def _chapter_labels(
    book: zipfile.ZipFile, package: Any, items: dict[Any, Any], folder: str
) -> dict[str, str]:
    """Chapter names from the table of contents (EPUB 3 nav, else EPUB 2 NCX): member -> label;
    the first entry pointing into a document names it."""
    from lxml import etree

    labels: dict[str, str] = {}
    nav = next((item for item in items.values() if _is_nav(item)), None)
    ncx_id = package.find("opf:spine", _NS)
    ncx = items.get(ncx_id.get("toc")) if ncx_id is not None else None
    try:
        if nav is not None:
            nav_name = _member(folder, nav.get("href", ""))
            document = _xml(book, nav_name)
            for link in document.iterfind(".//x:nav//x:a", _NS):
                target = _member(posixpath.dirname(nav_name), link.get("href", ""))
                labels.setdefault(target, " ".join("".join(link.itertext()).split()))
        elif ncx is not None:
            ncx_name = _member(folder, ncx.get("href", ""))
            document = _xml(book, ncx_name)
            for point in document.iterfind(".//ncx:navPoint", _NS):
                text = point.findtext("ncx:navLabel/ncx:text", "", _NS)
                content = point.find("ncx:content", _NS)
                if content is not None:
                    target = _member(posixpath.dirname(ncx_name), content.get("src", ""))
                    labels.setdefault(target, " ".join(text.split()))
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError, etree.XMLSyntaxError):
        return {}  # chapters are then named by their own titles
    return labels


def _is_nav(item: Any) -> bool:
    """The EPUB 3 table of contents: a list of chapter names, not a chapter."""
    return "nav" in (item.get("properties") or "").split()
