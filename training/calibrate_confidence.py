"""Fit the confidence shown with answers: the chance that an answer is exactly right.

    python -m training.calibrate_confidence [--dataset ../shared/data/squad-v1.1-dev.split-dev.json]

Indexes the dataset's articles (all of them, as `qa eval` does), sends every answerable question
through the product's own path (retrieval, then the trained reader over the top passages) and
records what the reader said about each candidate (`qa.readers.confidence.Reading`). A logistic
regression over `qa.readers.confidence.FEATURES` is then fitted on the questions about the
first half of the articles (their order in the file) and written to qa/models/confidence.json;
the questions
about the other half are left for `qa eval --half second` to report on. The readings are cached
(`--readings`), so refitting does not read again.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from index import MiniLMEmbedder
from qa import Settings
from qa.asker import Asker
from qa.evaluation.data import Dataset, load_dataset
from qa.evaluation.metrics import auroc, exact_match, expected_calibration_error, risk_coverage
from qa.evaluation.run import build_library
from qa.readers.confidence import CONFIDENCE_PATH, FEATURES, Calibrator, Reading, features
from qa.readers.decline import readings
from qa.readers.span import SpanReader
from qa.settings import data_home

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
L2 = 1.0
"""Ridge penalty on the standardised weights (a few thousand questions, 17 features)."""


def read_questions(dataset: Dataset, out: Path, limit: int) -> None:
    """Every answerable question's readings, one JSON object per line, in `out`."""
    settings = Settings(library=Path("/unused"), min_confidence=0.0)
    embedder = MiniLMEmbedder()
    library = build_library(dataset, data_home() / "eval-cache", embedder, settings)
    reader = SpanReader()
    asker = Asker(library, settings, reader)
    asker.warm_up()
    questions = [q for q in dataset.questions if q.answers]
    questions = questions[:limit] if limit else questions
    with out.open("w", encoding="utf-8") as sink:
        for number, gold in enumerate(questions, 1):
            hits = asker.retrieve(gold.question)
            # The reader's next best spans in each passage too, for training.prefer_kind.
            spans = reader.read_spans(gold.question, [h.passage.text for h in hits], 5)
            found = reader.extractions(hits, library, [s[0] for s in spans])
            record = {
                "id": gold.id,
                "question": gold.question,
                "article": gold.article_key,
                "answers": list(gold.answers),
                "readings": [asdict(r) for r in readings(found, hits)],
                "spans": [
                    [[hit.passage.text[s.start : s.end], s.margin] for s in passage]
                    for hit, passage in zip(hits, spans, strict=True)
                ],
            }
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            if number % 200 == 0:
                print(f"{number} / {len(questions)} questions read", flush=True)


def load_readings(path: Path) -> list[dict[str, object]]:
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["readings"] = [
            Reading(**{**r, "place": tuple(r["place"])}) for r in record["readings"]
        ]
        records.append(record)
    return records


def table(records: list[dict[str, object]]) -> tuple[np.ndarray, np.ndarray]:
    """Features and exact-match labels of the questions that have at least one reading."""
    rows, labels = [], []
    for record in records:
        found: list[Reading] = record["readings"]  # type: ignore[assignment]
        if not found:
            continue
        rows.append(features(str(record["question"]), found))
        labels.append(exact_match(found[0].text, record["answers"]))  # type: ignore[arg-type]
    return np.array(rows, dtype=float), np.array(labels, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, fitted_on: str) -> Calibrator:
    """Ridge logistic regression by Newton's method on standardised features."""
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Calibrator(
        names=list(FEATURES),
        means=[float(v) for v in means],
        scales=[float(v) for v in scales],
        weights=[float(v) for v in w[1:]],
        bias=float(w[0]),
        fitted_on=fitted_on,
    )


