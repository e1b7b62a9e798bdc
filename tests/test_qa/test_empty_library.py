"""An empty library, or none at all, says so and how to fill it, instead of "Not found in your
articles": in `qa ask` (one line, exit 4) and in the chat's answer area."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SEEDS, FakeEmbedder
from textual.widgets import Input, Static

from qa import Asker, History, NoArticles, Settings
from qa.answering.readers import SentenceReader
from qa.cli import EXIT_NO_ARTICLES, cli
from qa.index import Library
from qa.tui import make_app
from qa.tui.widgets import Turn

ADD = "add some with qa index add"


def one_error_line(output: str) -> str:
    [line] = output.splitlines()
    assert line.startswith("qa: error: ")
    return line


def test_ask_without_a_library_says_it_has_no_articles(private_home: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "who raised sanctions?"])
    assert result.exit_code == EXIT_NO_ARTICLES
    line = one_error_line(result.output)
    assert "has no articles yet" in line and line.endswith(f"{ADD} PATH")


def test_ask_on_an_empty_named_library_names_it_in_the_command(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    made = CliRunner().invoke(cli, ["index", "add", "--library", "work", str(tmp_path / "empty")])
    assert made.exit_code == 0, made.output
    for question in (["who raised sanctions?"], ["-"]):
        result = CliRunner().invoke(
            cli, ["ask", "--library", "work", *question], input="who?\nwhat?\nwhen?\n"
        )
        assert result.exit_code == EXIT_NO_ARTICLES
        # A batch stops at once: every line would fail the same way.
        assert one_error_line(result.output).endswith(f"{ADD} --library work PATH")


def test_a_library_whose_articles_were_all_removed_has_none(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([SEEDS])
    library.remove([SEEDS])
    asker = Asker(library, Settings(library=library.folder), reader=SentenceReader())
    with pytest.raises(NoArticles, match=rf"{tmp_path / 'lib'} has no articles yet: {ADD}"):
        asker.ask("who raised sanctions?")


async def test_the_chat_says_so_in_its_answer_area(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([SEEDS])
    library.remove([SEEDS])
    asker = Asker(library, Settings(library=library.folder), reader=SentenceReader())
    app = make_app(
        asker.settings,
        lambda settings: asker,
        export_folder=tmp_path,
        history=History(tmp_path / "history"),
    )
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.query_one("#question", Input).focus()
        await pilot.press(*"who?", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.query_one(Turn).query_one(".answer", Static).render())
        assert "has no articles yet" in shown and ADD in shown
        assert "Not found" not in shown
