"""What a question or an answer names: people, organisations, places, things, times and amounts.

Follow-ups point back at these ("he", "its", "the company", "there"). Everything here is read
from the words alone (capitals, question words, a few lists of nouns), so it is fast and needs no
model; a question is short and its question word says what kind of thing its answer is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answering.stopwords import STOPWORDS

from .nouns import (
    AUXILIARIES,
    FEMININE,
    KIND_OF_NOUN,
    MASCULINE,
    QUESTION_WORDS,
    Kind,
    word_set,
)


@dataclass(frozen=True)
class Mention:
    """Something a turn named, as it was written."""

    text: str
    kind: Kind
    plural: bool = False
    role: str = "subject"
    """"answer"; "subject" (what the question is about); "actor" (a name right after "did" or
    "is": "did LeBron James sign"); "place" (where the question is set: "in California");
    "owned" (what a pronoun of the question owns: "its HDTV service")."""
    noun: str = ""
    """The noun it was introduced with: "airline" for the answer to "which airline ...?",
    "word" for "imperialism" in "the word imperialism"."""
    gender: str = ""
    """ "f" or "m" when the words around it say ("his older sister Zara Rutherford")."""


_CONNECTORS = frozenset({"of", "upon", "de", "&", "and", "the", "on", "la", "le", "du"})
_WORD = re.compile(r"[\w'’.&-]+")
_NAME_PARTICLE = re.compile(r"^(?:al|el|bin|ibn|de|da|di|du|van|von|le|la)[-’']")
_PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "near", "across", "to", "into", "of", "off"})


def gender_of(text: str) -> str:
    """ "f", "m" or "" from the words of an answer ("his older sister Zara Rutherford": "f",
    the last such word being the one that names the person)."""
    for word in reversed(text.lower().replace("’", "'").split()):
        word = word.strip(".,;:'\"")
        if word in FEMININE:
            return "f"
        if word in MASCULINE:
            return "m"
    return ""


def is_person_like(text: str) -> bool:
    """Two to four capitalised words without digits or commas: "Boris Johnson" and "Bashar
    al-Assad", not "Lucca, Italy"."""
    words = text.split()
    return (
        1 < len(words) <= 4
        and all(_NAME_PARTICLE.sub("", word)[:1].isupper() for word in words)
        and not any(character.isdigit() or character == "," for character in text)
    )


def plural(text: str) -> bool:
    """ "The Normans", "Genoese traders", "Sweden and Finland"; not "LeBron James"."""
    words = text.split()
    last = words[-1].lower() if words else ""
    if " and " in f" {text.lower()} ":
        return last not in KIND_OF_NOUN  # "Sweden and Finland", not "French and Indian War"
    return (
        last.endswith("s")
        and not last.endswith(("ss", "us", "is", "'s", "’s"))
        and (not is_person_like(text) or len(words) == 1)
    )


def _words(question: str) -> list[str]:
    """Lower-case words, with "what's" as "what is" and "country's" as "country"."""
    text = re.sub(r"\b(what|who|where|when|how)['’]s\b", r"\1 is", question, flags=re.I)
    return [re.sub(r"['’]s$", "", w.lower()) for w in _WORD.findall(text)]


def asked_noun(question: str) -> str:
    """The noun that says what the question asks for ("airline" in "which airline ...")."""
    words = _words(question)
    for index, word in enumerate(words):
        if word in ("what", "which", "whose"):
            return _head_noun(words[index + 1 :])
    return ""


def _head_noun(words: list[str]) -> str:
    """The category noun of "which airline ...", or of "what was the first settlement ..."."""
    stops = AUXILIARIES
    if words and words[0] in AUXILIARIES:
        # "what was the first settlement ...?" asks for a settlement; "what are private schools
        # funded by?" does not ask for a school.
        if len(words) < 2 or words[1] not in ("the", "a", "an"):
            return ""
        words = words[1:]
        stops = word_set("of in on at for by to")
    for noun in words[:5]:
        if noun in stops:
            break
        if noun in KIND_OF_NOUN or noun.rstrip("s") in KIND_OF_NOUN:
            return noun if noun in KIND_OF_NOUN else noun.rstrip("s")
    return ""


