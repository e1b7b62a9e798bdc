"""Read a follow-up in the light of the chat so far: who "he" is, what "it", "the company" and
"there" point at, and what a fragment such as "when?" or "and in Germany?" asks.

A question that stands on its own is returned exactly as typed: it has no word that points
back, or its pronoun points inside the question itself ("Which NFL star announced his
retirement?"). Everything else is read against the mentions of earlier turns, most recent
first: what each question named and what each answer was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from qa.answering.answer import Answer
from qa.answering.stopwords import STOPWORDS

from .discourse import Discourse
from .fragments import (
    LEAD,
    PREPOSITION,
    WH,
    ask_again,
    asking_for,
    bare_question,
    fill_elided,
    fragment_of,
    is_bare,
    substitute,
)
from .mentions import asked_noun, names_in
from .nouns import AUXILIARIES, EVENT_NOUNS, KIND_OF_NOUN, RELATIONAL_NOUNS, Kind, word_set
from .phrases import phrase_end
from .said_before import complement_of, headline, said_before, with_owner

WINDOW = 12
"""How many earlier turns a question is read against."""
_POSSESSIVES = {"his": "m", "her": "f", "its": "", "their": ""}
_PRONOUN = re.compile(
    r"\b(?P<word>he|she|him|her|his|hers|it|its|they|them|their|there|then)\b", re.IGNORECASE
)
_DEFINITE = re.compile(r"\b(?P<det>the|that|this|those|these)\s+", re.IGNORECASE)
_NEXT_WORD = re.compile(r"(?P<word>[a-z][a-z-]*)(?P<after>['’]s\b|\s*[?.!,]|\s+[a-z]+\b|$)")
_NOT_AFTER = frozenset({"of", "against", "before", "after", "in", "for", "by"})
# A definite noun phrase of up to four words and what restricts it: "the chief financial
# officer of", "the firm that", "the company which".
# The further from the noun, the likelier a preposition belongs to a verb ("the auction raise
# money for"), so only "of" may come after four words.
_NOUN_PHRASE = re.compile(
    r"(?P<words>(?:[a-z][a-z-]*\s+){0,3}[a-z][a-z-]*)\s+of\b"
    r"|(?P<pair>(?:[a-z][a-z-]*\s+)?[a-z][a-z-]*)\s+(?:against|in|for)\b"
    r"|(?P<noun>[a-z][a-z-]*)\s+(?:that|which|who)\b",
    re.IGNORECASE,
)
_TITLES = word_set("ceo cfo coo cto mvp gdp mp mep pm md")
"""Capitalised words that name a role or a measure, not something a question is about."""
_NOT_NOUNS = word_set("worth based located headquartered founded run owned made")
"""Words after "the <noun>" that end the noun phrase: "how much is the deal worth in ..."."""
COMPOUND_HEADS = word_set(
    "executive officer director secretary manager spokesman spokeswoman spokesperson "
    "economist editor engineer analyst governor general justice commissioner adviser advisor "
    "correspondent member members"
)
"""Nouns that make a compound with a noun before them: "the chief executive"."""
_SAYING = word_set("announced said says claimed stated reported thinks believes hopes expects")
_EXISTENTIAL = re.compile(r"\bthere\s+(?:is|are|was|were|has|have|had|will|would)\b", re.I)
_THEN_AS_TIME = re.compile(r"\bthen\s*[?.!]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Resolution:
    """How a question was read: the words the reader is given, and what else may help."""

    text: str
    """The question as read; the question itself when it stands on its own."""
    follow_up: bool = False
    """True when the question needed the earlier turns."""
    context: str = ""
    """Words from the earlier turns that retrieval may add to the question."""


_CLASS = {
    "he": "he",
    "him": "he",
    "his": "he",
    "she": "she",
    "her": "she",
    "hers": "she",
    "it": "it",
    "its": "it",
    "they": "they",
    "them": "they",
    "their": "they",
}


class Resolver:
    """Reads questions against earlier turns (question, answer), oldest first."""

    def __init__(self, turns: Sequence[tuple[str, Answer]]) -> None:
        # Only the last turns matter (a mention's weight falls by 3 a turn), and replaying a
        # whole long chat for every question grew as its square: 1.3 s at 100 turns.
        self.turns = list(turns)[-WINDOW:]
        self._rewrites: list[tuple[str, dict[str, str]]] = []
        for index, (question, _answer) in enumerate(self.turns):
            earlier = Resolver.__new__(Resolver)
            earlier.turns = self.turns[:index]
            earlier._rewrites = self._rewrites[:index]
            self._rewrites.append(earlier._rewrite(question))

    @cached_property
    def discourse(self) -> Discourse:
        """What the earlier turns named, to point back at."""
        return Discourse(self.turns, self._rewrites)

    def resolve(self, question: str) -> Resolution:
        """The question as it should be read after the earlier turns."""
        text, _bindings = self._rewrite(question)
        follow_up = text != question or (bool(self.turns) and _refers_back(question))
        last = next((a for _, a in reversed(self.turns) if a.found), None)
        if not follow_up or last is None or not last.citations:
            return Resolution(text, follow_up)
        citation = last.citations[0]
        context = f"{last.text} {citation.title}".strip()
        return Resolution(text, follow_up, context)

    # -- reading -------------------------------------------------------------------------

    def _rewrite(self, question: str) -> tuple[str, dict[str, str]]:
        if not self.turns:
            return question, {}
        reading, answer = self._rewrites[-1][0], self.turns[-1][1]
        bare = bare_question(question)
        if bare is not None:
            again = ask_again(reading, answer, bare.group("wh"), bare.groupdict().get("prep"))
            return (again, {}) if again else (question, {})
        fragment = fragment_of(question)
        if fragment is not None:
            replaced = substitute(reading, answer, fragment)
            if replaced:
                return self._resolve(asking_for(replaced, fragment))
        return self._resolve(fill_elided(question, reading))

    def _resolve(self, question: str) -> tuple[str, dict[str, str]]:
        """Pronouns and definite descriptions that point back, replaced by what they mean."""
        bindings: dict[str, str] = {}
        out = question
        named_only = self._names_new(question)
        for match in reversed(list(_DEFINITE.finditer(question))):
            for adjective, noun, end in _definite_nouns(question, match):
                det = match.group("det").lower()
                replacement = self._definite(det, adjective, noun, named_only)
                if replacement:
                    bindings[noun] = replacement
                    out = out[: match.start()] + replacement + out[end:]
                    break
        offset_question = out
        pieces: list[str] = []
        position = 0
        for match in _PRONOUN.finditer(offset_question):
            word = match.group("word")
            taken = frozenset(v.lower() for v in bindings.values())
            cls = _CLASS.get(word.lower())
            if cls in bindings:  # "how old was he when he got his license?": one person
                meaning: str | None = bindings[cls]
                if word.lower() in _POSSESSIVES:
                    meaning = f"{meaning}'s"
            else:
                meaning = self._pronoun(word, offset_question, match.start(), taken)
            if meaning is None:
                continue
            pieces.append(offset_question[position : match.start()])
            pieces.append(meaning)
            position = match.end()
            if cls:
                bindings[cls] = meaning.removesuffix("'s")
        pieces.append(offset_question[position:])
        out = "".join(pieces)
        if out != question:
            out = LEAD.sub("", out)
        elif not names_in(question) and (owned := with_owner(question, self._earlier)):
            out = owned
        elif LEAD.match(question) and len(question.split()) <= 7 and not names_in(question):
            topic = self.discourse.topic()
            if topic:
                out = f"{LEAD.sub('', question).rstrip('?.! ')}, about {topic}?"
        return out, bindings

    def _pronoun(
        self, word: str, question: str, start: int, taken: frozenset[str] = frozenset()
    ) -> str | None:
        lower = word.lower()
        if lower == "there":
            if _EXISTENTIAL.match(question, start):
                return None
            place = self.discourse.best("there", question)
            return f"in {place}" if place and not _in_after(question, start) else place
        if lower == "then":
            if not _THEN_AS_TIME.search(question[start:]):
                return None
            thing = self.discourse.best("it", question)
            return f"at the time of {thing}" if thing else None
        if _points_inside(question, lower, start):
            return None
        cls = _CLASS[lower]
        meaning = self.discourse.best(cls, question, taken)
        if meaning is None and cls == "they":
            meaning = self.discourse.pair()
        if meaning is None:
            return None
        return f"{meaning}'s" if lower in _POSSESSIVES else meaning

    def _definite(
        self, det: str, adjective: str, noun: str, named_only: bool = False
    ) -> str | None:
        """What "the company", "that deal", "those wars" or "the ones" mean, if anything.

        With `named_only` (the question names something the chat never did, so it has a
        subject of its own) only a mention that holds the noun or was introduced with it
        counts: "the edict" is still the Edict of Nantes, but "After cancelling the show, what
        did the BBC tell the public?" keeps its show."""
        kind = KIND_OF_NOUN.get(noun)
        if named_only:
            if kind is None or kind is Kind.DESCRIPTION or adjective or det != "the":
                return None
            return self.discourse.best_of_kind(None, noun)
        if noun in ("one", "ones"):
            return (
                self.discourse.best("they" if noun == "ones" else "it", "")
                if det == "the"
                else None
            )
        complement = complement_of(noun, self._earlier)
        if complement and det != "those":
            # "the cheapest average" after "what is the national average for a gallon of
            # regular gas?": the average the chat spoke of.
            return f"the {adjective}{noun} {complement}"
        if noun in EVENT_NOUNS or noun in RELATIONAL_NOUNS:
            topic = self.discourse.topic()
            if topic is None:
                return None
            if noun in RELATIONAL_NOUNS:
                return f"the {adjective}{noun} of {topic}"
            return f"the {adjective}{topic} {noun}"
        if det in ("those", "these"):
            return self.discourse.best_of_kind(None, noun.rstrip("s"))
        if kind is not None:
            return (
                self.discourse.best_of_kind(kind, noun, headline(self.turns))
                if kind is not Kind.DESCRIPTION and not adjective
                else None
            )
        if det == "the" and said_before(noun, self.turns, self._earlier):
            # "the recall" after "which company recalled its swings?": what the chat was about
            # (not "the schools that charge", never said before).
            topic = self.discourse.topic()
            return f"the {adjective}{topic} {noun}" if topic else None
        return None

    def _names_new(self, question: str) -> bool:
        """Whether the question names something that no earlier turn, question or answer,
        named."""
        said = " ".join([*(f"{q} {a.text}" for q, a in self.turns), *self._earlier])
        stems = {_stem(word) for word in re.findall(r"[\w'’&+-]+", said.lower())}
        for mention in names_in(question):
            words = [_stem(w) for w in re.findall(r"[\w'’&+-]+", mention.text.lower())]
            if " ".join(words) in _TITLES:
                continue  # "CEO" names nobody
            if not all(word in stems for word in words):
                return True
        return False

    @property
    def _earlier(self) -> list[str]:
        """The earlier questions as they were read."""
        return [reading for reading, _bindings in self._rewrites]


