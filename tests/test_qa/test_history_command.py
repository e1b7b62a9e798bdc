"""`qa history`: the saved chats listed, shown, searched and exported, read-only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.answering.answer import Answer, Citation
from qa.cli import EXIT_NOT_FOUND, cli
from qa.workspace.history import HISTORY_NAME, History


def _answer(question: str, text: str, sentence: str) -> Answer:
    return Answer(
        question,
        found=True,
        text=text,
        confidence=0.8,
        highlight=(sentence.index(text), sentence.index(text) + len(text)),
        citations=[
            Citation(
                1, "G7 meets in Lucca", "https://example.org/g7", "2017-04-11", sentence, 0, 9, 1, 1
            )
        ],
    )


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library folder with two saved chats (its index is not needed to read them)."""
    folder = tmp_path / "lib"
    history = History(folder)
    first = history.new_chat("Sanctions")
    history.add_turn(
        first,
        "who raised sanctions?",
        _answer("who raised sanctions?", "Boris Johnson", "It was Boris Johnson, in Lucca."),
    )
    history.add_turn(
        first,
        "where did they meet?",
        Answer("where did they meet?", found=False, message="Not found in your articles."),
    )
    second = history.new_chat("Weather 100%_sure")
    history.add_turn(
        second, "will it rain?", _answer("will it rain?", "rain", "Expect rain by noon.")
    )
    history.close()
    return folder


def _run(library: Path, *arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["history", *arguments, "--library", str(library)])
    return result.exit_code, result.stdout, result.stderr


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / HISTORY_NAME).read_bytes()).hexdigest()


def test_list_shows_each_chat_latest_first(library: Path) -> None:
    code, out, _ = _run(library, "list")
    assert code == 0
    lines = out.splitlines()
    assert "Weather 100%_sure" in lines[0] and "1 question " in lines[0]
    assert "Sanctions" in lines[1] and "2 questions" in lines[1]
    assert CliRunner().invoke(cli, ["history", "--library", str(library)]).stdout == out
    code, out, _ = _run(library, "list", "--json")
    chats = json.loads(out)
    assert [(c["title"], c["questions"]) for c in chats] == [
        ("Weather 100%_sure", 1),
        ("Sanctions", 2),
    ]
    assert chats[1]["created"].endswith("+00:00")


def test_show_prints_one_chat_with_its_answers(library: Path) -> None:
    code, out, _ = _run(library, "show", "1")
    assert code == 0
    assert out.startswith("# Sanctions") and "## who raised sanctions?" in out
    assert "**Boris Johnson**" in out and "G7 meets in Lucca" in out
    assert "Not found in your articles." in out
    code, out, _ = _run(library, "show", "1", "--json")
    data = json.loads(out)
    assert [t["question"] for t in data["turns"]] == [
        "who raised sanctions?",
        "where did they meet?",
    ]
    assert data["turns"][0]["answer"]["text"] == "Boris Johnson"


def test_a_chat_that_does_not_exist_is_one_line(library: Path) -> None:
    for arguments in (["show", "9"], ["export", "9"]):
        code, out, err = _run(library, *arguments)
        assert code == 1 and out == ""
        assert err == "qa: error: there is no saved chat 9; list them with: qa history list\n"
    code, _, err = _run(library, "show", "nine")
    assert code == 2 and "'nine' is not a valid integer" in err


def test_search_finds_questions_and_answers_holding_every_word(library: Path) -> None:
    code, out, _ = _run(library, "search", "BORIS", "lucca")
    assert code == EXIT_NOT_FOUND  # "lucca" is in the citation, not in the answer or question
    code, out, _ = _run(library, "search", "boris", "sanctions", "--json")
    assert code == 0
    (turn,) = json.loads(out)
    assert turn["question"] == "who raised sanctions?" and turn["chat_id"] == 1
    code, out, _ = _run(library, "search", "not", "found")
    assert code == 0 and "› where did they meet?" in out
    code, out, _ = _run(library, "search", "100%_")
    assert code == EXIT_NOT_FOUND  # a title is not a turn, and % and _ are not wildcards
    code, out, _ = _run(library, "search", "%")
    assert code == EXIT_NOT_FOUND and "No saved question or answer holds '%'." in out


def test_export_gives_one_or_every_chat(library: Path) -> None:
    code, out, _ = _run(library, "export", "--format", "json")
    assert code == 0
    assert [chat["title"] for chat in json.loads(out)] == ["Sanctions", "Weather 100%_sure"]
    code, out, _ = _run(library, "export", "2", "--format", "json")
    assert json.loads(out)["turns"][0]["answer"]["text"] == "rain"
    code, out, _ = _run(library, "export")
    assert code == 0 and out.index("# Sanctions") < out.index("# Weather 100%_sure")
    code, _, err = _run(library, "export", "--format", "pdf")
    assert code == 2 and "'pdf' is not one of" in err


def test_reading_never_writes(library: Path, tmp_path: Path) -> None:
    before = _digest(library)
    for arguments in (["list"], ["show", "1"], ["search", "rain"], ["export"]):
        assert _run(library, *arguments)[0] == 0
    assert _digest(library) == before
    empty = tmp_path / "new-lib"
    code, out, _ = _run(empty, "list")
    assert code == 0 and "No saved chats yet" in out
    assert _run(empty, "list", "--json")[1].strip() == "[]"
    assert _run(empty, "search", "rain")[0] == EXIT_NOT_FOUND
    assert not empty.exists()  # nothing was created for a library without chats
