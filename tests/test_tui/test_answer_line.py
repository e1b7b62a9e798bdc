"""The answer line in the chat: chosen from the palette or the status bar, typed or picked,
applied to the next question, kept in the library's preferences.json, bad values refused."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import ROOT
from test_app import SIZE, ask, palette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from qa import Answer, Asker, History, PreferenceError, Settings, save_min_confidence
from qa.answering.answer import BELOW_LINE
from qa.config.preferences import PREFERENCES_NAME, load_min_confidence
from qa.index import Library
from qa.tui import QAApp, make_app
from qa.tui.answer_line import CHOICES, AnswerLineLabel, AnswerLinePrompt, parse_line, percent
from qa.tui.widgets import Turn, answer_body, confidence_colour

QUESTION = "who raised sanctions?"


@pytest.fixture
def line_asker(seeds_library: Library, seeds_asker: Asker) -> Iterator[Asker]:
    """An asker of its own over the shared seeds library (the shared one keeps the default
    line); the preferences.json it writes is removed afterwards, for the other tests."""
    saved = seeds_library.folder / PREFERENCES_NAME
    assert not saved.exists(), "another test left an answer line in the shared library"
    yield Asker(
        seeds_library,
        Settings(library=seeds_library.folder),
        reader=seeds_asker.reader,
        calibrator=seeds_asker.calibrator,
    )
    saved.unlink(missing_ok=True)


@pytest.fixture
def line_app(line_asker: Asker, tmp_path: Path) -> Callable[[], QAApp]:
    def make() -> QAApp:
        return make_app(
            line_asker.settings,
            lambda settings: line_asker,
            export_folder=tmp_path,
            history=History(tmp_path / "history"),
        )

    return make


def saved_line(asker: Asker) -> object:
    path = asker.library.folder / PREFERENCES_NAME
    return json.loads(path.read_text(encoding="utf-8"))["min_confidence"]


def label(app: QAApp) -> str:
    return str(app.query_one(AnswerLineLabel).render())


async def type_line(pilot: Pilot[None], typed: str) -> None:
    """Type a line in the open prompt's box and press Enter."""
    box = pilot.app.screen.query_one("#line-input", Input)
    box.focus()
    await pilot.press(*typed, "enter")
    await pilot.pause()


def last_answer(app: QAApp) -> Answer:
    answer = list(app.query(Turn))[-1].answer
    assert answer is not None
    return answer


async def test_a_line_typed_in_the_palette_declines_the_next_answer_under_it_and_is_kept(
    line_app: Callable[[], QAApp], line_asker: Asker
) -> None:
    app = line_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        assert label(app) == "Answer line: 5%"
        await ask(pilot, app, QUESTION)
        first = last_answer(app)
        assert first.found and first.confidence < 0.99

        await palette(pilot, "Answer line")
        assert isinstance(app.screen, AnswerLinePrompt)
        await type_line(pilot, "99%")
        assert not isinstance(app.screen, AnswerLinePrompt)
        assert label(app) == "Answer line: 99%"
        assert saved_line(line_asker) == 0.99

        await ask(pilot, app, QUESTION)
        second = last_answer(app)
        assert not second.found
        assert second.decline == BELOW_LINE  # an answer was found, under the 99% line
        assert second.message.startswith("Found “") and "below your 99% line." in second.message
    # Kept for the library: `qa ask` (a fresh asker) reads the same line.
    assert load_min_confidence(line_asker.library.folder) == 0.99


async def test_picking_a_measured_line_from_the_list(
    line_app: Callable[[], QAApp], line_asker: Asker
) -> None:
    # The answer's confidence under the default 5% line says which side of 50% it falls.
    before = line_asker.ask(QUESTION)
    assert before.found and before.confidence != 0.5
    app = line_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.click(AnswerLineLabel)  # the status bar's label opens the prompt
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, AnswerLinePrompt)
        options = prompt.query_one(OptionList)
        assert options.highlighted == 0  # the line now: the default 5%
        text = str(options.get_option_at_index(4).prompt)
        assert text.startswith(" 50%  answers 57% of questions, 83% of them right")
        await pilot.press("down", "down", "down", "down", "enter")
        await pilot.pause()
        assert label(app) == "Answer line: 50%"
        assert line_asker.min_confidence == 0.5
        assert saved_line(line_asker) == 0.5
        await ask(pilot, app, QUESTION)
        answer = last_answer(app)
        assert answer.found == (before.confidence > 0.5)
        assert answer.confidence == pytest.approx(before.confidence)
        if not answer.found:  # found, but under the line: said with its chance
            assert answer.decline == BELOW_LINE
            assert answer.message.startswith(f"Found “{before.text}” ")


