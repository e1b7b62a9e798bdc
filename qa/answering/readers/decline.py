"""The line between answering and declining: are the articles about this at all, and is the
answer likely enough to be right?"""

from __future__ import annotations

from qa.index import Span

from ..answer import BELOW_LINE, NOT_IN_ARTICLES
from ..retrieval import Hit
from .conditions import Text, check_texts, conditions_of
from .confidence import CandidateSignals, corroboration, word_coverage
from .protocol import Extraction

IN_ARTICLES = 0.5
"""Below this corroborated reader score the articles do not hold an answer at all, whatever the
line: fitted on off-corpus questions by `python -m training.calibrate_reader` (97.4% of them
declined). The calibrated probability alone declined 57.7% at the default line (it was fitted on
answerable questions only), so both decide."""


def decline_reason(extractions: list[Extraction], confidence: float, line: float) -> str:
    """Two questions, two lines: do the articles hold an answer at all (the reader's own score,
    corroborated across mentions, against IN_ARTICLES, fitted on off-corpus questions), and is
    this answer likely enough to be right (the person's line on the calibrated probability)?
    NOT_IN_ARTICLES or BELOW_LINE for the first that fails; empty when the answer is given."""
    if not in_articles(extractions):
        return NOT_IN_ARTICLES
    return BELOW_LINE if confidence < line else ""


def in_articles(extractions: list[Extraction]) -> bool:
    """Whether the articles hold an answer at all: the reader's own score, corroborated across
    mentions, reaches IN_ARTICLES (fitted on off-corpus questions)."""
    return corroborated(extractions) >= IN_ARTICLES


def text_of(extraction: Extraction) -> str:
    return _article_text(extraction, extraction.answer)


def sentence_text(extraction: Extraction) -> str:
    return _article_text(extraction, extraction.sentence)


def _article_text(extraction: Extraction, span: Span) -> str:
    return extraction.hit.passage.article.article.text[span.start : span.end]


def place_of(extraction: Extraction) -> tuple[int, int]:
    """(article id, answer start): two readings of one mention are one place."""
    return (extraction.hit.passage.article.id, extraction.answer.start)


def corroborated(extractions: list[Extraction]) -> float:
    """How likely the best candidate answers the question, counting every place that gives the
    same answer: the chance that not all of them are wrong, one vote per occurrence in an article
    (overlapping passages that read the same words count once). An article that names "Grease"
    in three passages, each short of the line on its own, is answered, not declined."""
    if not extractions:
        return 0.0
    return corroboration(
        [text_of(e) for e in extractions],
        [place_of(e) for e in extractions],
        [e.answerable for e in extractions],
    ).score


def candidate_signals(
    question: str, extractions: list[Extraction], hits: list[Hit]
) -> list[CandidateSignals]:
    """The extractions as the calibrator reads them: plain numbers and the answer's text."""
    ranks = {id(hit): number for number, hit in enumerate(hits)}
    conditions = tuple(conditions_of(question))
    articles: dict[int, Text] = {}  # candidates often share an article: read it once
    signals = []
    for e in extractions:
        stored = e.hit.passage.article
        if stored.id not in articles:
            articles[stored.id] = Text(f"{stored.article.title}\n{stored.article.text}")
        sentence = sentence_text(e)
        met = check_texts(conditions, Text(sentence), Text(e.hit.passage.text), articles[stored.id])
        signals.append(
            CandidateSignals(
                text=text_of(e),
                margin=e.margin,
                null=e.null,
                cosine=e.hit.cosine,
                rank=ranks.get(id(e.hit), len(hits)),
                place=place_of(e),
                answerable=e.answerable,
                score=e.score,
                coverage=word_coverage(question, sentence),
                passage_coverage=word_coverage(question, e.hit.passage.text),
                both=e.hit.lexical_rank is not None and e.hit.dense_rank is not None,
                dated=bool(stored.article.date),
                conditions=tuple(met.features()),
                unmet=tuple(met.unmet("article")),
                unmet_nearby=tuple(met.unmet("passage")),
            )
        )
    return signals
