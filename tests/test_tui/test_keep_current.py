"""The chat keeps its library current by itself: Pilot over a real library and the real model."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support import SEEDS
from textual.pilot import Pilot
from textual.widgets import Input

from qa import Settings, open_asker
from qa.index import Library
from qa.index.watch import LibraryWatcher, WatchEvent
from qa.index.watch_lock import running_watcher
from qa.tui import QAApp, make_app, status_bar
from qa.tui.sources import SourcesPane
from qa.tui.status_bar import StatusBar
from qa.tui.widgets import CitationItem, Turn

SIZE = (110, 40)
FERRY = (
    "Ferry strike ends\n\nThe ferry union ended its strike on Monday after the operator, "
    "Nordline, raised wages."
)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 30) -> None:
    """Let the chat run (it must stay responsive) until `condition` holds."""
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the chat never got there")


async def ask(pilot: Pilot[None], app: QAApp, question: str) -> None:
    app.query_one("#question", Input).focus()
    await pilot.press(*[" " if c == " " else c for c in question])
    await pilot.press("enter")
    await until(pilot, lambda: (t := app.query(Turn)) and t.last().answer is not None)


@pytest.fixture
def library(seeds_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """A library of the seed article, with the chat's waits made short."""
    monkeypatch.setattr(status_bar, "WATCH_SECONDS", 0.2)
    monkeypatch.setattr("qa.tui.background.SETTLE_SECONDS", 0.1)
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    library = Library(tmp_path / "lib", seeds_library.embedder)
    library.add([articles])
    library.close()
    return library


async def test_the_chat_indexes_a_new_article_in_the_background_and_marks_a_removed_one(
    library: Library, tmp_path: Path
) -> None:
    app = make_app(
        Settings(library=library.folder),
        lambda s: open_asker(s, library.embedder),
        export_folder=tmp_path,
        keep_current=True,
    )
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(StatusBar)
        await until(pilot, lambda: bar.watching)
        owner = running_watcher(library.folder)
        assert owner is not None and owner.owner == "qa chat"
        (tmp_path / "articles" / "ferry.txt").write_text(FERRY)
        await until(pilot, lambda: " · 2 articles · index current" in app.sub_title)
        assert bar.text == "Index kept current: 1 added."
        await ask(pilot, app, "who raised wages for the ferry workers?")
        answer = app.query(Turn).last().answer
        assert answer is not None and answer.found and "Nordline" in answer.sentence

        # Deleted while its answer is on screen: the citation says so instead of failing.
        (tmp_path / "articles" / "ferry.txt").unlink()
        await until(pilot, lambda: " · 1 article · " in app.sub_title)
        item = next(i for i in app.query(CitationItem) if "Nordline" in i.citation.sentence)
        app.query_one(SourcesPane).select(item)
        await pilot.pause()
        assert item.removed
        assert "this article has been removed from the library" in str(item.text())
        assert "has been removed from the library" in app.query_one(SourcesPane).text
    assert running_watcher(library.folder) is None  # the chat's watcher stopped with it


async def test_when_qa_index_watch_runs_the_chat_follows_its_commits(
    library: Library, tmp_path: Path
) -> None:
    heard: list[WatchEvent] = []
    other = LibraryWatcher(
        Library(library.folder, library.embedder), heard.append, settle=0.1, quiet=0.05
    )
    other.start()  # `qa index watch` in another terminal
    app = make_app(
        Settings(library=library.folder),
        lambda s: open_asker(s, library.embedder),
        export_folder=tmp_path,
        keep_current=True,
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            bar = app.query_one(StatusBar)
            await ask(pilot, app, "who raised wages for the ferry workers?")  # opens the index
            assert bar._indexer is not None
            await until(pilot, lambda: bar._indexer is not None and bar._indexer.elsewhere)
            assert not bar.watching
            (tmp_path / "articles" / "ferry.txt").write_text(FERRY)
            await until(pilot, lambda: " · 2 articles · " in app.sub_title)
            await ask(pilot, app, "who raised wages for the ferry workers?")
            answer = app.query(Turn).last().answer
            assert answer is not None and answer.found and "Nordline" in answer.sentence
    finally:
        other.stop()
    assert [e.kind for e in heard if e.kind == "added"] == ["added"]
