"""Conversations by id, shared by the MCP server and the HTTP API: each one is a chat saved in
the library's history (qa/workspace/history.py), so a conversation survives a restart and shows
in `qa chat` too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from qa.workspace.history import History

from .errors import UnknownConversation


class Conversations:
    """Turns a client's conversation id into a saved chat, one question at a time per chat.

    The id is the saved chat's number, as text. Two requests in one conversation are answered
    in turn (a follow-up reads the turn before it); different conversations run side by side."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @staticmethod
    def chat_id(conversation: str | None, history: History) -> int | None:
        """The saved chat that `conversation` names (None: a new conversation)."""
        if conversation is None or not conversation.strip():
            return None
        text = conversation.strip()
        if text.isdigit() and any(chat.id == int(text) for chat in history.chats()):
            return int(text)
        raise UnknownConversation(
            f"no conversation {text[:40]!r} in this library; leave `conversation` out to start "
            "one, and pass back the `conversation` the answer gives"
        )

    @contextmanager
    def turn(self, conversation: str | None) -> Iterator[None]:
        """Hold `conversation` for one question: its turns are read, answered and saved whole
        before the next question of the same conversation starts."""
        key = (conversation or "").strip()
        if not key:
            yield  # a new conversation: nobody else can name it yet
            return
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield
