"""What the indexer knows about one article: its exact text and where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article as read from a file; every offset the index stores points into `text`."""

    key: str
    """Stable identity inside the library: the file path, plus `#record` for news dumps."""
    text: str
    title: str
    source: str
    """Where a reader can find the article again: its URL when known, else its file path."""
    path: str
    """The file the article was read from."""
    date: str = ""
    author: str = ""
    page_starts: tuple[int, ...] = field(default=())
    """For PDFs: the character offset at which each page begins (page 1 first)."""

    @property
    def content_hash(self) -> str:
        """A hash of everything indexed about the article, so edits of any kind are noticed."""
        digest = hashlib.sha256()
        for part in (self.title, self.source, self.date, self.author, self.text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
        return digest.hexdigest()

    @property
    def text_hash(self) -> str:
        """A hash of the title and text alone: the same article saved under two paths matches."""
        digest = hashlib.sha256()
        digest.update(self.title.encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(self.text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `offset`, for PDFs; None for articles without pages."""
        if not self.page_starts:
            return None
        page = 0
        for number, start in enumerate(self.page_starts):
            if start <= offset:
                page = number
        return page + 1
