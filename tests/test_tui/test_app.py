"""Every interaction of `qa chat`, driven by Textual's Pilot over a real library of seeds/."""

from __future__ import annotations

import io
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input, ListView, Static

import qa.tui.sources
from qa import Answer, Asker, Citation, Conversation, History, Settings, open_asker
from qa.answering.filters import Filters
from qa.answering.sources import SourceView
from qa.index import Library
from qa.tui import QAApp, make_app
from qa.tui.screens import ArticleScreen, Confirm, HelpScreen, TextPrompt
from qa.tui.sources import SourcesPane
from qa.tui.widgets import CitationItem, Turn

SIZE = (110, 40)


class BlockingAsker(Asker):
    """A real asker that waits for a signal before answering, to test cancelling."""

    def __init__(self, asker: Asker) -> None:
        super().__init__(asker.library, asker.settings, asker.reader)
        self.release = threading.Event()

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        min_confidence: float | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        self.release.wait(timeout=30)
        return super().ask(question, conversation, min_confidence, filters)


async def ask(pilot: Pilot[None], app: QAApp, question: str) -> None:
    app.query_one("#question", Input).focus()
    await pilot.press(*[" " if c == " " else c for c in question])
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def palette(pilot: Pilot[None], command: str) -> None:
    """Run a command from the command palette, as a user types it."""
    await pilot.press("ctrl+p")
    await pilot.press(*command)
    # The palette searches in the background: wait for the match to be offered, not a fixed time.
    for _ in range(200):
        await pilot.pause(0.05)
        lists = pilot.app.screen.query(CommandList)
        offered = lists.first() if lists else None
        if offered is not None and offered.highlighted is not None:
            prompt = offered.get_option_at_index(offered.highlighted).prompt
            if command.lower() in str(prompt).lower():
                break
    else:
        raise AssertionError(f"the palette never offered {command!r}")
    await pilot.press("enter")
    await pilot.pause()


def shown(widget: Static) -> str:
    return str(widget.render())


