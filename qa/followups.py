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
from dataclasses import dataclass, field

from .answer import Answer
from .mentions import _KIND_OF_NOUN as KIND_OF_NOUN
from .mentions import (
    AUXILIARIES,
    BROADER,
    EVENT_NOUNS,
    RELATIONAL_NOUNS,
    Kind,
    Mention,
    _set,
    answer_mention,
    asked_kind,
    asked_noun,
    gender_of,
    is_person_like,
    names_in,
    topics_in,
)
from .stopwords import STOPWORDS

_LEAD = re.compile(r"^(?:and|but|so|ok|okay|also|then)\b[\s,]*", re.IGNORECASE)
_WH = (
    r"(?:who|whom|whose|what|which|when|where|why|how(?:\s+(?:many|much|long|often|far|old|big))?)"
)
_PREPOSITION = r"(?:in|on|at|for|by|from|to|of|during|since|until|with|about)"
# "when?", "and where exactly?", "for how long?", "by how much?", "from what?"
_BARE = re.compile(
    rf"(?:(?P<prep>{_PREPOSITION})\s+)?(?P<wh>{_WH})(?:\s+(?:exactly|then|else|precisely))?\s*[?.!]*",
    re.IGNORECASE,
)
# "when was that?", "when did they do that?", "why did it happen?"
_BARE_THAT = re.compile(
    rf"(?P<wh>{_WH})\s+(?:did|does|was|is|were|will)\s+"
    r"(?:(?:(?:he|she|it|they)\s+)?(?:do\s+)?(?:that|this)|it\s+happen)\s*[?.!]*",
    re.IGNORECASE,
)
_CLAUSE = re.compile(
    rf"(?:^|,\s*)(?:(?P<prep>{_PREPOSITION})\s+)?(?P<wh>{_WH})\b\s*(?P<rest>[^,]*)$",
    re.IGNORECASE,
)
_POSSESSIVES = {"his": "m", "her": "f", "its": "", "their": ""}
_PRONOUN = re.compile(
    r"\b(?P<word>he|she|him|her|his|hers|it|its|they|them|their|there|then)\b", re.IGNORECASE
)
_DEFINITE = re.compile(r"\b(?P<det>the|that|this|those|these)\s+", re.IGNORECASE)
_NEXT_WORD = re.compile(r"(?P<word>[a-z][a-z-]*)(?P<after>['’]s\b|\s*[?.!,]|\s+[a-z]+\b|$)")
_NOT_AFTER = frozenset({"of", "against", "before", "after", "in", "for", "by"})
_DETERMINERS = _set("the a an this that these those his her its their he she it they we you i")
_HOW_MANY_ELIDED = re.compile(
    r"^(?:and\s+)?how\s+(?P<many>many)(?=\s+(?:were|are|was|is|did|do|does|have|has|will)\b)",
    re.IGNORECASE,
)
_CALLED_NOW = re.compile(r"\b(?:is|was|are|were)\s+it\s+(?:called|named)\s*[?.!]*$", re.IGNORECASE)
_SAYING = _set("announced said says claimed stated reported thinks believes hopes expects")
_EXISTENTIAL = re.compile(r"\bthere\s+(?:is|are|was|were|has|have|had|will|would)\b", re.I)
_THEN_AS_TIME = re.compile(r"\bthen\s*[?.!]*$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_DIRECTION = re.compile(
    r"\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of\s+[\w ]+?(?=\s+is|\s+are|\?|$)", re.I
)


@dataclass(frozen=True)
class Reading:
    """How a question was read: the words the reader is given, and what else may help."""

    text: str
    """The question as read; the question itself when it stands on its own."""
    follow_up: bool = False
    """True when the question needed the earlier turns."""
    context: str = ""
    """Words from the earlier turns that retrieval may add to the question."""
    articles: tuple[int, ...] = ()
    """Articles the earlier answers cited, whose passages a follow-up prefers."""


