"""What a reader is: anything that finds candidate answers in retrieved passages, and the
candidate answer it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from qa.index import Library, Span

from ..retrieval import Hit


@dataclass(frozen=True)
class Extraction:
    """A candidate answer: a span inside a sentence of a retrieved passage."""

    hit: Hit
    sentence: Span
    answer: Span
    score: float
    coverage: float
    """Share of the question's weighted content words found in the sentence or just before it."""
    answerable: float
    """0..1: how sure the reader is that this answers the question (0.5 and up: an answer)."""
    margin: float = 0.0
    """The trained reader's span score over its "no answer" score (0 from the sentence reader)."""
    null: float = 0.0
    """The trained reader's "no answer" score in the passage (0 from the sentence reader)."""


class Reader(Protocol):
    """Finds candidate answers in retrieved passages (the sentence reader or the trained one)."""

    def extract(self, question: str, hits: list[Hit], library: Library) -> list[Extraction]: ...

    def warm_up(self) -> None: ...
