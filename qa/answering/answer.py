"""What the product returns for a question: an extractive answer with numbered citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """A sentence in a retrieved passage that supports (or is closest to) the answer."""

    number: int
    title: str
    source: str
    date: str
    sentence: str
    """The exact sentence, as it stands in the article."""
    sentence_start: int
    sentence_end: int
    """Character offsets of the sentence in the article's text."""
    article_id: int
    passage_id: int
    page: int | None = None


@dataclass(frozen=True)
class Candidate:
    """One possible short answer, copied from a cited sentence."""

    text: str
    score: float
    citation: int
    """The number of the citation it comes from."""
    start: int
    end: int
    """Character offsets of the answer in the article's text."""


@dataclass(frozen=True)
class Answer:
    """The reply to one question; `found` is False when the articles do not hold an answer."""

    question: str
    found: bool
    text: str = ""
    """The short answer, verbatim from the first citation's sentence."""
    confidence: float = 0.0
    """0..1: how sure the extractor is that the articles answer the question."""
    highlight: tuple[int, int] = (0, 0)
    """Where `text` lies inside the first citation's sentence."""
    citations: list[Citation] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    also_in: list[int] = field(default_factory=list)
    """Numbers of further citations whose sentences give the same answer (other articles too)."""
    message: str = ""
    """Said to the user instead of an answer (e.g. "not found in your articles")."""
    read_as: str = ""
    """The question as the reader read it, when a follow-up was resolved against the chat
    ("what did he say?" -> "what did Boris Johnson say?"); empty when read as asked."""

    @property
    def sentence(self) -> str:
        return self.citations[0].sentence if self.citations else ""

    @property
    def also_said(self) -> str:
        """The line 'Also said in [2], [4].' for `also_in`; empty when no other citation agrees."""
        if not self.also_in:
            return ""
        return "Also said in " + ", ".join(f"[{n}]" for n in self.also_in) + "."

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for `--json` output; a declined answer has no `sentence` and an
        empty `highlight` (its citations are the closest passages, not an answer)."""
        data = asdict(self)
        data["sentence"] = self.sentence if self.found else ""
        data["highlight"] = list(self.highlight) if self.found else []
        return data
