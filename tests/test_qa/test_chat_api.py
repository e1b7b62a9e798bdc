"""`qa.Chat`, the one conversation API: follow-ups, saved turns, topics, reading a citation, and
the same conversation giving the same answers through the CLI, the chat and the API itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.widgets import Input

from qa import Asker, Chat, CitationGone, History, PreferenceError, QuestionError, Settings
from qa.cli import cli
from qa.index import Library
from qa.tui import make_app

CONVERSATION = ["who raised sanctions?", "what did he say about Russia?", "where was the meeting?"]


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer's JSON form as every face must agree on it."""
    return json.loads(json.dumps(answer))


@pytest.fixture
def asker(seeds_library: Library) -> Asker:
    return Asker(seeds_library, Settings(library=seeds_library.folder))


def test_a_follow_up_is_read_after_the_turn_before_it(asker: Asker) -> None:
    chat = Chat(asker)
    first = chat.ask("who raised sanctions?")
    second = chat.ask("what did he say about Russia?")
    assert first.found and "Boris Johnson" in first.text
    assert "Boris Johnson" in second.read_as
    assert [question for question, _ in chat.turns] == CONVERSATION[:2]


def test_a_new_topic_reads_the_next_question_on_its_own(asker: Asker) -> None:
    chat = Chat(asker)
    chat.ask("who raised sanctions?")
    chat.new_topic()
    after = chat.ask("what did he say about Russia?")
    assert after.read_as == ""
    assert len(chat.turns) == 2  # the earlier turn stays in the conversation


def test_turns_are_saved_and_a_reopened_chat_reads_its_follow_ups(
    asker: Asker, tmp_path: Path
) -> None:
    history = History(tmp_path)
    chat = Chat(asker, history)
    assert chat.chat_id is None
    chat.ask("who raised sanctions?")
    assert chat.chat_id is not None
    assert [c.turns for c in history.chats()] == [1]

    reopened = Chat(asker, history, chat.chat_id)
    follow_up = reopened.ask("what did he say about Russia?")
    assert "Boris Johnson" in follow_up.read_as
    assert history.chats()[0].turns == 2


def test_a_question_that_cannot_be_asked_keeps_nothing(asker: Asker, tmp_path: Path) -> None:
    history = History(tmp_path)
    chat = Chat(asker, history)
    with pytest.raises(QuestionError):
        chat.ask(" \x1b[2J ")
    assert chat.turns == [] and history.chats() == []


def test_a_line_for_one_question_leaves_the_library_line_alone(asker: Asker) -> None:
    chat = Chat(asker)
    held = chat.ask("who raised sanctions?", min_confidence=0.999)
    assert not held.found and held.line == 0.999 and held.closest
    assert chat.ask("who raised sanctions?").line == asker.min_confidence
    with pytest.raises(PreferenceError, match="from 0 to 1"):
        chat.ask("who raised sanctions?", min_confidence=7)


def test_reading_a_citation_gives_its_sentence_among_its_neighbours(asker: Asker) -> None:
    chat = Chat(asker)
    citation = chat.ask("who raised sanctions?").citations[0]
    excerpt = chat.read(citation.article_id, citation.sentence_start, citation.sentence_end)
    article = asker.library.article(citation.article_id).article
    assert citation.sentence in excerpt.text
    assert excerpt.text == article.text[excerpt.start : excerpt.end]
    assert excerpt.start < citation.sentence_start and excerpt.end > citation.sentence_end
    assert excerpt.path == citation.path == article.path
    narrow = chat.read(citation.article_id, citation.sentence_start, citation.sentence_end, 0)
    assert narrow.text == citation.sentence

    opening = chat.read(citation.article_id)
    assert opening.start == 0 and article.text.startswith(opening.text)


def test_a_citation_the_library_no_longer_holds_is_one_clear_error(asker: Asker) -> None:
    chat = Chat(asker)
    with pytest.raises(CitationGone, match="no longer in the library"):
        chat.read(987_654)
    citation = chat.ask("who raised sanctions?").citations[0]
    with pytest.raises(CitationGone, match="outside"):
        chat.read(citation.article_id, 10**9, 10**9 + 5)


async def test_one_conversation_gives_the_same_answers_through_every_face(
    asker: Asker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API, `qa ask --follow-ups -` and the chat: the same words in the same conversation
    give the same answer, confidence, citations and reading of the follow-ups."""
    chat = Chat(asker)
    through_api = [comparable(chat.ask(q).to_dict()) for q in CONVERSATION]

    monkeypatch.setenv("QA_ENCODER", "onnx")  # as the library was built (tests/conftest.py)
    result = CliRunner().invoke(
        cli,
        ["ask", "--library", str(asker.library.folder), "--follow-ups", "--json", "-"],
        input="\n".join(CONVERSATION) + "\n",
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    through_cli = [comparable(json.loads(line)) for line in lines]

    app = make_app(asker.settings, lambda settings: asker, tmp_path, History(tmp_path / "h"))
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()  # the models load first
        for question in CONVERSATION:
            app.query_one("#question", Input).focus()
            await pilot.press(*[" " if c == " " else c for c in question], "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        through_chat = [comparable(answer.to_dict()) for _, answer in app.conversation.turns]

    assert through_cli == through_api
    assert through_chat == through_api
    assert "Boris Johnson" in through_api[1]["read_as"]
