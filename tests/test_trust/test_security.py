"""Articles cannot attack the terminal, index folders hold no code, nothing needs the network."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SEEDS, FakeEmbedder

from qa import QuestionError, clean_question
from qa.answering.retrieval import lexical_query
from qa.cli import cli
from qa.display.render import answer_text, safe, safe_block
from qa.index import ArticleError, Library, read_articles
from qa.tui.widgets import answer_body

ATTACK = (
    "Harbour news\n\nThe mayor \x1b[2J\x1b[H opened the \x1b]0;pwned title\x07 harbour "
    "wall \x1b]52;c;ZWNobyBoaQ==\x07 on Monday.\x1b[31m Everyone \u202echeered\x9b1A."
)


def test_escape_sequences_in_articles_never_reach_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "attack.txt").write_text(ATTACK)
    library = str(tmp_path / "lib")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "add", "--library", library, str(folder)]).exit_code == 0
    result = runner.invoke(cli, ["ask", "--library", library, "who opened the harbour wall?"])
    assert "harbour" in result.output
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "52;c;"):
        assert bad not in result.output
    data = json.loads(
        runner.invoke(
            cli, ["ask", "--json", "--library", library, "who opened the harbour wall?"]
        ).output
    )
    assert "\x1b" in data["sentence"]  # JSON keeps the article verbatim, escaped by JSON


def test_safe_text_keeps_words_and_drops_controls() -> None:
    assert safe("a\x1b[31mb\x1b]0;t\x07c\u202ed\ne") == "abcd e"
    assert safe_block("line one\x1b[2J\nline two") == "line one\nline two"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_rendered_answers_never_contain_control_characters(text: str) -> None:
    from qa import Answer, Citation

    citation = Citation(1, text, text, text, text, 0, len(text), 1, 1)
    answer = Answer(text, True, text=text, highlight=(0, len(text)), citations=[citation])
    for rendered in (answer_text(answer).plain, answer_body(answer).plain):
        assert not any((ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F for ch in rendered)


SUFFIXES = [".txt", ".md", ".html", ".json", ".jsonl", ".jsonl.gz", ".pdf"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(SUFFIXES), st.binary(max_size=3000))
def test_readers_either_read_or_explain_any_bytes(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        articles = list(read_articles(path))
    except ArticleError as error:
        assert str(path) in str(error)
        return
    for article in articles:
        assert article.text.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_question_is_cleaned_or_refused_and_never_breaks_fts(question: str) -> None:
    try:
        cleaned = clean_question(question)
    except QuestionError:
        return
    assert cleaned and "\x1b" not in cleaned
    query = lexical_query(cleaned)
    assert query.count('"') % 2 == 0


def test_lexical_search_survives_fuzzed_questions(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([SEEDS])
    passages = set(library.passages(list(range(1, library.passage_count() + 1))))
    assert passages

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=200), st.text(max_size=100))
    def search(before: str, after: str) -> None:
        # Whatever surrounds it, a word the seed article holds still finds it: the fuzz can
        # neither break the FTS5 query (an exception) nor empty it of the real word.
        hits = library.lexical_search(lexical_query(f"Tillerson {before} {after}"), 5)
        assert 1 <= len(hits) <= 5
        assert {passage for passage, _ in hits} <= passages
        scores = [score for _, score in hits]
        assert scores == sorted(scores, reverse=True)

    search()


def test_an_index_folder_holds_only_data(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([SEEDS])
    names = {p.name for p in (tmp_path / "lib").iterdir()}
    assert names <= {
        "manifest.json",
        "library.sqlite3",
        "library.sqlite3-wal",
        "library.sqlite3-shm",
        "vectors.faiss",
        "update.lock",
    }
    json.loads((tmp_path / "lib" / "manifest.json").read_text())
    for path in (tmp_path / "lib").iterdir():
        assert not path.read_bytes().startswith(b"\x80")  # no pickle stream anywhere


def test_html_is_parsed_for_text_only(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Bridge opens</title>"
        "<script>fetch('http://example.invalid/x')</script>"
        "<link rel=stylesheet href='http://example.invalid/s.css'></head>"
        "<body><article><p>The mayor opened the new bridge on Monday morning.</p>"
        "<img src='http://example.invalid/i.png'><iframe src='http://example.invalid'>"
        "</iframe></article></body></html>"
    )
    [article] = read_articles(page)
    assert "bridge" in article.text and "fetch" not in article.text


def test_indexing_and_answering_work_with_the_network_disabled(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    assert unshare, "util-linux unshare is needed to cut the network off for this test"
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    shutil.copy(Path(__file__).parent.parent / "fixtures" / "articles" / "library.html", folder)
    qa = str(Path(sys.executable).parent / "qa")
    env = {**os.environ, "QA_HOME": str(tmp_path / "home")}
    for args in (["index", "add", str(folder)], ["ask", "who raised sanctions?"]):
        result = subprocess.run(
            [unshare, "--net", qa, *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
    assert "Boris Johnson" in result.stdout


def test_no_stray_space_beside_a_highlighted_sentence() -> None:
    from qa.display.render import beside_sentence

    assert beside_sentence("Before it.\xa0 ", "\xa0But after.\n\nNext") == (
        "Before it.",
        "But after.\n\nNext",
    )
    assert beside_sentence("Para.\n\n", "\n\nPara.") == ("Para.\n\n", "\n\nPara.")
