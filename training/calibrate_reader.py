"""Choose where the reader's confidence crosses 0.5 (answer vs "not found"), from real questions.

    python -m training.calibrate_reader [--limit 400]

Runs the product's own path (retrieval + reader) on SQuAD v1.1 dev with half the articles
indexed (questions of the other half must be declined) and on SQuAD v2.0 dev (unanswerable
questions should be declined), then picks the calibration that declines the most off-corpus
questions (then the most unanswerable ones) while still answering at least --keep of the
answerable questions. Writes qa/models/reader.json.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from qa import Settings
from qa.answering.readers.span import CALIBRATION_PATH, COSINE_WEIGHT, Calibration, SpanReader
from qa.answering.retrieval import retrieve
from qa.config.settings import data_home
from qa.evaluation.data import load_dataset
from qa.evaluation.run import build_library, first_half_library
from qa.index import MiniLMEmbedder

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def features(dataset_path: Path, limit: int, half: bool) -> list[tuple[float, float, bool]]:
    """(margin, cosine, should answer) of the best extraction for each question."""
    embedder = MiniLMEmbedder()
    settings = Settings(library=Path("/unused"))
    dataset = load_dataset(dataset_path)
    cache = data_home() / "eval-cache"
    if half:
        library, inside = first_half_library(dataset, cache, embedder, settings)
    else:
        library = build_library(dataset, cache, embedder, settings)
        inside = {record["id"] for record in dataset.records}
    reader = SpanReader()
    rows = []
    questions = [q for q in dataset.questions if q.answers or not half]
    answerable = [q for q in questions if q.answers and q.article_key in inside][:limit]
    others = [q for q in questions if not q.answers or q.article_key not in inside][:limit]
    for gold in answerable + others:
        vector = embedder.encode_queries([gold.question])[0]
        hits = retrieve(library, gold.question, vector, limit=settings.top_k, depth=settings.depth)
        spans = reader.best_spans(gold.question, [hit.passage.text for hit in hits])
        best = max(
            (
                (span.margin + COSINE_WEIGHT * hit.cosine, span.margin, hit.cosine)
                for hit, span in zip(hits, spans, strict=True)
            ),
            default=(0.0, -20.0, 0.0),
        )
        rows.append((best[1], best[2], gold in answerable))
    return rows


def share(reader: SpanReader, group: list[tuple[float, float, bool]], answer: bool) -> float:
    """The share of `group` the reader answers (answer=True) or declines (answer=False)."""
    said = [(reader.answerable(m, c) >= 0.5) == answer for m, c, _ in group]
    return sum(said) / max(1, len(said))


def choose(
    rows: list[tuple[float, float, bool]],
    unanswerable: list[tuple[float, float, bool]],
    keep: float,
) -> tuple[Calibration, dict[str, float]]:
    """The calibration that declines the most off-corpus questions while answering `keep` of the
    answerable ones of both sets; ties go to declining more unanswerable SQuAD 2.0 questions."""
    answerable = [row for row in rows + unanswerable if row[2]]
    off_corpus = [row for row in rows if not row[2]]
    impossible = [row for row in unanswerable if not row[2]]
    best: tuple[tuple[float, float], Calibration, dict[str, float]] | None = None
    for weight in (0.0, 2.0, 4.0, 8.0, 12.0, 16.0):
        for tenths in range(-100, 150):
            calibration = Calibration(bias=tenths / 10, temperature=2.0, cosine_weight=weight)
            reader = SpanReader(calibration=calibration)
            answered = share(reader, answerable, True)
            declined = (share(reader, off_corpus, False), share(reader, impossible, False))
            if answered >= keep and (best is None or declined > best[0]):
                figures = {
                    "answered": answered,
                    "off-corpus declined": declined[0],
                    "unanswerable declined": declined[1],
                }
                best = (declined, calibration, figures)
    assert best is not None, "no calibration keeps enough answers"
    return best[1], best[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--keep", type=float, default=0.95)
    args = parser.parse_args()
    rows = features(DATA / "squad-v1.1-dev.split-dev.json", args.limit, half=True)
    unanswerable = features(DATA / "squad-v2.0-dev.split-dev.json", args.limit, half=False)
    calibration, figures = choose(rows, unanswerable, args.keep)
    CALIBRATION_PATH.write_text(json.dumps(asdict(calibration), indent=2) + "\n")
    print(json.dumps({"calibration": asdict(calibration), **figures}, indent=2))


if __name__ == "__main__":
    main()
