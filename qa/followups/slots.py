"""Fragments with an owner or an "of" of their own ("and Airbus's new jet?", "and the price of
gold?"): which whole phrase of the last question each stands in for. Such a fragment replaces
a phrase as a whole; putting it in place of a name or of the phrase's first words leaves the old
owner or complement behind it ("Airbus's new jet's new jet", "the price of gold of oil")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .phrases import whole_phrases

_PARTS = re.compile(
    r"(?:(?P<owner>.*?)['’]s(?:\s+|$))?(?P<head>.*?)(?:\s+of\s+(?P<complement>.+))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Parts:
    """A noun phrase cut at its owner and its "of": "the company's shares of stock"."""

    owner: str
    """What owns it, without "'s": "the company", "Airbus"; empty when nothing does."""
    head: list[str]
    """Its own words, lower-case: ["new", "jet"]; empty for a bare owner ("Airbus's")."""
    complement: str
    """What its "of" says, lower-case: "oil" in "the price of oil"; empty when it has none."""


def parts_of(phrase: str) -> Parts:
    """The owner, own words and complement of a phrase: "Boeing's new jet" is ("Boeing",
    ["new", "jet"], ""), "the price of oil" is ("", ["the", "price"], "oil")."""
    match = _PARTS.fullmatch(phrase.strip())
    assert match is not None  # every group is optional: any text matches
    owner, head, complement = match.group("owner", "head", "complement")
    return Parts(owner or "", head.lower().split(), (complement or "").lower())


def is_whole(fragment: str) -> bool:
    """Whether a fragment has an owner ("Airbus's new jet") or an "of" ("the price of gold"):
    one that only a whole phrase can make room for."""
    parts = parts_of(fragment)
    return bool(parts.owner or parts.complement)


def fill_whole(previous: str, fragment: str) -> str | None:
    """The last question with the fragment in place of the whole phrase it stands in for, or
    None when the question has no phrase of its shape (then the other rules decide)."""
    new = parts_of(fragment)
    if new.owner:
        return _fill_owned(previous, fragment, new)
    if new.complement:
        return _fill_complemented(previous, fragment, new)
    return None


def _fill_owned(previous: str, fragment: str, new: Parts) -> str | None:
    """ "and Airbus's new jet?" after "when will Boeing's new jet fly?": the owned phrase, or
    only its owner when the fragment's own words are already there ("and Airbus's?")."""
    owned = [(phrase, parts_of(phrase)) for phrase in whole_phrases(previous)]
    owned = [(phrase, old) for phrase, old in owned if old.owner]
    if not owned:
        return None
    same = [(phrase, old) for phrase, old in owned if _same_head(old.head, new.head)]
    phrase, old = (same or owned)[0]
    start = previous.index(phrase)
    if not new.complement and _within(new.head, old.head):
        # "Airbus's jet" for "Boeing's new jet": the same thing of another owner, so only the
        # owner changes and "new" stays.
        return previous[:start] + new.owner + previous[start + len(old.owner) :]
    return previous[:start] + fragment + previous[start + len(phrase) :]


def _fill_complemented(previous: str, fragment: str, new: Parts) -> str | None:
    """ "and the price of gold?" after "why did the price of oil rise?": the phrase with the
    same head ("the queen of Spain" has the shape of "the king of Spain"), else the first that
    has an "of"."""
    candidates = [(phrase, parts_of(phrase)) for phrase in whole_phrases(previous)]
    candidates = [(phrase, old) for phrase, old in candidates if old.complement and not old.owner]
    same_head = [p for p, old in candidates if _same_head(old.head, new.head)]
    chosen = same_head or [p for p, _ in candidates]
    if not chosen:
        return None
    return previous.replace(chosen[0], fragment, 1)


def _same_head(old: list[str], new: list[str]) -> bool:
    """Whether two phrases name the same kind of thing: the same last word ("jet"), or the
    same shape ("year 12" and "year 13")."""
    if not old or not new:
        return not new  # a bare owner ("Airbus's") fits any owned phrase
    return old[-1] == new[-1] or (old[0] == new[0] and len(old) == len(new))


def _within(new: list[str], old: list[str]) -> bool:
    """Whether the fragment's own words are all in the old phrase, in order, ending on its
    head: then the old phrase already says them."""
    if not new:
        return True
    if new[-1] != old[-1]:
        return False
    rest = iter(old)
    return all(word in rest for word in new)
