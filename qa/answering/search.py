"""Search without answering: the passages ranked for a query, each with what cites it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from qa.index import iso_date

from .retrieval import Hit, question_terms

MIN_COSINE = 0.15
"""Query-passage cosine below which a passage that shares no word with the query is not shown:
the nearest passages exist for any query, related or not (the sentence reader trusts no
overlap below the same cosine, `Thresholds.min_cosine`)."""


@dataclass(frozen=True)
class Found:
    """A passage ranked for a query, with what cites it."""

    rank: int
    """1-based."""
    score: float
    """The fused retrieval score."""
    cosine: float
    """Cosine similarity of query and passage."""
    article_id: int
    passage_id: int
    title: str
    source: str
    date: str
    """ISO 8601, or "" when the article has no date."""
    path: str
    """The file the article was read from."""
    text: str
    """The passage's exact text."""
    start: int
    """Where the passage starts in the article's text."""
    end: int
    """Where it ends (exclusive): `article.text[start:end] == text`."""

    def to_dict(self) -> dict[str, object]:
        """The passage as JSON-ready values (`qa search --json`, the servers)."""
        return asdict(self)


def matches(hit: Hit) -> bool:
    """Whether a retrieved passage matches its query: it holds one of the query's words, or
    it is near enough in meaning."""
    return hit.lexical_rank is not None or hit.cosine >= MIN_COSINE


def found_passages(hits: list[Hit]) -> list[Found]:
    """The hits that match their query, as ranked passages, in their order."""
    found: list[Found] = []
    for rank, hit in enumerate(filter(matches, hits), start=1):
        passage = hit.passage
        article = passage.article.article
        found.append(
            Found(
                rank=rank,
                score=round(hit.score, 6),
                cosine=round(hit.cosine, 4),
                article_id=passage.article.id,
                passage_id=passage.id,
                title=article.title,
                source=article.source,
                date=iso_date(article.date),
                path=article.path,
                text=passage.text,
                start=passage.start,
                end=passage.end,
            )
        )
    return found


def excerpt(text: str, query: str, width: int = 240) -> tuple[str, list[tuple[int, int]]]:
    """About `width` characters of `text` (spaces collapsed) around the first of the query's
    words it holds, "…" where it was cut, and where each of the query's words lies in it (a
    word matches its longer forms too, "minister" in "ministers", as the lexical index does)."""
    flat = " ".join(text.split())
    terms = question_terms(query)
    pattern = (
        re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
        if terms
        else None
    )
    first = pattern.search(flat) if pattern else None
    start = 0
    if len(flat) > width and first is not None and first.start() > width // 3:
        start = flat.rfind(" ", 0, first.start() - width // 3) + 1
    end = len(flat)
    if end - start > width:
        end = flat.rfind(" ", start, start + width)
        end = end if end > start else start + width
    before = "…" if start > 0 else ""
    shown = before + flat[start:end] + ("…" if end < len(flat) else "")
    spans = (
        [
            (m.start() - start + len(before), m.end() - start + len(before))
            for m in pattern.finditer(flat, start, end)
        ]
        if pattern
        else []
    )
    return shown, spans
