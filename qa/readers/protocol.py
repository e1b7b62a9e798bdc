"""What a reader is: anything that finds candidate answers in retrieved passages."""

from __future__ import annotations

from typing import Protocol

from index import Library

from ..retrieval import Hit
from .sentence import Extraction


class Reader(Protocol):
    """Finds candidate answers in retrieved passages (the sentence reader or the trained one)."""

    def extract(self, question: str, hits: list[Hit], library: Library) -> list[Extraction]: ...

    def warm_up(self) -> None: ...
