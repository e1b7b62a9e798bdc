"""The span reader's choice of answer inside a window: never a line of page furniture."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pytest

from qa.reader import SpanReader, _best_span, _whole_heading

PAGE = (
    "Contrary to the fuss, the dress was not damaged.\n\n"
    "QUIZ TIME\n\n"
    "New York CNN Business \u2014\n\n"
    "Netflix renewed Squid Game for a second season.\n\n"
    "Attendees:\n- Boris Johnson\n"
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
    ],
)
def test_whole_short_lines_that_are_not_sentences_are_furniture(text: str, furniture: bool) -> None:
    assert _whole_heading(PAGE, *_span(text)) is furniture


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
    best = _best_span(starts, ends, window, PAGE)
    assert PAGE[best.start : best.end] == "Squid Game"
    assert best.score == 14.0


def _words(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in re.finditer(r"\w+", text)]


def test_real_reader_answers_from_the_sentence_not_the_heading() -> None:
    reader = SpanReader()
    (span,) = reader.read("Which show did Netflix renew for a second season?", [PAGE])
    assert PAGE[span.start : span.end] == "Squid Game"
