"""SQuAD reading: training and evaluation examples from the official JSON layout."""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path

from qa.evaluation.metrics import exact_match, f1_score


@dataclass(frozen=True)
class Example:
    """One question over one paragraph; `answers` empty for unanswerable (SQuAD 2.0) questions."""

    id: str
    title: str
    context: str
    question: str
    answers: tuple[str, ...]
    answer_start: int


def load_examples(path: Path) -> list[Example]:
    """Every question of a SQuAD JSON file (optionally gzipped), in file order."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)["data"]
    examples = []
    for article in data:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = qa.get("answers") or []
                texts = tuple(a["text"] for a in answers)
                start = answers[0]["answer_start"] if answers else -1
                examples.append(
                    Example(
                        qa["id"],
                        article["title"],
                        paragraph["context"],
                        qa["question"],
                        texts,
                        start,
                    )
                )
    return examples


def held_out_examples(path: Path, seed: int, count: int) -> list[Example]:
    """The held-out questions training and export score on: the same `count` for the same seed."""
    examples = load_examples(path)
    random.Random(seed).shuffle(examples)
    return examples[:count]


__all__ = ["Example", "exact_match", "f1_score", "held_out_examples", "load_examples"]
