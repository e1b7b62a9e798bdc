"""Bracketed pastes with escape sequences in them, as a terminal sends them to the chat."""

from __future__ import annotations

import inspect
from pathlib import Path

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver

from qa import Settings
from qa.tui import make_app
from qa.tui.paste import PasteFilter, PasteSafeParser

RED_PASTE = "\x1b[200~Who bought \x1b[31mRED\x1b[0m the unit?\x1b[201~"


def test_a_paste_with_colours_arrives_whole_as_one_paste() -> None:
    # Textual's own parser typed "^[31mRED^[0m the unit?" as keys, then pasted "Who bought ".
    plain = list(XTermParser().feed(RED_PASTE))
    assert not isinstance(plain[0], events.Paste)
    events_seen = list(PasteSafeParser().feed(RED_PASTE))
    assert [type(e) for e in events_seen] == [events.Paste]
    assert events_seen[0].text == "Who bought RED the unit?"  # type: ignore[attr-defined]


def test_keys_outside_a_paste_are_left_alone_and_a_sequence_cut_between_reads_is_joined() -> None:
    clean = PasteFilter()
    assert clean("\x1b[A") == "\x1b[A"  # the Up key is not a paste
    assert clean("ab\x1b[200~x\x1b[3") == "ab\x1b[200~x"
    assert clean("1my\x1b]0;title\x07!\x1b[201~\x1b") == "y!\x1b[201~\x1b"  # a lone Esc stays


def test_the_chat_reads_the_terminal_through_the_paste_safe_parser(tmp_path: Path) -> None:
    make_app(Settings(library=tmp_path / "library"))
    assert linux_driver.XTermParser is PasteSafeParser


def test_the_private_textual_api_the_patch_replaces_is_still_there() -> None:
    # paste.py patches private Textual (no public hook filters raw input); pyproject.toml pins
    # textual to the versions it was checked on. This fails loudly where a new Textual moves it.
    source = inspect.getsource(linux_driver.LinuxDriver)
    assert "parser = XTermParser(self._debug)" in source, (
        "Textual's Linux driver no longer builds its parser from linux_driver.XTermParser, so "
        "qa/tui/paste.py's install() would do nothing: check the patch against this Textual "
        "and move the textual pin in pyproject.toml"
    )
    assert list(inspect.signature(XTermParser.__init__).parameters) == ["self", "debug"]
    assert list(inspect.signature(XTermParser.feed).parameters) == ["self", "data"]


def test_lines_pasted_without_bracketed_paste_arrive_as_one_paste_not_as_enter() -> None:
    # A terminal without bracketed paste types a paste: each line break was Enter, which asked
    # "How many jobs" at once, and the rest ran together ("jobswill Ryanair createwith").
    typed = "How many jobs\rwill Ryanair create\rwith the new planes?\r"
    seen = list(PasteSafeParser().feed(typed))
    assert [type(e) for e in seen] == [events.Paste]
    assert seen[0].text.split() == typed.split()  # type: ignore[attr-defined]
    # Typed keys are left as they are: Enter after a question, a lone key, a key with Esc.
    for keys in ("who?\r", "\r", "j", "\x1b[A"):
        assert not any(isinstance(e, events.Paste) for e in PasteSafeParser().feed(keys)), keys
