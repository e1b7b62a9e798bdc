"""Read HTML pages: main text and metadata extracted by trafilatura, never executing or fetching."""

from __future__ import annotations

from pathlib import Path

from .article import Article
from .decoding import decode_text
from .errors import ArticleError


def read_html(path: Path, data: bytes) -> Article:
    """The page's main text (boilerplate removed) with its title, date, author and URL."""
    try:
        import trafilatura
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ArticleError(
            f"{path}: reading HTML needs trafilatura and lxml_html_clean "
            f"(pip install trafilatura lxml_html_clean): {error}"
        ) from error
    markup = decode_text(data, str(path))
    # trafilatura only parses the markup: it neither runs scripts nor loads linked resources.
    extracted = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, include_tables=True
    )
    document = (
        extracted if isinstance(extracted, dict) or extracted is None else extracted.as_dict()
    )
    if not document or not (document.get("text") or "").strip():
        raise ArticleError(f"{path}: no readable text found in this HTML page; skipped")
    url = document.get("url") or ""
    return Article(
        key=str(path),
        text=_blocks_apart(document["text"]),
        title=(document.get("title") or path.stem).strip(),
        source=url or str(path),
        path=str(path),
        date=document.get("date") or "",
        author=document.get("author") or "",
    )


def _blocks_apart(text: str) -> str:
    """The text with a blank line between blocks: trafilatura puts each block (headline,
    paragraph, list item) on a line of its own, and a blank line is what tells the sentence
    splitter that a headline is not the start of the first sentence."""
    return "\n\n".join(line for line in text.split("\n") if line.strip())
