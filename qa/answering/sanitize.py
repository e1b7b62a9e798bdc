"""Escape sequences and control characters: what must never reach a terminal from outside text."""

from __future__ import annotations

import re

CONTROL_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, clipboard writes (52)
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"  # C0/C1 controls, bidi overrides
)
"""Everything removed from article text and questions; tabs and newlines are kept."""


def strip_controls(text: str, replacement: str = "") -> str:
    return CONTROL_SEQUENCES.sub(replacement, text)


WIDTH_AMBIGUOUS = re.compile(r"[\ufe0e\ufe0f\u200d]")
"""Emoji presentation selectors and zero-width joiners: rich counts "🛢️" as two cells and many
terminals (tmux among them) draw it in one, which shifted a row and the pane divider beside it.
Without them every emoji has the same width for rich and for the terminal."""


def same_width(text: str) -> str:
    """`text` without the characters whose width terminals disagree on."""
    return WIDTH_AMBIGUOUS.sub("", text)


def one_line(text: str) -> str:
    """Pasted text as one line: escape sequences, control characters and width-ambiguous
    characters removed, every run of whitespace (line breaks included) a single space."""
    return " ".join(same_width(strip_controls(text, " ")).split())