def _definite_nouns(question: str, match: re.Match[str]) -> list[tuple[str, str, int]]:
    """The nouns a "the"/"that" may point with, each with the adjective before it and where it
    ends, likeliest first: "the final score" -> ("final ", "score"); "the recall affect" ->
    ("", "recall") alone, since the phrase ends before its verb. None for "the king of Thebes"
    (it names itself)."""
    if _has_own_complement(question, match.end()):
        return []
    options: list[tuple[str, str, int]] = []
    position = match.end()
    # Past the phrase's end is its verb ("the euro fall"), never a noun it may point with.
    limit = phrase_end(question, match.start())
    adjective = ""
    for _ in range(2):
        word = _NEXT_WORD.match(question, position)
        if word is None or word.group("word") in STOPWORDS:
            break
        if limit is not None and word.end("word") > limit:
            break
        noun = word.group("word")
        following = word.group("after").strip().lower()
        if following in COMPOUND_HEADS or following in KIND_OF_NOUN:
            # "the chief executive": "chief" describes the head that follows, it is not one.
            adjective = f"{adjective}{noun} "
            position = word.end("word") + 1
            continue
        known = (
            noun in KIND_OF_NOUN
            or noun in EVENT_NOUNS
            or noun in RELATIONAL_NOUNS
            or noun in ("one", "ones")
            or (match.group("det").lower() in ("those", "these") and noun.endswith("s"))
        )
        if following not in _NOT_AFTER:
            option = (adjective, noun, word.end("word"))
            options.insert(0, option) if known else options.append(option)
        if known or following in _NOT_AFTER:
            break
        adjective = f"{noun} "
        position = word.end("word") + 1
    return options