@dataclass
class _Entity:
    """Something the chat has named, with what is known of it."""

    text: str
    kind: Kind
    plural: bool = False
    gender: str = ""
    person: bool = False
    """Known to be a person (an answer to "who", or someone "he" or "she" was read as)."""
    score: float = -99.0
    bound_by: set[str] = field(default_factory=set)
    """Pronoun classes ("he", "it", "they") that were read as this entity in the last turns."""
    mentions: int = 0
    noun: str = ""
    """The noun it was introduced with ("airline", "word")."""
    first: int = 0
    """The turn that first named it."""
    actor: bool = False
    """Named as the subject after "did" or "is" ("did LeBron James sign")."""


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


class Reader:
    """Reads questions against earlier turns (question, answer), oldest first."""

    def __init__(self, turns: Sequence[tuple[str, Answer]]) -> None:
        self.turns = list(turns)
        self._readings: list[tuple[str, dict[str, str]]] = []
        for index, (question, _answer) in enumerate(self.turns):
            earlier = Reader.__new__(Reader)
            earlier.turns = self.turns[:index]
            earlier._readings = self._readings[:index]
            self._readings.append(earlier._read(question))

    def read(self, question: str) -> Reading:
        """The question as it should be read after the earlier turns."""
        text, _bindings = self._read(question)
        follow_up = text != question or (bool(self.turns) and _refers_back(question))
        last = next((a for _, a in reversed(self.turns) if a.found), None)
        if not follow_up or last is None or not last.citations:
            return Reading(text, follow_up)
        citation = last.citations[0]
        context = f"{last.text} {citation.title}".strip()
        return Reading(text, follow_up, context, (citation.article_id,))

    # -- reading -------------------------------------------------------------------------

    def _read(self, question: str) -> tuple[str, dict[str, str]]:
        if not self.turns:
            return question, {}
        bare = _BARE.fullmatch(_LEAD.sub("", question)) or _BARE_THAT.fullmatch(
            _LEAD.sub("", question)
        )
        if bare is not None:
            again = self._ask_again(bare.group("wh"), bare.groupdict().get("prep"))
            return (again, {}) if again else (question, {})
        fragment = _fragment(question)
        if fragment is not None:
            replaced = self._substitute(fragment)
            if replaced:
                return self._resolve(replaced)
        elided = _HOW_MANY_ELIDED.match(question)
        if elided:
            noun = re.search(r"\bhow\s+many\s+([a-z]+)", self._readings[-1][0], re.IGNORECASE)
            if noun:  # "how many were sold?" after "how many rockers ...?"
                question = (
                    question[: elided.end("many")]
                    + f" {noun.group(1)}"
                    + question[elided.end("many") :]
                )
        return self._resolve(question)

    def _resolve(self, question: str) -> tuple[str, dict[str, str]]:
        """Pronouns and definite descriptions that point back, replaced by what they mean."""
        bindings: dict[str, str] = {}
        out = question
        for match in reversed(list(_DEFINITE.finditer(question))):
            for adjective, noun, end in _definite_nouns(question, match):
                replacement = self._definite(match.group("det").lower(), adjective, noun)
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
            meaning = self._pronoun(word, offset_question, match.start(), taken)
            if meaning is None:
                continue
            pieces.append(offset_question[position : match.start()])
            pieces.append(meaning)
            position = match.end()
            cls = _CLASS.get(word.lower())
            if cls:
                bindings[cls] = meaning.removesuffix("'s")
        pieces.append(offset_question[position:])
        out = "".join(pieces)
        if out != question:
            out = _LEAD.sub("", out)
        elif _LEAD.match(question) and len(question.split()) <= 7 and not names_in(question):
            topic = self._topic()
            if topic:
                out = f"{_LEAD.sub('', question).rstrip('?.! ')}, about {topic}?"
        return out, bindings

    def _pronoun(
        self, word: str, question: str, start: int, taken: frozenset[str] = frozenset()
    ) -> str | None:
        lower = word.lower()
        if lower == "there":
            if _EXISTENTIAL.match(question, start):
                return None
            place = self._best("there", question)
            return f"in {place}" if place and not _in_after(question, start) else place
        if lower == "then":
            if not _THEN_AS_TIME.search(question[start:]):
                return None
            thing = self._best("it", question)
            return f"at the time of {thing}" if thing else None
        if _points_inside(question, lower, start):
            return None
        cls = _CLASS[lower]
        meaning = self._best(cls, question, taken)
        if meaning is None and cls == "they":
            meaning = self._pair()
        if meaning is None:
            return None
        return f"{meaning}'s" if lower in _POSSESSIVES else meaning

    def _definite(self, det: str, adjective: str, noun: str) -> str | None:
        """What "the company", "that deal", "those wars" or "the ones" mean, if anything."""
        kind = KIND_OF_NOUN.get(noun)
        if noun in ("one", "ones"):
            return self._best("they" if noun == "ones" else "it", "") if det == "the" else None
        if noun in EVENT_NOUNS or noun in RELATIONAL_NOUNS:
            topic = self._topic()
            if topic is None:
                return None
            if noun in RELATIONAL_NOUNS:
                return f"the {adjective}{noun} of {topic}"
            return f"the {adjective}{topic} {noun}"
        if det in ("those", "these"):
            return self._best_of_kind(None, noun.rstrip("s"))
        if kind is not None:
            return (
                self._best_of_kind(kind, noun)
                if kind is not Kind.DESCRIPTION and not adjective
                else None
            )
        if self._said_before(noun):
            # "the recall" after "which company recalled its swings?": what the chat was about.
            topic = self._topic()
            return f"the {adjective}{topic} {noun}" if topic else None
        return None

    def _said_before(self, noun: str) -> bool:
        """Whether an earlier turn used the noun or a word of its family ("recalled")."""
        stem = noun[: max(4, len(noun) - 3)]
        for (_question, answer), (reading, _) in zip(self.turns, self._readings, strict=True):
            words = re.findall(r"[a-z]+", f"{reading} {answer.text}".lower())
            if any(word.startswith(stem) for word in words):
                return True
        return False

    # -- choosing what a word points at -----------------------------------------------------

    def _entities(self) -> list[_Entity]:
        """Everything the earlier turns named, each scored by how recent and how central."""
        entities: dict[str, _Entity] = {}
        count = len(self.turns)
        for index, ((_question, answer), (reading, bindings)) in enumerate(
            zip(self.turns, self._readings, strict=True)
        ):
            age = count - 1 - index
            if reading == _question and not bindings:
                # A question that stands on its own starts a new thread: what "it" meant
                # before is no longer what "it" means.
                for entity in entities.values():
                    entity.bound_by.clear()
            asked, named = asked_kind(reading)
            mentions: list[tuple[Mention, float]] = []
            for mention in names_in(reading) + topics_in(reading):
                # A place the question is set in ("in California") is the least likely, and
                # what a pronoun inside the question owns ("their inherent difficulty") is
                # seldom what the next turn is about.
                weight = -1.0 if mention.role == "place" else 0.25 if mention.noun else 1.0
                mentions.append((mention, weight))
            if answer.found:
                said = answer_mention(reading, answer.text)
                if said is not None:
                    # The answer to "which airline ...?" or "who ...?" (a person) is what the
                    # chat is now about; a place, time or organisation answering "where" or
                    # "who" is less so than what the question was about.
                    weight = 1.5 if named or said.kind is Kind.PERSON else 0.5
                    mentions.append((said, weight))
            for mention, weight in mentions:
                key = mention.text.lower().removeprefix("the ")
                entity = entities.setdefault(
                    key, _Entity(mention.text, mention.kind, mention.plural, first=index)
                )
                entity.mentions += 1
                entity.actor = entity.actor or mention.role == "actor"
                entity.noun = mention.noun or entity.noun
                if mention.role == "answer" and (
                    asked is Kind.PERSON or mention.kind is Kind.PERSON
                ):
                    entity.person = mention.kind is Kind.PERSON
                    entity.kind = mention.kind
                    entity.gender = entity.gender or gender_of(mention.text)
                elif mention.role == "answer":
                    entity.kind = mention.kind
                entity.score = max(entity.score, weight - 3.0 * age)
            for cls, text in bindings.items():
                key = text.lower().removeprefix("the ")
                if key not in entities:
                    continue
                entity = entities[key]
                if cls in ("he", "she"):
                    entity.person = True
                    entity.gender = entity.gender or ("m" if cls == "he" else "f")
                if cls == "they":
                    entity.plural, entity.person = True, False  # a team, a people, a firm
                if cls in ("he", "she", "it", "they"):
                    if age <= 2:
                        entity.bound_by.add(cls)
                    entity.score = max(entity.score, 1.0 - 3.0 * age)
        return list(entities.values())

    def _best(self, cls: str, question: str, taken: frozenset[str] = frozenset()) -> str | None:
        """The entity a pronoun of class `cls` ("he", "she", "it", "they", "there") means;
        never one the question names itself or another of its pronouns was read as."""
        own = {m.text.lower() for m in names_in(question)} | taken
        # "what was it called?" asks the name of something that has none in the chat yet.
        unnamed = cls == "it" and bool(_CALLED_NOW.search(question))
        best: tuple[float, str] | None = None
        for entity in self._entities():
            if entity.text.lower() in own or not _fits(entity, cls):
                continue
            if unnamed and all(word[:1].isupper() for word in entity.text.split()):
                continue  # already has a name
            score = entity.score + (3.5 if cls in entity.bound_by else 0.0)
            if cls == "it" and entity.kind is Kind.PLACE:
                score -= 0.75  # a place is more often "there" than "it"
            if cls in ("he", "she") and entity.person:
                score += 0.5  # known to be a person, not only named like one
            if best is None or score > best[0]:
                best = (score, entity.text)
        return best[1] if best else None

    def _best_of_kind(self, kind: Kind | None, noun: str) -> str | None:
        """What "the company", "the city" or "the edict" means: something of that kind, or
        whose name holds the noun ("the Edict of Nantes"), or that was introduced with it (the
        answer to "which airline" for "the airline" or "the company")."""
        named_best: tuple[float, str] | None = None
        best: tuple[float, str] | None = None
        for entity in self._entities():
            words = entity.text.lower().split()
            broader = BROADER.get(noun, frozenset())
            named = noun in words or noun + "s" in words or entity.noun == noun
            named = named or entity.noun in broader or bool(broader & set(words))
            if named:
                # Introduced as one ("which airline" for "the company") beats merely holding
                # the word ("America's fifth-largest airline").
                introduced = entity.noun == noun or entity.noun in broader
                score = entity.score + (3.0 if introduced else 0.0)
                if named_best is None or score > named_best[0]:
                    named_best = (score, entity.text)
                continue
            if kind is None or not _kind_fits(entity, kind):
                continue
            # Introduced with another noun ("which company" for "the network"): less likely.
            score = entity.score - (1.5 if entity.noun else 0.0)
            if best is None or score > best[0]:
                best = (score, entity.text)
        chosen = named_best or best
        return chosen[1] if chosen else None

    def _topic(self) -> str | None:
        """What the chat is about: the most mentioned thing, the most recent on a tie."""
        entities = [
            e
            for e in self._entities()
            if e.kind not in (Kind.TIME, Kind.AMOUNT, Kind.DESCRIPTION, Kind.PLACE)
        ]
        if not entities:
            return None
        # On a tie, what the chat opened with: a conversation keeps its first subject.
        return max(entities, key=lambda e: (e.mentions, -e.first, e.actor, e.score)).text

    def _pair(self) -> str | None:
        """ "they" for the two people the last turn named ("Tom Brady and Rob Gronkowski")."""
        people = [
            e for e in self._entities() if (e.person or is_person_like(e.text)) and e.score > -3.0
        ]
        if len(people) < 2:
            return None
        people.sort(key=lambda e: -e.score)
        return f"{people[0].text} and {people[1].text}"

    # -- fragments --------------------------------------------------------------------------

    def _ask_again(self, wh: str, prep: str | None) -> str | None:
        """A bare question word asks the last question again: after "who met in Lucca?" (G7
        foreign ministers), "when?" is read as "when did G7 foreign ministers met in Lucca?"."""
        reading, _ = self._readings[-1]
        answer = self.turns[-1][1]
        clause = _CLAUSE.search(reading.rstrip("?.! "))
        if clause is None:
            return None
        rest = clause.group("rest").strip()
        if not rest:
            return None
        word = (f"{prep} {wh}" if prep else wh).lower()
        words = rest.split()
        asked = clause.group("wh").lower()
        if asked in ("which", "what", "whose") and words and words[0].lower() not in AUXILIARIES:
            # "which singer will launch ..." -> "will launch ...": the noun goes with the answer.
            while words and words[0].lower() not in AUXILIARIES and len(words) > 1:
                if words[1].lower() in AUXILIARIES or words[0].lower() in KIND_OF_NOUN:
                    words = words[1:]
                    break
                words = words[1:]
        if not words:
            return None
        first = words[0].lower()
        subject = first not in AUXILIARIES or (
            len(words) > 1 and words[1][:1].islower() and words[1].lower() not in _DETERMINERS
        )
        if not answer.found or not subject:
            rest = " ".join(words)
            if prep:
                rest = re.sub(rf"\s+{_PREPOSITION}$", "", rest)
            return f"{word} {rest}?"
        if first in AUXILIARIES:  # "which singer will launch" -> "where will Adele launch"
            return f"{word} {words[0]} {answer.text} {' '.join(words[1:])}?"
        return f"{word} did {answer.text} {' '.join(words)}?"  # the answer was the subject

    def _substitute(self, fragment: str) -> str | None:
        """The last question with the fragment put in place of what it replaces: "and in the
        British ones?" after "how many lived in the French colonies?"."""
        previous = self._readings[-1][0].rstrip("?.! ")
        lower = fragment.lower()
        years = _YEAR.findall(previous)
        if years and re.fullmatch(r"the year (before|after)", lower):
            shift = -1 if lower.endswith("before") else 1
            return previous.replace(years[-1], str(int(years[-1]) + shift)) + "?"
        if years and _YEAR.fullmatch(fragment):
            return previous.replace(years[-1], fragment) + "?"
        if lower in ("before", "after", "earlier", "later"):
            swapped = re.sub(r"\b(before|after)\b", lower, previous, count=1)
            return swapped + "?" if swapped != previous else None
        direction = _DIRECTION.search(previous)
        if direction and _DIRECTION.fullmatch(fragment):
            return previous[: direction.start()] + fragment + previous[direction.end() :] + "?"
        preposition = re.match(rf"{_PREPOSITION}\b", lower)
        if preposition:
            found = re.search(
                rf"\b{preposition.group(0)}\s+[^,?]+?(?=\s+{_PREPOSITION}\b|$)", previous, re.I
            )
            if found:
                return previous[: found.start()] + fragment + previous[found.end() :] + "?"
        last = fragment.split()[-1].lower()
        for phrase in _phrases(previous):
            if phrase.split()[-1].lower() == last:
                return previous.replace(phrase, fragment, 1) + "?"
        if re.match(r"(?:the|its|his|her|their)\s", lower):
            for phrase in _phrases(previous):
                if re.match(r"(?:the|its|his|her|their)\s|\w+['’]s\s", phrase, re.I):
                    return previous.replace(phrase, fragment, 1) + "?"
        answer = self.turns[-1][1]
        if answer.found and answer.text in previous:
            return previous.replace(answer.text, fragment, 1) + "?"
        words = previous.split()
        if len(words) > 2 and not re.match(_WH, words[-1], re.I):
            return " ".join([*words[:-1], fragment]) + "?"
        return None


