"""Test helpers shared by every test module: paths of the fixtures, a fast fake embedder and an
asker that gives fixed answers."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa import Answer, Asker, Conversation, Settings
from qa.answering.filters import Filters
from qa.answering.readers import SentenceReader
from qa.index import Library, approximate_token_count

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class FakeEmbedder:
    """Deterministic bag-of-words vectors: fast, and similar texts get similar vectors."""

    name = "fake-bag-of-words"
    dimension = 64

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                vectors[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            norm = np.linalg.norm(vectors[row])
            vectors[row] = vectors[row] / norm if norm else vectors[row]
        return vectors

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return approximate_token_count(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)


class FixedAsker(Asker):
    """A library's asker that answers from `answers` instead of reading, so that what the chat
    shows does not move with the passage encoder or a refitted calibrator. It never reads, so
    it holds the light sentence reader, which has no calibrator to load."""

    def __init__(self, library: Library, settings: Settings, answers: dict[str, Answer]) -> None:
        super().__init__(library, settings, reader=SentenceReader())
        self.answers = answers

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        min_confidence: float | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        return self.answers[question]


class SlowEmbedder(FakeEmbedder):
    """The fake model, slowed so that a run can be stopped, or a worker killed, in the middle."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(0.3)
        return super().encode(texts)


def news_dump(count: int, text: str = "Harbour story number {n}.") -> str:
    """A JSON Lines news dump of `count` records, each with an id, a title and `text` (where
    `{n}` is the record's number)."""
    return "".join(
        json.dumps({"id": n, "title": f"Story {n}", "text": text.format(n=n)}) + "\n"
        for n in range(count)
    )


NOTE = "Harbour ferry notes, written without a date."
DIGEST = "A month of harbour ferry news, dated by its month alone."


def write_dated_news(root: Path) -> None:
    """Under `root`: 120 harbour stories from one outlet in 2023 (bbc/), one story from another
    in March 2024 that mentions the harbour only in passing, so that an unfiltered search ranks
    it far down (guardian/), a digest dated by its month alone (digest/) and a note without a
    date (notes/)."""
    _write_jsonl(
        root / "bbc" / "stories.jsonl",
        [
            {
                "id": f"b{n}",
                "title": f"Harbour story {n}",
                "url": f"https://www.bbc.co.uk/news/{n}",
                "date": f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "text": f"The harbour ferry crossing number {n} ran late at the harbour.",
            }
            for n in range(120)
        ],
    )
    _write_jsonl(
        root / "guardian" / "march.jsonl",
        [
            {
                "id": "g1",
                "title": "Council budget",
                "url": "https://www.theguardian.com/uk/budget",
                "date": "2024-03-05",
                "text": "The council set its budget for schools, roads and the harbour.",
            }
        ],
    )
    _write_jsonl(
        root / "digest" / "june.jsonl",
        [{"id": "d1", "title": "June digest", "date": "2023-06", "text": DIGEST}],
    )
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "undated.txt").write_text(NOTE + "\n")


def _write_jsonl(path: Path, records: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
