"""The saved chats in the sidebar: newest first, with their dates; rename, delete, open."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

from qa import ChatSummary
from qa.display.render import counted, safe

from .screens import Confirm, TextPrompt

if TYPE_CHECKING:
    from .app import QAApp


def when(seconds: float, now: float | None = None) -> str:
    """ "today 09:41", "yesterday 18:02", "28 Nov 14:10", "3 Jan 2025": when a chat was used."""
    moment = datetime.fromtimestamp(seconds)
    today = datetime.fromtimestamp(time.time() if now is None else now).date()
    days = (today - moment.date()).days
    if days == 0:
        return moment.strftime("today %H:%M")
    if days == 1:
        return moment.strftime("yesterday %H:%M")
    if moment.year == today.year:
        return f"{moment.day} {moment:%b %H:%M}"
    return f"{moment.day} {moment:%b %Y}"


class ChatItem(ListItem):
    """A saved chat: its title, and when it was last used and how many questions it holds."""

    def __init__(self, chat: ChatSummary) -> None:
        label = Text(safe(chat.title), style="bold")
        label.append(
            f"\n{when(chat.updated or chat.created)} · {counted(chat.turns, 'question')}",
            style="dim",
        )
        super().__init__(Label(label))
        self.chat = chat


class ChatList(ListView):
    """The sidebar of saved chats (Ctrl+B)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
    ]

    class Rename(Message):
        def __init__(self, chat: ChatSummary) -> None:
            super().__init__()
            self.chat = chat

    class Delete(Message):
        def __init__(self, chat: ChatSummary) -> None:
            super().__init__()
            self.chat = chat

    def show(self, chats: list[ChatSummary]) -> None:
        """List `chats`, keeping the highlight where it was (after a rename or a delete)."""
        where = self.index or 0
        self.clear()
        self.extend(ChatItem(chat) for chat in chats)
        if chats:
            self.call_after_refresh(self._highlight, min(where, len(chats) - 1))

    def _highlight(self, index: int) -> None:
        self.index = index

    def _chosen(self) -> ChatSummary | None:
        item = self.highlighted_child
        return item.chat if isinstance(item, ChatItem) else None

    def action_rename(self) -> None:
        chat = self._chosen()
        if chat is not None:
            self.post_message(self.Rename(chat))

    def action_delete(self) -> None:
        chat = self._chosen()
        if chat is not None:
            self.post_message(self.Delete(chat))

    # -- what the keys and the palette do to a saved chat -------------------------------------

    @property
    def chat(self) -> QAApp:
        return cast("QAApp", self.app)

    def reload(self) -> None:
        """List the library's saved chats again (after one was added, renamed or deleted)."""
        self.show(self.chat.history.chats())

    def rename_chat(self, chat_id: int, title: str) -> None:
        """Ask for a new title for a saved chat, and keep it."""

        def renamed(new_title: str | None) -> None:
            if new_title:
                self.chat.history.rename(chat_id, new_title)
                self.reload()
                self.chat.set_status(f"Renamed the chat to “{new_title}”.")

        self.app.push_screen(TextPrompt("New title for this chat:", title), renamed)

    def delete_chat(self, chat_id: int, title: str) -> None:
        """Forget a saved chat and its answers, once confirmed."""

        def deleted(sure: bool | None) -> None:
            if sure:
                self.chat.history.delete(chat_id)
                if chat_id == self.chat.chat_id:
                    self.chat.action_new_chat()
                self.reload()
                self.chat.set_status(f"Deleted the chat “{title}”.")

        self.app.push_screen(Confirm(f"Delete the chat “{title}” and its answers?"), deleted)

    def open_one(self) -> tuple[int, str] | None:
        """The saved chat that is open (its id and title), else None, said in a toast."""
        chat = next((c for c in self.chat.history.chats() if c.id == self.chat.chat_id), None)
        if chat is None:
            self.chat.tell("No saved chat is open: ask a question first.", "warning")
            return None
        return chat.id, chat.title
