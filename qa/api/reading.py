"""Reading an article around a citation: the sentences it stands among, with their offsets."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from qa.index import Library, QAError, iso_date

OPENING_CHARS = 2000
"""How much of an article `read` gives when no offsets are asked for: enough to see what it is."""
MAX_AROUND = 20
"""The most sentences `read` gives each side of a citation."""


class CitationGone(QAError):
    """The article or the offsets a citation named are no longer in the library."""


@dataclass(frozen=True)
class Excerpt:
    """A slice of an article, cut at sentence boundaries: `text` is `article[start:end]`."""

    article_id: int
    title: str
    source: str
    date: str
    path: str
    text: str
    start: int
    end: int
    length: int
    """The whole article's length in characters, to read on from `end`."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for the servers and `--json`."""
        return asdict(self)


def read_article(
    library: Library,
    article_id: int,
    start: int | None = None,
    end: int | None = None,
    around: int = 1,
) -> Excerpt:
    """The sentences overlapping `start`..`end` of an article with `around` sentences each side,
    or, without offsets, its opening sentences. Raises `CitationGone` for an article id or
    offsets that the library no longer holds (a citation from before a re-index)."""
    try:
        stored = library.article(article_id)
    except KeyError:
        raise CitationGone(
            f"article {article_id} is no longer in the library (it was changed or removed since): "
            "ask or search again for current citations"
        ) from None
    article = stored.article
    length = len(article.text)
    if start is None:
        start, end = 0, min(length, OPENING_CHARS)
    end = start if end is None else end
    if not 0 <= start <= end <= length:
        raise CitationGone(
            f"offsets {start}..{end} fall outside article {article_id} ({length} characters): "
            "it changed since they were given; ask or search again"
        )
    around = max(0, min(around, MAX_AROUND))
    sentences = library.store.sentences(article_id)
    inside = [i for i, s in enumerate(sentences) if s.end > start and s.start < max(end, start + 1)]
    if inside:
        first = max(0, inside[0] - around)
        last = min(len(sentences) - 1, inside[-1] + around)
        start, end = min(start, sentences[first].start), max(end, sentences[last].end)
    return Excerpt(
        article_id=stored.id,
        title=article.title,
        source=article.source,
        date=iso_date(article.date),
        path=article.path,
        text=article.text[start:end],
        start=start,
        end=end,
        length=length,
    )
