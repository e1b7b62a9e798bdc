"""What a cited source looks like when opened: its passage or whole article, sentence marked."""

from __future__ import annotations

from dataclasses import dataclass

from index import Library

from .answer import Citation


@dataclass(frozen=True)
class SourceView:
    """Text to show for a citation, with the cited sentence at `[start, end)` of `text`."""

    title: str
    source: str
    date: str
    text: str
    start: int
    end: int

    @property
    def before(self) -> str:
        return self.text[: self.start]

    @property
    def sentence(self) -> str:
        return self.text[self.start : self.end]

    @property
    def after(self) -> str:
        return self.text[self.end :]


def passage_view(library: Library, citation: Citation) -> SourceView:
    """The retrieved passage that holds the cited sentence."""
    passages = library.passages([citation.passage_id])
    article = library.article(citation.article_id).article
    passage = passages.get(citation.passage_id)
    first = passage.start if passage else citation.sentence_start
    last = passage.end if passage else citation.sentence_end
    first, last = min(first, citation.sentence_start), max(last, citation.sentence_end)
    return SourceView(
        article.title,
        article.source,
        article.date,
        article.text[first:last],
        citation.sentence_start - first,
        citation.sentence_end - first,
    )


def article_view(library: Library, citation: Citation) -> SourceView:
    """The whole article the cited sentence comes from."""
    article = library.article(citation.article_id).article
    return SourceView(
        article.title,
        article.source,
        article.date,
        article.text,
        citation.sentence_start,
        citation.sentence_end,
    )
