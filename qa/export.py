"""A chat as Markdown: each question, its answer with its confidence, quoted and cited."""

from __future__ import annotations

from .conversation import Conversation


def chat_markdown(conversation: Conversation) -> str:
    """The whole chat as Markdown, each answer quoted with its confidence and citations."""
    lines = ["# qa chat", ""]
    for question, answer in conversation.turns:
        lines += [f"## {question}", ""]
        if answer.read_as:
            lines += [f"_read as “{answer.read_as}”_", ""]
        if answer.found:
            lines += [
                f"**{answer.text}** (confidence {answer.confidence:.0%})",
                "",
                f"> {answer.sentence} [1]",
                "",
            ]
            if answer.also_said:
                lines += [answer.also_said, ""]
        else:
            lines += [f"_{answer.message}_ (confidence {answer.confidence:.0%})", ""]
        for citation in answer.citations:
            where = " · ".join(p for p in (citation.title, citation.source, citation.date) if p)
            lines.append(f"{citation.number}. {where}: “{citation.sentence}”")
        lines.append("")
    return "\n".join(lines)
