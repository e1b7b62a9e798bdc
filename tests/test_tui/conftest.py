"""Fixtures for the chat: a real asker over seeds/ shared by the tests, fresh history for each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qa import Asker, History, Settings
from qa.index import Library
from qa.tui import QAApp, make_app


@pytest.fixture(scope="session")
def seeds_asker(seeds_library: Library) -> Asker:
    asker = Asker(seeds_library, Settings(library=seeds_library.folder))
    asker.warm_up()
    return asker


@pytest.fixture
def chat_app(seeds_asker: Asker, tmp_path: Path) -> Callable[[], QAApp]:
    """Makes a chat app over the seeds library, with history and exports in a temp folder."""
    history = History(tmp_path / "history")

    def make() -> QAApp:
        return make_app(
            seeds_asker.settings,
            lambda settings: seeds_asker,
            export_folder=tmp_path,
            history=history,
        )

    return make


@pytest.fixture(autouse=True)
def no_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy in a test never reaches the clipboard of the person running the tests."""
    for display in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(display, raising=False)
