"""Make any file name or text safe to report on one line and to store: names on disk may hold
bytes that are not UTF-8, newlines and terminal escape sequences."""

from __future__ import annotations

import re

_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (a newline would split the line, ESC would drive the terminal) and lone
surrogates (how Python holds a name's bytes that are not UTF-8; no terminal can print them)."""
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def one_line(text: str) -> str:
    """`text` with every control character and undecodable byte written as an escape, so a
    report line stays one printable line: a name's byte 0xFF shows as `\\xff`, a newline
    as `\\n`."""
    return _UNSHOWABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{ord(char) - 0xDC00:02x}"
    escaped = char.encode("unicode_escape", "backslashreplace").decode("ascii")
    return escaped if escaped != char else f"\\x{ord(char):02x}"


def storable(text: str) -> str:
    """`text` with each lone surrogate (from a JSON `\\ud800` or a name's undecodable byte)
    replaced by U+FFFD: one character for one, so every offset into the text still holds, and
    the text can be encoded as UTF-8 to be stored and printed."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def has_words(text: str) -> bool:
    """Does `text` hold a letter or a digit? A file of control characters or punctuation alone
    has nothing to index or to answer from."""
    return any(char.isalnum() for char in text)
