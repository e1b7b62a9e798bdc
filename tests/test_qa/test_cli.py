"""The `qa` command in-process (CliRunner) and as the installed program, with the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SEEDS

from qa.cli import EXIT_NO_ARTICLES, EXIT_NOT_FOUND, cli
from qa.config.settings import data_home, library_folder
from qa.display.render import counted, status_text
from qa.index import Library, LibraryStatus


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library folder with seeds/ indexed through the CLI."""
    folder = tmp_path_factory.mktemp("cli") / "lib"
    result = CliRunner().invoke(cli, ["index", "add", "--library", str(folder), str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert "1 article added" in result.output
    return folder


def test_ask_prints_the_answer_inside_its_sentence_with_a_citation(seeded: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "--library", str(seeded), "who raised sanctions?"])
    assert result.exit_code == 0, result.output
    assert "Boris Johnson" in result.output
    assert "[1] G7 group meets with Middle East officials" in result.output


def test_ask_json_is_machine_readable(seeded: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ask", "--json", "--library", str(seeded), "who raised sanctions?"]
    )
    data = json.loads(result.output)
    assert data["found"] is True
    assert "Boris Johnson" in data["text"]
    assert "Boris Johnson" in data["sentence"]
    assert data["citations"][0]["sentence"] == data["sentence"]


def test_questions_from_standard_input_get_one_json_answer_per_line(seeded: Path) -> None:
    questions = "who raised sanctions?\n\n\x1b[2J\nwho is the Italian foreign minister?\n"
    result = CliRunner().invoke(
        cli, ["ask", "--json", "--library", str(seeded), "-"], input=questions
    )
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == [
        "who raised sanctions?",
        "who is the Italian foreign minister?",
    ]
    assert "Boris Johnson" in answers[0]["text"] and answers[1]["text"] == "Angelino Alfano"
    assert "qa: line 3 skipped: the question is empty" in result.stderr
    declined = CliRunner().invoke(
        cli, ["ask", "--library", str(seeded), "-"], input="what is the capital of Peru?\n"
    )
    assert declined.exit_code == EXIT_NOT_FOUND
    assert "› what is the capital of Peru?" in declined.output


def test_not_found_has_its_own_exit_code(seeded: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ask", "--library", str(seeded), "who won the 2022 world cup?"]
    )
    assert result.exit_code == EXIT_NOT_FOUND
    assert "Not found in your articles" in result.output


def test_the_answer_decline_line_is_a_probability_kept_per_library(seeded: Path) -> None:
    question = ["--library", str(seeded), "who raised sanctions?"]
    shown = json.loads(CliRunner().invoke(cli, ["ask", "--json", *question]).output)
    assert shown["found"] and 0.0 < shown["confidence"] < 1.0
    above = min(1.0, shown["confidence"] + 0.01)
    declined = CliRunner().invoke(cli, ["ask", "--min-confidence", str(above), *question])
    assert declined.exit_code == EXIT_NOT_FOUND
    assert CliRunner().invoke(cli, ["ask", *question]).exit_code == 0  # not kept without --remember
    try:
        kept = CliRunner().invoke(
            cli, ["ask", "--min-confidence", str(above), "--remember", *question]
        )
        assert kept.exit_code == EXIT_NOT_FOUND
        assert CliRunner().invoke(cli, ["ask", *question]).exit_code == EXIT_NOT_FOUND
    finally:
        (seeded / "preferences.json").unlink()
    wrong = CliRunner().invoke(cli, ["ask", "--min-confidence", "175", *question])
    assert wrong.exit_code == 2  # a usage error, in one line
    assert wrong.output.strip().splitlines() == [
        "qa: error: “175” is not a chance for --min-confidence: type a chance from 0 to 100%, "
        "e.g. 45% or 0.45"
    ]


def test_status_and_rerun(seeded: Path) -> None:
    result = CliRunner().invoke(cli, ["index", "status", "--json", "--library", str(seeded)])
    status = json.loads(result.output)
    assert (status["articles"], status["model"]) == (1, "all-MiniLM-L6-v2")
    assert status["stale_files"] == []
    again = CliRunner().invoke(
        cli, ["index", "add", "--json", "--library", str(seeded), str(SEEDS)]
    )
    assert json.loads(again.output)["passages_embedded"] == 0


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "--library", str(tmp_path / "nothing"), "why?"])
    assert result.exit_code == EXIT_NO_ARTICLES
    assert result.output.strip().count("\n") == 0
    assert "qa index add" in result.output
    empty = CliRunner().invoke(cli, ["ask", "--library", str(tmp_path), "   "])
    assert empty.exit_code == 2 and "question is empty" in empty.output  # a usage error


