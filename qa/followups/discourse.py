"""What a chat has named so far, and which of it a word such as "he", "its" or "the company"
can point at: every name, topic and answer of the earlier turns, scored by how recent and how
central it was."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from qa.answering.answer import Answer

from .mentions import (
    Mention,
    answer_mention,
    asked_kind,
    gender_of,
    is_person_like,
    names_in,
    plural,
    topics_in,
)
from .nouns import BROADER, GIVEN_NAMES, KNOWN_PLACES, Kind

_PRONOUN_CLASSES = frozenset({"he", "she", "it", "they"})
_CALLED_NOW = re.compile(r"\b(?:is|was|are|were)\s+it\s+(?:called|named)\s*[?.!]*$", re.IGNORECASE)


@dataclass
class Entity:
    """Something the chat has named, with what is known of it."""

    text: str
    kind: Kind
    plural: bool = False
    gender: str = ""
    person: bool = False
    """Known to be a person (an answer to "who", or someone "he" or "she" was read as)."""
    score: float = -99.0
    """How likely a word points at it: its best mention's weight, less 3 for each turn since."""
    bound_by: set[str] = field(default_factory=set)
    """Pronoun classes ("he", "it", "they") that were read as this entity in the last turns."""
    mentions: int = 0
    noun: str = ""
    """The noun it was introduced with ("airline", "word")."""
    first: int = 0
    """The turn that first named it."""
    actor: bool = False
    """Named as the subject after "did" or "is" ("did LeBron James sign")."""
    described: bool = False
    """A description the reading spelled out ("the cheapest average for ..."), not a name."""
    central: float = -99.0
    """How central to its turn it was named, however long ago: 1.5 for the answer to a question
    that names what it asks for ("which airline"), 1.0 for what a question is about, 0.5 for
    another answer (the Broncos answering "who won Super Bowl 50?")."""


