"""The span reader's choice of answer in a window: never page furniture (headings, datelines)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pytest

from qa.answering.readers.furniture import is_furniture, tidy_edges, whole_amount
from qa.answering.readers.span import SpanReader, _best_spans

PAGE = (
    "Contrary to the fuss, the dress was not damaged.\n\n"
    "QUIZ TIME\n\n"
    "New York CNN Business \u2014\n\n"
    "Netflix renewed Squid Game for a second season.\n\n"
    "Attendees:\n- Boris Johnson\n"
    "\nSAN FRANCISCO (AP) \u2014 Hackers leaked the records of a billion people in China.\n"
    "\nLIMA, Peru (AP) \u2014 NEW YORK (AP) was a test line.\n"
    "\nBOSTON \u2013 A dateline without an agency.\n"
    "\nSZA \u2013 \u201cSnooze\u201d \u2013 Top Dawg Entertainment / RCA Records\n\n"
    "Prices of farm goods in the\n"
    "U.S. -- the biggest producer -- fell, a hard-wrapped line that is no dateline.\n"
    "Freeland said Canada is looking at sanctions. (Max Rossi/Reuters)\n"
    "The Gotham team (NJ/NY Gotham) won. (Photo by Chris Jackson/Getty Images)\n"
)


def _span(text: str) -> tuple[int, int]:
    start = PAGE.index(text)
    return start, start + len(text)


@pytest.mark.parametrize(
    ("text", "furniture"),
    [
        ("QUIZ TIME", True),
        ("New York CNN Business", True),
        ("New York CNN Business \u2014\n\nNetflix renewed", True),
        ("QUIZ", False),
        ("Squid Game", False),
        ("Boris Johnson", False),  # a list item is a fair answer
        ("Attendees", True),
        ("SAN FRANCISCO", True),  # a dateline says where the story was filed
        ("FRANCISCO (AP)", True),
        ("Peru", True),
        ("China", False),
        ("NEW YORK", False),  # only the dateline opening a line is furniture
        ("BOSTON", True),
        ("SZA", False),  # a list item of songs, not a dateline: its paragraph is no sentence
        ("U.S.", False),
        ("Max Rossi", True),  # a photo credit
        ("Reuters", True),
        ("Chris Jackson", True),
        ("NJ/NY Gotham", False),  # a slash in brackets but no agency: not a credit
        ("Freeland", False),
    ],
)
def test_headings_and_datelines_are_furniture(text: str, furniture: bool) -> None:
    assert is_furniture(PAGE, *_span(text)) is furniture


@dataclass
class _Window:
    """The parts of a tokenizer encoding that span decoding reads."""

    ids: list[int]
    sequence_ids: list[int | None]
    offsets: list[tuple[int, int]]


def test_best_span_passes_over_a_heading_to_the_next_best_answer() -> None:
    words = [(m, m + len(w)) for w, m in _words(PAGE)]
    window = _Window(
        ids=list(range(len(words) + 1)),
        sequence_ids=[None] + [1] * len(words),
        offsets=[(0, 0), *words],
    )
    quiz = 1 + next(i for i, (s, _) in enumerate(words) if PAGE[s:].startswith("QUIZ"))
    squid = 1 + next(i for i, (s, _) in enumerate(words) if PAGE[s:].startswith("Squid"))
    starts, ends = np.zeros(len(window.ids)), np.zeros(len(window.ids))
    starts[quiz], ends[quiz + 1] = 9.0, 9.0  # "QUIZ TIME" scores highest
    starts[squid], ends[squid + 1] = 7.0, 7.0  # "Squid Game" next
    best, *others = _best_spans(starts, ends, window, PAGE, 3)
    assert PAGE[best.start : best.end] == "Squid Game"
    assert best.score == 14.0
    assert len(others) == 2 and all(o.score <= best.score for o in others)


def _words(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in re.finditer(r"\w+", text)]


def test_real_reader_answers_from_the_sentence_not_the_heading() -> None:
    reader = SpanReader()
    (span,) = reader.best_spans("Which show did Netflix renew for a second season?", [PAGE])
    assert PAGE[span.start : span.end] == "Squid Game"


def test_real_reader_answers_from_the_sentence_not_the_dateline() -> None:
    # Without the dateline rule the reader answers "SAN FRANCISCO" here, with a margin of 8.4.
    page = (
        "SAN FRANCISCO (AP) \u2014 The records of a billion people leaked this week, "
        "a hacker said on a forum in China.\n"
    )
    (span,) = SpanReader().best_spans("Where did the leak of a billion records happen?", [page])
    assert page[span.start : span.end] == "China"


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        ("\"the G7's position is very clear", "the G7's position is very clear"),
        ("Boris Johnson, ", "Boris Johnson"),
        ("the UN)", "the UN"),
        ("Lake Tahoe \u2014", "Lake Tahoe"),
        ("(the UN)", "(the UN)"),  # whole pairs stay
        ("\u201cGrease\u201d", "\u201cGrease\u201d"),
        ("the Smiths\u2019", "the Smiths\u2019"),  # a possessive, not half a quote
        ('"', '"'),  # nothing would be left: kept as it was
    ],
)
def test_answers_lose_half_pairs_and_trailing_punctuation_at_their_edges(
    answer: str, shown: str
) -> None:
    text = f"Before. {answer} After."
    start = text.index(answer)
    span = tidy_edges(text, start, start + len(answer))
    assert text[span.start : span.end] == shown


@pytest.mark.parametrize(
    ("text", "picked", "shown"),
    [
        ("The deal was worth A$245m in cash.", "$245m", "A$245m"),
        ("The deal was worth A$245m in cash.", "245", "A$245m"),
        ("It raised HK$1.2bn last year.", "$1.2bn", "HK$1.2bn"),
        ("It raised HK$1.2bn last year.", "2bn", "HK$1.2bn"),  # a number cut inside
        ("Shares fell C$3 on Monday.", "3", "C$3"),
        ("A fine of NZ$50,000 was paid.", "$50", "NZ$50,000"),
        ("Sales hit S$9m.", "$9m", "S$9m"),
        ("It cost US$4bn, he said.", "4", "US$4bn"),
        ("Tickets cost Rs 500 each.", "500", "Rs 500"),
        ("Tickets cost Rs.500 each.", "500", "Rs.500"),
        ("Rents rose to €5m.", "5", "€5m"),
        ("The yen deal was ¥300bn.", "300", "¥300bn"),
        ("Profit was £600m.", "600", "£600m"),
        ("Prices rose 12% in May.", "12", "12%"),
        ("Prices rose 12% in May.", "rose 12", "rose 12%"),
        ("A pint costs 50p here.", "50", "50p"),
        # Left as they are: no amount at an edge, or nothing glued to it.
        ("He met Mrs 500 times.", "500", "500"),
        ("In 2004, 15 people came.", "2004", "2004"),
        ("It ended at 3pm sharp.", "3", "3"),
        ("The US$ was weak.", "weak", "weak"),
        ("Version 2 shipped.", "Version 2", "Version 2"),
        ("He paid $5 for it.", "$5", "$5"),
    ],
)
def test_an_amount_at_a_span_edge_keeps_its_currency_and_unit(
    text: str, picked: str, shown: str
) -> None:
    start = text.index(picked)
    span = whole_amount(text, start, start + len(picked))
    assert text[span.start : span.end] == shown
    # tidy_edges, through which every answer passes, gives the same
    tidied = tidy_edges(text, start, start + len(picked))
    assert text[tidied.start : tidied.end] == shown


def test_real_reader_keeps_the_currency_of_an_amount() -> None:
    page = (
        "Qantas said on Thursday that it had bought a stake in the regional airline for "
        "A$245m, its biggest purchase in a decade.\n"
    )
    (span,) = SpanReader().best_spans("How much did Qantas pay for the stake?", [page])
    assert page[span.start : span.end] == "A$245m"
