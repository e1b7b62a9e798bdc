"""The saved chats in the sidebar: newest first, with their dates; rename, delete, open."""

from __future__ import annotations

import time
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

from qa import ChatSummary
from qa.display.render import counted, safe


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
