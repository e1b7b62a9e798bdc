"""The chat's second pass (issue 23): answers after Ctrl+N, navigation, paste, copy, empty states,
opening sources, editing and re-asking, longer answers; driven by the Pilot over seeds/."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from test_app import SIZE, ask
from textual import events
from textual.widgets import Label, Static

from qa import History, Settings
from qa.tui import QAApp, make_app
from qa.tui.chat_log import ChatLog
from qa.tui.chats import ChatItem
from qa.tui.paste import PasteSafeParser
from qa.tui.screens import KEYS
from qa.tui.widgets import CitationItem, QuestionInput, Turn


def on_screen(log: ChatLog, turn: Turn) -> bool:
    """Whether some of `turn` is inside the chat pane's visible region."""
    visible = log.scrollable_content_region
    region = turn.region
    return region.height > 0 and bool(visible.intersection(region).area)


async def test_answers_after_ctrl_n_on_a_reopened_chat_are_drawn_on_screen(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        for question in ("who raised sanctions?", "what did he say about Russia?", "why?"):
            await ask(pilot, app, question)
    app = chat_app()  # a restart reopens that chat, held at its end
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        log = app.query_one(ChatLog)
        await pilot.press("ctrl+n")
        await pilot.pause()
        # Held at the end, the emptied log was scrolled past its content (-34 after three
        # turns), so what came next was drawn off-screen, the pane left blank.
        assert 0 <= log.scroll_y <= log.max_scroll_y
        for question in ("who raised sanctions?", "when did the G7 meet?"):
            app.query_one("#question").focus()
            await pilot.press(*question, "enter")
            await pilot.pause()
            pending = log.query(Turn).last()
            assert on_screen(log, pending)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert 0 <= log.scroll_y <= log.max_scroll_y
            assert on_screen(log, pending)
        assert len(log.query(Turn)) == 2


async def test_j_stops_at_the_last_citation_and_types_nothing(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab")
        items = list(app.query(CitationItem))
        await pilot.press(*"j" * (len(items) + 3))
        assert app.focused is items[-1]
        assert app.query_one(QuestionInput).value == ""
        await pilot.press("k")
        assert app.focused is items[-2]
        await pilot.press("down", "down")  # the arrows still leave for the question box
        assert app.focused is app.query_one(QuestionInput)


async def test_a_smaller_terminal_keeps_the_newest_answer_in_view(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "what did he say about Russia?")
        log = app.query_one(ChatLog)
        newest = log.query(Turn).last()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        question = newest.query_one(".question-row")
        assert log.scrollable_content_region.contains_region(question.region), (
            question.region,
            log.scrollable_content_region,
        )


async def test_the_chat_list_counts_the_open_chats_questions(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "what did he say about Russia?")
        await pilot.press("ctrl+b")
        await pilot.pause()
        labels = [str(item.query_one(Label).render()) for item in app.query(ChatItem)]
        assert any("2 questions" in label for label in labels), labels
        await pilot.press("ctrl+b")  # closed: the focus is not left on the hidden list
        assert app.focused is app.query_one(QuestionInput)


async def test_a_paste_typed_as_keys_is_one_question_and_its_notice_goes_with_it(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one(QuestionInput)
        box.focus()
        # What the paste-safe parser makes of lines typed by a terminal without bracketed paste.
        for event in PasteSafeParser().feed("who raised\rsanctions\rin Lucca?\r"):
            box.post_message(event)
        await pilot.pause()
        assert box.value == "who raised sanctions in Lucca?"
        assert not app.query(Turn)  # not asked: the person reads it first
        status = app.query_one("#status", Static)
        assert "Pasted 3 lines as one question." in str(status.render())
        await pilot.press("ctrl+u")
        assert box.value == ""
        assert "Pasted" not in str(status.render())


def toasts(app: QAApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_copy_uses_the_system_clipboard_where_a_tool_is_installed_and_says_which(
    chat_app: Callable[[], QAApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab", "y")
        await pilot.pause()
        # No tool: the terminal alone was asked (tmux ignores it by default), and it says so.
        assert any("if nothing pastes" in toast for toast in toasts(app)), toasts(app)
        tools = tmp_path / "bin"
        tools.mkdir()
        copied = tmp_path / "copied.txt"
        xclip = tools / "xclip"
        xclip.write_text(f'#!/bin/sh\necho "$@" > {copied}.args\ncat > {copied}\n')
        xclip.chmod(0o755)
        monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
        monkeypatch.setenv("DISPLAY", ":99")
        await pilot.press("y")
        await pilot.pause()
        assert copied.read_text() == app.clipboard and app.clipboard.startswith("Boris Johnson")
        assert Path(f"{copied}.args").read_text().split() == ["-selection", "clipboard"]
        assert any("system clipboard, xclip" in toast for toast in toasts(app)), toasts(app)


async def test_the_first_start_offers_things_to_ask_about_from_the_library(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        welcome = str(app.query_one("#welcome", Static).render())
        assert "Ask about: G7 group meets with Middle East officials" in welcome
        await ask(pilot, app, "who raised sanctions?")
        assert not app.query("#welcome")


async def test_without_articles_the_chat_says_so_at_once_and_points_at_its_own_add(
    tmp_path: Path,
) -> None:
    app = make_app(Settings(library=tmp_path / "empty"), history=History(tmp_path / "history"))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        welcome = str(app.query_one("#welcome", Static).render())
        assert "In the chat: Ctrl+L, then a, adds a folder of articles" in welcome
        await ask(pilot, app, "who?")
        answer = str(app.query(Turn).last().query_one(".answer", Static).render())
        assert "qa index add" in answer and "In the chat: Ctrl+L, then a, adds" in answer


async def test_o_opens_the_cited_article_in_the_editor_at_its_sentence(
    chat_app: Callable[[], QAApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "editor-args.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab", "down", "o")
        await pilot.pause()
        line, path = log.read_text().split()
        cited = list(app.query(CitationItem))[1].citation.sentence
        assert cited[:60] in Path(path).read_text().splitlines()[int(line[1:]) - 1]
        assert any("at line" in message for message in toasts(app)), toasts(app)


async def test_e_brings_a_turns_question_back_to_edit(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "when did the G7 meet?")
        first = app.query(Turn).first()
        first.query(CitationItem).first().focus()
        await pilot.press("e")
        box = app.query_one(QuestionInput)
        assert box.value == "who raised sanctions?" and app.focused is box
        await pilot.press("backspace", *" in Lucca?", "enter")
        await app.workers.wait_for_complete()
        assert app.query(Turn).last().question == "who raised sanctions in Lucca?"


async def test_l_shows_the_paragraph_and_every_answer_found(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab", "l")
        await pilot.pause()
        more = str(app.query_one(".more", Static).render())
        assert "But Alfano said isolating Russia" in more
        assert "• Boris Johnson  [1]" in more and "• Chrystia Freeland  [2]" in more
        await pilot.press("l")
        await pilot.pause()
        assert not app.query(".more")


async def test_ctrl_t_starts_a_new_topic_within_the_chat(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("ctrl+t")
        await ask(pilot, app, "what did he say about Russia?")
        assert app.query(Turn).last().answer.read_as == ""  # type: ignore[union-attr]
        assert len(app.query(Turn)) == 2 and app.chat_id is not None  # the same chat goes on


def test_f1_names_the_new_keys() -> None:
    named = "\n".join(f"{key}: {meaning}" for key, meaning in KEYS)
    for key in ("o  on a citation", "e  on a citation", "l  on a citation", "Ctrl+T"):
        assert key in named


async def test_a_short_saved_chat_opens_at_the_top_of_the_pane(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await ask(pilot, app, "who raised sanctions?")
    app = chat_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        await pilot.pause()
        log = app.query_one(ChatLog)
        # Held at its end, a chat shorter than the pane sat at its bottom under a blank top.
        assert log.scroll_y == 0
        assert log.query(Turn).first().region.y <= log.region.y + 2


async def test_a_paste_on_a_citation_goes_to_the_question_box(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab")
        assert isinstance(app.focused, CitationItem)
        app.post_message(events.Paste("when did\nthe G7 meet?"))  # as the terminal's driver does
        await pilot.pause()
        await pilot.pause()
        box = app.query_one(QuestionInput)
        assert box.value == "when did the G7 meet?" and app.focused is box
