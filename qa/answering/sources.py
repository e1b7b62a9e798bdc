"""What a cited source looks like when opened: its passage or whole article, sentence marked."""

from __future__ import annotations

from dataclasses import dataclass

from qa.index import Library

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
    omitted_before: int = 0
    """Characters of the article left out before `text` (a very long article is shown in part)."""
    omitted_after: int = 0

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


ARTICLE_VIEW_CHARS = 200_000
"""The most of one article shown at once: a terminal lays out 200,000 characters in about half a
second and 2,000,000 (a book as a PDF) in over three."""


def article_view(
    library: Library, citation: Citation, limit: int = ARTICLE_VIEW_CHARS
) -> SourceView:
    """The article the cited sentence comes from: all of it, or for a very long one the
    `limit` characters around the sentence, cut at paragraph breaks."""
    article = library.article(citation.article_id).article
    text = article.text
    first, last = window_around(text, citation.sentence_start, citation.sentence_end, limit)
    return SourceView(
        article.title,
        article.source,
        article.date,
        text[first:last],
        citation.sentence_start - first,
        citation.sentence_end - first,
        omitted_before=first,
        omitted_after=len(text) - last,
    )


def window_around(text: str, start: int, end: int, limit: int) -> tuple[int, int]:
    """The part of `text` to show for the sentence at `[start, end)`: all of it when it is at
    most `limit` characters, else about `limit` characters centred on the sentence, from one
    paragraph break to another."""
    if len(text) <= limit:
        return 0, len(text)
    margin = max(0, limit - (end - start)) // 2
    return (
        _paragraph_start(text, max(0, start - margin), start),
        _paragraph_end(text, min(len(text), end + margin), end),
    )


def _paragraph_start(text: str, position: int, sentence_start: int) -> int:
    """The first paragraph break at or after `position` (but not past the sentence)."""
    if position == 0:
        return 0
    brk = text.find("\n\n", position, sentence_start)
    return brk + 2 if brk >= 0 else position


def _paragraph_end(text: str, position: int, sentence_end: int) -> int:
    """The last paragraph break at or before `position` (but not before the sentence)."""
    if position == len(text):
        return position
    brk = text.rfind("\n\n", sentence_end, position)
    return brk if brk >= 0 else position
