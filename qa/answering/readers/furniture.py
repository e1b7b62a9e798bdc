"""Page furniture the readers never answer with (headings, datelines, photo credits), and the
tidy edges of an answer: rules about a span's place in the text, not about the question."""

from __future__ import annotations

import re

from qa.index import Span

HEADING_WORDS = 5
"""A line this short that does not end a sentence is a heading, dateline or label."""
_LIST_ITEM = re.compile(r"([-*+\u2022]|\d+[.)])\s")
_EDGES = "-–—:|\"'“”‘’()[]*#>• \t"
_DATELINE = re.compile(
    r"[A-Z][A-Z.' -]*[A-Z.]"  # the place in capitals, "SAN FRANCISCO"
    r"(, [A-Z][\w.' ]{1,24})?"  # a state, country or date, ", Alaska"
    r"( ?\([A-Z][\w ]{0,24}\))? ?[-–—]+ "  # the agency if named, and a dash, "(AP) — "
)
"""A dateline opening a paragraph, "ANCHORAGE, Alaska (AP) — " or "SAN FRANCISCO – ": where the
story was filed."""
_SENTENCE_ENDS = (".", "!", "?", ":", '"', "”", "’", "'", ")")
_CREDIT = re.compile(r"\([^()\n]{0,60}/[^()\n]{0,60}\)")
"""A parenthesis with a slash: a photo credit such as "(Max Rossi/Reuters)" when it names an
agency (_CREDIT_WORD), not "(NJ/NY Gotham)"."""
_CREDIT_WORD = re.compile(
    r"\b(?:Photo|Getty|Images|Reuters|AP|AFP|ANSA|EPA|CNN|Bloomberg|Pool|via)\b"
)


_SYMBOLS = "$€£¥₹₩₽₪₦₱฿₺¢"
_CURRENCY_BEFORE_AMOUNT = re.compile(rf"(?<![\w$])(?:Rs\.? ?|[A-Z]{{0,3}}[{_SYMBOLS}])$")
"""A currency glued before an amount: "A$", "HK$", "US$", "€", "£", "Rs 500", "Rs.500"."""
_LETTERS_BEFORE_SYMBOL = re.compile(r"(?<![\w$])[A-Z]{1,3}$")
"""The country glued before a currency symbol: the "A" of "A$", the "HK" of "HK$"."""
_UNIT_AFTER_AMOUNT = re.compile(r"%|(?:bn|mn|m|tn|trn|k|K|M|B|p|pc|crore|lakh)\b")
"""A unit glued after an amount: "245m", "1.2bn", "12%", "50p"."""
_MORE_DIGITS = re.compile(r"(?:[.,]?\d)+")
"""The rest of a number cut inside: "2bn" of "1.2bn", "000" of "5,000"."""


def whole_amount(text: str, start: int, end: int) -> Span:
    """The span widened so that an amount at either edge is whole: its currency ("A$245m", not
    "$245m": Australian dollars are not US dollars), all its digits ("1.2bn", not "2bn") and a
    unit glued after it ("245m", "12%"). A span without an amount at an edge is left as it was."""
    first, last = start, end
    if first >= last:
        return Span(start, end)
    if text[first].isdigit():
        # Walk back over a number the start cut, "1.|2bn" or "5,|000", then over its currency.
        while first > 0 and (
            text[first - 1].isdigit()
            or (first > 1 and text[first - 1] in ".," and text[first - 2].isdigit())
        ):
            first -= 1
        currency = _CURRENCY_BEFORE_AMOUNT.search(text, max(0, first - 6), first)
        if currency is not None:
            first = currency.start()
    elif text[first] in _SYMBOLS:
        country = _LETTERS_BEFORE_SYMBOL.search(text, max(0, first - 3), first)
        if country is not None:
            first = country.start()
    if text[last - 1].isdigit():
        rest = _MORE_DIGITS.match(text, last)
        if rest is not None:
            last = rest.end()
        unit = _UNIT_AFTER_AMOUNT.match(text, last)
        if unit is not None:
            last = unit.end()
    return Span(first, last)


_PAIRS = {"“": "”", "‘": "’", '"': '"', "(": ")", "[": "]", "«": "»"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items() if close != "’"}
"""A closing ’ is left alone: it is also the apostrophe of a plural possessive ("the Smiths’")."""


def tidy_edges(text: str, start: int, end: int) -> Span:
    """The answer without the space, trailing comma or dash, or half a pair of quotes or brackets
    at its edges: `"the G7's position is very clear` shows as `the G7's position is very clear`.
    What is left is still a verbatim slice of the text; a span that would vanish is kept whole."""
    first, last = start, end
    while True:
        while first < last and text[first].isspace():
            first += 1
        while first < last and (text[last - 1].isspace() or text[last - 1] in ",;:–—-"):
            last -= 1
        if first >= last:
            return Span(start, end)
        opener, closer = text[first], text[last - 1]
        if opener in _PAIRS and _PAIRS[opener] not in text[first + 1 : last]:
            first += 1
        elif closer in _CLOSERS and _CLOSERS[closer] not in text[first : last - 1]:
            last -= 1
        else:
            return whole_amount(text, first, last)


def is_furniture(text: str, start: int, end: int) -> bool:
    """True for a span that is page furniture rather than something an article says."""
    return _whole_heading(text, start, end) or _in_dateline(text, start) or _in_credit(text, start)


def _in_credit(text: str, start: int) -> bool:
    """True when the span starts inside a photo credit: "Max Rossi/Reuters" took a photo, it is
    not the Italian foreign minister (a candidate the reader offered)."""
    line_start, line = _line_around(text, start)
    return any(
        credit.start() <= start - line_start < credit.end() and _CREDIT_WORD.search(credit.group())
        for credit in _CREDIT.finditer(line)
    )


def _in_dateline(text: str, start: int) -> bool:
    """True when the span starts inside a wire dateline: "SAN FRANCISCO" there says where the
    reporter filed from, not where the news happened (the reader picked it for "where did the
    leak occur?")."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start > 0 and not text.endswith("\n\n", 0, line_start):
        return False  # a dateline opens a paragraph; this may be a hard-wrapped line ("U.S. -- ")
    dateline = _DATELINE.match(text, line_start)
    if dateline is None or start >= dateline.end():
        return False
    # A dateline opens prose; "SZA – “Snooze” – RCA Records" and "BC — Tiemeyer 1 run" are
    # list items whose paragraph ends without a sentence's punctuation.
    paragraph_end = text.find("\n\n", dateline.end())
    paragraph = text[line_start : len(text) if paragraph_end < 0 else paragraph_end]
    return paragraph.rstrip().endswith(_SENTENCE_ENDS)


def _whole_heading(text: str, start: int, end: int) -> bool:
    """True when the span holds all of a short line that is not a sentence: scraped page furniture
    such as "QUIZ TIME" or "New York CNN Business —" (the reader picked both as answers)."""
    line_start, raw = _line_around(text, start)
    if _LIST_ITEM.match(raw.strip()):
        return False  # a list item ("- Boris Johnson") may well be the answer
    core = raw.strip(_EDGES)
    if not core or len(core.split()) > HEADING_WORDS or core.endswith((".", "!", "?")):
        return False
    core_start = line_start + raw.index(core)
    return start <= core_start and end >= core_start + len(core)


def _line_around(text: str, position: int) -> tuple[int, str]:
    """Where the line holding `position` starts, and that line without its newline."""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    return line_start, text[line_start : len(text) if line_end < 0 else line_end]
