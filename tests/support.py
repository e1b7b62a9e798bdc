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
