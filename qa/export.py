"""A chat as Markdown for the export: each answer quoted and cited, with its confidence."""

from __future__ import annotations

from .conversation import Conversation


def chat_markdown(conversation: Conversation) -> str:
    """`Conversation.to_markdown()` with each answer's confidence after its answer line (or
    after "Not found in your articles."), so a reader of the file can weigh it."""
    text = conversation.to_markdown()
    position = 0
    for _, answer in conversation.turns:
        line = f"**{answer.text}**" if answer.found else f"_{answer.message}_"
        at = text.find(line + "\n", position)
        if at < 0:
            continue
        position = at + len(line)
        text = f"{text[:position]} (confidence {answer.confidence:.0%}){text[position:]}"
    return text
