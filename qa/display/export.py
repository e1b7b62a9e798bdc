"""A chat as Markdown for the export: each answer in its sentence, cited, with its confidence."""

from __future__ import annotations

from qa.answering.answer import BELOW_LINE, Answer
from qa.followups.conversation import Conversation

from .dates import shown_date
from .render import safe, sentence_parts


def chat_markdown(conversation: Conversation) -> str:
    """The whole chat as Markdown: each question, how a follow-up was read, the short answer
    with its confidence, the sentence it came from with the answer in bold, and the citations."""
    lines = ["# qa chat", ""]
    for question, answer in conversation.turns:
        lines += [f"## {safe(question)}", ""]
        if answer.read_as:
            lines += [f"_read as “{safe(answer.read_as)}”_", ""]
        lines += _answer_lines(answer)
        for citation in answer.citations:
            date = shown_date(citation.date)
            where = " · ".join(p for p in (citation.title, citation.source, date) if p)
            lines.append(f"{citation.number}. {safe(where)}: “{safe(citation.sentence)}”")
        lines.append("")
    return "\n".join(lines)


def _answer_lines(answer: Answer) -> list[str]:
    """The answer, or which kind of decline it was: nothing in the articles answers (no
    confidence to show), or an answer was found below the line (its message gives it with its
    chance)."""
    if not answer.found:
        kind = "below the answer line" if answer.decline == BELOW_LINE else "not in the articles"
        return [f"_{safe(answer.message)}_ ({kind})", ""]
    confidence = f"(confidence {answer.confidence:.0%})"
    before, short, after = sentence_parts(answer)
    lines = [f"**{safe(answer.text)}** {confidence}", "", f"> {before}**{short}**{after} [1]", ""]
    if answer.also_said:
        lines += [answer.also_said, ""]
    if answer.unmet_note:
        lines += [f"_{safe(answer.unmet_note)}_", ""]
    return lines
