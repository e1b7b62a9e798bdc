"""Answer metrics with the official SQuAD normalisation: exact match and token F1."""

from __future__ import annotations

import collections
import unicodedata
from collections.abc import Sequence

from qa.answering.normalize import normalize_answer


def exact_match(prediction: str, truths: Sequence[str]) -> float:
    return max(
        (float(normalize_answer(prediction) == normalize_answer(t)) for t in truths), default=0.0
    )


def f1_score(prediction: str, truths: Sequence[str]) -> float:
    def f1(truth: str) -> float:
        predicted = normalize_answer(prediction).split()
        gold = normalize_answer(truth).split()
        same = sum((collections.Counter(predicted) & collections.Counter(gold)).values())
        if same == 0:
            return 0.0
        precision, recall = same / len(predicted), same / len(gold)
        return 2 * precision * recall / (precision + recall)

    return max((f1(t) for t in truths), default=0.0)


def contains_answer(text: str, truths: Sequence[str]) -> bool:
    """True when a normalised gold answer occurs as whole words in the normalised text; here
    typographic punctuation also separates words, so "Australia’s" holds "Australia"."""
    haystack = f" {normalize_answer(_unicode_punctuation_as_space(text))} "
    needles = (normalize_answer(_unicode_punctuation_as_space(t)) for t in truths)
    return any(f" {needle} " in haystack for needle in needles if needle)


def _unicode_punctuation_as_space(text: str) -> str:
    """Curly quotes, dashes and other non-ASCII punctuation as spaces (the official
    normalisation removes only ASCII punctuation, which news text often lacks)."""
    return "".join(
        " " if ord(ch) > 127 and unicodedata.category(ch).startswith("P") else ch for ch in text
    )


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def reliability(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean confidence, share right, count) of the answers in each non-empty one of `bins`
    equal-width bins of the confidence: the points of a reliability diagram.

    Bins are closed on the left, [0.5, 0.6), as in the figures published so far. scikit-learn's
    `calibration_curve` is not used: its bins are closed on the right (0.5 lands in the 0.4-0.5
    bin, and 0.3 in the 0.2-0.3 one, since its edge is 0.30000000000000004), and it returns no
    counts, which the calibration error weighs by."""
    sums = [[0.0, 0.0, 0] for _ in range(bins)]
    for confidence, right in zip(confidences, correct, strict=True):
        # A confidence of exactly 1.0 belongs to the last bin, not an eleventh.
        slot = sums[min(bins - 1, int(confidence * bins))]
        slot[0] += confidence
        slot[1] += float(right)
        slot[2] += 1
    return [(total / n, right / n, int(n)) for total, right, n in sums if n]


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """The gap between confidence and accuracy, averaged over `bins` equal-width bins of the
    confidence and weighted by how many answers fall in each (0: perfectly calibrated)."""
    if not confidences:
        return 0.0
    points = reliability(confidences, correct, bins)
    return sum(n * abs(confidence - share) for confidence, share, n in points) / len(confidences)


def auroc(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """The chance that a right answer has a higher confidence than a wrong one (ties count half):
    0.5 means the confidence does not tell them apart, 1.0 that it always does."""
    right = sum(correct)
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences for {len(correct)} answers")
    if not right or right == len(correct):
        return 0.5  # nothing to tell apart (scikit-learn would warn and answer nan)
    # Imported here: scikit-learn takes seconds to import, and only `qa eval` and training rank.
    from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

    return float(roc_auc_score([bool(r) for r in correct], [float(c) for c in confidences]))


def risk_coverage(
    confidences: Sequence[float],
    correct: Sequence[bool],
    coverages: Sequence[float] = (1.0, 0.8, 0.6, 0.4, 0.2),
) -> dict[float, tuple[float, float]]:
    """For each coverage, the share of answers right among the most confident `coverage` of
    them, and the confidence of the last answer kept (the line that keeps that many)."""
    ranked = sorted(zip(confidences, correct, strict=True), key=lambda pair: -pair[0])
    table: dict[float, tuple[float, float]] = {}
    for coverage in coverages:
        kept = ranked[: max(1, round(coverage * len(ranked)))] if ranked else []
        accuracy = sum(r for _, r in kept) / len(kept) if kept else 0.0
        table[coverage] = (accuracy, kept[-1][0] if kept else 0.0)
    return table