def asked_kind(question: str) -> tuple[Kind | None, bool]:
    """What kind of thing the question asks for, and whether it names that kind ("which airline"
    asks for an organisation and names it; "who" asks for a person or an organisation)."""
    words = _words(question)
    for index, word in enumerate(words):
        if word not in QUESTION_WORDS:
            continue
        if word in ("when",):
            return Kind.TIME, False
        if word == "where":
            return Kind.PLACE, False
        if word in ("who", "whom") or (word == "whose" and not _head_noun(words[index + 1 :])):
            return Kind.PERSON, False  # "whose saying ...?" asks for a person
        if word == "how":
            following = words[index + 1] if index + 1 < len(words) else ""
            if following in ("many", "much", "long", "far", "old", "often", "big", "large"):
                return Kind.AMOUNT, False
            return Kind.DESCRIPTION, False
        if word in ("what", "which", "whose"):
            noun = _head_noun(words[index + 1 :])
            if noun:
                return KIND_OF_NOUN[noun], True
            if _CALLED.search(question):
                return Kind.THING, True
            return Kind.DESCRIPTION, False
        return None, False
    return None, False


_CALLED = re.compile(r"\bcalled\?*$|\bname of\b|\bnamed?\b", re.IGNORECASE)


def answer_mention(question: str, text: str) -> Mention | None:
    """The answer as something later turns can point at, if it is short enough to be a name or
    holds one where a reader would look: "Von Miller" in "Denver linebacker Von Miller", "Bed
    Bath & Beyond" opening a sentence given to "which retailer ...?"."""
    kind, named = asked_kind(question)
    gender = gender_of(text)
    words = text.split()
    if len(words) > 6:
        # A sentence for an answer: the name it opens with is what was asked for, when the
        # question names a kind of thing ("which retailer ...?").
        opening = _opening_name(text) if named and kind is not Kind.DESCRIPTION else None
        if opening is None:
            return None
        text = opening
    elif kind is Kind.PERSON or (kind in (Kind.DESCRIPTION, None) and not named):
        person = _person_after_role(text)
        if person:
            text, kind = person, Kind.PERSON  # "Walmart heir Rob Walton": Rob Walton
    if not text.split():
        return None
    if kind is Kind.PERSON and not (is_person_like(text) or _single_name(text)):
        kind = Kind.ORGANISATION  # "who broadcast it?" -> "CBS", "who introduced it?" -> traders
    if kind is None or (kind is Kind.DESCRIPTION and not named):
        # "which journalist ...?" -> "Philip Howard": a name like a person's, asked for with a
        # noun we do not know, is a person.
        kind = Kind.PERSON if is_person_like(text) and kind is Kind.DESCRIPTION else Kind.THING
    if re.match(
        r"(?:about|around|nearly|more than|over|up to|roughly)?\s*[$£€]?\d[\d,.]*(?=$|[\s%–-])",
        text,
        re.I,
    ):
        kind = Kind.TIME if kind is Kind.TIME else Kind.AMOUNT  # "about 260", "$5 million"
    text = text.strip().rstrip(".")
    return Mention(text, kind, plural(text), "answer", asked_noun(question), gender)


def _opening_name(sentence: str) -> str | None:
    """The name a sentence opens with, up to a bracket or comma: "Bed Bath & Beyond" in "Bed
    Bath & Beyond (BBBY) is reportedly dealing with ..."."""
    head = re.split(r"\s*[(,;:]", sentence, maxsplit=1)[0]
    names = names_in(head)
    if not names or not head.startswith(names[0].text):
        return None
    return names[0].text


def _person_after_role(text: str) -> str | None:
    """A person's name after the words that describe them: "Von Miller" in "Denver linebacker
    Von Miller", "Zara Rutherford" in "his older sister Zara Rutherford"."""
    words = text.split()
    for start in range(1, len(words) - 1):
        if words[start - 1][:1].islower() and is_person_like(" ".join(words[start:])):
            return " ".join(words[start:])
    return None


def _single_name(text: str) -> bool:
    """ "Rollo", "Creon": one capitalised word that is not an acronym ("BBC") or a plural."""
    return len(text.split()) == 1 and text[:1].isupper() and not text.isupper() and not plural(text)


