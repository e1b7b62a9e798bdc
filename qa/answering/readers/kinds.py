"""What kind of answer a question asks for (an amount, a time, a person, a place), and whether a
candidate answer is of that kind: word patterns only, so asking loads no tagger."""

from __future__ import annotations

import re

KINDS = ("amount", "time", "person", "place", "what", "why", "how", "other")
"""Every kind `question_kind` returns; the first four are kinds an answer can be checked for."""

_KIND_PATTERNS = (
    (
        "amount",
        r"\bhow (many|much|far|long|large|big|old|tall|high|deep|wide|heavy|fast|often)\b"
        r"|\bwhat (percentage|percent|proportion|number|amount|fraction|share)\b",
    ),
    (
        "time",
        r"\bwhen\b|\b(what|which|in what|in which) (year|years|century|decade|date|day|month|"
        r"time|period|era|season|age)\b",
    ),
    ("person", r"\bwho(m|se)?\b"),
    (
        "place",
        r"\bwhere\b|\b(what|which|in what|in which) (country|city|state|region|continent|town|"
        r"place|location|county|province|island|area|nation)\b",
    ),
    ("what", r"\b(what|which)\b"),
    ("why", r"\bwhy\b"),
    ("how", r"\bhow\b"),
)
_COMPILED = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _KIND_PATTERNS)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|hundred|"
    r"hundreds|thousand|thousands|million|millions|billion|billions|trillion|half|quarter|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|several|few|many"
)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_FITS = {
    "amount": re.compile(rf"\d|\b({_NUMBER_WORDS})\b|%", re.IGNORECASE),
    "time": re.compile(
        rf"\d|\b({_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|century|"
        r"centuries|decade|decades|year|years|week|weeks|day|days|today|yesterday|tomorrow|"
        r"morning|evening|night|spring|summer|autumn|fall|winter|ago|later|after|before|"
        r"during|since|until|era|age|period|bc|ad|bce)\b",
        re.IGNORECASE,
    ),
}


def question_kind(question: str) -> str:
    """The kind of answer the question asks for: one of KINDS ("other" when none is named).
    The first wh-word decides, so "Who was president when ...?" asks for a person."""
    found = [
        (match.start(), order, kind)
        for order, (kind, pattern) in enumerate(_COMPILED)
        if (match := pattern.search(question))
    ]
    if not found:
        return "other"
    # A specific kind ("how many", "what year") beats the bare "what"/"how" it begins with.
    first = min(found)
    specific = [f for f in found if f[1] < 4 and f[0] <= first[0] + 6]
    return min(specific)[2] if specific else first[2]


def fits(kind: str, answer: str) -> float:
    """1.0 when the answer looks like the kind asked for, 0.0 when it does not, 0.5 when the
    kind cannot be checked from the words ("what" questions): numbers for amounts, dates and
    time words for times, capitalised names without digits for people and places."""
    if kind in _FITS:
        return float(bool(_FITS[kind].search(answer)))
    if kind in ("person", "place"):
        words = answer.split()
        named = bool(words) and words[0][:1].isupper() and not any(c.isdigit() for c in answer)
        return float(named)
    return 0.5
