"""Switch the chat to another library by name or folder; a new one is created once confirmed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from qa import History, library_folder
from qa.workspace.libraries import is_library, library_names

from .answer_line import AnswerLineLabel
from .chats import ChatList
from .screens import Confirm, LibraryPrompt
from .status_bar import LOADING, StatusBar
from .widgets import QuestionInput

if TYPE_CHECKING:
    from .app import QAApp


def ask_for_library(app: QAApp) -> None:
    """Offer the known libraries by name; the chosen one is opened."""
    prompt = LibraryPrompt(library_names(), app.library_name)
    app.push_screen(prompt, lambda name: switch_library(app, name))


def switch_library(app: QAApp, name: str | None) -> None:
    """Open another library; one that does not exist yet is created only when confirmed."""
    if not name:
        return
    folder = library_folder(name)
    if is_library(folder):
        open_library(app, folder)
        return

    def create(sure: bool | None) -> None:
        if sure:
            open_library(app, folder)

    known = ", ".join(library_names()) or "none yet"
    app.push_screen(
        Confirm(f"There is no library at {folder} (libraries: {known}). Create it?"), create
    )


def open_library(app: QAApp, folder: Path) -> None:
    """Make the library in `folder` the chat's: its asker, its saved chats, a new chat."""
    app.settings = replace(app.settings, library=folder)
    app.asker = app.asker_factory(app.settings)
    if app.owns_history:
        app.history.close()
    app.history = History(app.settings.library)
    app.owns_history = True
    app.action_new_chat()
    app.query_one(ChatList).reload()
    bar = app.query_one(StatusBar)
    bar.show_library()
    app.query_one(AnswerLineLabel).show_current()
    app.query_one(QuestionInput).recall_from(app.history.questions())
    bar.say(LOADING)
    bar.load()
