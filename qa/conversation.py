"""Follow-up questions: the conversation so far shapes how the next question is read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .answer import Answer

# Words that point back at something said before ("what did he say", "where is it").
_PERSON_PRONOUNS = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
_OTHER_REFERENCES = re.compile(r"\b(it|its|they|them|their|there|that|this)\b", re.IGNORECASE)
_POSSESSIVE = {"his", "her", "hers", "its", "their"}
_MAX_ENTITY_WORDS = 6


@dataclass
class Conversation:
    """The turns of one chat, oldest first."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def add(self, question: str, answer: Answer) -> None:
        self.turns.append((question, answer))

    @property
    def last_found(self) -> Answer | None:
        """The most recent answer that was found in the articles."""
        return next((answer for _, answer in reversed(self.turns) if answer.found), None)

    def resolve(self, question: str) -> str:
        """The question with pronouns that refer to the last answer replaced by that answer.

        "who raised sanctions?" -> "Boris Johnson"; then "what did he say about Russia?" is read
        as "what did Boris Johnson say about Russia?"."""
        last = self.last_found
        if last is None or not last.text or len(last.text.split()) > _MAX_ENTITY_WORDS:
            return question

        def replace(match: re.Match[str]) -> str:
            word = match.group(0).lower()
            return f"{last.text}'s" if word in _POSSESSIVE else last.text

        resolved, count = _PERSON_PRONOUNS.subn(replace, question, count=1)
        if count == 0 and not _is_person_like(last.text):
            resolved = _OTHER_REFERENCES.sub(replace, question, count=1)
        return resolved

    def context(self, question: str) -> str:
        """Extra search words for a follow-up: the last answer, its sentence's title and terms.

        Empty when the question stands on its own (no pronoun or reference to resolve)."""
        last = self.last_found
        refers_back = bool(_PERSON_PRONOUNS.search(question) or _OTHER_REFERENCES.search(question))
        if last is None or not refers_back or not last.citations:
            return ""
        citation = last.citations[0]
        return f"{last.text} {citation.title}"

    def to_markdown(self) -> str:
        """The whole chat as Markdown, each answer quoted with its citations."""
        lines = ["# qa chat", ""]
        for question, answer in self.turns:
            lines += [f"## {question}", ""]
            if answer.found:
                lines += [f"**{answer.text}**", "", f"> {answer.sentence} [1]", ""]
            else:
                lines += [f"_{answer.message}_", ""]
            for citation in answer.citations:
                where = " · ".join(p for p in (citation.title, citation.source, citation.date) if p)
                lines.append(f"{citation.number}. {where}: “{citation.sentence}”")
            lines.append("")
        return "\n".join(lines)


def _is_person_like(text: str) -> bool:
    words = text.split()
    return 1 < len(words) <= 4 and all(word[:1].isupper() for word in words)
