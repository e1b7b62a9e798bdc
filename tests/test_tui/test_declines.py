"""What the chat shows for a declined answer (and why), and for an answer with other candidates
or with words of the question that its article never mentions; fed fixed answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import FixedAsker
from textual.pilot import Pilot
from textual.widgets import Input, Static

from qa import Answer, Citation, History, Settings
from qa.answering.answer import BELOW_LINE, NOT_IN_ARTICLES, Candidate
from qa.answering.asker import below_line_message
from qa.index import Library
from qa.tui import QAApp, make_app
from qa.tui.widgets import CitationItem, Turn, answer_body

SIZE = (110, 40)
TITLE = "G7 group meets with Middle East officials to discuss way forward in Syria"
TUESDAY = "Tillerson is travelling Tuesday to Moscow."
MONDAY = (
    "But on Monday, U.S. Secretary of State Rex Tillerson visited the site of a World War Two "
    "Nazi massacre in Italy and said Washington would never let such abuses go unchallenged."
)
JOHNSON = (
    "Alfano says the idea was raised at a meeting in Lucca, Italy, by British Foreign Secretary "
    "Boris Johnson."
)


def _cited(number: int, sentence: str, start: int) -> Citation:
    return Citation(number, TITLE, "seeds/g7.txt", "", sentence, start, start + len(sentence), 1, 1)


BELOW = Answer(
    question="when did Tillerson meet Lavrov?",
    found=False,
    confidence=0.03,
    citations=[_cited(1, TUESDAY, 1318), _cited(2, MONDAY, 5425)],
    candidates=[Candidate("Tuesday", 2.1, 1, 1342, 1349), Candidate("Monday", 1.4, 2, 5432, 5438)],
    message=below_line_message("Tuesday", 0.03, 0.05, ["Lavrov"], []),
    decline=BELOW_LINE,
    closest="Tuesday",
    line=0.05,
    unmet=["Lavrov"],
)
NOTHING = Answer(
    question="who won the 2022 world cup?",
    found=False,
    confidence=0.067,
    citations=[_cited(1, TUESDAY, 1318)],
    message="Not found in your articles.",
    decline=NOT_IN_ARTICLES,
    line=0.05,
)
FOUND = Answer(
    question="who raised Airbus sanctions?",
    found=True,
    text="Boris Johnson",
    confidence=0.45,
    highlight=(91, 104),
    citations=[_cited(1, JOHNSON, 3352), _cited(2, TUESDAY, 1318), _cited(3, MONDAY, 5425)],
    candidates=[
        Candidate("Boris Johnson", 7.5, 1, 3443, 3456),
        Candidate("Tillerson", 4.4, 2, 1318, 1327),
        Candidate("Boris Johnson", 4.0, 3, 0, 0),
        Candidate("Rex Tillerson", 3.9, 3, 5474, 5487),
        Candidate("Monday", 3.1, 3, 5432, 5438),
        Candidate("Washington", 2.2, 3, 0, 0),
    ],
    line=0.05,
    unmet=["Airbus"],
)


@pytest.fixture(scope="module")
def fixed_asker(seeds_library: Library) -> Iterator[FixedAsker]:
    answers = {answer.question: answer for answer in (BELOW, NOTHING, FOUND)}
    asker = FixedAsker(seeds_library, Settings(library=seeds_library.folder), answers)
    asker.warm_up()
    yield asker


@pytest.fixture
def app(fixed_asker: FixedAsker, tmp_path: Path) -> QAApp:
    return make_app(
        fixed_asker.settings,
        lambda settings: fixed_asker,
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )


async def ask(pilot: Pilot[None], question: str) -> str:
    """Ask `question`; what the chat shows as its answer."""
    pilot.app.query_one("#question", Input).focus()
    await pilot.press(*question, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    turn = list(pilot.app.query(Turn))[-1]
    return str(turn.query_one(".answer", Static).render())


async def test_an_answer_below_the_line_shows_why_and_its_candidates(app: QAApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        shown = await ask(pilot, BELOW.question)
    assert shown.splitlines() == [
        "Found “Tuesday” (3%), below your 5% line. Its article never mentions “Lavrov”.",
        "Candidates: Tuesday [1], Monday [2]",
        "The closest passages:",
    ]  # its chance only in the message: no dot that would make it look like an answer


async def test_a_question_nothing_answers_shows_no_confidence(app: QAApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        shown = await ask(pilot, NOTHING.question)
    assert shown.splitlines() == ["Not found in your articles.", "The closest passages:"]


async def test_a_found_answer_lists_other_candidates_and_what_its_article_never_mentions(
    app: QAApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        shown = await ask(pilot, FOUND.question)
    assert shown.splitlines()[0] == "Boris Johnson  ● confidence 45%"
    assert shown.splitlines()[-2:] == [
        "Its article never mentions “Airbus”.",
        # as the CLI: the first three, without the answer's own text again
        "Other candidates: Tillerson [2], Rex Tillerson [3], Monday [3]",
    ]


def test_the_missing_words_are_yellow_and_the_candidates_dim() -> None:
    body = answer_body(FOUND)
    styles = {body.plain[span.start : span.end]: str(span.style) for span in body.spans}
    assert styles["\nIts article never mentions “Airbus”."] == "yellow"
    assert styles["Other candidates: Tillerson [2], Rex Tillerson [3], Monday [3]"] == "dim"


async def test_copy_on_a_declined_answer_takes_its_message_and_the_selected_passage(
    app: QAApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, BELOW.question)
        await pilot.press("tab", "down")  # from the closest passage [1] to [2]
        assert isinstance(app.focused, CitationItem)
        assert app.focused.citation.number == 2
        await pilot.press("y")
    assert app.clipboard.splitlines() == [BELOW.message, f"“{MONDAY}” — {TITLE} · seeds/g7.txt"]
