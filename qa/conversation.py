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
_LEAD = r"\s*(?:and\s+|but\s+|so\s+)?"
"""What may open a follow-up before its question word ("and where?")."""
_HOW_MUCH = r"how\s+(?:many|much|long|often|far|old)\b"
_HOW = rf"(?:{_HOW_MUCH}|how)"
# A follow-up that is only a question word ("when?", "and where exactly?") asks the last question
# again about something else.
_ELLIPSIS = re.compile(
    _LEAD + rf"(?P<wh>when|where|why|who|whom|what|which|{_HOW})"
    r"(?:\s+(?:exactly|then|else|precisely))?\s*[?.!]*\s*",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(
    _LEAD + rf"(?:who|whom|whose|what|which|when|where|why|{_HOW})\b\s*", re.IGNORECASE
)
_AUXILIARY = re.compile(
    r"(?:did|does|do|is|was|are|were|has|have|had|will|would|can|could|should|may|might|must)\b",
    re.IGNORECASE,
)
_TIMES = r"(?:what|which)\s+(?:year|date|day|time|month)"
# Questions whose answers are places, times or amounts, never people ("where was the meeting?").
_NOT_ABOUT_PEOPLE = re.compile(
    _LEAD + rf"(?:where|when|how|{_TIMES}|(?:what|which)\s+(?:country|city|state|place|town"
    r"|region|number|amount|percentage)s?)\b",
    re.IGNORECASE,
)
# Questions answered by a time or an amount, which "it" or "there" never points back at.
_ABOUT_TIME_OR_AMOUNT = re.compile(_LEAD + rf"(?:when|{_HOW_MUCH}|{_TIMES})\b", re.IGNORECASE)
# A capitalised name inside a question, with the word before it: after an auxiliary it is the
# subject ("what did Tillerson do?"); elsewhere it is a place, an object or an adjective ("in
# Italy", "about Russia", "the Syrian president").
_NAME = re.compile(
    r"(?:(?P<before>[A-Za-z]+)\s+)?(?P<name>[A-Z][a-z'’.-]+(?:\s+[A-Z][a-z'’.-]+){0,3})"
)
_NAME_PARTICLE = re.compile(r"^(?:al|el|bin|ibn|de|da|di|du|van|von|le|la)[-’']")
"""The lowercase start of a part of a name, as in "al-Assad"."""


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

    def resolve(self, question: str) -> str:
        """The question with a pronoun that refers back replaced by what it refers to.

        "who raised sanctions?" -> "Boris Johnson"; then "what did he say about Russia?" is read
        as "what did Boris Johnson say about Russia?". "he"/"she" go to the latest person named
        (an answer about people, or a name the question used), "it"/"they"/"there" to the latest
        short answer; a bare "when?" or "where?" asks the last question again."""
        again = self._ask_again(question)
        if again is not None:
            return again
        person = self._latest_person()
        asked, last = self._last_found_turn() or ("", None)
        other = (
            last.text
            if last
            and last.text
            and len(last.text.split()) <= _MAX_ENTITY_WORDS
            and not _ABOUT_TIME_OR_AMOUNT.match(asked)  # "where is it?" never means "Tuesday"
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

    def _ask_again(self, question: str) -> str | None:
        """A bare question word asks the last question again: after "who met in Lucca?" (G7
        foreign ministers), "when?" is read as "when did G7 foreign ministers met in Lucca?"; the
        reader copes with the tense, not with a missing subject."""
        ellipsis = _ELLIPSIS.fullmatch(question)
        if ellipsis is None or not self.turns:
            return None
        earlier_question, earlier_answer = self.turns[-1]
        earlier = Conversation(self.turns[:-1]).resolve(earlier_question)
        opening = _QUESTION_WORD.match(earlier)
        if opening is None:
            return None
        rest = earlier[opening.end() :].strip().rstrip("?.! ").strip()
        if not rest:
            return None
        word = ellipsis.group("wh").lower()
        if _AUXILIARY.match(rest) or not earlier_answer.found:
            return f"{word} {rest}?"  # "what did X say" -> "why did X say"
        return f"{word} did {earlier_answer.text} {rest}?"  # the answer was the subject

    def _latest_person(self) -> str | None:
        """Who "he" or "she" means: the latest answer naming a person to a question about people,
        or a name a question used as its subject ("what did Tillerson do?")."""
        for question, answer in reversed(self.turns):
            if (
                answer.found
                and _is_person_like(answer.text)
                and not _NOT_ABOUT_PEOPLE.match(question)
            ):
                return answer.text
            names = [
                match.group("name")
                for match in _NAME.finditer(question)
                if match.start("name") > 0 and _AUXILIARY.fullmatch(match.group("before") or "")
            ]
            if names:
                return names[-1]
        return None

    def context(self, question: str) -> str:
        """Extra search words for a follow-up: the last answer, its sentence's title and terms.

        Empty when the question stands on its own (no pronoun or reference to resolve)."""
        last = self.last_found
        refers_back = bool(
            _PERSON_PRONOUNS.search(question)
            or _OTHER_REFERENCES.search(question)
            or _ELLIPSIS.fullmatch(question)
        )
        if last is None or not refers_back or not last.citations:
            return ""
        citation = last.citations[0]
        return f"{last.text} {citation.title}"

    def to_markdown(self) -> str:
        """The whole chat as Markdown, each answer quoted with its citations."""
        lines = ["# qa chat", ""]
        for question, answer in self.turns:
            lines += [f"## {question}", ""]
            if answer.read_as:
                lines += [f"_read as “{answer.read_as}”_", ""]
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
    """Two to four capitalised words without digits or commas: "Boris Johnson" and "Bashar
    al-Assad", not "Lucca, Italy"."""
    words = text.split()
    return (
        1 < len(words) <= 4
        and all(_NAME_PARTICLE.sub("", word)[:1].isupper() for word in words)
        and not any(character.isdigit() or character == "," for character in text)
    )