def coverage_at(shown: list[float], right: list[bool], accuracy: float) -> float:
    """The largest share of questions that can be answered, most confident first, while the
    answers kept stay at least `accuracy` right (Kamath et al. 2020's "coverage at accuracy")."""
    ranked = sorted(zip(shown, right, strict=True), key=lambda pair: -pair[0])
    best = correct = 0
    for kept, (_, ok) in enumerate(ranked, 1):
        correct += ok
        if correct >= accuracy * kept:
            best = kept
    return best / max(1, len(ranked))


def two_fold(records: list[dict[str, object]]) -> dict[str, object]:
    """The calibrator against the reader's old score on the fitting questions themselves, each
    question scored by a calibrator fitted on the other fold (articles alternate between folds)."""
    articles = sorted({str(r["article"]) for r in records})
    folds = [[r for r in records if articles.index(str(r["article"])) % 2 == k] for k in (0, 1)]
    shown: list[float] = []
    old: list[float] = []
    right: list[bool] = []
    for k in (0, 1):
        x, y = table(folds[1 - k])
        hx, hy = table(folds[k])
        calibrator = fit(x, y, "fold")
        shown += [calibrator.of_features(list(row)) for row in hx]
        old += list(1.0 / (1.0 + np.exp(-hx[:, FEATURES.index("agreement")])))
        right += [bool(v) for v in hy]
    return {
        name: {
            "ece": round(expected_calibration_error(values, right), 4),
            "auroc": round(auroc(values, right), 4),
            "coverage at 80% EM": round(coverage_at(values, right, 0.8), 3),
            "EM at coverage": {
                f"{c:.0%}": round(100 * a, 1)
                for c, (a, _) in risk_coverage(
                    values, right, (1.0, 0.8, 0.6, 0.5, 0.4, 0.2)
                ).items()
            },
        }
        for name, values in (("calibrated", shown), ("reader's old score", old))
    }


def trust(calibrator: Calibrator | None, x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    """ECE, AUROC and risk-coverage of the calibrator (None: the reader's old score, the
    logit of its corroborated answerable in the `agreement` feature) on these questions."""
    if not len(y):
        return {"questions": 0}
    if calibrator is None:
        column = x[:, FEATURES.index("agreement")]
        shown = list(1.0 / (1.0 + np.exp(-column)))
    else:
        shown = [calibrator.of_features(list(row)) for row in x]
    right = [bool(v) for v in y]
    return {
        "questions": len(y),
        "EM": round(100 * float(y.mean()), 1),
        "ece": round(expected_calibration_error(shown, right), 4),
        "auroc": round(auroc(shown, right), 4),
        "EM at coverage": {
            f"{c:.0%}": round(100 * a, 1) for c, (a, _) in risk_coverage(shown, right).items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATA / "squad-v1.1-dev.split-dev.json")
    parser.add_argument(
        "--readings", type=Path, help="JSON Lines cache of the readings (read once, then reused)"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    cache = args.readings or data_home() / f"readings-{dataset.digest}.jsonl"
    if not cache.exists():
        read_questions(dataset, cache, args.limit)
    records = load_readings(cache)
    half = len(dataset.records) // 2
    first = {record["id"] for record in dataset.records[:half]}
    fitting = [r for r in records if r["article"] in first]
    held_out = [r for r in records if r["article"] not in first]
    x, y = table(fitting)
    calibrator = fit(
        x,
        y,
        f"{dataset.name}: {len(y)} answerable questions about its first {half} articles",
    )
    hx, hy = table(held_out)
    report = {
        "fitted on": calibrator.fitted_on,
        "fitting questions, two folds by article": two_fold(fitting),
        "held out (other articles)": {
            "calibrated": trust(calibrator, hx, hy),
            "reader's old score": trust(None, hx, hy),
        },
        "weights": dict(zip(FEATURES, (round(w, 3) for w in calibrator.weights), strict=True)),
    }
    print(json.dumps(report, indent=2))
    if not args.dry_run:
        calibrator.save(CONFIDENCE_PATH)
        print(f"written to {CONFIDENCE_PATH}")


if __name__ == "__main__":
    main()
