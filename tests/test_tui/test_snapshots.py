"""How the chat looks in its main states, at 80x24, compared with saved SVG snapshots."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from support import SEEDS, FixedAsker
from textual.pilot import Pilot
from textual.widgets import Input

from qa import Answer, Asker, Citation, History, Settings
from qa.answering.answer import BELOW_LINE, NOT_IN_ARTICLES, Candidate
from qa.answering.asker import below_line_message
from qa.index import Library, MiniLMEmbedder
from qa.tui import QAApp, make_app
from qa.tui.widgets import CitationItem

# Citations show article paths, so the snapshot library always lives at the same place.
FIXED = Path(tempfile.gettempdir()) / "qa-snapshot"
SIZE = (80, 24)
SEED = str(FIXED / "seeds" / "000_be1cfe4c88351585.txt")
TITLE = "G7 group meets with Middle East officials to discuss way forward in Syria"


def _cited(number: int, sentence: str, start: int, passage: int) -> Citation:
    """A sentence of the seed article (offsets in its text), as a citation numbered `number`."""
    return Citation(number, TITLE, SEED, "", sentence, start, start + len(sentence), 1, passage)


FREELAND = _cited(
    2,
    "Foreign Affairs Minister Chrystia Freeland, at the G7 meeting in Italy, said Canada is "
    "looking very carefully at whether to impose additional sanctions on Russia.",
    353,
    2,
)
ANSWERS = {
    answer.question: answer
    for answer in [
        Answer(
            question="who raised sanctions?",
            found=True,
            text="Boris Johnson",
            confidence=0.45,
            highlight=(91, 104),
            citations=[
                _cited(
                    1,
                    "Alfano says the idea was raised at a meeting in Lucca, Italy, by British "
                    "Foreign Secretary Boris Johnson.",
                    3352,
                    8,
                ),
                FREELAND,
                _cited(3, "U.S. Secretary of State Rex Tillerson on his way to Moscow", 293, 1),
            ],
            candidates=[
                Candidate("Boris Johnson", 7.5393, 1, 3443, 3456),
                Candidate("Chrystia Freeland", 4.4884, 2, 378, 395),
            ],
        ),
        Answer(
            question="who won the 2022 world cup?",
            found=False,
            confidence=0.067,
            citations=[
                _cited(1, "Tillerson is travelling Tuesday to Moscow.", 1318, 4),
                _cited(
                    2,
                    "But on Monday, U.S. Secretary of State Rex Tillerson visited the site of a "
                    "World War Two Nazi massacre in Italy and said Washington would never let "
                    "such abuses go unchallenged.",
                    5425,
                    12,
                ),
                replace(FREELAND, number=3),
            ],
            message="Not found in your articles.",
            decline=NOT_IN_ARTICLES,
            line=0.05,
        ),
        Answer(
            question="when did Tillerson meet Lavrov?",
            found=False,
            confidence=0.03,
            citations=[
                _cited(1, "Tillerson is travelling Tuesday to Moscow.", 1318, 4),
                _cited(
                    2,
                    "But on Monday, U.S. Secretary of State Rex Tillerson visited the site of a "
                    "World War Two Nazi massacre in Italy and said Washington would never let "
                    "such abuses go unchallenged.",
                    5425,
                    12,
                ),
            ],
            candidates=[
                Candidate("Tuesday", 2.1, 1, 1342, 1349),
                Candidate("Monday", 1.4, 2, 5432, 5438),
            ],
            message=below_line_message("Tuesday", 0.03, 0.05, ["Lavrov"], []),
            decline=BELOW_LINE,
            closest="Tuesday",
            line=0.05,
            unmet=["Lavrov"],
        ),
    ]
}
"""What the chat is shown for the questions the snapshots ask: fixed, so that the screens do
not move with the passage encoder the machine measured fastest (bf16 or int8 ONNX) or with a
refitted calibrator. The citations are real sentences of the seed article, so that the sources
pane reads them from the library."""


@pytest.fixture(scope="module")
def snapshot_asker(real_embedder: MiniLMEmbedder) -> Iterator[Asker]:
    shutil.rmtree(FIXED, ignore_errors=True)
    shutil.copytree(SEEDS, FIXED / "seeds")
    library = Library(FIXED / "library", real_embedder)
    library.add([FIXED / "seeds"])
    asker = FixedAsker(library, Settings(library=FIXED / "library"), ANSWERS)
    asker.warm_up()
    yield asker
    library.close()
    shutil.rmtree(FIXED, ignore_errors=True)


@pytest.fixture
def app(snapshot_asker: Asker, tmp_path: Path) -> QAApp:
    return make_app(
        snapshot_asker.settings,
        lambda settings: snapshot_asker,
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )


async def settle(pilot: Pilot[None]) -> None:
    """Wait for workers, and stop the cursor blinking so every snapshot catches it alike."""
    await pilot.app.workers.wait_for_complete()
    for box in pilot.app.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def ask(pilot: Pilot[None], question: str) -> None:
    await settle(pilot)
    pilot.app.query_one("#question", Input).focus()
    await pilot.press(*question, "enter")
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_empty_chat(snap_compare, app: QAApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_answer_with_citations(snap_compare, app: QAApp) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await ask(pilot, "who raised sanctions?")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_not_found(snap_compare, app: QAApp) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await ask(pilot, "who won the 2022 world cup?")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_declined_below_the_line(snap_compare, app: QAApp) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await ask(pilot, "when did Tillerson meet Lavrov?")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_sources_pane(snap_compare, app: QAApp) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await ask(pilot, "who raised sanctions?")
        await pilot.press("ctrl+s", "tab")
        assert isinstance(pilot.app.focused, CitationItem)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, app: QAApp) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_answer_line_prompt(snap_compare, app: QAApp) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.action_answer_line()  # what Ctrl+P "Answer line" and a click on it run
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
