"""Pastes made safe before Textual parses them: escape sequences inside bracketed pastes, and
pastes that arrive as keys.

Textual's input parser (8.2) treats an escape sequence inside a bracketed paste as the end of
what it collects: `Who bought \\e[31mRED\\e[0m the unit?` reached the question box as the keys
"^[31mRED^[0m the unit?" and then a paste of "Who bought " (reordered, escape bytes typed as
"^["). The escape sequences between the paste's start and end markers are dropped here, before
the parser sees them, so a paste arrives whole as one `Paste` event.

Textual offers no public hook on raw terminal input (its drivers build the parser themselves), so
this replaces the private `textual._xterm_parser.XTermParser` that `textual.drivers.linux_driver`
builds; pyproject.toml pins textual to the versions this was checked on, and
tests/test_tui/test_paste.py fails where a new Textual moves what it patches."""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual._xterm_parser import XTermParser
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, clipboard writes
    r"|\x1b[^\[\]]"  # two-byte escapes
)
_LINES_OF_TEXT = re.compile(r"[^\x00-\x1f\x7f][\r\n]+[^\x00-\x1f\x7f]")
"""A line break with text on both sides in one read of input: pasted, not typed (a person's
Enter comes alone, or after the last keys typed, never before more text in the same read)."""
_UNFINISHED = re.compile(r"\x1b[^\x07]*$")
"""An escape sequence cut off at the end of a read: kept for the next one."""


class PasteFilter:
    """Removes escape sequences from the text of bracketed pastes, across reads of input."""

    def __init__(self) -> None:
        self.pasting = False
        self.carry = ""

    def __call__(self, data: str) -> str:
        data, self.carry = self.carry + data, ""
        out: list[str] = []
        while data:
            if not self.pasting:
                start = data.find(PASTE_START)
                if start < 0:
                    out.append(_as_paste(data))
                    break
                out.append(data[: start + len(PASTE_START)])
                data = data[start + len(PASTE_START) :]
                self.pasting = True
                continue
            end = data.find(PASTE_END)
            text = data if end < 0 else data[:end]
            if end < 0:  # the paste goes on in the next read; keep a sequence cut in two
                unfinished = _UNFINISHED.search(text)
                if unfinished is not None and not _ESCAPES.match(text, unfinished.start()):
                    self.carry, text = text[unfinished.start() :], text[: unfinished.start()]
            out.append(_ESCAPES.sub("", text).replace("\x1b", ""))
            if end < 0:
                break
            out.append(PASTE_END)
            data = data[end + len(PASTE_END) :]
            self.pasting = False
        return "".join(out)


def _as_paste(data: str) -> str:
    """Input read outside a bracketed paste, made one when it holds lines of text: a terminal
    without bracketed paste (or with it off) sends a paste as keys, and each line break as
    Enter: "How many jobs" was asked at once, and lines ran together ("jobswill")."""
    if "\x1b" in data or not _LINES_OF_TEXT.search(data):
        return data
    return PASTE_START + data + PASTE_END


class PasteSafeParser(XTermParser):
    """Textual's terminal input parser, fed with escape-free pastes."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self.paste_filter = PasteFilter()

    def feed(self, data: str) -> Iterable[Message]:
        if not data:
            return super().feed(data)  # the end of input
        cleaned = self.paste_filter(data)
        return super().feed(cleaned) if cleaned else ()


def install() -> None:
    """Use the paste-safe parser for terminal input (Linux and macOS; Windows reads input
    through its own API and is left as it is)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:
        return
    setattr(linux_driver, "XTermParser", PasteSafeParser)  # noqa: B010 (a module global of textual)