class Discourse:
    """The entities of the earlier turns (question, answer) as they were read, oldest first."""

    def __init__(
        self, turns: Sequence[tuple[str, Answer]], readings: Sequence[tuple[str, dict[str, str]]]
    ) -> None:
        self.entities = self._collect(turns, readings)

    def _collect(
        self, turns: Sequence[tuple[str, Answer]], readings: Sequence[tuple[str, dict[str, str]]]
    ) -> list[Entity]:
        """Everything the earlier turns named, each scored by how recent and how central."""
        entities: dict[str, Entity] = {}
        count = len(turns)
        for index, ((question, answer), (reading, bindings)) in enumerate(
            zip(turns, readings, strict=True)
        ):
            age = count - 1 - index
            if reading == question and not bindings:
                # A question that stands on its own starts a new thread: what "it" meant
                # before is no longer what "it" means.
                for entity in entities.values():
                    entity.bound_by.clear()
            asked, named = asked_kind(reading)
            # Each mention with how likely a pronoun points at it and how central it is to
            # the chat's topic.
            mentions: list[tuple[Mention, float, float]] = []
            for mention in names_in(reading) + topics_in(reading):
                # A place the question is set in ("in California") is the least likely, and
                # what a pronoun inside the question owns ("their inherent difficulty") is
                # seldom what the next turn is about.
                weight = {"place": -1.0, "owned": 0.25}.get(mention.role, 1.0)
                mentions.append((mention, weight, weight))
            if answer.found:
                said = answer_mention(reading, answer.text)
                if said is not None:
                    # The answer to "which airline ...?" or "who ...?" (a person) is what the
                    # chat is now about; a place, time or organisation answering "where" or
                    # "who" is less so than what the question was about. As a topic, though,
                    # only the answer to "which airline" leads: "who bought the Broncos?" is
                    # about the Broncos, whoever the answer (which may be wrong) says.
                    weight = 1.5 if named or said.kind is Kind.PERSON else 0.5
                    mentions.append((said, weight, 1.5 if named else 0.5))
            typed = question.lower()
            for mention, weight, central in mentions:
                key = mention.text.lower().removeprefix("the ")
                entity = entities.setdefault(
                    key, Entity(mention.text, mention.kind, mention.plural, first=index)
                )
                entity.score = max(entity.score, weight - 3.0 * age)
                if mention.role != "answer" and not re.search(rf"\b{re.escape(key)}\b", typed):
                    # A name the reading put in place of "they" is not named again: the
                    # Broncos, answered once and pointed at once, are not what "Who won Super
                    # Bowl 50?" is about more than Super Bowl 50.
                    continue
                entity.mentions += 1
                entity.central = max(entity.central, central)
                entity.actor = entity.actor or mention.role == "actor"
                entity.noun = mention.noun or entity.noun
                if mention.role == "answer" and (
                    asked is Kind.PERSON or mention.kind is Kind.PERSON
                ):
                    entity.person = mention.kind is Kind.PERSON
                    entity.kind = mention.kind
                    entity.gender = entity.gender or mention.gender or gender_of(mention.text)
                elif mention.role == "answer":
                    entity.kind = mention.kind
            for cls, text in bindings.items():
                key = text.lower().removeprefix("the ")
                if key not in entities and cls not in _PRONOUN_CLASSES:
                    # A description the reading spelled out ("the cheapest average for a
                    # gallon of regular gas") is something "it" can point at next; `cls` is
                    # its noun ("average").
                    entities[key] = Entity(
                        text,
                        Kind.THING,
                        plural(cls),
                        score=1.0 - 3.0 * age,
                        noun=cls,
                        first=index,
                        described=True,
                    )
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

    def best(self, cls: str, question: str, taken: frozenset[str] = frozenset()) -> str | None:
        """The entity a pronoun of class `cls` ("he", "she", "it", "they", "there") means;
        never one the question names itself or another of its pronouns was read as."""
        own = {m.text.lower() for m in names_in(question)} | taken
        # "what was it called?" asks the name of something that has none in the chat yet.
        unnamed = cls == "it" and bool(_CALLED_NOW.search(question))
        best: tuple[float, str] | None = None
        for entity in self.entities:
            if entity.text.lower() in own or not fits(entity, cls):
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

    def best_of_kind(self, kind: Kind | None, noun: str, headline: str = "") -> str | None:
        """What "the company", "the city" or "the edict" means: something of that kind, or
        whose name holds the noun ("the Edict of Nantes"), or that was introduced with it (the
        answer to "which airline" for "the airline" or "the company"); else what the headline
        of the last cited article calls one ("the group" under "Broncos sale to Walton group
        unanimously OKed")."""
        named_best: tuple[float, str] | None = None
        best: tuple[float, str] | None = None
        for entity in self.entities:
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
            if kind is None or not kind_fits(entity, kind):
                continue
            # Introduced with another noun ("which company" for "the network"): less likely.
            score = entity.score - (1.5 if entity.noun else 0.0)
            if best is None or score > best[0]:
                best = (score, entity.text)
        if named_best is None and kind is not None:
            # Nothing the chat named is one; the headline on screen may name it.
            called = re.search(rf"\b((?:[A-Z][\w'’.&-]*\s+)+){re.escape(noun)}\b", headline)
            if called:
                return f"the {called.group(1)}{noun}"
        chosen = named_best or best
        return chosen[1] if chosen else None

    def topic(self) -> str | None:
        """What the chat is about: the most mentioned thing; on a tie, the one named first."""
        entities = [
            e
            for e in self.entities
            if e.kind not in (Kind.TIME, Kind.AMOUNT, Kind.DESCRIPTION, Kind.PLACE)
        ]
        if not entities:
            return None
        # On a tie, what the chat opened with: a conversation keeps its first subject; then
        # the more central (what "who won Super Bowl 50?" asked about, not its answer).
        return max(entities, key=lambda e: (e.mentions, -e.first, e.actor, e.central, e.score)).text

    def pair(self) -> str | None:
        """ "they" for the two people the last turn named ("Tom Brady and Rob Gronkowski")."""
        people = [
            e for e in self.entities if (e.person or is_person_like(e.text)) and e.score > -3.0
        ]
        if len(people) < 2:
            return None
        people.sort(key=lambda e: -e.score)
        return f"{people[0].text} and {people[1].text}"


def fits(entity: Entity, cls: str) -> bool:
    """Whether a pronoun of class `cls` can point at the entity."""
    kind = entity.kind
    if kind in (Kind.TIME, Kind.AMOUNT, Kind.DESCRIPTION):
        return False
    if cls in ("he", "she"):
        named_like_one = is_person_like(entity.text) or (entity.actor and " " not in entity.text)
        if entity.plural or not (entity.person or (kind is Kind.THING and named_like_one)):
            return False  # "what did Tillerson do?": a single name as the subject may be "he"
        return entity.gender != ("f" if cls == "he" else "m")
    if entity.described:  # "the cheapest average for ...": a thing, or things
        return cls == ("they" if entity.plural else "it")
    if cls == "it":
        return not entity.person and not entity.plural
    if cls == "they":
        # Teams are named like people: "Denver Broncos".
        return entity.plural or kind is Kind.ORGANISATION or entity.text.endswith("s")
    if cls == "there":
        return kind is Kind.PLACE
    return False


def kind_fits(entity: Entity, kind: Kind) -> bool:
    """Whether "the company", "the city" (a noun of this kind) can point at the entity."""
    if (
        kind is Kind.ORGANISATION
        and not entity.text[:1].isupper()
        and not entity.text.startswith("the ")
    ):
        return False  # an organisation has a name
    if entity.kind is kind:
        return True
    # A name whose kind is unknown ("Alphabet", "Dartmouth") may be a company or a thing; a
    # country or a city is neither ("where is the firm based?" after a question on Canada).
    return (
        kind in (Kind.ORGANISATION, Kind.THING)
        and entity.kind is Kind.THING
        and not entity.person
        and entity.text.lower().removeprefix("the ") not in KNOWN_PLACES
        and entity.text.split()[0].lower() not in GIVEN_NAMES
    )
