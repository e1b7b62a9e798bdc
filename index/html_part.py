"""The text of an HTML part inside another format (a book chapter, a mail part, a feed entry)."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .article import Article
from .errors import ArticleError
from .read_html import read_html

_DOCUMENT = re.compile(rb"<(html|body)[\s>]", re.IGNORECASE)
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "br")


def html_part(path: Path, markup: bytes, title: str = "") -> Article | None:
    """The part read as a web page by the HTML reader; None when it holds no text.

    A fragment (a feed entry's content) is first wrapped in a page titled `title`, since the
    HTML reader expects one. When the reader finds no main text in a short part (it takes a
    lone paragraph for boilerplate), the part's visible text is kept, block by block."""
    if _DOCUMENT.search(markup[:4096]) is None:
        markup = (
            f"<html><head><title>{escape(title)}</title></head><body>".encode()
            + markup
            + b"</body></html>"
        )
    try:
        return read_html(path, markup)
    except ArticleError:
        text = visible_text(markup)
        if not text:
            return None
        return Article(key=str(path), text=text, title=title, source=str(path), path=str(path))


def visible_text(markup: bytes) -> str:
    """Every visible text of the markup, a blank line between blocks; scripts and styles dropped."""
    import lxml.html  # type: ignore[import-untyped]  # lxml ships no type hints
    from lxml import etree

    try:
        page = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    for hidden in page.xpath("//script | //style | //head"):
        hidden.drop_tree()
    for block in page.iter(*_BLOCKS):
        block.text = "\n" + (block.text or "")
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in page.text_content().split("\n"))
    return "\n\n".join(line for line in lines if line)
