"""Does the cited text meet the question's conditions? The names, numbers and restricting words
a question asks about, looked for in the answer's sentence, passage and article.

The reader extracts the most answer-like span of the nearest passage whether or not that passage
is about what the question asks: "How many Airbus planes did Ryanair order?" over an article
on Ryanair's Boeing order reads "70" with a high margin. What gives such an answer away is a
condition of the question that its text never mentions ("Airbus"). This module only measures
which conditions are met where; what a missing one means for the chance of being right is
learned with the rest of the confidence (`python -m training.calibrate_confidence`, fitted on
SQuAD v2.0's unanswerable questions and on questions made unanswerable by swapping a name,
number or word), never set by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..stopwords import STOPWORDS

_TOKEN = re.compile(r"[A-Za-z]+(?:[.'’&-][A-Za-z]+)*\.?|\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED_RUN = re.compile(
    r"\b[A-Z][\w&'’-]*(?:\s+(?:of|the|and|de|for|&)?\s*[A-Z][\w&'’-]*)*", re.UNICODE
)
_ACRONYM_IN_BRACKETS = re.compile(r"([A-Z][\w&'’-]*(?:\s+[\w&'’-]+){0,6})\s+\(([A-Z]{2,6})\)")
_QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "many",
        "much",
        "long",
        "old",
        "far",
        "often",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "will",
        "would",
        "should",
        "has",
        "have",
        "had",
        "according",
    ]
)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "prof", "lord", "lady"})
"""Honorifics: "Mr Dixon" names Dixon, however the article introduced him ("Geoff Dixon")."""
_STEM = 5
"""Words are compared by their first letters, so that "sanctions" meets "sanctioned" (the
same rule as the confidence's word coverage)."""


@dataclass(frozen=True)
class Condition:
    """One thing the question asks about."""

    text: str
    """As the question spells it."""
    kind: str
    """"name" (a capitalised word or acronym), "number" (digits: amounts, years), or "word"
    (any other content word: "quarterly", "yen", "planes")."""


def conditions_of(question: str) -> list[Condition]:
    """The question's names, numbers and content words, in order, each once. The first word is
    a name only when the question repeats it capitalised later or it is an acronym: questions
    begin with a capital whatever their first word is."""
    found: list[Condition] = []
    seen: set[str] = set()
    for number, match in enumerate(_TOKEN.finditer(question)):
        token = re.sub(r"['’]s$", "", match.group().rstrip("."))  # "Austria's" asks about Austria
        lower = token.lower()
        if lower in seen:
            continue
        if not token[0].isdigit() and (
            lower in STOPWORDS or lower in _QUESTION_WORDS or lower in _TITLES or len(token) < 2
        ):
            continue
        if token[0].isdigit():
            kind = "number"
        elif token[0].isupper() and (number > 0 or token.isupper()):
            kind = "name"
        else:
            kind = "word"
        seen.add(lower)
        found.append(Condition(token, kind))
    return found


class Text:
    """A text prepared for looking conditions up in it."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(word.lower() for word in _WORD.findall(self.text))

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(word[:_STEM] for word in self.words)

    @cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(_plain_number(n) for n in _NUMBER.findall(self.text))

    @cached_property
    def acronyms(self) -> frozenset[str]:
        """Short forms the text sets up or implies: "Royal Bank of Scotland (RBS)" gives RBS,
        and every run of capitalised words gives its initials ("Bank of England" -> BOE, BE)."""
        found = {short.lower() for _long, short in _ACRONYM_IN_BRACKETS.findall(self.text)}
        for run in _CAPITALISED_RUN.findall(self.text):
            words = run.split()
            if len(words) < 2:
                continue
            found.add("".join(w[0] for w in words).lower())
            found.add("".join(w[0] for w in words if w[0].isupper()).lower())
        return frozenset(found)

    def holds(self, condition: Condition) -> bool:
        """Whether the text mentions the condition: a number as a number (1,000 = 1000), a
        name as a word or as the initials it stands for, any other word by its stem."""
        lower = condition.text.lower()
        if condition.kind == "number":
            return _plain_number(condition.text) in self.numbers
        parts = [p for p in re.split(r"[.'’&-]", lower) if p]
        if condition.kind == "name":
            if lower in self.words or all(p in self.words for p in parts):
                return True
            if condition.text.isupper() and lower in self.acronyms:
                return True
            # A plural or possessive form of a name ("Airbuses", "Toyota's") still names it.
            return lower[:_STEM] in self.stems and len(lower) > _STEM
        return all(p[:_STEM] in self.stems for p in parts)


@dataclass(frozen=True)
class ConditionCheck:
    """Which of the question's conditions the answer's sentence, passage and article meet."""

    conditions: tuple[Condition, ...]
    in_sentence: tuple[bool, ...]
    in_passage: tuple[bool, ...]
    in_article: tuple[bool, ...]

    def _in(self, where: str) -> zip[tuple[Condition, bool]]:
        """Each condition with whether `where` ("sentence", "passage", "article") meets it."""
        return zip(self.conditions, getattr(self, f"in_{where}"), strict=True)

    def missing(self, where: str, kind: str | None = None) -> float:
        """The share of the question's conditions (of one kind, or all) that `where`
        ("sentence", "passage" or "article") does not mention; 0 when it asks none."""
        chosen = [met for c, met in self._in(where) if kind in (None, c.kind)]
        return sum(not met for met in chosen) / len(chosen) if chosen else 0.0

    def unmet(self, where: str) -> list[str]:
        """The names, numbers and words, as the question spells them, that `where` lacks."""
        return [c.text for c, met in self._in(where) if not met]

    def features(self) -> list[float]:
        """The calibrator's inputs from this check (CONDITION_FEATURES, in order)."""
        return [
            self.missing("sentence", "name"),
            self.missing("passage", "name"),
            self.missing("article", "name"),
            self.missing("sentence", "number"),
            self.missing("passage", "number"),
            self.missing("article", "number"),
            self.missing("sentence", "word"),
            self.missing("passage", "word"),
            self.missing("article", "word"),
            float(len(self.unmet("article"))),
            float(any(c.kind != "word" and not met for c, met in self._in("article"))),
        ]


CONDITION_FEATURES = (
    "names not in sentence",
    "names not in passage",
    "names not in article",
    "numbers not in sentence",
    "numbers not in passage",
    "numbers not in article",
    "words not in sentence",
    "words not in passage",
    "words not in article",
    "conditions not in article",
    "a name or number not in article",
)


def check(question: str, sentence: str, passage: str, article: str) -> ConditionCheck:
    """Look the question's conditions up in the answer's sentence, passage and article (its
    title and text)."""
    conditions = tuple(conditions_of(question))
    return check_texts(conditions, Text(sentence), Text(passage), Text(article))


def check_texts(
    conditions: tuple[Condition, ...], sentence: Text, passage: Text, article: Text
) -> ConditionCheck:
    """`check` for conditions already read off the question, over texts already prepared (the
    candidates of one question share its conditions, and often an article)."""
    met = [tuple(text.holds(c) for c in conditions) for text in (sentence, passage, article)]
    return ConditionCheck(conditions, *met)


def _plain_number(text: str) -> str:
    """Digits as a number reads: thousands separators dropped, a trailing ".0" kept apart."""
    return text.replace(",", "")
