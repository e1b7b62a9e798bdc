"""The chat's commands in the palette (Ctrl+P), beside Textual's own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from qa.display.render import counted

if TYPE_CHECKING:
    from .app import QAApp


def palette_commands(app: QAApp) -> Iterable[SystemCommand]:
    """The chat's actions by name, and its 20 latest saved chats to open."""
    yield SystemCommand("New chat", "Start a new conversation", app.action_new_chat)
    yield SystemCommand(
        "Refresh index", "Index new and changed articles now", app.action_refresh_index
    )
    yield SystemCommand(
        "Switch library", "Open another library by name or folder", app.action_switch_library
    )
    yield SystemCommand(
        "Export chat as Markdown", "Write this chat to a Markdown file", app.action_export
    )
    yield SystemCommand(
        "Library: folders and files",
        "What is indexed; add or remove a folder, re-index (Ctrl+L)",
        app.action_library,
    )
    yield SystemCommand(
        "Answer line: when to answer",
        "Answer only when at least this likely to be right; kept for this library",
        app.action_answer_line,
    )
    yield SystemCommand("Rename this chat", "Give this chat a title", app.action_rename_chat)
    yield SystemCommand(
        "Delete this chat", "Forget this chat and its answers", app.action_delete_chat
    )
    yield SystemCommand(
        "Toggle sources", "Show or hide the sources pane", app.action_toggle_sources
    )
    for chat in app.history.chats()[:20]:
        yield SystemCommand(
            f"Open chat: {chat.title}",
            counted(chat.turns, "question"),
            lambda chat_id=chat.id: app.open_chat(chat_id),
        )
