"""The chat's Markdown export: answers in their sentences, cited, with their confidence."""

from __future__ import annotations

from qa import Answer, Citation, Conversation
from qa.display.export import chat_markdown


def test_each_answer_is_exported_with_its_confidence() -> None:
    cited = Citation(1, "Ferry", "ferry.txt", "", "He ended it.", 0, 12, 1, 1)
    chat = Conversation()
    chat.add("who?", Answer("who?", True, text="He", confidence=0.654, citations=[cited]))
    chat.add("where?", Answer("where?", False, message="Not found.", confidence=0.2))
    chat.add("and who?", Answer("and who?", True, text="He", confidence=0.9, citations=[cited]))
    text = chat_markdown(chat)
    assert text.count("**He** (confidence 65%)\n") == 1
    assert "_Not found._ (not in the articles)\n" in text  # no confidence for a decline
    assert text.index("(confidence 65%)") < text.index("(confidence 90%)")
    assert "**He** (confidence 90%)\n" in text


def raised_by(text: str, found: bool = True, read_as: str = "") -> Answer:
    """An answer quoting "The idea was raised by TEXT." from a cited seed article."""
    sentence = f"The idea was raised by {text}."
    cited = Citation(1, "G7 meets", "seeds/g7.txt", "2017-04-11", sentence, 10, 40, 1, 2)
    return Answer(
        "q",
        found,
        text=text,
        confidence=0.8,
        highlight=(23, 23 + len(text)),
        citations=[cited],
        message="" if found else "Not found in your articles.",
        read_as=read_as,
    )


def test_markdown_export_quotes_answers_in_their_sentences_with_citations() -> None:
    chat = Conversation()
    chat.add("who raised sanctions?", raised_by("Boris Johnson"))
    chat.add("who won?", raised_by("", found=False))
    chat.add("what did he say?", raised_by("no consensus", read_as="what did BJ say?"))
    text = chat_markdown(chat)
    assert "## who raised sanctions?\n\n**Boris Johnson** (confidence 80%)" in text
    assert "> The idea was raised by **Boris Johnson**. [1]" in text
    assert "1. G7 meets · seeds/g7.txt · 11 Apr 2017: “The idea was raised by Boris" in text
    assert "_Not found in your articles._ (not in the articles)" in text
    assert "## what did he say?\n\n_read as “what did BJ say?”_\n\n**no consensus**" in text
