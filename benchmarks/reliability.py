"""How far the shown confidence can be trusted: `qa eval`'s trust figures and a reliability
diagram (docs/reliability.png) for SQuAD dev's held-out half and the news questions.

python -m benchmarks.reliability --news-pairs PAIRS [--data ../shared/data] [--limit 1000]

The SQuAD row is exactly what `qa eval DATASET --config hybrid+reader --half second --json`
prints (the same `evaluate`). The shipped calibrator was fitted on the news questions too, so
their curve comes from PAIRS, written by `python -m training.calibrate_confidence --news-pairs
PAIRS`: each news question scored by a calibrator fitted without it. The diagram bins every
answered question by its confidence. Needs the `bench` extra (matplotlib).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa import Settings
from qa.config.preferences import DEFAULT_MIN_CONFIDENCE
from qa.config.settings import data_home
from qa.evaluation.data import load_dataset
from qa.evaluation.metrics import reliability
from qa.evaluation.run import CONFIGS, build_library, evaluate
from qa.index import MiniLMEmbedder

ROOT = Path(__file__).resolve().parent.parent


def measure(
    path: Path, half: str | None, limit: int
) -> tuple[dict[str, float], list[tuple[float, bool]]]:
    settings = Settings(library=Path("/unused"))
    dataset = load_dataset(path)
    library = build_library(dataset, data_home() / "eval-cache", MiniLMEmbedder(), settings)
    questions = dataset.questions_about(half) if half else dataset.questions
    shown: list[tuple[float, bool]] = []
    row = evaluate(
        library,
        questions[:limit] if limit else questions,
        CONFIGS["hybrid+reader"],
        settings,
        shown=shown,
    )
    return row, shown


def draw(curves: dict[str, list[tuple[float, float, int]]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5.5, 5))
    axes.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for (name, points), marker in zip(curves.items(), "os^", strict=False):
        xs, ys, _ = zip(*points, strict=True)
        axes.plot(xs, ys, marker=marker, label=name)
        for x, y, n in points:
            axes.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    axes.axvline(DEFAULT_MIN_CONFIDENCE, color="red", linewidth=0.8, label="default decline line")
    axes.set_xlabel("confidence shown (mean of each 0.1-wide bin)")
    axes.set_ylabel("share of answers exactly right")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_title("Reliability of the shown confidence (numbers: answers per bin)", fontsize=9)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=110)


def curve(shown: list[tuple[float, bool]]) -> list[tuple[float, float, int]]:
    """The diagram's points for the questions answered at the default line."""
    answered = [(c, r) for c, r in shown if c >= DEFAULT_MIN_CONFIDENCE and c > 0]
    return reliability([c for c, _ in answered], [r for _, r in answered])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=1000, help="SQuAD questions (0: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.png")
    parser.add_argument("--pairs", type=Path, help="also write every (confidence, right) pair")
    parser.add_argument(
        "--news-pairs",
        type=Path,
        required=True,
        help="the news questions' cross-fitted pairs from `python -m "
        "training.calibrate_confidence --news-pairs`: the shipped calibrator was fitted on them",
    )
    args = parser.parse_args()
    name = "SQuAD v1.1 dev, held-out half"
    row, shown = measure(args.data / "squad-v1.1-dev.split-dev.json", "second", args.limit)
    if args.pairs:
        args.pairs.write_text(json.dumps({name: shown}))
    print(json.dumps({name: row}, indent=2), flush=True)
    news = [(float(c), bool(r)) for c, r in json.loads(args.news_pairs.read_text())]
    curves = {name: curve(shown), "RealTime QA news (cross-fitted)": curve(news)}
    draw(curves, args.out)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