async def test_asking_shows_the_answer_in_its_sentence_with_citations(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await ask(pilot, app, "who raised sanctions?")
        turn = app.query_one(Turn)
        assert turn.answer is not None and "Boris Johnson" in turn.answer.text
        body = shown(turn.query_one(".answer", Static))
        assert "Boris Johnson" in body and "Alfano says the idea was raised" in body
        assert "confidence" in body
        citations = list(turn.query(CitationItem))
        assert [c.citation.number for c in citations] == [1, 2, 3]
        assert "G7 group meets" in citations[0].text().plain
        # The first citation's passage is shown at once, its sentence included.
        assert "Boris Johnson" in app.query_one(SourcesPane).text
        # No stray space (a no-break one, in the seed) starts the text after the sentence.
        assert not shown(app.query_one("#source-after", Static))[:1].isspace()
        assert "Ready" in shown(app.query_one("#status", Static))
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert not shown(app.screen.query_one("#after-cited", Static))[:1].isspace()


async def test_follow_up_questions_use_the_conversation(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "what did he say about Russia?")
        assert len(app.conversation.turns) == 2
        assert app.conversation.resolve("what did he say?") == "what did Boris Johnson say?"
        follow_up = app.conversation.turns[1][1]
        assert follow_up.found
        assert follow_up.read_as == "what did Boris Johnson say about Russia?"
        question = app.query(Turn).last().query_one(".question", Static)
        assert "read as “what did Boris Johnson say about Russia?”" in shown(question)
        first = app.query(Turn).first().query_one(".question", Static)
        assert "read as" not in shown(first)  # a question that stands alone is read as asked
        assert any("Russia" in c.sentence or "Johnson" in c.sentence for c in follow_up.citations)


async def test_selecting_a_citation_shows_its_passage_and_enter_opens_the_article(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab")  # from the question box to the citations
        focused = app.focused
        assert isinstance(focused, CitationItem)
        await pilot.press("tab")
        second = app.focused
        assert isinstance(second, CitationItem) and second.citation.number == 2
        await pilot.pause()
        assert second.citation.sentence in app.query_one(SourcesPane).text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert shown(app.screen.query_one("#cited", Static)) == second.citation.sentence
        await pilot.press("escape")
        assert not isinstance(app.screen, ArticleScreen)


async def test_clicking_a_citation_selects_it(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        third = next(c for c in app.query(CitationItem) if c.citation.number == 3)
        await pilot.click(third)
        await pilot.pause()
        assert app.selected is third
        assert third.citation.sentence in app.query_one(SourcesPane).text


async def test_escape_cancels_an_answer_in_progress(seeds_asker: Asker, tmp_path: Path) -> None:
    blocking = BlockingAsker(seeds_asker)
    app = make_app(
        seeds_asker.settings,
        lambda settings: blocking,
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#question", Input).focus()
        await pilot.press(*"who raised sanctions?")
        await pilot.press("enter")
        await pilot.pause()
        assert "Searching" in shown(app.query_one(Turn).query_one(".answer", Static))
        await pilot.press("escape")
        blocking.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        turn = app.query_one(Turn)
        assert turn.answer is None
        assert "Cancelled" in shown(turn.query_one(".answer", Static))
        assert app.conversation.turns == []
        # The app keeps working after a cancel.
        await ask(pilot, app, "who raised sanctions?")
        assert app.query(Turn).last().answer is not None


class FaultyAsker(BlockingAsker):
    """A real asker with a bug of qa's own on one question."""

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        min_confidence: float | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        if "lighthouse" in question:
            raise RuntimeError("an internal fault\nover two lines")
        return Asker.ask(self, question, conversation, min_confidence, filters)


async def test_a_fault_of_qa_costs_its_question_not_the_chat(
    seeds_asker: Asker, tmp_path: Path
) -> None:
    faulty = FaultyAsker(seeds_asker)
    app = make_app(
        seeds_asker.settings,
        lambda settings: faulty,
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await ask(pilot, app, "who kept the lighthouse?")
        said = shown(app.query(Turn).last().query_one(".answer", Static))
        assert "qa failed on this question" in said and "RuntimeError" in said
        assert "\n" not in said.strip()
        await ask(pilot, app, "who raised sanctions?")
        assert (answer := app.query(Turn).last().answer) is not None
        assert "Boris Johnson" in answer.text


async def test_up_and_down_recall_earlier_questions(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "where did the G7 meet?")
        box = app.query_one("#question", Input)
        await pilot.press("up")
        assert box.value == "where did the G7 meet?"
        await pilot.press("up")
        assert box.value == "who raised sanctions?"
        await pilot.press("down", "down")
        assert box.value == ""


async def test_copy_puts_the_answer_and_citation_on_the_clipboard(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await pilot.press("tab")
        await pilot.press("y")
        assert app.clipboard.startswith("Boris Johnson\n")
        assert "Alfano says the idea was raised" in app.clipboard
        assert "G7 group meets" in app.clipboard


async def test_find_highlights_the_matching_turn(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "when did the U.S. fire missiles at a Syrian airbase?")
        await pilot.press("tab", "slash")
        assert app.focused is app.query_one("#find")
        await pilot.press(*"airbase", "enter")
        turns = list(app.query(Turn))
        assert [t.has_class("found") for t in turns] == [False, True]
        await pilot.press("escape")
        assert app.focused is app.query_one("#question")


async def test_chats_are_saved_and_reopened(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await ask(pilot, app, "what did he say about Russia?")
    reopened = chat_app()
    async with reopened.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+b")
        sidebar = reopened.query_one("#sidebar", ListView)
        assert sidebar.display and len(sidebar.children) == 1
        await pilot.press("enter")
        await pilot.pause()
        turns = list(reopened.query(Turn))
        assert [t.question for t in turns] == [
            "who raised sanctions?",
            "what did he say about Russia?",
        ]
        assert turns[0].answer is not None and "Boris Johnson" in turns[0].answer.text
        # Asking again continues the reopened chat, follow-ups included.
        await ask(pilot, reopened, "what did he say?")
        assert len(reopened.conversation.turns) == 3
        assert len(reopened.history.load(reopened.history.chats()[0].id).turns) == 3


async def test_new_chat_and_export_as_markdown(
    chat_app: Callable[[], QAApp], tmp_path: Path
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        await palette(pilot, "Export chat")
        assert isinstance(app.screen, TextPrompt)  # asks where, offering a default path
        default = app.screen.query_one(Input).value
        assert default.startswith(str(tmp_path / "qa-chat-")) and default.endswith(".md")
        await pilot.press("ctrl+u", *str(tmp_path / "mine.md"), "enter")
        await pilot.pause()
        assert list(tmp_path.glob("qa-chat-*.md")) == []
        text = (tmp_path / "mine.md").read_text()
        assert "## who raised sanctions?" in text and "**Boris Johnson** (confidence " in text
        assert f"Exported the chat to {tmp_path / 'mine.md'}" in shown(
            app.query_one("#status", Static)
        )
        await pilot.press("ctrl+n")
        assert list(app.query(Turn)) == [] and app.conversation.turns == []


async def test_sources_pane_toggles(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        sources = app.query_one(SourcesPane)
        assert sources.display
        await pilot.press("ctrl+s")
        assert not sources.display
    narrow = chat_app()
    async with narrow.run_test(size=(80, 24)):
        assert not narrow.query_one(SourcesPane).display  # room for the chat first


def plain(widget: Static, width: int) -> str:
    """What a widget holding any rich renderable (a table, a group) shows, as plain text."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


async def test_help_lists_every_key(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one(Static), 100)
        for key in ("Enter", "Esc", "Ctrl+P", "Ctrl+R", "y", "Up / Down", "Ctrl+Q", "Follow-ups"):
            assert key in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_scrolls_in_a_small_terminal(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 0  # more than fits: it must scroll, not be cut off
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y


async def test_an_empty_question_and_a_missing_index_are_explained(tmp_path: Path) -> None:
    settings = Settings(library=tmp_path / "empty-library")
    app = make_app(settings, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "qa index add" in shown(app.query_one("#status", Static))
        app.query_one("#question", Input).focus()
        await pilot.press("enter")
        await pilot.press(*"anything?", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "qa index add" in shown(app.query_one(Turn).query_one(".answer", Static))


async def test_refresh_indexes_new_articles_while_the_ui_stays_usable(
    seeds_library: Library, tmp_path: Path
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(next(Path("seeds").glob("*.txt")), articles)
    library = Library(tmp_path / "lib", seeds_library.embedder)
    library.add([articles])
    library.close()
    (articles / "ferry.txt").write_text(
        "Ferry strike ends\n\nThe ferry union ended its strike "
        "on Monday after the operator, Nordline, raised wages."
    )
    (articles / "broken.json").write_text('{"title": ')
    settings = Settings(library=tmp_path / "lib")
    app = make_app(
        settings, lambda s: open_asker(s, seeds_library.embedder), export_folder=tmp_path
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "2 files changed" in app.sub_title
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The broken file is not a change a refresh can take in: it is named as unreadable.
        assert app.sub_title.endswith("· 2 articles · index current · 1 unreadable file")
        await ask(pilot, app, "who raised wages for the ferry workers?")
        answer = app.query(Turn).last().answer
        assert answer is not None and answer.found and "Nordline" in answer.sentence


async def test_switching_library_from_the_palette(seeds_asker: Asker, tmp_path: Path) -> None:
    embedder = seeds_asker.library.embedder
    app = make_app(
        seeds_asker.settings,
        lambda s: open_asker(s, embedder),
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        assert "Boris Johnson" in app.query_one(SourcesPane).text
        await palette(pilot, "Switch library")
        await pilot.press(*str(tmp_path / "other"), "enter")
        await pilot.pause()
        # A library that does not exist is created only when confirmed; "n" keeps this one.
        assert isinstance(app.screen, Confirm) and "Create it?" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert app.settings.library == seeds_asker.settings.library
        assert not (tmp_path / "other").exists()
        await palette(pilot, "Switch library")
        await pilot.press(*str(tmp_path / "other"), "enter", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.settings.library == tmp_path / "other"
        assert list(app.query(Turn)) == []
        assert "Boris Johnson" not in app.query_one(SourcesPane).text  # panes cleared
        assert "qa index add" in shown(app.query_one("#status", Static))
        assert app.sub_title == "other · cannot answer: see below"


async def test_readline_editing_in_the_question_box(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one("#question", Input)
        box.focus()
        await pilot.press(*"who raised tariffs")
        await pilot.press("ctrl+w")
        assert box.value == "who raised "
        await pilot.press(*"sanctions?", "ctrl+a", "W", "ctrl+e", "!")
        assert box.value == "Wwho raised sanctions?!"
        await pilot.press("ctrl+a", "ctrl+k")
        assert box.value == ""


async def test_light_theme_and_a_small_terminal(chat_app: Callable[[], QAApp]) -> None:
    app = chat_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await ask(pilot, app, "who raised sanctions?")
        turn = app.query_one(Turn)
        assert turn.answer is not None and "Boris Johnson" in turn.answer.text
        assert app.current_theme.dark is False
        assert turn.region.width <= 80


async def test_a_long_article_says_what_it_leaves_out(chat_app: Callable[[], QAApp]) -> None:
    view = SourceView("Report", "report.pdf", "", "Before. Cited. After.", 8, 14, 1200, 3400)
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ArticleScreen(view))
        await pilot.pause()
        notes = [shown(s) for s in app.screen.query(Static) if "more characters" in shown(s)]
        assert notes == [
            "[1,200 more characters before this part of a long article: the whole text is in "
            "report.pdf]\n",
            "[3,400 more characters after this part of a long article: the whole text is in "
            "report.pdf]\n",
        ]
        assert shown(app.screen.query_one("#cited", Static)) == "Cited."


async def test_citations_wait_for_a_refresh_that_is_swapping_the_library(
    seeds_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A refresh closes the library under the asker's lock (the next question reopens it); the
    # chat's own reads of it (a citation's passage, the article) must take the same lock, so
    # they never meet the library half-closed.
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(next(Path("seeds").glob("*.txt")), articles)
    Library(tmp_path / "lib", seeds_library.embedder).add([articles])
    asker = open_asker(Settings(library=tmp_path / "lib"), seeds_library.embedder)
    app = make_app(asker.settings, lambda settings: asker, export_folder=tmp_path)
    swapping = threading.Event()
    read_while_swapping: list[bool] = []
    for name in ("passage_view", "article_view"):
        real = getattr(qa.tui.sources, name)

        def spy(library: Library, citation: Citation, real: Any = real) -> Any:
            read_while_swapping.append(swapping.is_set())
            return real(library, citation)

        monkeypatch.setattr(qa.tui.sources, name, spy)

    def swap_the_library() -> None:
        with asker._lock:  # as Asker.refresh does once the new index is written
            swapping.set()
            asker.library.close()
            time.sleep(0.3)
            swapping.clear()

    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "who raised sanctions?")
        for item in list(app.query(CitationItem))[:2]:
            swapper = threading.Thread(target=swap_the_library)
            swapper.start()
            swapping.wait()
            app.query_one(SourcesPane).select(item)
            assert item.citation.sentence in app.query_one(SourcesPane).text
            swapper.join()
            swapper = threading.Thread(target=swap_the_library)
            swapper.start()
            swapping.wait()
            item.post_message(CitationItem.Opened(item.citation))
            await pilot.pause()
            swapper.join()
            await pilot.pause()
            assert isinstance(app.screen, ArticleScreen)
            await pilot.press("escape")
    assert len(read_while_swapping) >= 4 and not any(read_while_swapping)