def _has_own_complement(question: str, start: int) -> bool:
    """Whether the definite noun phrase from `start` says itself which one it means: "the
    chief executive of Qantas", "the king of Thebes", "the firm that bought Sky". Such a
    phrase names its own referent and is never read as an earlier mention."""
    phrase = _NOUN_PHRASE.match(question, start)
    if phrase is None:
        return False
    words = (phrase.group("words") or phrase.group("pair") or phrase.group("noun")).lower().split()
    if words[-1] in ("one", "ones"):
        return False  # "the ones that charge no tuition": a pronoun, restricted or not
    return not any(w in STOPWORDS or w in _NOT_NOUNS for w in words)


def _stem(word: str) -> str:
    """A word without its possessive or plural ending: "Huguenots" and "Huguenot's" are one."""
    return re.sub(r"(?:['’]s|s|['’])$", "", word)


def _in_after(question: str, start: int) -> bool:
    return question[:start].rstrip().lower().endswith((" in", " from", " to", " at"))


def _points_inside(question: str, pronoun: str, start: int) -> bool:
    """Whether the pronoun's antecedent is in the question itself: a possessive after a subject
    the question names ("Which NFL star announced his retirement", "what did Riley Securities
    cut its price target to"), or a pronoun after a verb of saying ("announced it would")."""
    before = question[:start]
    words = before.lower().split()
    if not words:
        return False
    if pronoun in ("it", "he", "she", "they") and words[-1] in _SAYING:
        return True
    if pronoun not in _POSSESSIVES:
        return False
    opening = re.match(rf"\s*(?:{PREPOSITION}\s+)?(?P<wh>{WH})\b\s*(?P<noun>\w+)?", before, re.I)
    if opening:
        wh = opening.group("wh").lower()
        noun = (opening.group("noun") or "").lower()
        has_noun = wh in ("which", "what", "whose") and noun and noun not in AUXILIARIES
        if has_noun:
            # "Which NFL star announced his retirement": the question names who "his" is.
            head = asked_noun(before)
            if not head:
                return True
            person = KIND_OF_NOUN[head] is Kind.PERSON
            return person == (pronoun in ("his", "her")) or pronoun == "their"
        if wh == "who" and pronoun in ("his", "her", "their") and noun not in AUXILIARIES:
            return True  # "Who gave their name to Normandy?"
    if any(m.role != "place" for m in names_in(before)):
        return True
    return (pronoun == "its" and bool(re.search(r"\b(?:a|an)\s+\w+", before))) or (
        pronoun == "their"
        and bool(re.search(r"\b\w+[^s]s\b", before.split(" ", 2)[-1]))
        and len(words) > 4
    )


def _refers_back(question: str) -> bool:
    """Whether the question has a word that points outside it (read or not): then the earlier
    turns may still help find its answer."""
    if is_bare(question):
        return True
    for match in _PRONOUN.finditer(question):
        word = match.group("word").lower()
        if word == "there" and _EXISTENTIAL.match(question, match.start()):
            continue
        if word == "then" and not _THEN_AS_TIME.search(question[match.start() :]):
            continue
        if word in _CLASS and _points_inside(question, word, match.start()):
            continue
        return True
    return False
