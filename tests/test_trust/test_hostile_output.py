"""What qa prints, for scripts (--json) and for people, is safe to let reach a terminal: no C1
control, bidi override or isolate comes out raw, and other non-ASCII text stays readable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import cli
from qa.display import json_for_scripts

HOSTILE = "\x9b2J\u202egnp.exe\u202c\u2066x\u2069\x85\u2028\x7f"
"""A CSI (C1), a right-to-left override and its pop, an isolate, NEL, a line separator, DEL."""
READABLE = "café 北京 مرحبا 😀"
RAW_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_json_for_scripts_escapes_controls_and_bidi_and_keeps_other_text() -> None:
    data = {"title": HOSTILE + READABLE, "lone": "\udcff", "fine": "\t\n"}
    text = json_for_scripts(data)
    assert not RAW_UNSAFE.search(text)
    assert READABLE in text
    assert "\\u009b" in text and "\\u202e" in text and "\\udcff" in text
    assert json.loads(text) == data
    assert len(json_for_scripts([HOSTILE], indent=None).splitlines()) == 1


@pytest.fixture(scope="module")
def hostile_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A library, indexed through the CLI, of a folder and an article whose names and title
    hold C1 controls and bidi overrides (a file name can hold any of them)."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / f"news{HOSTILE}"
    folder.mkdir()
    (folder / f"sanctions{HOSTILE}.md").write_text(
        f"# Lucca talks {HOSTILE} {READABLE}\n\n"
        "Boris Johnson raised new sanctions on Russia at the meeting in Lucca.\n"
    )
    library = root / f"lib{HOSTILE}"
    result = CliRunner().invoke(cli, ["index", "add", "--library", str(library), str(folder)])
    assert result.exit_code == 0, result.output
    return library, folder


def test_ask_json_escapes_what_articles_and_paths_hold(hostile_library: tuple[Path, Path]) -> None:
    library, _ = hostile_library
    result = CliRunner().invoke(
        cli, ["ask", "--json", "--library", str(library), f"who raised sanctions?{HOSTILE}"]
    )
    assert result.exit_code == 0, result.output
    assert not RAW_UNSAFE.search(result.stdout.replace("\n", ""))
    data = json.loads(result.stdout)
    assert data["text"] == "Boris Johnson"
    assert "\u202e" in data["citations"][0]["source"]  # escaped in the text, kept in the data
    assert "北京" in result.stdout  # readable, not \\u escaped


def test_index_status_json_escapes_paths(hostile_library: tuple[Path, Path]) -> None:
    library, folder = hostile_library
    result = CliRunner().invoke(cli, ["index", "status", "--json", "--library", str(library)])
    assert result.exit_code == 0, result.output
    assert not RAW_UNSAFE.search(result.stdout.replace("\n", ""))
    assert json.loads(result.stdout)["roots"] == [str(folder)]


def test_human_output_strips_controls_and_bidi(hostile_library: tuple[Path, Path]) -> None:
    library, _ = hostile_library
    answered = CliRunner().invoke(cli, ["ask", "--library", str(library), "who raised sanctions?"])
    status = CliRunner().invoke(cli, ["index", "status", "--library", str(library)])
    missing = CliRunner().invoke(cli, ["index", "status", "--library", f"{library}-none"])
    assert "Boris Johnson" in answered.output and "news" in status.output
    assert "qa: error:" in missing.output
    for result in (answered, status, missing):
        assert not RAW_UNSAFE.search(result.output.replace("\n", "")), result.output
