"""Follow-up questions: the conversation so far shapes how the next question is read."""

from __future__ import annotations

import re
from collections.abc import Callable
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
        """The question with a pronoun that refers back replaced by what it refers to.

        "who raised sanctions?" -> "Boris Johnson"; then "what did he say about Russia?" is read
        as "what did Boris Johnson say about Russia?". "he"/"she" go to the latest answer that
        names a person, "it"/"they"/"there" to the latest short answer."""
        person = next(
            (a.text for _, a in reversed(self.turns) if a.found and _is_person_like(a.text)), None
        )
        last = self.last_found
        other = (
            last.text
            if last and last.text and len(last.text.split()) <= _MAX_ENTITY_WORDS
            else None
        )

        def replace_with(name: str) -> Callable[[re.Match[str]], str]:
            def replace(match: re.Match[str]) -> str:
                return f"{name}'s" if match.group(0).lower() in _POSSESSIVE else name

            return replace

        if person and _PERSON_PRONOUNS.search(question):
            return _PERSON_PRONOUNS.sub(replace_with(person), question, count=1)
        if other and not _is_person_like(other) and _OTHER_REFERENCES.search(question):
            return _OTHER_REFERENCES.sub(replace_with(other), question, count=1)
        return question

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
                if answer.also_said:
                    lines += [answer.also_said, ""]
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