async def test_a_bad_line_is_said_in_the_prompt_and_nothing_changes(
    line_app: Callable[[], QAApp], line_asker: Asker
) -> None:
    app = line_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await palette(pilot, "Answer line")
        for bad in ("150%", "often"):
            await type_line(pilot, bad)
            prompt = app.screen
            assert isinstance(prompt, AnswerLinePrompt)  # still open, to fix the value
            error = str(prompt.query_one("#line-error", Static).render())
            assert f"“{bad}” is not an answer line: type a chance from 0 to 100%" in error
            assert "\n" not in error
            prompt.query_one("#line-input", Input).value = ""
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AnswerLinePrompt)
        assert label(app) == "Answer line: 5%"
        assert not (line_asker.library.folder / PREFERENCES_NAME).exists()


async def test_the_chat_shows_the_library_s_saved_line(
    line_app: Callable[[], QAApp], line_asker: Asker
) -> None:
    save_min_confidence(line_asker.library.folder, 0.7)
    app = line_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        assert label(app) == "Answer line: 70%"
        await palette(pilot, "Answer line")
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 5  # the 70% row


async def test_an_unreadable_preferences_file_is_said_without_crashing(
    line_app: Callable[[], QAApp], line_asker: Asker, monkeypatch: pytest.MonkeyPatch
) -> None:
    (line_asker.library.folder / PREFERENCES_NAME).write_text("{", encoding="utf-8")
    app = line_app()
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(
        app, "tell", lambda message, severity="information": told.append((message, severity))
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        assert label(app) == "Answer line: ?"
        assert told[-1][1] == "error"
        assert "delete it to go back to the defaults" in told[-1][0]
        await palette(pilot, "Answer line")
        await type_line(pilot, "0.5")
        assert told[-1][1] == "error"
        assert "cannot save the minimum confidence" in told[-1][0]
        assert "\n" not in told[-1][0]


@pytest.mark.parametrize(
    ("typed", "line"),
    [("0.45", 0.45), ("45%", 0.45), ("45", 0.45), (" 12.5 % ", 0.125), ("0", 0.0), ("1", 1.0)],
)
def test_a_typed_line_is_a_probability_or_a_percentage(typed: str, line: float) -> None:
    assert parse_line(typed) == pytest.approx(line)


@pytest.mark.parametrize("typed", ["", "often", "150%", "-0.1", "nan", "101"])
def test_a_typed_line_that_is_no_chance_is_refused(typed: str) -> None:
    with pytest.raises(PreferenceError, match=r"type a chance from 0 to 100%, e\.g\. 45%"):
        parse_line(typed)


def test_lines_read_as_percentages_without_float_noise() -> None:
    assert [percent(line) for line in (0.1, 0.125, 0.7, 1.0, 0.0)] == [
        "10%",
        "12.5%",
        "70%",
        "100%",
        "0%",
    ]


def test_the_offered_lines_are_the_measured_rows_of_docs_quality() -> None:
    table = (ROOT / "docs" / "quality.md").read_text(encoding="utf-8")
    rows = {
        float(line): (float(answered), float(right) / 100)
        for line, answered, right in re.findall(
            r"^\| (0\.\d+)(?: \(default\))? \| ([\d.]+) \| ([\d.]+) \|", table, re.MULTILINE
        )
    }
    assert [choice.line for choice in CHOICES] == sorted(rows)
    for choice in CHOICES:
        assert (choice.answered, choice.right) == pytest.approx(rows[choice.line])


def test_the_confidence_colour_reads_against_the_chance_of_being_right() -> None:
    assert confidence_colour(0.15) == "red"  # shown under the default line, but a guess
    assert confidence_colour(0.49) == "red"
    assert confidence_colour(0.52) == "yellow"  # just above a 0.5 line: not "sure"
    assert confidence_colour(0.69) == "yellow"
    assert confidence_colour(0.7) == "green"
    assert confidence_colour(0.95) == "green"


def test_the_answer_shows_its_calibrated_chance_in_its_colour() -> None:
    body = answer_body(Answer("q", found=True, text="Boris Johnson", confidence=0.52))
    assert "● confidence 52%" in body.plain
    styles = [str(span.style) for span in body.spans if "●" in body.plain[span.start : span.end]]
    assert styles == ["yellow"]