def _definite_nouns(question: str, match: re.Match[str]) -> list[tuple[str, str, int]]:
    """The nouns a "the"/"that" may point with, each with the adjective before it and where it
    ends, likeliest first: "the final score" -> ("final ", "score"); "the recall affect" ->
    ("", "recall"), ("recall ", "affect"). None for "the king of Thebes" (it names itself)."""
    options: list[tuple[str, str, int]] = []
    position = match.end()
    adjective = ""
    for _ in range(2):
        word = _NEXT_WORD.match(question, position)
        if word is None or word.group("word") in STOPWORDS:
            break
        noun = word.group("word")
        following = word.group("after").strip().lower()
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


def _phrases(question: str) -> list[str]:
    """Noun phrases of a question that a fragment may stand in for: "the Orange Revolution",
    "its holding company", "BSkyB's holding company", "year 12"."""
    found = re.findall(
        r"\b(?:(?:the|its|his|her|their|\w+['’]s)\s+(?:[\w-]+\s+){0,3}?[\w-]+(?=\s+(?:of|in|on|at|for|called|was|is|were|are|occur|did|does)\b|$))"
        r"|\b[a-z]+\s+\d+\b",
        question,
    )
    return [phrase for phrase in found if phrase]


def _fragment(question: str) -> str | None:
    """The words of "and in Germany?", "what about 2013?", "and the MVP?": a turn without a
    verb or question word of its own that only makes sense in place of part of the last one."""
    text = question.strip().rstrip("?.! ").strip()
    about = re.match(r"(?:and\s+)?(?:what|how)\s+about\s+(?P<rest>.+)$", text, re.IGNORECASE)
    if about:
        return about.group("rest")
    lead = _LEAD.match(text)
    if lead is None:
        return None
    rest = text[lead.end() :].strip()
    words = rest.lower().split()
    if not words or len(words) > 5 or any(w in AUXILIARIES for w in words):
        return None
    if re.match(_WH, words[0]) or any(w in _CLASS for w in words[1:]):
        return None
    return rest


