"""Would preferring candidates of the kind the question asks for raise EM? Measured offline.

    python -m training.prefer_kind [--readings FILE] [--dataset ../shared/data/squad-v1.1-dev...]

Reads the readings cached by `python -m training.calibrate_confidence` (every answerable SQuAD
dev question, the reader's best span in each of the top 5 passages) and re-picks the answer with
a bonus added to the ranking score of candidates that fit the question's kind
(`qa.answering.readers.kinds`: an amount for "how much/how many", a time for "when", a name for
"who" and "where"); prints EM on the questions about each half of the articles for each bonus.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.answering.readers.confidence import CandidateSignals
from qa.answering.readers.kinds import fits, question_kind
from qa.answering.readers.span import COSINE_WEIGHT
from qa.config.settings import data_home
from qa.evaluation.data import load_dataset
from qa.evaluation.metrics import exact_match
from training.calibrate_confidence import DATA, load_readings

CHECKED = ("amount", "time", "person", "place")
BONUSES = (0.5, 1.0, 2.0, 4.0, 8.0)


def pick(question: str, found: list[CandidateSignals], bonus: float, kinds: tuple[str, ...]) -> str:
    """Across passages: the best of the passages' best spans once those of the asked-for kind
    get `bonus` added to their ranking score."""
    kind = question_kind(question)
    if kind not in kinds:
        return found[0].text
    return max(found, key=lambda r: r.score + bonus * (fits(kind, r.text) == 1.0)).text


def pick_within(
    question: str,
    found: list[CandidateSignals],
    spans: list[list[list[float | str]]],
    bonus: float,
    kinds: tuple[str, ...],
) -> str:
    """Every span the reader offered (up to 5 per passage), ranked as the product ranks the
    passages' best spans (margin + COSINE_WEIGHT x cosine), plus `bonus` when of the asked-for
    kind."""
    kind = question_kind(question)
    if kind not in kinds:
        return found[0].text
    cosine = {r.rank: r.cosine for r in found}
    best_text, best_score = (
        found[0].text,
        found[0].score + bonus * (fits(kind, found[0].text) == 1.0),
    )
    for rank, passage in enumerate(spans):
        if rank not in cosine:
            continue
        for text, margin in passage:
            score = (
                float(margin)
                + COSINE_WEIGHT * cosine[rank]
                + bonus * (fits(kind, str(text)) == 1.0)
            )
            if score > best_score:
                best_text, best_score = str(text), score
    return best_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATA / "squad-v1.1-dev.split-dev.json")
    parser.add_argument("--readings", type=Path)
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    records = load_readings(args.readings or data_home() / f"readings-{dataset.digest}.jsonl")
    first = {r["id"] for r in dataset.records[: len(dataset.records) // 2]}
    halves = {
        "first": [r for r in records if r["article"] in first and r["readings"]],
        "second": [r for r in records if r["article"] not in first and r["readings"]],
    }
    results: dict[str, dict[str, float]] = {}
    baseline = {h: _em(g, lambda r: r["readings"][0].text) for h, g in halves.items()}
    results["shipped pick"] = baseline
    for kinds in [CHECKED, *((kind,) for kind in CHECKED)]:
        for bonus in BONUSES:
            name = "+".join(kinds)
            for label, choose in (
                ("best span per passage", _across(bonus, kinds)),
                ("5 spans per passage", _within(bonus, kinds)),
            ):
                results[f"{name}, {label}, bonus {bonus:g}"] = {
                    h: _em(g, choose) for h, g in halves.items()
                }
    print(json.dumps(results, indent=2))


Chooser = Callable[[dict[str, Any]], str]


def _across(bonus: float, kinds: tuple[str, ...]) -> Chooser:
    return lambda r: pick(r["question"], r["readings"], bonus, kinds)


def _within(bonus: float, kinds: tuple[str, ...]) -> Chooser:
    return lambda r: pick_within(r["question"], r["readings"], r["spans"], bonus, kinds)


def _em(group: list[dict[str, Any]], choose: Chooser) -> float:
    """EM (0..100) of the answers `choose` picks for the questions in `group`."""
    right = sum(exact_match(choose(r), r["answers"]) for r in group)
    return round(100 * right / max(1, len(group)), 2)


if __name__ == "__main__":
    main()
