"""Read PDF articles page by page, remembering where each page starts in the text."""

from __future__ import annotations

from pathlib import Path

from .article import Article
from .errors import ArticleError
from .notices import held_notices

PAGE_SEPARATOR = "\n\n"


def read_pdf(path: Path, data: bytes) -> Article:
    """The text of every page joined by blank lines; the title from the PDF metadata if set."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    if not data:
        raise ArticleError(f"{path}: empty PDF file; skipped")
    with held_notices("pypdf") as notices:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ArticleError(
                    f"{path}: the PDF is encrypted; decrypt it first, then index again"
                )
            pages = [page.extract_text() or "" for page in reader.pages]
            metadata = reader.metadata
            title = (getattr(metadata, "title", None) or "").strip() if metadata else ""
            author = (getattr(metadata, "author", None) or "").strip() if metadata else ""
        except ArticleError:
            raise
        except LimitReachedError as error:
            raise ArticleError(
                f"{path}: a page of this PDF inflates past the safe limit ({error}); it may be a "
                f"decompression bomb; skipped"
            ) from error
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as error:
            why = f"{error}" + (f"; pypdf: {notices[0]}" if notices else "")
            raise ArticleError(f"{path}: damaged PDF ({why}); skipped") from error
    page_starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for page_text in pages:
        page_text = page_text.replace("\r\n", "\n").replace("\r", "\n")
        page_starts.append(offset)
        parts.append(page_text)
        offset += len(page_text) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(parts)
    if not text.strip():
        raise ArticleError(f"{path}: the PDF has no extractable text (scanned images?); skipped")
    if not title:
        title = next((line.strip() for line in text.split("\n") if line.strip()), path.stem)[:200]
    return Article(
        key=str(path),
        text=text,
        title=title,
        source=str(path),
        path=str(path),
        author=author,
        page_starts=tuple(page_starts),
    )
