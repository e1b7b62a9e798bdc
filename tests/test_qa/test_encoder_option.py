"""`qa index` embeds with the passage encoder measured fastest on this machine, or a forced one."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FIXTURES, SEEDS

from qa.cli import cli
from qa.index import encoder_choice

RATES = {"bf16": 5.0, "torch": 9.0, "onnx": 7.0}
"""Fake passages/s: fp32 torch is 'measured' fastest, which no CPU flag would have said."""


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Measurements are faked (RATES) and recorded: the candidates each one timed."""
    monkeypatch.delenv("QA_ENCODER")
    # A CPU with bf16 units: on others int8 ONNX is taken without measuring.
    monkeypatch.setattr(encoder_choice, "cpu_flags", lambda: {"avx512f", "amx_bf16"})
    calls: list[list[str]] = []

    def fake(
        encoders: Mapping[str, Callable[[Sequence[str]], object]],
        texts: Sequence[str],
        rounds: int = encoder_choice.ROUNDS,
        clock: Callable[[], float] = lambda: 0.0,
    ) -> dict[str, float]:
        calls.append(sorted(encoders))
        return {name: RATES[name] for name in encoders}

    monkeypatch.setattr(encoder_choice, "measure", fake)
    return calls


def add(*arguments: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["index", "add", "--json", *arguments])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_auto_measures_once_per_machine_and_says_what_it_chose(
    tmp_path: Path, private_home: Path, measured: list[list[str]]
) -> None:
    library = str(tmp_path / "lib")
    first = add("--library", library, str(SEEDS))
    assert first["encoder"] == "torch" and first["passages_embedded"]
    assert measured == [["bf16", "onnx", "torch"]]
    remembered = json.loads((private_home / "encoder-choice.json").read_text())
    assert remembered["backend"] == "torch" and remembered["passages/s"] == RATES
    # Another run on this machine recalls the choice; one that embeds nothing chooses nothing.
    unchanged = add("--library", library, str(SEEDS))
    assert unchanged["encoder"] is None and unchanged["passages_embedded"] == 0
    article = str(FIXTURES / "articles" / "comet.txt")
    again = add("--library", library, article)
    assert again["encoder"] == "torch" and measured == [["bf16", "onnx", "torch"]]
    text = CliRunner().invoke(cli, ["index", "add", "--library", str(tmp_path / "other"), article])
    assert text.exit_code == 0 and "/s) with fp32 torch." in text.stdout
    assert "Passages are embedded with fp32 torch." not in text.stdout  # progress is on stderr


@pytest.mark.parametrize(
    ("option", "environment"), [(["--encoder", "onnx"], {}), ([], {"QA_ENCODER": "onnx"})]
)
def test_a_forced_encoder_is_used_without_measuring(
    tmp_path: Path,
    private_home: Path,
    measured: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    option: list[str],
    environment: dict[str, str],
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    report = add(*option, "--library", str(tmp_path / "lib"), str(SEEDS))
    assert report["encoder"] == "onnx" and measured == []
    assert not (private_home / "encoder-choice.json").exists()


@pytest.mark.parametrize("encoder", ["onnx", "bf16"])
def test_either_cpu_encoder_indexes_a_library_that_answers_alike(
    tmp_path: Path, encoder: str
) -> None:
    # CI exercises both passage encoders on any machine, whichever this one measures fastest.
    library = str(tmp_path / "lib")
    report = add("--encoder", encoder, "--library", library, str(SEEDS))
    assert report["encoder"] == encoder and report["passages_embedded"]
    result = CliRunner().invoke(
        cli, ["ask", "--json", "who raised sanctions?", "--library", library]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["found"] and answer["text"] == "Boris Johnson"


def test_an_unknown_encoder_is_a_one_line_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["index", "add", "--encoder", "int4", "--library", str(tmp_path), str(SEEDS)]
    )
    assert result.exit_code == 2 and "'int4' is not one of 'auto', 'torch', 'bf16'" in result.output


def test_asking_never_measures_nor_loads_the_chooser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = str(tmp_path / "lib")
    add("--library", library, str(SEEDS))
    monkeypatch.delenv("QA_ENCODER")
    code = (
        "import sys\n"
        "from qa.cli import main\n"
        f"sys.argv = ['qa', 'ask', 'who raised sanctions?', '--library', {library!r}]\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    code = stop.code\n"
        "print('exit', code, 'qa.index.encoder_choice' in sys.modules, 'torch' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "exit 0 False False", result.stdout + result.stderr
