"""How the chat looks in its main states, at 80x24, compared with saved SVG snapshots."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import SEEDS
from textual.pilot import Pilot
from textual.widgets import Input

from qa import Asker, History, Settings
from qa.index import Library, MiniLMEmbedder
from qa.tui import QAApp, make_app
from qa.tui.widgets import CitationItem

# Citations show article paths, so the snapshot library always lives at the same place.
FIXED = Path(tempfile.gettempdir()) / "qa-snapshot"
SIZE = (80, 24)


@pytest.fixture(scope="module")
def snapshot_asker(real_embedder: MiniLMEmbedder) -> Iterator[Asker]:
    shutil.rmtree(FIXED, ignore_errors=True)
    shutil.copytree(SEEDS, FIXED / "seeds")
    library = Library(FIXED / "library", real_embedder)
    library.add([FIXED / "seeds"])
    asker = Asker(library, Settings(library=FIXED / "library"))
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
