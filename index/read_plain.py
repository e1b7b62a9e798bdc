"""Read plain-text and Markdown articles: the text as written, the title from its first line."""

from __future__ import annotations

import re
from pathlib import Path

from .article import Article
from .decoding import decode_text

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MAX_TITLE = 200


def read_plain(path: Path, data: bytes) -> Article:
    """A `.txt` article: the first short non-empty line is its title."""
    text = decode_text(data, str(path))
    return Article(
        key=str(path),
        text=text,
        title=_first_line_title(text, path),
        source=str(path),
        path=str(path),
    )


def read_markdown(path: Path, data: bytes) -> Article:
    """A `.md` article: the first heading is its title (else the first line, else the file name)."""
    text = decode_text(data, str(path))
    heading = _HEADING.search(text)
    title = heading.group(1).strip() if heading else _first_line_title(text, path)
    return Article(key=str(path), text=text, title=title, source=str(path), path=str(path))


def _first_line_title(text: str, path: Path) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= _MAX_TITLE else path.stem
    return path.stem
