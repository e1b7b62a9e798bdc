"""SQuAD reading: examples from the official JSON layout, and the official answer normalisation."""

from __future__ import annotations

import collections
import gzip
import json
import re
import string
from dataclasses import dataclass
from pathlib import Path


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
                examples.append(Example(qa["id"], article["title"], paragraph["context"],
                                        qa["question"], texts, start))
    return examples


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation, articles and extra spaces (the official SQuAD script)."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, truths: tuple[str, ...] | list[str]) -> float:
    return max((float(normalize_answer(prediction) == normalize_answer(t)) for t in truths),
               default=0.0)


def f1_score(prediction: str, truths: tuple[str, ...] | list[str]) -> float:
    def f1(truth: str) -> float:
        predicted = normalize_answer(prediction).split()
        gold = normalize_answer(truth).split()
        common = collections.Counter(predicted) & collections.Counter(gold)
        same = sum(common.values())
        if same == 0:
            return 0.0
        precision, recall = same / len(predicted), same / len(gold)
        return 2 * precision * recall / (precision + recall)

    return max((f1(t) for t in truths), default=0.0)
