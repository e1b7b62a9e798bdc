"""Span decoding and scoring shared by training (torch) and export (onnxruntime)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .squad import Example, exact_match, f1_score

Logits = Callable[[Any], tuple[np.ndarray, np.ndarray]]
"""Runs a model on a tokenizer batch; returns (start logits, end logits) as arrays."""


def best_span(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    offsets: list[tuple[int, int]],
    sequence: list[int | None],
    max_answer_tokens: int = 30,
) -> tuple[float, int, int]:
    """(score, char start, char end) of the best span inside the context part of one window."""
    best = (-math.inf, 0, 0)
    top_starts = [i for i in np.argsort(start_logits)[::-1][:20] if sequence[i] == 1]
    top_ends = [i for i in np.argsort(end_logits)[::-1][:20] if sequence[i] == 1]
    for s in top_starts:
        for e in top_ends:
            if s <= e < s + max_answer_tokens:
                score = float(start_logits[s] + end_logits[e])
                if score > best[0]:
                    best = (score, offsets[s][0], offsets[e][1])
    return best


def reading_scores(
    run: Logits, tokenizer: Any, examples: list[Example], max_length: int, stride: int, tensors: str
) -> dict[str, float]:
    """EM and F1 with the gold paragraph given (reading comprehension), for any backend."""
    em = f1 = 0.0
    for example in examples:
        enc = tokenizer(
            example.question,
            example.context,
            truncation="only_second",
            max_length=max_length,
            stride=stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=True,
            return_tensors=tensors,
        )
        start, end = run(enc)
        best = (-math.inf, 0, 0)
        for window in range(start.shape[0]):
            best = max(
                best,
                best_span(
                    start[window],
                    end[window],
                    enc["offset_mapping"][window].tolist(),
                    enc.sequence_ids(window),
                ),
            )
        prediction = example.context[best[1] : best[2]]
        em += exact_match(prediction, example.answers)
        f1 += f1_score(prediction, example.answers)
    return {"exact_match": 100 * em / len(examples), "f1": 100 * f1 / len(examples)}
