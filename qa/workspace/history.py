"""Saved chats: every question and answer of a library's conversations, in SQLite."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qa.answering.answer import Answer, Candidate, Citation
from qa.followups.conversation import Conversation

HISTORY_NAME = "chats.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    asked REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, asked REAL NOT NULL
);
"""

QUESTIONS_KEPT = 1000
"""Questions remembered for Up in the question box, as a shell keeps its history."""


@dataclass(frozen=True)
class ChatSummary:
    """A saved chat as listed in the sidebar."""

    id: int
    title: str
    created: float
    turns: int
    updated: float = 0.0
    """When its last question was asked (when it was created, for a chat still empty)."""


@dataclass(frozen=True)
class SavedTurn:
    """One question of a saved chat with its answer, as `qa history` shows and exports it."""

    chat_id: int
    question: str
    answer: Answer
    asked: float
    """When it was asked (seconds since 1970)."""


def answer_from_dict(data: dict[str, Any]) -> Answer:
    """Rebuild an answer saved whole (`dataclasses.asdict`), or in its `--json` form
    (`Answer.to_dict()`, whose declined answers have an empty highlight)."""
    return Answer(
        question=data["question"],
        found=data["found"],
        text=data["text"],
        confidence=_confidence(data),
        highlight=(int(data["highlight"][0]), int(data["highlight"][1]))
        if data["highlight"]  # empty for a declined answer
        else (0, 0),
        citations=[Citation(**c) for c in data["citations"]],
        candidates=[Candidate(**c) for c in data["candidates"]],
        message=data["message"],
        also_in=list(data.get("also_in", [])),
        read_as=str(data.get("read_as", "")),
        decline=str(data.get("decline", "")),
        closest=_closest_text(data.get("closest")),
        line=float(data.get("line", 0.0)),
        unmet=list(data.get("unmet", [])),
        unmet_nearby=list(data.get("unmet_nearby", [])),
    )


def _confidence(data: dict[str, Any]) -> float:
    """The saved chance; a declined `--json` answer keeps it only under `closest`."""
    if data.get("confidence") is not None:
        return float(data["confidence"])
    closest = data.get("closest")
    return float(closest.get("confidence") or 0.0) if isinstance(closest, dict) else 0.0


def _closest_text(value: object) -> str:
    """`closest` as saved whole (the text) or in the `--json` form ({"text", "confidence"})."""
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return str(value or "")


class History:
    """Chats saved beside a library's index (never inside it, so a rebuild keeps them)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / HISTORY_NAME, check_same_thread=False)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.executescript(_SCHEMA)

    def new_chat(self, title: str) -> int:
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO chats (title, created) VALUES (?, ?)", (title[:120], time.time())
            )
        return int(cursor.lastrowid or 0)

    def add_turn(self, chat_id: int, question: str, answer: Answer) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO turns (chat_id, question, answer, asked) VALUES (?, ?, ?, ?)",
                (chat_id, question, json.dumps(asdict(answer)), time.time()),
            )

    def chats(self) -> list[ChatSummary]:
        """Every saved chat, the most recently used first."""
        rows = self.db.execute(
            "SELECT chats.id, title, created, count(turns.id), "
            "coalesce(max(turns.asked), created) AS updated FROM chats "
            "LEFT JOIN turns ON turns.chat_id = chats.id GROUP BY chats.id "
            "ORDER BY updated DESC, chats.id DESC"
        )
        return [ChatSummary(*row) for row in rows]

    def last_chat(self) -> ChatSummary | None:
        """The chat used last, to reopen where it was left."""
        chats = [chat for chat in self.chats() if chat.turns]
        return chats[0] if chats else None

    def rename(self, chat_id: int, title: str) -> None:
        with self.db:
            self.db.execute("UPDATE chats SET title = ? WHERE id = ?", (title[:120], chat_id))

    def delete(self, chat_id: int) -> None:
        """Forget a chat and its questions and answers (the question history keeps its
        questions, as a shell's history outlives the session)."""
        with self.db:
            self.db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))

    def remember_question(self, question: str) -> None:
        """Keep a question for Up in the question box, even one never answered."""
        with self.db:
            self.db.execute(
                "INSERT INTO questions (question, asked) VALUES (?, ?)", (question, time.time())
            )
            self.db.execute(
                "DELETE FROM questions WHERE id <= (SELECT max(id) FROM questions) - ?",
                (QUESTIONS_KEPT,),
            )

    def questions(self) -> list[str]:
        """The questions asked in this library, oldest first, a repeat kept at its latest."""
        rows = self.db.execute("SELECT question FROM questions GROUP BY question ORDER BY max(id)")
        return [question for (question,) in rows]

    def load(self, chat_id: int) -> Conversation:
        conversation = Conversation()
        rows = self.db.execute(
            "SELECT question, answer FROM turns WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        for question, answer in rows:
            conversation.add(question, answer_from_dict(json.loads(answer)))
        return conversation

    @classmethod
    def reading(cls, folder: Path) -> History | None:
        """The chats saved in `folder`, opened read-only (`qa history` never writes); None
        when no chat was ever saved there (nothing is created)."""
        path = folder / HISTORY_NAME
        if not path.exists():
            return None
        history = cls.__new__(cls)
        history.db = sqlite3.connect(
            path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False
        )
        return history

    def chat(self, chat_id: int) -> ChatSummary | None:
        """One saved chat, or None when there is no chat `chat_id`."""
        return next((chat for chat in self.chats() if chat.id == chat_id), None)

    def turns(self, chat_id: int) -> list[SavedTurn]:
        """The questions and answers of one chat, oldest first, with when each was asked."""
        rows = self.db.execute(
            "SELECT chat_id, question, answer, asked FROM turns WHERE chat_id = ? ORDER BY id",
            (chat_id,),
        )
        return [_saved_turn(*row) for row in rows]

    def search(self, words: str, limit: int = 50) -> list[SavedTurn]:
        """The saved turns whose question, answer or message holds every one of `words`
        (ignoring case), the latest first."""
        terms = words.split()
        if not terms:
            return []
        fields = (
            "question",
            "coalesce(json_extract(answer, '$.text'), '')",
            "coalesce(json_extract(answer, '$.message'), '')",
        )
        each = "(" + " OR ".join(f"{f} LIKE ? ESCAPE '\\'" for f in fields) + ")"
        params: list[object] = []
        for term in terms:
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [pattern] * len(fields)
        rows = self.db.execute(
            "SELECT chat_id, question, answer, asked FROM turns WHERE "
            + " AND ".join([each] * len(terms))
            + " ORDER BY asked DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [_saved_turn(*row) for row in rows]

    def close(self) -> None:
        self.db.close()


def _saved_turn(chat_id: int, question: str, answer: str, asked: float) -> SavedTurn:
    return SavedTurn(chat_id, question, answer_from_dict(json.loads(answer)), asked)
