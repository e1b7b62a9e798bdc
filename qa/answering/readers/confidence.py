"""The confidence shown with an answer: the measured chance that it is right, from the signals
the reader and retrieval already give (a logistic calibrator fitted by
`python -m training.calibrate_confidence`, stored as JSON beside the reader)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..normalize import normalize_answer
from ..retrieval import question_terms
from .conditions import CONDITION_FEATURES
from .kinds import KINDS, fits, question_kind

CONFIDENCE_PATH = Path(__file__).resolve().parents[2] / "models" / "confidence.json"
"""The fitted calibrator, beside the reader (qa/models/reader.onnx, reader.json)."""
_CAP = 20.0
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class CandidateSignals:
    """What the reader said about one candidate answer, in plain numbers."""

    text: str
    """The answer as it stands in the article."""
    margin: float
    """The span's score over the reader's "no answer" score in its passage."""
    null: float
    """The reader's "no answer" score in that passage."""
    cosine: float
    """Question-passage cosine."""
    rank: int
    """The passage's place among the passages read, 0 for the first."""
    place: tuple[int, int]
    """(article id, answer start): two readings of one mention count as one vote."""
    answerable: float
    """The reader's own 0..1 answer/no-answer score for this candidate."""
    score: float
    """The ranking score; readings come best first."""
    coverage: float
    """Share of the question's content words that the answer's sentence holds (`word_coverage`)."""
    passage_coverage: float
    """Share of the question's content words that the answer's passage holds."""
    both: bool
    """Whether both rankings (lexical and dense) retrieved the answer's passage."""
    dated: bool
    """Whether the answer's article carries a date: news and posts, not reference pages."""
    conditions: tuple[float, ...] = ()
    """What `conditions.ConditionCheck.features` says of the answer's sentence, passage and
    article: which of the question's names, numbers and words they do not mention."""
    unmet: tuple[str, ...] = ()
    """The question's names, numbers and words that the answer's article does not mention."""
    unmet_nearby: tuple[str, ...] = ()
    """Those that the answer's passage does not mention (its article may, elsewhere)."""


FEATURES = (
    "margin",
    "cosine",
    "null",
    "rank",
    "gap",
    "votes",
    "agreement",
    "words",
    "echo",
    "fits",
    "coverage",
    "passage coverage",
    "both rankings",
    "articles",
    "dated",
    *(f"kind={kind}" for kind in KINDS[:-1]),
    *CONDITION_FEATURES,
)
"""The calibrator's inputs, in order ("kind=other" is the baseline the others are measured from).
"articles" is the share of different articles among the candidates read, "dated" whether the
answer's article has a date: a news library answers from many articles reporting one story, in
words other than the question's, and there the reader's margins are right less often than in an
encyclopedia's single article (docs/quality.md, "Trust": 46% EM on news at scores that are 64%
right on SQuAD)."""


def same_answer(one: str, other: str) -> bool:
    """True when one normalised answer is the other, or holds it as whole words."""
    if not one or not other:
        return False
    return f" {one} " in f" {other} " or f" {other} " in f" {one} "


@dataclass(frozen=True)
class Corroboration:
    """What the other candidates say about the best one (the first)."""

    score: float
    """The chance that not every place giving the best answer is wrong (one vote per place, its
    highest answerable score), and never less than the best candidate's own score."""
    agreeing: list[bool]
    """For each candidate, whether it gives the best one's answer (`same_answer`)."""
    places: int
    """How many places (article, answer start) give the best answer."""


def corroboration(
    texts: Sequence[str], places: Sequence[tuple[int, int]], answerable: Sequence[float]
) -> Corroboration:
    """Candidates best first, as parallel lists: their answers, places and answerable scores.
    Overlapping passages that read the same words in one place count once."""
    said = normalize_answer(texts[0])
    # The best always agrees with itself, even when its answer normalises to nothing ("the").
    agreeing = [
        number == 0 or same_answer(normalize_answer(text), said)
        for number, text in enumerate(texts)
    ]
    votes: dict[tuple[int, int], float] = {}
    for place, score, agrees in zip(places, answerable, agreeing, strict=True):
        if agrees:
            votes[place] = max(votes.get(place, 0.0), score)
    all_wrong = math.prod(1.0 - vote for vote in votes.values())
    return Corroboration(max(answerable[0], 1.0 - all_wrong), agreeing, len(votes))


def features(question: str, readings: list[CandidateSignals]) -> list[float]:
    """The calibrator's inputs (FEATURES) for the best reading, readings[0]."""
    best = readings[0]
    said = normalize_answer(best.text)
    corroborated = corroboration(
        [r.text for r in readings], [r.place for r in readings], [r.answerable for r in readings]
    )
    rival = max(
        (r.score for r, agrees in zip(readings, corroborated.agreeing, strict=True) if not agrees),
        default=-math.inf,
    )
    kind = question_kind(question)
    return [
        _clip(best.margin),
        best.cosine,
        _clip(best.null),
        float(best.rank),
        _clip(best.score - rival) if rival > -math.inf else _CAP,
        math.log(corroborated.places),
        _logit(corroborated.score),
        math.log1p(len(best.text.split())),
        _echo(question, said),
        fits(kind, best.text),
        best.coverage,
        best.passage_coverage,
        float(best.both),
        len({reading.place[0] for reading in readings}) / len(readings),
        float(best.dated),
        *(float(kind == other) for other in KINDS[:-1]),
        *(best.conditions or [0.0] * len(CONDITION_FEATURES)),
    ]


@dataclass(frozen=True)
class Calibrator:
    """Logistic regression over standardised FEATURES: P(the answer is exactly right)."""

    names: list[str] = field(default_factory=lambda: list(FEATURES))
    means: list[float] = field(default_factory=lambda: [0.0] * len(FEATURES))
    scales: list[float] = field(default_factory=lambda: [1.0] * len(FEATURES))
    weights: list[float] = field(default_factory=lambda: [0.0] * len(FEATURES))
    bias: float = 0.0
    fitted_on: str = ""
    """Which questions the weights were fitted on, to be read with the figures."""

    @classmethod
    def load(cls, path: Path = CONFIDENCE_PATH) -> Calibrator:
        data = json.loads(path.read_text())
        calibrator = cls(**data)
        if calibrator.names != list(FEATURES):
            raise ValueError(f"{path} was fitted on other features; refit it")
        return calibrator

    def save(self, path: Path = CONFIDENCE_PATH) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    def probability(self, question: str, readings: list[CandidateSignals]) -> float:
        """0..1: the chance that readings[0] is the right answer (0 with no reading)."""
        if not readings:
            return 0.0
        return self.of_features(features(question, readings))

    def of_features(self, values: list[float]) -> float:
        z = self.bias + sum(
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, values, self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def word_coverage(question: str, text: str) -> float:
    """The share of the question's content words (`question_terms`) that `text` holds, words
    compared by their first five letters so that "sanctions" meets "sanctioned". A sentence
    that answers a question usually repeats most of what it asks; an answer from a passage that
    shares little with the question is more often a guess, whatever the reader's margin, and
    this is how news quiz questions, worded away from their article, differ from SQuAD's."""
    terms = question_terms(question)
    if not terms:
        return 0.0
    stems = {word[:5] for word in _WORD.findall(text.lower())}
    return sum(term[:5] in stems for term in terms) / len(terms)


def _echo(question: str, answer: str) -> float:
    """The share of the (normalised) answer's words that the question already says: an answer
    that repeats the question ("the Broncos" for "which team beat the Broncos?") is rarely it."""
    words = answer.split()
    if not words:
        return 0.0
    asked = set(normalize_answer(question).split())
    return sum(word in asked for word in words) / len(words)


def _clip(value: float) -> float:
    return max(-_CAP, min(_CAP, value))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
