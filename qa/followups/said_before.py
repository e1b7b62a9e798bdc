"""What the earlier turns said of a noun a follow-up uses again: what it was of ("the average"
after "the national average for a gallon of regular gas"), whose it was ("one share" after
"did Alphabet split its shares"), and what the cited headline calls it ("the group" under
"Broncos sale to Walton group")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answering.answer import Answer

from .mentions import names_in

_OWNED = re.compile(r"\b(?:its|their)\s+(?P<noun>[a-z]{3,})\b")


def complement_of(noun: str, readings: Sequence[str]) -> str | None:
    """What the latest reading that used the noun said it was of or for: "for a gallon of
    regular gas" for "average" after "the AAA national average for a gallon of regular gas"."""
    said = re.compile(rf"\b{re.escape(noun)}\s+(?P<of>(?:of|for)\s+[^,?]*[^,?\s])", re.I)
    for reading in reversed(readings):
        found = said.search(reading)
        if found:
            return found.group("of")
    return None


def with_owner(question: str, readings: Sequence[str]) -> str | None:
    """ "the price of one Alphabet share" for "the price of one share" after "By what ratio
    did Alphabet split its shares?": a thing an earlier question gave an owner, said again
    without one, is the owner's. None when no earlier question owned a noun it uses."""
    for reading in reversed(readings):
        for owned in _OWNED.finditer(reading):
            owners = [m.text for m in names_in(reading[: owned.start()]) if m.role != "place"]
            stem = owned.group("noun").lower().removesuffix("s")
            again = re.search(rf"\b(?:one|a|an|each|per|the)\s+(?={stem}s?\b)", question)
            if owners and again:
                return f"{question[: again.end()]}{owners[-1]} {question[again.end() :]}"
    return None


def headline(turns: Sequence[tuple[str, Answer]]) -> str:
    """The title of the article the last answer cites: on screen under the answer."""
    last = next((a for _, a in reversed(turns) if a.found and a.citations), None)
    return last.citations[0].title if last else ""


def said_before(noun: str, turns: Sequence[tuple[str, Answer]], readings: Sequence[str]) -> bool:
    """Whether an earlier turn used the noun or a word of its family ("recalled")."""
    stem = noun[: max(4, len(noun) - 3)]
    for (_question, answer), reading in zip(turns, readings, strict=True):
        words = re.findall(r"[a-z]+", f"{reading} {answer.text}".lower())
        if any(word.startswith(stem) for word in words):
            return True
    return False
