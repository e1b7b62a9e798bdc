"""`qa search` and `Asker.search`: ranked passages with their citations, filtered exactly;
the filter options on `qa ask`; and one run of the installed command with the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FakeEmbedder, write_dated_news

from qa import Settings
from qa.answering import Asker, Filters, SentenceReader
from qa.answering.search import excerpt
from qa.cli import EXIT_NO_ARTICLES, EXIT_NOT_FOUND, ask, cli, search
from qa.index import Library


@pytest.fixture
def news(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    write_dated_news(root)
    return root


@pytest.fixture
def library(tmp_path: Path, news: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library of the dated news built with the fake model, which `qa search` and `qa ask`
    then load in place of the real one."""
    folder = tmp_path / "lib"
    Library(folder, FakeEmbedder()).add([news])
    monkeypatch.setattr(search, "MiniLMEmbedder", lambda **_: FakeEmbedder())
    monkeypatch.setattr(
        ask,
        "open_asker",
        lambda settings, _: Asker(
            Library(settings.library, FakeEmbedder()), settings, reader=SentenceReader()
        ),
    )
    return folder


def test_an_excerpt_keeps_the_query_words_in_sight() -> None:
    text = "filler " * 80 + "The G7 ministers discussed sanctions on Russia. " + "more " * 80
    shown, spans = excerpt(text, "what did the minister say about Sanctions?", width=120)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) <= 122
    assert [shown[start:end] for start, end in spans] == ["ministers", "sanctions"]
    assert excerpt("Short\n\ntext.", "nothing") == ("Short text.", [])


def test_found_passages_are_exact_and_cited(library: Path, news: Path) -> None:
    asker = Asker(Library(library, FakeEmbedder()), Settings(library=library))
    found = asker.search("harbour ferry", limit=4)
    assert [f.rank for f in found] == [1, 2, 3, 4]
    assert [f.score for f in found] == sorted((f.score for f in found), reverse=True)
    for item in found:
        article = asker.library.article(item.article_id).article
        assert article.text[item.start : item.end] == item.text
        assert (item.title, item.source, item.path) == (article.title, article.source, article.path)
    data = found[0].to_dict()
    assert set(data) >= {"rank", "score", "cosine", "title", "source", "date", "text", "start"}
    json.dumps(data)
    assert asker.search("harbour", 5, Filters.parse(sources=["guardian"]))[0].date == "2024-03-05"


def test_qa_search_shows_ranked_citations(library: Path) -> None:
    result = CliRunner().invoke(
        cli, ["search", "--library", str(library), "--limit", "2", "harbour ferry late"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1. Harbour story ") and "· https://www.bbc.co.uk/news/" in lines[0]
    assert "2023" in lines[0] and "harbour ferry crossing" in lines[1]
    assert any(line.startswith("2. ") for line in lines) and "3. " not in result.output


def test_qa_search_json_obeys_the_filters(library: Path, news: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["search", "--library", str(library), "--json", "--in", str(news / "guardian"), "harbour"],
    )
    assert result.exit_code == 0, result.output
    (only,) = json.loads(result.stdout)
    assert only["title"] == "Council budget" and only["rank"] == 1
    december = ["--since", "2023-12", "--until", "2023"]
    dated = CliRunner().invoke(
        cli, ["search", "--library", str(library), "--json", "-n", "50", *december, "ferry"]
    )
    found = json.loads(dated.stdout)
    assert found and all(f["date"].startswith("2023-12") for f in found)


def test_qa_search_reads_queries_from_standard_input(library: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["search", "--library", str(library), "--json", "--source", "guardian", "-n", "1", "-"],
        input="harbour budget\n\nferry\n",
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["harbour budget", "ferry"]
    assert lines[0]["passages"][0]["title"] == "Council budget" and lines[1]["passages"] == []
    assert "2 queries: 1 matched, 1 matched nothing." in result.stderr


def test_nothing_matching_exits_3_and_says_so(library: Path) -> None:
    result = CliRunner().invoke(
        cli, ["search", "--library", str(library), "--source", "reuters", "harbour"]
    )
    assert result.exit_code == EXIT_NOT_FOUND
    assert "No passage matches (from reuters)." in result.output


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--since", "2024-02-31"], "cannot read the date '2024-02-31'"),
        (["--since", "2024", "--until", "2023"], "is after --until"),
        (["--limit", "0"], "Invalid value for '--limit'"),
    ],
)
def test_bad_input_is_a_usage_error(library: Path, arguments: list[str], said: str) -> None:
    result = CliRunner().invoke(cli, ["search", "--library", str(library), *arguments, "ferry"])
    assert result.exit_code == 2 and said in result.stderr


def test_a_date_error_is_one_line(library: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "--library", str(library), "--until", "soon", "x"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("qa: error: ")


def test_an_empty_library_is_said_plainly(tmp_path: Path, news: Path) -> None:
    for arguments in (["search", "ferry"], ["ask", "who ran late?"]):
        result = CliRunner().invoke(
            cli, [*arguments, "--library", str(tmp_path / "none"), "--in", str(news)]
        )
        assert result.exit_code == EXIT_NO_ARTICLES, result.output
        assert "has no articles yet" in result.stderr and "warning" not in result.stderr


def test_a_folder_outside_the_library_is_warned_about(library: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["search", "--library", str(library), "--in", str(tmp_path / "other"), "ferry"]
    )
    assert result.exit_code == EXIT_NOT_FOUND
    assert "qa: warning: " in result.stderr and "is not in this library" in result.stderr


def test_qa_ask_cites_only_what_the_filters_keep(library: Path, news: Path) -> None:
    question = "what did the council set its budget for?"
    result = CliRunner().invoke(
        cli, ["ask", "--library", str(library), "--json", "--in", str(news / "bbc"), question]
    )
    data = json.loads(result.stdout)
    assert data["citations"] and all("bbc.co.uk" in c["source"] for c in data["citations"])
    kept = CliRunner().invoke(
        cli, ["ask", "--library", str(library), "--json", "--since", "2024", question]
    )
    data = json.loads(kept.stdout)
    assert [c["title"] for c in data["citations"]] == ["Council budget"]


def test_installed_qa_search_json_with_the_real_model(fixture_library: Library) -> None:
    qa = Path(sys.executable).parent / "qa"
    where = ["--library", str(fixture_library.folder)]

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(qa), "search", "--json", *where, *arguments],
            capture_output=True,
            text=True,
            timeout=300,
            env=os.environ.copy(),
        )

    everything = run("-n", "3", "apple harvest frost")
    assert everything.returncode == 0, everything.stderr
    found = json.loads(everything.stdout)
    assert found[0]["title"] == "Orchard harvest hit by late frost"
    article = fixture_library.article(found[0]["article_id"]).article
    assert article.text[found[0]["start"] : found[0]["end"]] == found[0]["text"]
    cider = run("--source", "CIDER-imports", "apple harvest frost")
    assert cider.returncode == 0, cider.stderr
    assert {f["title"] for f in json.loads(cider.stdout)} == {
        "Cider makers turn to imported apples"
    }
    comet = str(Path(found[0]["path"]).parent / "comet.txt")
    unrelated = run("--in", comet, "apple harvest frost")  # near no passage in meaning or words
    assert (unrelated.returncode, unrelated.stdout) == (EXIT_NOT_FOUND, "[]\n")
