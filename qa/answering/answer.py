"""What the product returns for a question: an extractive answer with numbered citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

NOT_IN_ARTICLES = "not_in_articles"
BELOW_LINE = "below_line"


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
    path: str = ""
    """The file the article was read from (its `source` may be a URL)."""


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
    decline: str = ""
    """Why the answer was declined: NOT_IN_ARTICLES (nothing in the articles answers it) or
    BELOW_LINE (an answer was found, less likely to be right than the line); empty when found."""
    closest: str = ""
    """With BELOW_LINE: the answer that was found, and `confidence` is its chance."""
    line: float = 0.0
    """The answer/decline line the answer was held to."""
    unmet: list[str] = field(default_factory=list)
    """The question's names, numbers and words that the answer's article never mentions
    ("Airbus" in "How many Airbus planes did Ryanair order?" over a Boeing order)."""
    unmet_nearby: list[str] = field(default_factory=list)
    """Those that the answer's passage does not mention, though its article may elsewhere."""

    @property
    def sentence(self) -> str:
        return self.citations[0].sentence if self.citations else ""

    @property
    def also_said(self) -> str:
        """The line 'Also said in [2], [4].' for `also_in`; empty when no other citation agrees."""
        if not self.also_in:
            return ""
        return "Also said in " + ", ".join(f"[{n}]" for n in self.also_in) + "."

    @property
    def unmet_note(self) -> str:
        """What the cited text leaves out of the question, in words; empty when nothing."""
        return unmet_note(self.unmet, self.unmet_nearby)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for `--json` output. A declined answer has no `sentence`, an
        empty `highlight` (its citations are the closest passages, not an answer) and no
        `confidence`: an answer below the line says what it found under `closest`."""
        data = asdict(self)
        data["sentence"] = self.sentence if self.found else ""
        data["highlight"] = list(self.highlight) if self.found else []
        if not self.found:
            data["confidence"] = None
            data["closest"] = (
                {"text": self.closest, "confidence": self.confidence}
                if self.decline == BELOW_LINE
                else None
            )
        else:
            data["closest"] = None
        return data


def unmet_note(unmet: list[str], unmet_nearby: list[str]) -> str:
    """ "Its article never mentions “Airbus”." (or, when the article does elsewhere, "Its
    passage does not mention …"); empty when the cited text meets every condition."""
    if unmet:
        return "Its article never mentions " + _listed(unmet) + "."
    if unmet_nearby:
        return "Its passage does not mention " + _listed(unmet_nearby) + "."
    return ""


def _listed(words: list[str]) -> str:
    quoted = [f"“{word}”" for word in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
