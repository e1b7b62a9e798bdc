"""Follow-ups without a subject of their own: "when?", "and in Germany?", "what about 2013?",
"how many were sold?". Each is read as the last question again, with the new words in place."""

from __future__ import annotations

import re

from qa.answering.answer import Answer

from .mentions import names_in
from .nouns import AUXILIARIES, KIND_OF_NOUN, KNOWN_PLACES, Kind, word_set
from .phrases import phrases
from .slots import fill_whole, is_whole, parts_of

LEAD = re.compile(r"^(?:and|but|so|ok|okay|also|then)\b[\s,]*", re.IGNORECASE)
"""What may open a follow-up before its question ("and where?")."""
WH = r"(?:who|whom|whose|what|which|when|where|why|how(?:\s+(?:many|much|long|often|far|old|big))?)"
PREPOSITION = r"(?:in|on|at|for|by|from|to|of|during|since|until|with|about)"
# "when?", "and where exactly?", "for how long?", "by how much?", "from what?"
_BARE = re.compile(
    rf"(?:(?P<prep>{PREPOSITION})\s+)?(?P<wh>{WH})(?:\s+(?:exactly|then|else|precisely))?\s*[?.!]*",
    re.IGNORECASE,
)
# "when was that?", "when did they do that?", "why did it happen?"
_BARE_THAT = re.compile(
    rf"(?P<wh>{WH})\s+(?:did|does|was|is|were|will)\s+"
    r"(?:(?:(?:he|she|it|they)\s+)?(?:do\s+)?(?:that|this)|it\s+happen)\s*[?.!]*",
    re.IGNORECASE,
)
_CLAUSE = re.compile(
    rf"(?:^|,\s*)(?:(?P<prep>{PREPOSITION})\s+)?(?P<wh>{WH})\b\s*(?P<rest>[^,]*)$",
    re.IGNORECASE,
)
_HOW_MANY_ELIDED = re.compile(
    r"^(?:and\s+)?how\s+(?P<many>many)(?=\s+(?:were|are|was|is|did|do|does|have|has|will)\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_DIRECTION = re.compile(
    r"\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of\s+[\w ]+?(?=\s+is|\s+are|\?|$)", re.I
)
_DETERMINERS = word_set("the a an this that these those his her its their he she it they we you i")
_COPULAS = word_set("is was are were be been become became")
_PRONOUNS = word_set("he she him her his hers it its they them their")


def bare_question(question: str) -> re.Match[str] | None:
    """ "when?", "for how long?", "when was that?": a question word and nothing to ask about."""
    text = LEAD.sub("", question)
    return _BARE.fullmatch(text) or _BARE_THAT.fullmatch(text)


def is_bare(question: str) -> bool:
    """Whether the question is only a question word ("when?", "and where exactly?")."""
    return _BARE.fullmatch(LEAD.sub("", question)) is not None


def fill_elided(question: str, reading: str) -> str:
    """ "how many were sold in Canada?" after "how many rockers ...?": the noun put back."""
    elided = _HOW_MANY_ELIDED.match(question)
    noun = re.search(r"\bhow\s+many\s+([a-z]+)", reading, re.IGNORECASE) if elided else None
    if elided is None or noun is None:
        return question
    end = elided.end("many")
    return f"{question[:end]} {noun.group(1)}{question[end:]}"


def ask_again(reading: str, answer: Answer, wh: str, prep: str | None) -> str | None:
    """A bare question word asks the last question (as read) again: after "who met in Lucca?"
    (G7 foreign ministers), "when?" is read as "when did G7 foreign ministers met in Lucca?"."""
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
            rest = re.sub(rf"\s+{PREPOSITION}$", "", rest)
        return f"{word} {rest}?"
    if first in AUXILIARIES:  # "which singer will launch" -> "where will Adele launch"
        return f"{word} {words[0]} {answer.text} {' '.join(words[1:])}?"
    return f"{word} did {answer.text} {' '.join(words)}?"  # the answer was the subject


