"""Export the open chat as Markdown, to a path the person confirms or types."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from qa.display.export import chat_markdown

from .screens import TextPrompt

if TYPE_CHECKING:
    from .app import QAApp


def export_chat(app: QAApp) -> None:
    """Ask where to save the chat (a timestamped file in the export folder by default)."""
    if not app.conversation.turns:
        app.tell("Nothing to export yet.", "warning")
        return
    default = app.export_folder / time.strftime("qa-chat-%Y%m%d-%H%M%S.md")
    prompt = TextPrompt("Save the chat as Markdown to:", str(default))
    app.push_screen(prompt, lambda where: export_to(app, where))


def export_to(app: QAApp, where: str | None) -> None:
    """Write the chat to `where` (relative to the export folder); None or "": cancelled."""
    if not where:
        return
    path = Path(where).expanduser()
    if not path.is_absolute():
        path = app.export_folder / path
    try:
        path.write_text(chat_markdown(app.conversation), encoding="utf-8")
    except OSError as error:
        app.tell(f"cannot write {path}: {error.strerror}; pick another path", "error")
        return
    app.set_status(f"Exported the chat to {path}")