def _fits(entity: _Entity, cls: str) -> bool:
    """Whether a pronoun of class `cls` can point at the entity."""
    kind = entity.kind
    if kind in (Kind.TIME, Kind.AMOUNT, Kind.DESCRIPTION):
        return False
    if cls in ("he", "she"):
        named_like_one = is_person_like(entity.text) or (entity.actor and " " not in entity.text)
        if entity.plural or not (entity.person or (kind is Kind.THING and named_like_one)):
            return False  # "what did Tillerson do?": a single name as the subject may be "he"
        return entity.gender != ("f" if cls == "he" else "m")
    if cls == "it":
        return not entity.person and not entity.plural
    if cls == "they":
        # Teams are named like people: "Denver Broncos".
        return entity.plural or kind is Kind.ORGANISATION or entity.text.endswith("s")
    if cls == "there":
        return kind is Kind.PLACE
    return False


def _kind_fits(entity: _Entity, kind: Kind) -> bool:
    if (
        kind is Kind.ORGANISATION
        and not entity.text[:1].isupper()
        and not entity.text.startswith("the ")
    ):
        return False  # an organisation has a name
    if entity.kind is kind:
        return True
    # A name whose kind is unknown ("Alphabet", "Dartmouth") may be a company or a thing.
    return (
        kind in (Kind.ORGANISATION, Kind.THING) and entity.kind is Kind.THING and not entity.person
    )


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
    opening = re.match(rf"\s*(?:{_PREPOSITION}\s+)?(?P<wh>{_WH})\b\s*(?P<noun>\w+)?", before, re.I)
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
    if _BARE.fullmatch(_LEAD.sub("", question)):
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
