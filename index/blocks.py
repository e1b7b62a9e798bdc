"""Where a text's blocks (paragraphs, headings, list items, table rows) begin and end: a sentence
never runs from one block into the next."""

from __future__ import annotations

import re

_BLANK = re.compile(r"\s*")
_HEADING = re.compile(r" {0,3}#{1,6}(\s|$)")
"""A Markdown heading, "## Results": a block of one line."""
_UNDERLINE = re.compile(r" {0,3}(=+|-{2,})\s*$")
"""The line under a Markdown heading, "=====": it ends the heading's block."""
_TABLE_ROW = re.compile(r"\s*\|")
"""A table row, "| a | b |": a block of its own."""
_LIST_ITEM = re.compile(r"\s*([-*+\u2022]|\d{1,3}[.)])\s")
"""A list item, "- milk" or "2) eggs": it starts a block when the line before is finished
(hard-wrapped prose also puts "- " or "13. " at a line's start: "...on March\n13. The")."""
_FINISHED = tuple(".!?:\"”’')]")
"""How a line that finishes what it says ends."""
_NOT_A_TITLE_END = (*_FINISHED, ",", ";", "-", "–", "—", "&", "/")
_CONTINUES = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "or",
        "but",
        "as",
        "that",
    ]
)
"""Words a title never ends with: a line ending in one goes on in the next line."""
TITLE_WORDS = 15
"""A line of at most this many words may be a title standing before its text."""
TITLE_SHARE = 0.6
"""...when it is at most this share of the next line: the lines of hard-wrapped text are alike in
length, so a short line before a long one is a title, not a wrapped sentence."""


def text_blocks(text: str) -> list[tuple[int, int]]:
    """The `[start, end)` ranges of the text's blocks, in order, each without blank lines."""
    blocks: list[tuple[int, int]] = []
    lines = _lines(text)
    block_start: int | None = None
    for number, (start, end) in enumerate(lines):
        line = text[start:end]
        if _BLANK.fullmatch(line):
            if block_start is not None:
                blocks.append((block_start, lines[number - 1][1]))
                block_start = None
            continue
        previous = text[lines[number - 1][0] : lines[number - 1][1]] if number else ""
        if block_start is not None and _starts_block(line, previous):
            blocks.append((block_start, lines[number - 1][1]))
            block_start = None
        if block_start is None:
            block_start = start
        following = (
            text[lines[number + 1][0] : lines[number + 1][1]] if number + 1 < len(lines) else ""
        )
        if _ends_block(line, start == block_start, following):
            blocks.append((block_start, end))
            block_start = None
    if block_start is not None:
        blocks.append((block_start, lines[-1][1]))
    return blocks


def _lines(text: str) -> list[tuple[int, int]]:
    """Each line's `[start, end)`, without its line break."""
    spans = []
    start = 0
    for match in re.finditer(r"\r\n|\n|\r", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _starts_block(line: str, previous: str) -> bool:
    """True when `line` starts a block even without a blank line before it."""
    if _HEADING.match(line) or _TABLE_ROW.match(line):
        return True
    return bool(_LIST_ITEM.match(line)) and (
        previous.rstrip().endswith(_FINISHED) or bool(_LIST_ITEM.match(previous))
    )


def _ends_block(line: str, first: bool, following: str) -> bool:
    """True when the block ends with `line`: a heading, or a title (the first line of its block)
    before a longer line."""
    if _HEADING.match(line) or _UNDERLINE.match(line):
        return True
    if not following.strip() or _UNDERLINE.match(following):
        return False
    return first and _is_title(line, following)


def _is_title(line: str, following: str) -> bool:
    """A short line without a sentence's ending before a much longer line that starts as a
    sentence does: "Iran jails blogger for 14 years" above "An Iranian weblogger has been
    jailed ..."."""
    words = line.split()
    if (
        len(words) > TITLE_WORDS
        or line.rstrip().endswith(_NOT_A_TITLE_END)
        or words[-1].lower() in _CONTINUES
    ):
        return False
    opening = following.lstrip()[:1]
    starts_sentence = opening.isupper() or opening.isdigit() or opening in "\"“‘'("
    return starts_sentence and len(line.strip()) <= TITLE_SHARE * len(following.strip())
