"""The chat's Markdown export keeps each answer's confidence."""

from __future__ import annotations

from qa import Answer, Citation, Conversation
from qa.export import chat_markdown


def test_each_answer_is_exported_with_its_confidence() -> None:
    cited = Citation(1, "Ferry", "ferry.txt", "", "He ended it.", 0, 12, 1, 1)
    chat = Conversation()
    chat.add("who?", Answer("who?", True, text="He", confidence=0.654, citations=[cited]))
    chat.add("where?", Answer("where?", False, message="Not found.", confidence=0.2))
    chat.add("and who?", Answer("and who?", True, text="He", confidence=0.9, citations=[cited]))
    text = chat_markdown(chat)
    assert text.count("**He** (confidence 65%)\n") == 1
    assert "_Not found._ (confidence 20%)\n" in text
    assert text.index("(confidence 65%)") < text.index("(confidence 90%)")
    assert "**He** (confidence 90%)\n" in text