def test_index_add_reports_skipped_files_and_fails(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bad.json").write_text("{")
    (tmp_path / "docs" / "good.txt").write_text("Title\n\nThe ferry sails at noon.")
    result = CliRunner().invoke(
        cli, ["index", "add", "--library", str(tmp_path / "lib"), str(tmp_path / "docs")]
    )
    assert result.exit_code == 1
    assert "1 article added" in result.output
    assert "bad.json: not valid JSON" in result.output


def test_index_add_of_a_folder_without_articles_says_what_qa_reads(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"\xff\xd8\xff")
    result = CliRunner().invoke(
        cli, ["index", "add", "--library", str(tmp_path / "lib"), str(tmp_path / "photos")]
    )
    assert result.exit_code == 0
    assert "0 files (0 unchanged): no article changed; 0 articles in the library" in result.output
    assert "No article files there; qa reads files ending in .txt" in result.output
    removed = CliRunner().invoke(
        cli, ["index", "remove", "--library", str(tmp_path / "lib"), str(tmp_path / "elsewhere")]
    )
    assert removed.exit_code == 1
    assert "no article in the library was read from" in removed.stderr


def test_library_location_follows_qa_home_and_names() -> None:
    assert data_home({"QA_HOME": "/x/y"}) == Path("/x/y")
    assert library_folder("work", {"QA_HOME": "/x/y"}) == Path("/x/y/libraries/work")
    assert library_folder(None, {"QA_HOME": "/x/y"}) == Path("/x/y/libraries/default")
    assert library_folder("./here", {}) == Path("here").resolve()


def test_installed_command_end_to_end(tmp_path: Path) -> None:
    qa = Path(sys.executable).parent / "qa"
    env = {**os.environ, "QA_HOME": str(tmp_path / "home")}
    indexed = subprocess.run(
        [str(qa), "index", "add", str(SEEDS)], env=env, capture_output=True, text=True, timeout=300
    )
    assert indexed.returncode == 0, indexed.stderr
    asked = subprocess.run(
        [str(qa), "ask", "who raised sanctions?"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert asked.returncode == 0, asked.stderr
    assert "Boris Johnson" in asked.stdout
    assert (tmp_path / "home" / "libraries" / "default" / "manifest.json").exists()


def test_counts_read_as_english() -> None:
    assert counted(1, "article") == "1 article"
    assert (counted(0, "file"), counted(1024, "passage")) == ("0 files", "1,024 passages")


def test_status_names_changed_and_unreadable_files() -> None:
    status = LibraryStatus(
        "/lib",
        "all-MiniLM-L6-v2",
        2,
        9,
        ["/news"],
        2_000_000,
        "2026-11-27",
        ["/news/new.txt"],
        ["/news/bad.json: not valid JSON; skipped"],
    )
    text = status_text(status).plain
    assert "stale files  1 file not as indexed (0 new or edited, 1 deleted; run: qa index" in text
    assert "unreadable  1 file not indexed" in text
    assert "/news/bad.json: not valid JSON; skipped" in text
    current = LibraryStatus("/lib", "m", 2, 9, ["/news"], 1, "2026-11-27", [])
    assert "none: the index is current" in status_text(current).plain
    assert "unreadable" not in status_text(current).plain


def test_ctrl_c_while_indexing_says_what_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Library, "add", interrupted)
    result = CliRunner().invoke(
        cli, ["index", "add", "--library", str(tmp_path / "lib"), str(SEEDS)]
    )
    assert result.exit_code == 130
    assert "qa: interrupted: the index keeps every batch committed so far" in result.stderr


def test_index_check_says_each_difference_in_one_line_exits_1_and_repairs(
    seeded: Path, tmp_path: Path
) -> None:
    import shutil
    import sqlite3

    folder = tmp_path / "lib"
    shutil.copytree(seeded, folder)
    clean = CliRunner().invoke(cli, ["index", "check", "--library", str(folder)])
    assert clean.exit_code == 0, clean.output
    assert "agree" in clean.output
    with sqlite3.connect(folder / "library.sqlite3") as db:
        db.execute("DELETE FROM passages_fts WHERE rowid = 1")
    found = CliRunner().invoke(cli, ["index", "check", "--json", "--library", str(folder)])
    assert found.exit_code == 1
    report = json.loads(found.output)
    assert report["ok"] is False
    assert [d["fix"] for d in report["differences"]] == ["repair"]
    assert "missing from the FTS table" in report["differences"][0]["what"]
    repaired = CliRunner().invoke(cli, ["index", "check", "--repair", "--library", str(folder)])
    assert repaired.exit_code == 0, repaired.output
    assert "everything agrees now" in repaired.output
    again = CliRunner().invoke(cli, ["index", "check", "--library", str(folder)])
    assert again.exit_code == 0 and "agree" in again.output


def test_piped_answers_are_not_hard_wrapped(seeded: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "--library", str(seeded), "who raised sanctions?"])
    lines = result.output.splitlines()
    assert any(line.startswith("Boris Johnson   (confidence ") for line in lines)
    quoted = next(line for line in lines if line.startswith("“Alfano says"))
    assert quoted.endswith("Boris Johnson.” [1]")  # one line, not cut at 80 columns
    assert len(quoted) > 80
    assert not [line for line in lines if line != line.rstrip()]  # no padding spaces


def test_library_is_taken_before_or_after_the_subcommand(seeded: Path) -> None:
    for args in (
        ["--library", str(seeded), "index", "status", "--json"],
        ["index", "--library", str(seeded), "status", "--json"],
        ["index", "status", "--json", "--library", str(seeded)],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.output)["folder"] == str(seeded)
    # The command's own --library wins over one given before it, and over $QA_LIBRARY.
    result = CliRunner().invoke(
        cli,
        ["--library", "elsewhere", "index", "status", "--json", "--library", str(seeded)],
        env={"QA_LIBRARY": "nowhere"},
    )
    assert json.loads(result.output)["folder"] == str(seeded)


def test_index_remove_reports_json(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ferry.txt").write_text("Ferry\n\nThe ferry sails at noon.")
    library = str(tmp_path / "lib")
    assert CliRunner().invoke(cli, ["index", "add", "--library", library, str(tmp_path / "docs")])
    result = CliRunner().invoke(
        cli, ["index", "remove", "--json", "--library", library, str(tmp_path / "docs")]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {key: data[key] for key in ("library", "articles_removed")} == {
        "library": library,
        "articles_removed": 1,
    }
    assert 0 < data["bytes_after"] <= data["bytes_before"]


def test_a_batch_exits_0_when_it_went_through_and_3_when_nothing_was_answered(
    seeded: Path,
) -> None:
    mixed = CliRunner().invoke(
        cli,
        ["ask", "--json", "--library", str(seeded), "-"],
        input="who raised sanctions?\nwhat is the capital of Peru?\n\x1b[2J\n",
    )
    assert mixed.exit_code == 0, mixed.output
    assert [json.loads(line)["found"] for line in mixed.stdout.splitlines()] == [True, False]
    assert "qa: 2 questions: 1 answered, 1 not in your articles, 1 line skipped." in mixed.stderr
    none = CliRunner().invoke(
        cli,
        ["ask", "--json", "--library", str(seeded), "-"],
        input="what is the capital of Peru?\n",
    )
    assert none.exit_code == EXIT_NOT_FOUND
    assert "qa: 1 question: 0 answered, 1 not in your articles." in none.stderr


def test_a_declined_answer_has_no_sentence_in_json(seeded: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ask", "--json", "--library", str(seeded), "who won the 2022 world cup?"]
    )
    data = json.loads(result.output)
    assert data["found"] is False and data["citations"]  # the closest passages are kept
    assert (data["sentence"], data["highlight"], data["text"]) == ("", [], "")


@pytest.mark.parametrize("command", [["ask", "who raised sanctions?"], ["index", "update"]])
def test_asking_and_local_indexing_never_import_ray(seeded: Path, command: list[str]) -> None:
    # Ray is an extra for `--engine ray` alone: it must cost the default path nothing.
    code = (
        "import sys\n"
        "from qa.cli import main\n"
        f"sys.argv = ['qa', *{command!r}, '--library', {str(seeded)!r}]\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    code = stop.code\n"
        "print('exit', code, 'ray' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "exit 0 False", result.stdout + result.stderr