def substitute(reading: str, answer: Answer, fragment: str) -> str | None:
    """The last question (as read) with the fragment put in place of what it replaces: "and in
    the British ones?" after "how many lived in the French colonies?"."""
    previous = reading.rstrip("?.! ")
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
    preposition = re.match(rf"{PREPOSITION}\b", lower)
    if preposition:
        found = re.search(
            rf"\b{preposition.group(0)}\s+[^,?]+?(?=\s+{PREPOSITION}\b|$)", previous, re.I
        )
        if found:
            return previous[: found.start()] + fragment + previous[found.end() :] + "?"
        # No slot of its kind: "and in France?" after "when did he say it?" adds the place
        # rather than overwrite a word that means something else.
        return f"{previous} {fragment}?"
    if is_whole(fragment) and (whole := fill_whole(previous, fragment)):
        return whole + "?"
    owned = parts_of(fragment)
    if fragment[:1].isupper() and not (owned.owner and owned.head):
        # "and Airbus?" after "When will Boeing deliver the planes?": a name stands in for a
        # name, a place for a place. "Airbus's new jet" is no name: in Boeing's place it
        # would keep Boeing's "new jet" after its own.
        place = fragment.lower() in KNOWN_PLACES
        for mention in names_in(previous):
            if (mention.role == "place") == place and mention.text != answer.text:
                return previous.replace(mention.text, fragment, 1) + "?"
    counted = re.search(r"\bhow\s+many\s+(?P<noun>[a-z][\w-]*)", previous, re.I)
    if counted and re.fullmatch(r"[a-z][\w-]*s", fragment):
        # "and rockers?" after "how many swings did the recall affect?": what is counted.
        return previous[: counted.start("noun")] + fragment + previous[counted.end("noun") :] + "?"
    new = fragment.lower().split()
    for phrase in phrases(previous):
        old = phrase.lower().split()
        # "the Rose Revolution" for "the Orange Revolution"; "year 13" for "year 12".
        if old[-1] == new[-1] or (old[0] == new[0] and len(old) == len(new)):
            return previous.replace(phrase, fragment, 1) + "?"
    if re.match(r"(?:the|its|his|her|their)\s", lower):
        for phrase in phrases(previous):
            if re.match(r"(?:the|its|his|her|their)\s|\w+['’]s\s", phrase, re.I):
                return previous.replace(phrase, fragment, 1) + "?"
    if answer.found and answer.text in previous:
        return previous.replace(answer.text, fragment, 1) + "?"
    words = previous.split()
    if len(words) > 2 and words[-2].lower() in _COPULAS and not re.match(WH, words[-1], re.I):
        # "and black?" after "what share of Fresno's population was Asian?": only what
        # follows "was" is a slot a word can fill; any other last word is a verb or a noun's
        # end, and overwriting it garbles the question.
        return " ".join([*words[:-1], fragment]) + "?"
    if re.fullmatch(r"[a-z][\w-]*s", fragment):
        # "what about studios?" with no slot for studios: the same question, for them.
        return f"{previous} for {fragment}?"
    return None


def asking_for(question: str, fragment: str) -> str:
    """The question asked with the word its new subject needs: "and the MVP?" after "what was
    the final score of Super Bowl 50?" asks who, not what, was the MVP."""
    head = parts_of(fragment).head  # "the captain of the team" asks for a person
    last = head[-1] if head else ""
    if KIND_OF_NOUN.get(last) is Kind.PERSON:
        return re.sub(r"^what(?=\s+(?:was|is|were|are)\b)", "who", question, flags=re.I)
    return question


def fragment_of(question: str) -> str | None:
    """The words of "and in Germany?", "what about 2013?", "and the MVP?": a turn without a
    verb or question word of its own that only makes sense in place of part of the last one."""
    text = question.strip().rstrip("?.! ").strip()
    about = re.match(r"(?:and\s+)?(?:what|how)\s+about\s+(?P<rest>.+)$", text, re.IGNORECASE)
    if about:
        return about.group("rest")
    lead = LEAD.match(text)
    if lead is None:
        return None
    rest = text[lead.end() :].strip()
    words = rest.lower().split()
    # Five words is a phrase, six a clause; but "of" opens a phrase of its own ("the cost
    # of the old tunnel"), so each side of it is counted alone.
    cut = words.index("of", 1) if "of" in words[1:] else len(words)
    if not words or max(cut, len(words) - cut - 1) > 5 or any(w in AUXILIARIES for w in words):
        return None
    if re.match(WH, words[0]) or any(w in _PRONOUNS for w in words[1:]):
        return None
    return rest
