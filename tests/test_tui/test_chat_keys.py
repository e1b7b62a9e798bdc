"""The chat as a demanding new user meets it: keys, paste, memory across runs, citations, find,
toasts, a library that changes on disk (issue 15), driven by the Pilot over seeds/."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Text
from support import SEEDS
from test_app import SIZE, ask, shown
from textual import events
from textual.widgets import Input, OptionList, Static
from textual.widgets._toast import Toast

from qa import History, Settings, open_asker
from qa.index import Library
from qa.tui import QAApp, make_app, status_bar
from qa.tui.chats import ChatItem, when
from qa.tui.library_screen import LibraryScreen
from qa.tui.screens import Confirm, HelpScreen, TextPrompt
from qa.tui.widgets import MARK_STYLE, CitationItem, QuestionInput, Turn, fit_path


async def test_typing_on_a_citation_goes_to_the_question_box(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab")
        assert isinstance(app.focused, CitationItem)
        app.copy_to_clipboard("")
        await pilot.press(*"why is the dollar falling?")
        box = app.query_one(QuestionInput)
        assert box.value == "why is the dollar falling?" and app.focused is box
        assert app.clipboard == ""  # "y" copied nothing
        assert not isinstance(app.screen, HelpScreen)  # "?" opened no help
        assert not app.query_one("#find-bar").display  # "/" opened no find bar
        # On a citation, the one-key commands its footer shows still act.
        await pilot.press("tab", "y")
        assert app.clipboard.startswith("Boris Johnson\n")
        # Typed fast, as a terminal sends a word: the keys after the first were already on
        # their way to the citation, and its "y" copied (in tmux).
        box.value = ""
        app.copy_to_clipboard("")
        await pilot.press("tab")
        for key in "why":
            app.post_message(events.Key(key, key))
        await pilot.pause()
        assert box.value == "why" and app.clipboard == ""


async def test_a_paste_is_cleaned_and_joined_into_one_question(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one(QuestionInput)
        box.focus()
        box.post_message(events.Paste("Who bought \x1b[31mRED\x1b[0m the unit?"))
        await pilot.pause()
        assert box.value == "Who bought RED the unit?"
        box.value = ""
        box.post_message(events.Paste("who raised\nsanctions?\n"))
        await pilot.pause()
        assert box.value == "who raised sanctions?"
        assert "Pasted 2 lines as one question." in shown(app.query_one("#status", Static))
        box.value = ""
        box.post_message(events.Paste("how much 🛢️ oil?"))
        await pilot.pause()
        assert box.value == "how much 🛢 oil?"  # one width for rich and for the terminal
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert app.history.questions() == ["how much 🛢 oil?"]


async def test_questions_and_the_last_chat_outlive_the_app(chat_app: Callable[[], QAApp]) -> None:
    first = chat_app()
    async with first.run_test(size=SIZE) as pilot:
        for question in ("who raised sanctions?", "who met in Lucca?", "where did the G7 meet?"):
            await ask(pilot, first, question)
    again = chat_app()
    async with again.run_test(size=SIZE) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        # The last chat is back, at its last answer, and Up recalls the questions asked.
        turns = list(again.query(Turn))
        assert [t.question for t in turns][-1] == "where did the G7 meet?" and len(turns) == 3
        log = again.query_one("#conversation")
        assert log.max_scroll_y > 0 and log.scroll_y == log.max_scroll_y
        assert "Reopened your last chat" in shown(again.query_one("#status", Static))
        await pilot.press("up")
        assert again.query_one(QuestionInput).value == "where did the G7 meet?"
        await pilot.press("up", "up")
        assert again.query_one(QuestionInput).value == "who raised sanctions?"
        # Saved chats are listed with when they were used; r renames, d deletes.
        await pilot.press("ctrl+b")
        item = again.query_one(ChatItem)
        assert "today" in str(item.query_one(Static).render())
        assert "3 questions" in str(item.query_one(Static).render())
        await pilot.press("r")
        assert isinstance(again.screen, TextPrompt)
        await pilot.press("ctrl+u", *"G7 in Lucca", "enter")
        await pilot.pause()
        assert [c.title for c in again.history.chats()] == ["G7 in Lucca"]
        await pilot.press("d")
        assert isinstance(again.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
        assert again.history.chats() == [] and list(again.query(Turn)) == []


def test_chat_dates_read_as_people_say_them() -> None:
    noon = 1_764_590_400.0  # 2025-12-01 12:00 UTC
    assert when(noon, noon).startswith("today ")
    assert when(noon - 86_400, noon).startswith("yesterday ")
    assert when(noon - 400 * 86_400, noon).endswith("2024")


async def test_up_down_j_k_move_between_citations_of_every_answer(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "who is the Italian foreign minister?")
        items = list(app.query(CitationItem))
        await pilot.press("tab")  # the last answer's first citation
        last_first = app.focused
        assert isinstance(last_first, CitationItem) and last_first is not items[0]
        await pilot.press("up")  # up into the earlier answer's citations
        assert app.focused is items[items.index(last_first) - 1]
        await pilot.press("k", "k")
        assert app.focused is items[items.index(last_first) - 3]
        await pilot.press("j")
        assert app.focused is items[items.index(last_first) - 2]
        await pilot.press("down")
        assert app.focused is items[items.index(last_first) - 1]


async def test_find_marks_the_words_counts_and_steps(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "who is the Italian foreign minister?")
        await pilot.press("ctrl+f", *"G7")
        count = app.query_one("#find-count", Static)
        total = int(shown(count).split(" of ")[1])
        assert shown(count) == f"1 of {total}" and total >= 2
        for turn in app.query(Turn):  # the words are marked, not the whole message
            for part in turn.query(".question, .answer").results(Static):
                text = part.content
                assert isinstance(text, Text)
                marks = [span for span in text.spans if str(span.style) == MARK_STYLE]
                assert all(text.plain[m.start : m.end].lower() == "g7" for m in marks)
                assert len(marks) == text.plain.lower().count("g7")
        await pilot.press("enter")
        assert shown(count) == f"2 of {total}"
        await pilot.press("up", "up")
        assert shown(count) == f"{total} of {total}"
        marked_items = [c for c in app.query(CitationItem) if MARK_STYLE in str(c.text().spans)]
        assert marked_items  # the words are marked in the citations that hold them
        await pilot.press("escape")
        assert not app.query_one("#find-bar").display
        assert not [c for c in app.query(CitationItem) if MARK_STYLE in str(c.text().spans)]
        assert not [t for t in app.query(Turn) if t.has_class("found")]


async def test_toasts_stay_clear_of_the_question_box_and_do_not_pile_up(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+f")  # the find bar is open too
        for _ in range(3):
            app.tell("Nothing to copy yet.", "warning")
            await pilot.pause(0.1)
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 1
        for box in (app.query_one(QuestionInput).region, app.query_one("#find").region):
            assert not toasts[0].region.overlaps(box)
        assert toasts[0].region.y < SIZE[1] // 2


def test_long_paths_are_cut_at_a_folder_not_in_a_name() -> None:
    path = "/home/ann/news/bbc/business/2026-11-30-dollar-falls-again.txt"
    assert fit_path(path, 80) == path
    assert fit_path(path, 45) == "…/business/2026-11-30-dollar-falls-again.txt"


async def test_the_header_follows_the_library_on_disk(
    seeds_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(status_bar, "WATCH_SECONDS", 0.2)
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    library = Library(tmp_path / "lib", seeds_library.embedder)
    library.add([articles])
    app = make_app(
        Settings(library=library.folder),
        lambda s: open_asker(s, library.embedder),
        export_folder=tmp_path,
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert " · 1 article · " in app.sub_title
        (articles / "ferry.txt").write_text(
            "Ferry strike ends\n\nThe ferry union ended its strike."
        )
        library.add([articles])  # `qa index add` in another shell
        for _ in range(40):
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            if " · 2 articles · " in app.sub_title:
                break
        assert " · 2 articles · index current" in app.sub_title
    library.close()


async def test_switching_offers_the_libraries_there_are(
    seeds_library: Library, tmp_path: Path, private_home: Path
) -> None:
    for name in ("news", "work"):
        Library(private_home / "libraries" / name, seeds_library.embedder).add([SEEDS])
    app = make_app(
        Settings(library=tmp_path / "lib"),
        lambda s: open_asker(s, seeds_library.embedder),
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        app.action_switch_library()
        await pilot.pause()
        options = app.screen.query_one("#library-list", OptionList)
        assert [str(option.prompt) for option in options.options] == ["news", "work"]
        await pilot.press("down", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.settings.library == private_home / "libraries" / "work"
        assert app.sub_title.startswith("work · 1 article")
        assert app.focused is app.query_one("#question", Input)


async def test_the_library_screen_lists_folders_and_adds_and_removes_one(
    seeds_library: Library, tmp_path: Path
) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "broken.json").write_text('{"title": ')
    library = Library(tmp_path / "lib", seeds_library.embedder)
    library.add([articles])
    library.close()
    more = tmp_path / "more"
    more.mkdir()
    (more / "ferry.txt").write_text(
        "Ferry strike ends\n\nThe ferry union ended its strike after Nordline raised wages."
    )
    app = make_app(
        Settings(library=library.folder),
        lambda s: open_asker(s, seeds_library.embedder),
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        folders = screen.query_one(OptionList)
        assert [str(o.prompt) for o in folders.options] == [f"{articles}  (1 article)"]
        assert "1 file could not be read" in str(screen.query_one("#library-problems").render())
        assert "broken.json" in str(screen.query_one("#library-problems").render())
        await pilot.press("a", *str(more), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Added 1 article." in str(screen.query_one("#library-status").render())
        assert sorted(str(o.prompt) for o in folders.options) == [
            f"{articles}  (1 article)",
            f"{more}  (1 article)",
        ]
        await pilot.press("escape")
        await ask(pilot, app, "who raised wages for the ferry workers?")
        answer = app.query(Turn).last().answer
        assert answer is not None and answer.found and "Nordline" in answer.sentence
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        folders = screen.query_one(OptionList)
        folders.highlighted = [o.id for o in folders.options].index(str(more))
        await pilot.press("d", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Removed 1 article" in str(screen.query_one("#library-status").render())
        assert [o.id for o in folders.options] == [str(articles)]
