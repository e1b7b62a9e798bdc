"""The CLI's second pass (issue 23): --help as written, exit codes and the forms a chance
takes, reports that count what the library holds, the encoder measurement said and kept out of
the rate."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.console import Console
from support import SEEDS

from qa.cli import cli
from qa.cli.index_commands import report_line
from qa.display.progress import CHOOSING, progress_bar
from qa.index import MiniLMEmbedder, SyncReport, encoder_choice


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-pass") / "lib"
    result = CliRunner().invoke(cli, ["index", "add", "--library", str(folder), str(SEEDS)])
    assert result.exit_code == 0, result.output
    return folder


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


@pytest.mark.parametrize("path", commands(cli), ids=" ".join)
def test_every_help_reads_as_written(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command: click.Command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    # A "\n" in a docstring became a real line break, which left every later line indented
    # and rewrapped with runs of spaces mid-sentence.
    for paragraph in inspect.cleandoc(command.help or "").split("\n\n"):
        if not paragraph.startswith("\b"):
            assert all(not line[:1].isspace() for line in paragraph.splitlines()), paragraph


def test_the_printf_example_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["ask", "--help"])
    line = "printf 'who raised sanctions?\\nwhat did he say?\\n' | qa ask --follow-ups -"
    assert line in result.output


def test_usage_errors_exit_2_in_one_line(seeded: Path) -> None:
    empty = CliRunner().invoke(cli, ["ask", "--library", str(seeded), "  "])
    assert empty.exit_code == 2 and empty.stderr.count("\n") == 1, empty.output
    assert "the question is empty" in empty.stderr
    for bad in ("150%", "often", "-0.1"):
        result = CliRunner().invoke(
            cli, ["ask", "--library", str(seeded), "--min-confidence", bad, "who?"]
        )
        assert result.exit_code == 2, (bad, result.output)
        assert result.stderr.count("\n") == 1 and "type a chance from 0 to 100%" in result.stderr


@pytest.mark.parametrize("line", ["0.6", "60%", "60"])
def test_a_chance_takes_the_chats_forms_and_remember_says_so(seeded: Path, line: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["ask", "--json", "--library", str(seeded), "--min-confidence", line, "--remember", "x?"],
    )
    (seeded / "preferences.json").unlink()  # the other tests ask at the default line
    assert result.exit_code in (0, 3), result.output
    assert "answer line 60% kept for this library" in result.stderr


def test_removing_what_was_never_indexed_fails_and_says_so(seeded: Path) -> None:
    result = CliRunner().invoke(
        cli, ["index", "remove", "--library", str(seeded), "/nowhere/never.txt"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("qa: error: no article in the library was read from")


def test_a_known_empty_file_fails_one_run_only(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "seed.txt").write_text((SEEDS / "000_be1cfe4c88351585.txt").read_text())
    (folder / "empty.txt").write_text("")
    library = str(tmp_path / "lib")
    first = CliRunner().invoke(cli, ["index", "add", "--library", library, str(folder)])
    assert first.exit_code == 1 and "empty.txt: the file is empty" in first.stderr
    again = CliRunner().invoke(cli, ["index", "update", "--library", library])
    assert again.exit_code == 0, again.output
    assert "Still skipped: 1 file reported before and unchanged since" in again.stderr
    assert "empty.txt" not in again.stderr


def test_the_report_counts_what_the_library_holds() -> None:
    report = SyncReport(files_seen=202, files_unchanged=201, articles_updated=1)
    report.passages_embedded, report.seconds = 12, 3.0
    line = report_line(report, 300)
    assert line.startswith("202 files (201 unchanged): 1 article updated; 300 articles in")
    assert "0 unchanged" not in line
    nothing = report_line(SyncReport(files_seen=3, files_unchanged=3), 3)
    assert nothing == "3 files (3 unchanged): no article changed; 3 articles in the library."


def test_the_encoder_measurement_is_said_and_left_out_of_the_rate() -> None:
    report = SyncReport(files_seen=1, articles_added=1, passages_embedded=12, seconds=31.8)
    line = report_line(report, 1, "onnx", choosing=28.8)
    assert "12 passages embedded in 3.0 s (4.0/s) with int8 ONNX" in line
    assert "Choosing the passage encoder for this machine took 29 s (once)" in line
    console = Console(record=True, width=100)
    with progress_bar(console) as progress:
        progress(CHOOSING, 0, 1)
        progress(CHOOSING, 1, 1)
    assert "Measuring which passage encoder is fastest on this machine" in console.export_text()


def test_without_bf16_units_nothing_is_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qa.index.embedder._nvidia_gpu", lambda: False)
    monkeypatch.setattr(encoder_choice, "cpu_flags", lambda: {"avx2"})
    embedder = MiniLMEmbedder(choice_file=tmp_path / "choice.json")
    told: list[bool] = []
    embedder.on_measuring = told.append
    assert embedder.backend == "onnx"
    assert told == [] and embedder.choice_seconds == 0.0
    assert "_model" not in vars(embedder)  # the torch model was never loaded to be timed


def recorder(tmp_path: Path) -> tuple[str, Path]:
    """An editor that records the arguments it was started with."""
    log = tmp_path / "editor-args.txt"
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n')
    script.chmod(0o755)
    return str(script), log


def test_long_and_all_give_the_paragraph_and_every_answer(seeded: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ask", "--long", "--all", "--library", str(seeded), "who raised sanctions?"]
    )
    assert result.exit_code == 0, result.output
    full = result.output.split("In full:")[1]
    assert "But Alfano said isolating Russia" in full  # the sentence after the answer's
    every = result.output.split("Every answer found:")[1]
    assert "• Boris Johnson  [1]" in every and "• Chrystia Freeland  [2]" in every


def test_qa_open_starts_the_editor_at_the_cited_sentence(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor, log = recorder(tmp_path)
    monkeypatch.setenv("EDITOR", editor)
    asked = CliRunner().invoke(cli, ["ask", "--library", str(seeded), "who raised sanctions?"])
    assert asked.exit_code == 0
    opened = CliRunner().invoke(cli, ["open", "2", "--library", str(seeded)])
    assert opened.exit_code == 0, opened.output
    line, path = log.read_text().split()
    sentence = "Foreign Affairs Minister Chrystia Freeland, at the G7 meeting in Italy"
    lines = Path(path).read_text().splitlines()
    assert sentence in lines[int(line.removeprefix("+")) - 1]
    monkeypatch.delenv("EDITOR")
    monkeypatch.setenv("PAGER", editor)
    assert CliRunner().invoke(cli, ["open", "--library", str(seeded)]).exit_code == 0
    assert log.read_text().split()[0].startswith("+")
    missing = CliRunner().invoke(cli, ["open", "9", "--library", str(seeded)])
    assert missing.exit_code == 2 and "has no citation [9]; it has: 1, 2, 3" in missing.stderr


def test_qa_open_without_an_answer_says_to_ask_first(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["open", "--library", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no answer to open yet" in result.stderr
    assert not (tmp_path / "none").exists()


def test_a_quote_from_a_file_changed_since_indexing_is_flagged(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    article = folder / "g7.txt"
    article.write_text((SEEDS / "000_be1cfe4c88351585.txt").read_text())
    library = str(tmp_path / "lib")
    assert (
        CliRunner().invoke(cli, ["index", "add", "--library", library, str(folder)]).exit_code == 0
    )
    question = ["ask", "--library", library, "who raised sanctions?"]
    assert "warning" not in CliRunner().invoke(cli, question).stderr
    article.write_text("Nothing about sanctions any more.\n")
    edited = CliRunner().invoke(cli, question)
    assert "qa: warning: " in edited.stderr
    assert "g7.txt: the file changed since it was indexed: qa index update" in edited.stderr
    article.unlink()
    deleted = CliRunner().invoke(cli, question)
    assert "g7.txt was deleted since it was indexed: qa index update" in deleted.stderr


def test_status_counts_a_re_added_file_once_and_names_a_deleted_one(
    articles: Path, tmp_path: Path
) -> None:
    library = str(tmp_path / "lib")

    def run(*arguments: str) -> str:
        result = CliRunner().invoke(cli, [*arguments, "--library", library])
        assert result.exit_code == 0, result.output
        return result.stdout

    run("index", "add", str(articles))
    run("index", "remove", str(articles / "comet.txt"))
    run("index", "add", str(articles / "comet.txt"))  # back again: a root inside the folder
    status = json.loads(run("index", "status", "--json"))
    assert sum(status["articles_per_root"].values()) == status["articles"]
    text = run("index", "status")
    sources = next(line for line in text.splitlines() if line.strip().startswith("sources"))
    assert "comet.txt" not in sources and str(articles) in sources
    (articles / "bakery.txt").unlink()
    text = run("index", "status")
    assert "1 file not as indexed (0 new or edited, 1 deleted; run: qa index update)" in text
    assert f"deleted: {articles / 'bakery.txt'}" in text


def test_removing_articles_gives_their_space_back(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    for part in ("kept", "dropped"):
        (folder / part).mkdir(parents=True)
        for number in range(4):
            text = f"Story {part} {number}\n\n" + (f"The {part} harbour story {number}. " * 150)
            (folder / part / f"{number}.txt").write_text(text)
    library = tmp_path / "lib"
    added = CliRunner().invoke(cli, ["index", "add", "--library", str(library), str(folder)])
    assert added.exit_code == 0, added.output

    def size() -> int:
        return sum(p.stat().st_size for p in library.iterdir() if p.name.startswith("library"))

    before = size()
    removed = CliRunner().invoke(
        cli, ["index", "remove", "--library", str(library), str(folder / "dropped")]
    )
    assert removed.exit_code == 0, removed.output
    assert "Removed 4 articles" in removed.stdout and "the index went from" in removed.stdout
    assert size() < before * 0.8  # freed pages were kept: the file stayed as large


def test_version_and_the_documented_shell_completion() -> None:
    version = CliRunner().invoke(cli, ["--version"], prog_name="qa")
    assert version.exit_code == 0 and version.output.startswith("qa, version ")
    script = CliRunner().invoke(
        cli, [], prog_name="qa", env={"_QA_COMPLETE": "bash_source"}, standalone_mode=True
    )
    assert "_QA_COMPLETE=bash_complete" in script.output
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "_QA_COMPLETE=bash_source qa" in readme
