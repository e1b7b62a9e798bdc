"""Rank passages for a question: dense (FAISS) and lexical (FTS5 BM25) rankings fused by RRF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from qa.index import Library, StoredPassage

from .filters import Filters
from .stopwords import STOPWORDS

RRF_K = 10
"""The reciprocal-rank-fusion constant (Cormack et al. use 60); chosen with LEXICAL_WEIGHT on the
SQuAD dev split, where k = 10 and a lexical weight of 1.5 gave R@5 0.955 against 0.934 for k = 60
with equal weights (docs/quality.md)."""
LEXICAL_WEIGHT = 1.5
"""How much more a BM25 rank counts than a dense rank in the fusion."""
LEXICAL_BUDGET = 30_000
"""Most passage matches the lexical query may have, summed over its terms. FTS5 scores every
match (about 0.7 µs each on this machine), so in a 415k-passage library a question made of
common words took 90 ms; the most common terms are dropped until the rest fit. Libraries with
fewer than LEXICAL_BUDGET / (number of terms) passages never lose a term."""

_TERM = re.compile(r"\w+", re.UNICODE)


class Mode(StrEnum):
    """Which rankings retrieval uses."""

    LEXICAL = "lexical"
    DENSE = "dense"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its scores from each ranking."""

    passage: StoredPassage
    score: float
    """The fused score used for ranking (RRF, or the single ranking's score)."""
    cosine: float
    """Cosine similarity of question and passage, always computed: a measure of relevance."""
    lexical_rank: int | None
    dense_rank: int | None


def question_terms(question: str) -> list[str]:
    """The question's content words, lower-cased, without function words, in order, unique."""
    terms: list[str] = []
    for term in _TERM.findall(question.lower()):
        if term not in STOPWORDS and term not in terms and not term.isspace():
            terms.append(term)
    return terms


def lexical_query(question: str, library: Library | None = None) -> str:
    """An FTS5 query matching any content word of the question (each quoted, so never a syntax);
    with a `library`, its most common terms are left out while the matches exceed the budget."""
    terms = (question_terms(question) or [t for t in _TERM.findall(question.lower())][:8])[:32]
    quoted = ['"' + term.replace('"', "") + '"' for term in terms]
    if library is not None and library.passage_count() * len(quoted) > LEXICAL_BUDGET:
        matches = library.term_matches(quoted)
        kept: set[str] = set()
        total = 0
        for term in sorted(quoted, key=lambda term: matches[term]):
            if kept and total + matches[term] > LEXICAL_BUDGET:
                break
            kept.add(term)
            total += matches[term]
        quoted = [term for term in quoted if term in kept]
    return " OR ".join(quoted)


def reciprocal_rank_fusion(
    rankings: list[list[int]], k: int = RRF_K, weights: list[float] | None = None
) -> dict[int, float]:
    """Sum of weight/(k + rank) over the rankings each id appears in (rank counted from 1)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def retrieve(
    library: Library,
    question: str,
    vector: np.ndarray,
    *,
    limit: int = 10,
    depth: int = 50,
    mode: Mode = Mode.HYBRID,
    filters: Filters | None = None,
) -> list[Hit]:
    """The `limit` best passages for the question under the chosen rankings, best first;
    with `filters`, the best among the articles they keep (each ranking is searched within
    them, so articles that the filters keep but an unfiltered search ranks low still come)."""
    if filters:
        dense, lexical = _filtered_rankings(library, question, vector, depth, mode, filters)
    else:
        dense = library.dense_search(vector, depth) if mode != Mode.LEXICAL else []
        lexical = (
            library.lexical_search(lexical_query(question, library), depth)
            if mode != Mode.DENSE
            else []
        )
    dense_ids = [passage_id for passage_id, _ in dense]
    lexical_ids = [passage_id for passage_id, _ in lexical]
    if mode == Mode.HYBRID:
        scores = reciprocal_rank_fusion([dense_ids, lexical_ids], weights=[1.0, LEXICAL_WEIGHT])
    else:
        scores = dict(dense if mode == Mode.DENSE else lexical)
    best = sorted(scores, key=lambda passage_id: -scores[passage_id])[:limit]
    cosines = {passage_id: score for passage_id, score in dense}
    missing = [passage_id for passage_id in best if passage_id not in cosines]
    for passage_id, stored in library.passage_vectors(missing).items():
        cosines[passage_id] = float(np.dot(stored, vector))
    passages = library.passages(best)
    dense_rank = {passage_id: rank for rank, passage_id in enumerate(dense_ids, start=1)}
    lexical_rank = {passage_id: rank for rank, passage_id in enumerate(lexical_ids, start=1)}
    return [
        Hit(
            passages[passage_id],
            scores[passage_id],
            cosines.get(passage_id, 0.0),
            lexical_rank.get(passage_id),
            dense_rank.get(passage_id),
        )
        for passage_id in best
        if passage_id in passages
    ]


def _filtered_rankings(
    library: Library,
    question: str,
    vector: np.ndarray,
    depth: int,
    mode: Mode,
    filters: Filters,
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """The dense and lexical rankings among the passages of the articles `filters` keep."""
    dense: list[tuple[int, float]] = []
    if mode != Mode.LEXICAL:
        selected = library.selected_passages(filters)
        dense = library.dense_search_in(vector, depth, selected)
    lexical: list[tuple[int, float]] = []
    if mode != Mode.DENSE:
        lexical = library.lexical_search_in(lexical_query(question, library), depth, filters)
    return dense, lexical
