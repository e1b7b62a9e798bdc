"""The real `qa chat` in a pseudo-terminal: type the seed question, see the answer, quit cleanly."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
from support import SEEDS

from qa.index import Library


def test_qa_chat_answers_in_a_real_terminal(seeds_library: Library, tmp_path: Path) -> None:
    qa = Path(sys.executable).parent / "qa"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "QA_HOME": str(tmp_path),
        "COLUMNS": "100",
        "LINES": "30",
    }
    child = pexpect.spawn(
        str(qa),
        ["chat", "--library", str(seeds_library.folder)],
        env=env,
        dimensions=(30, 100),
        encoding="utf-8",
        timeout=120,
        cwd=str(tmp_path),
    )
    try:
        child.expect("Ready")
        child.send("who raised sanctions?")
        time.sleep(0.5)
        child.send("\r")
        child.expect("Boris")
        child.expect("Johnson")
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert SEEDS.exists()
