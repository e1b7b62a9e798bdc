"""Copying to the clipboard: through the terminal (OSC 52) and, where one is installed, the
system's clipboard tool, since a terminal can ignore OSC 52 without a word (tmux by default)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

TOOLS: list[tuple[str, list[str], str | None]] = [
    ("pbcopy", [], None),
    ("wl-copy", [], "WAYLAND_DISPLAY"),
    ("xclip", ["-selection", "clipboard"], "DISPLAY"),
    ("xsel", ["--clipboard", "--input"], "DISPLAY"),
]
"""The system clipboard tools: the command, its arguments, and the display it needs."""


def system_copy(text: str) -> str | None:
    """Put `text` on the system clipboard with the first tool that is installed and has its
    display; the tool's name, or None when none did."""
    for tool, arguments, display in TOOLS:
        if tool == "pbcopy" and sys.platform != "darwin":
            continue
        if display is not None and not os.environ.get(display):
            continue
        path = shutil.which(tool)
        if path is None:
            continue
        try:
            subprocess.run(
                [path, *arguments],
                input=text.encode(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=3,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        return tool
    return None


def told(tool: str | None) -> str:
    """What a copy says it did: the terminal alone may have ignored it, so it says so."""
    if tool is not None:
        return f"Copied the answer and its citation (system clipboard, {tool})."
    return (
        "Sent the answer and its citation to the terminal's clipboard; if nothing pastes, the "
        "terminal ignores that (tmux: set -g set-clipboard on) and no xclip, xsel or wl-copy "
        "is installed."
    )
