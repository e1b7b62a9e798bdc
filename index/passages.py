"""Split an article into sentences and overlapping passages that keep exact character offsets."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .blocks import text_blocks

TokenCounter = Callable[[Sequence[str]], list[int]]
"""Counts the embedder's word pieces in each text (without special tokens)."""

_WORD = re.compile(r"\S+")
MAX_SENTENCE_CHARS = 1000
"""Longest sentence kept whole: a line without punctuation (a 367 KB log line, a table dumped as
text) is cut into pieces of at most this length, so an answer never quotes it whole."""
_CLAUSE_END = re.compile(r"[;:,\u2013\u2014)\]]\s+|\s+")
"""Where a long sentence is best cut: after a clause's punctuation, else at any space."""


@dataclass(frozen=True)
class Span:
    """A half-open character range `[start, end)` of an article's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences that fits the embedder; `sentences` lie inside `[start, end)`."""

    start: int
    end: int
    sentences: tuple[Span, ...]


@dataclass(frozen=True)
class ChunkSettings:
    """How passages are sized; recorded in the index manifest."""

    max_tokens: int = 160
    """Word pieces per passage at most, leaving room in the 256 the embedder reads for the title."""
    overlap_tokens: int = 48
    """Word pieces of trailing sentences repeated at the start of the next passage."""


@lru_cache(maxsize=1)
def _sentence_tokenizer() -> Any:
    import punkt

    # "paragraph" ends a sentence at a blank line, so headlines and captions stand alone.
    return punkt.tokenizer_for("english", line_breaks="paragraph")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`, trimmed of surrounding whitespace, in order, never empty; no
    sentence runs across a block (a headline, paragraph, list item: see `text_blocks`)."""
    spans: list[Span] = []
    tokenizer = _sentence_tokenizer()
    for block_start, block_end in text_blocks(text):
        block = text[block_start:block_end]
        for start, end in tokenizer.span_tokenize(block):
            piece = block[start:end]
            stripped = piece.strip()
            if stripped:
                first = block_start + start + len(piece) - len(piece.lstrip())
                spans.extend(cap_sentence(text, Span(first, first + len(stripped))))
    return spans


def cap_sentence(text: str, span: Span, limit: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """`span` cut into pieces of at most `limit` characters, each cut after a clause's
    punctuation or at a space in the second half of the piece when there is one (else exactly at
    `limit`), each piece trimmed of spaces and never empty."""
    pieces: list[Span] = []
    start = span.start
    while span.end - start > limit:
        window = text[start : start + limit]
        cut = limit
        best_clause = best_space = -1
        for match in _CLAUSE_END.finditer(window, limit // 2):
            if match.group()[0].isspace():
                best_space = match.start()
            else:
                best_clause = match.start() + 1
        if best_clause > 0:
            cut = best_clause
        elif best_space > 0:
            cut = best_space
        end = start + cut
        piece = text[start:end].rstrip()
        if piece:
            pieces.append(Span(start, start + len(piece)))
        start = end
        while start < span.end and text[start].isspace():
            start += 1
    if start < span.end:
        pieces.append(Span(start, span.end))
    return pieces


def bound_sentences(
    text: str, sentences: list[Span], counts: list[int], max_tokens: int
) -> tuple[list[Span], list[int]]:
    """Cut any sentence longer than `max_tokens` into word windows that fit."""
    spans: list[Span] = []
    sizes: list[int] = []
    for span, count in zip(sentences, counts, strict=True):
        if count <= max_tokens:
            spans.append(span)
            sizes.append(count)
            continue
        words = list(_WORD.finditer(text, span.start, span.end))
        per_window = max(1, math.floor(len(words) * max_tokens / count * 0.9))
        for first in range(0, len(words), per_window):
            window = words[first : first + per_window]
            spans.append(Span(window[0].start(), window[-1].end()))
            sizes.append(math.ceil(count * len(window) / len(words)))
    return spans, sizes


def make_passages(
    text: str,
    count_tokens: TokenCounter,
    settings: ChunkSettings = ChunkSettings(),
    sentences: list[Span] | None = None,
) -> list[Passage]:
    """Greedily pack sentences into passages of at most `max_tokens`, overlapping by sentences.

    `sentences` are the text's sentences when the caller has split them already."""
    if sentences is None:
        sentences = split_sentences(text)
    if not sentences:
        return []
    counts = count_tokens([text[span.start : span.end] for span in sentences])
    sentences, counts = bound_sentences(text, sentences, counts, settings.max_tokens)
    passages: list[Passage] = []
    first = 0
    while first < len(sentences):
        last = first
        total = counts[first]
        while last + 1 < len(sentences) and total + counts[last + 1] <= settings.max_tokens:
            last += 1
            total += counts[last]
        members = tuple(sentences[first : last + 1])
        passages.append(Passage(members[0].start, members[-1].end, members))
        if last + 1 >= len(sentences):
            break
        # Start the next passage with trailing sentences that fit the overlap, but always advance.
        next_first = last + 1
        carried = 0
        while (
            next_first - 1 > first and carried + counts[next_first - 1] <= settings.overlap_tokens
        ):
            next_first -= 1
            carried += counts[next_first]
        first = next_first
    return passages


def approximate_token_count(texts: Sequence[str]) -> list[int]:
    """A tokenizer-free estimate (4/3 word pieces a word), for tests and fake embedders."""
    return [math.ceil(len(text.split()) * 4 / 3) for text in texts]