def names_in(question: str) -> list[Mention]:
    """Capitalised names in a question ("Super Bowl 50", "House of Guise", "Bed Bath &
    Beyond"), each with its role: a place it is set in ("in Italy") or what it is about."""
    tokens = list(_WORD.finditer(question))
    mentions: list[Mention] = []
    index = 0
    while index < len(tokens):
        word = tokens[index].group(0)
        if not _is_capitalised(word) or (index == 0 and word.lower() in _SENTENCE_OPENERS):
            index += 1
            continue
        end = index + 1
        while end < len(tokens):
            following = tokens[end].group(0)
            if _is_capitalised(following) or (following.isdigit() and len(following) <= 3):
                end += 1
            elif (
                following.lower() in _CONNECTORS
                and end + 1 < len(tokens)
                and _is_capitalised(tokens[end + 1].group(0))
            ):
                end += 2
            else:
                break
        text = question[tokens[index].start() : tokens[end - 1].end()]
        text = re.sub(r"['’]s$", "", text)
        before = tokens[index - 1].group(0).lower() if index else ""
        actor = before in AUXILIARIES  # "did Tillerson do", not "is the Syrian president"
        if before in ("the", "a", "an") and index > 1:
            before = tokens[index - 2].group(0).lower()  # "in the Dow"
        lead = question[: tokens[index].start()].lower()
        locative = before in _PLACE_PREPOSITIONS - {"of"} or lead.endswith(
            ("in what is now ", "in what was then ", "in present-day ")
        )
        role = "place" if locative else "actor" if actor else "subject"
        # Whether a name is a person is left open ("Doctor Who", "Super Bowl"): "he" may take
        # any name that looks like one, "it" any that is not known to be one.
        kind = Kind.PLACE if role == "place" else Kind.THING
        mentions.append(Mention(text, kind, plural(text), role))
        index = end
    return mentions


_SENTENCE_OPENERS = (
    QUESTION_WORDS
    | AUXILIARIES
    | word_set("in on at for by from to with and but so given during after before since")
)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() or bool(_NAME_PARTICLE.match(word) and word[3:4].isupper())


_NAMED_TERM = re.compile(
    r"\b(?:the\s+)?(?P<noun>word|term|element|concept|idea)\s+(?P<named>[a-z][\w-]+)"
)
_OBJECT = re.compile(
    r"\b(?:of|is|are|was|were|^[Ww]ho\s+[a-z]+)\s+"
    r"(?P<object>(?:[a-z][\w-]+\s+){0,3}?[a-z][\w-]+)"
    r"(?=\s*\??$|\s+(?:in|on|at|for|by|from|to|with|off|come|largely|usually|first|have|has"
    r"|[a-z]+ed)\b)"
)
_POSSESSED = re.compile(
    r"\b(?:its|his|her|their)\s+(?P<object>(?:[\w+-]+\s+){0,2}?[\w+-]+)"
    r"(?=\s*\??$|\s+(?:in|on|at|for|by|from|to|with|before|after)\b)"
)
_ORDINALS = word_set("first second third last next former latter")
_PARTICIPLES = word_set(
    "sold made built held paid won known given taken seen found born bought brought kept left "
    "lost led met run set shown spent told thought done gone begun"
)
"""Verbs that end a question without "-ed" ("how many were sold"): never a topic."""


def topics_in(question: str) -> list[Mention]:
    """Lower-case things a question is about: "oxygen" in "the atomic number of oxygen",
    "imperialism" in "the word imperialism", "private schools" in "what are private schools
    funded by"."""
    mentions = [
        Mention(match.group("named"), Kind.THING, False, "subject", match.group("noun"))
        for match in _NAMED_TERM.finditer(question)
    ]
    for match in [*_OBJECT.finditer(question), *_POSSESSED.finditer(question)]:
        possessed = match.re is _POSSESSED
        words = match.group("object").split()
        while words and (words[0] in STOPWORDS or words[0] in QUESTION_WORDS):
            words = words[1:]
        if (
            not words
            or words[-1] in STOPWORDS
            or words[-1].endswith(("ed", "ing", "ly", "est"))
            or (words[-1] in KIND_OF_NOUN and not possessed and len(words) == 1)
            or words[0] in KIND_OF_NOUN
            or words[-1] in _ORDINALS
            or words[-1] in _PARTICIPLES
        ):
            continue  # "the fifth-largest", "the word imperialism" (read above), "the first"
        text = " ".join(words)
        noun = words[-1].lower() if possessed else ""
        role = "owned" if possessed else "subject"
        mentions.append(Mention(text, Kind.THING, plural(text), role, noun))
    return mentions
