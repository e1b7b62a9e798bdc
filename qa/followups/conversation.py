"""Follow-up questions: the conversation so far shapes how the next question is read."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.answering.answer import Answer
from qa.followups.resolver import Resolution, Resolver


@dataclass
class Conversation:
    """The turns of one chat, oldest first."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def add(self, question: str, answer: Answer) -> None:
        self.turns.append((question, answer))

    @property
    def last_found(self) -> Answer | None:
        """The most recent answer that was found in the articles."""
        turn = self._last_found_turn()
        return turn[1] if turn else None

    def _last_found_turn(self) -> tuple[str, Answer] | None:
        return next(((q, a) for q, a in reversed(self.turns) if a.found), None)

    def resolution(self, question: str) -> Resolution:
        """How `question` is read after the turns so far: its words once what it points back at
        is filled in, and the earlier answer's words and article that may help find it."""
        return Resolver(self.turns).resolve(question)

    def resolve(self, question: str) -> str:
        """The question as read: "who raised sanctions?" -> "Boris Johnson"; then "what did he
        say about Russia?" is read as "what did Boris Johnson say about Russia?". A question
        that stands on its own comes back as typed."""
        return self.resolution(question).text

    def context(self, question: str) -> str:
        """Extra search words for a follow-up: the last answer and its article's title; empty
        when the question stands on its own."""
        return self.resolution(question).context
