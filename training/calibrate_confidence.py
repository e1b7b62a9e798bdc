"""Fit the confidence shown with answers: the chance that an answer is exactly right.

    python -m training.calibrate_confidence [--dataset ../shared/data/squad-v1.1-dev.split-dev.json]

Indexes the dataset's articles (all of them, as `qa eval` does), sends every answerable question
through the product's own path (retrieval, then the trained reader over the top passages) and
records what the reader said about each candidate (`CandidateSignals`). A logistic
regression over `qa.answering.readers.confidence.FEATURES` is then fitted on the questions about the
first half of the articles (their order in the file) and written to qa/models/confidence.json;
the questions
about the other half are left for `qa eval --half second` to report on. The readings are cached
(`--readings`), so refitting does not read again.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from qa import Settings
from qa.answering.asker import Asker
from qa.answering.readers.conditions import check
from qa.answering.readers.confidence import (
    CONFIDENCE_PATH,
    FEATURES,
    Calibrator,
    CandidateSignals,
    features,
)
from qa.answering.readers.decline import IN_ARTICLES, candidate_signals, sentence_text
from qa.answering.readers.span import SpanReader
from qa.config.preferences import DEFAULT_MIN_CONFIDENCE
from qa.config.settings import data_home
from qa.evaluation.data import Dataset, GoldQuestion, load_dataset
from qa.evaluation.metrics import auroc, exact_match, expected_calibration_error, risk_coverage
from qa.evaluation.run import build_library
from qa.index import MiniLMEmbedder
from training.swap_conditions import swapped_questions

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
L2 = 1.0
"""Ridge penalty on the standardised weights (a few thousand questions, 22 features)."""
NEWS = DATA / "news" / "realtimeqa-2022.split-dev.questions.jsonl"
NEWS_WEIGHT = 5.0
"""How many times each news question counts: 71 of them beside 3,103 SQuAD questions would
hardly move the fit; at 5 they are about a tenth of it (1, 5 and 10 were compared, see
docs/quality.md)."""
UNANSWERABLE = DATA / "squad-v2.0-dev.split-dev.json"
"""SQuAD v2.0 dev: half its questions cannot be answered from its articles, written to look as
if they could (a name, a number or a word changed). Its first half of articles is fitted on,
its second half reported on."""
UNANSWERABLE_WEIGHT = 0.3
"""How much each unanswerable or swapped question counts beside an answerable one."""
LINES = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7)
DECLINE_LINES = (0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)
COVERAGES = (1.0, 0.8, 0.6, 0.5, 0.4, 0.2)
NEWS_FOLDS = 5
SPLITS = 10


def read_questions(
    dataset: Dataset,
    out: Path,
    limit: int,
    questions: Sequence[GoldQuestion] | None = None,
) -> None:
    """The readings of `questions` (default: the dataset's answerable ones) over the dataset's
    articles, one JSON object per line, in `out`. A question without answers (SQuAD v2.0's
    unanswerable ones, `training.swap_conditions`' swapped ones) counts as wrong whatever it
    answers. Each reading keeps its sentence and passage, and `out`.articles.json the articles'
    titles and texts, so that the condition signals can be recomputed without reading again."""
    settings = Settings(library=Path("/unused"), min_confidence=0.0)
    embedder = MiniLMEmbedder()
    library = build_library(dataset, data_home() / "eval-cache", embedder, settings)
    reader = SpanReader()
    # The packaged calibrator is not consulted (only the readings are kept), and it may have
    # been fitted on other features than these readings will be.
    asker = Asker(library, settings, reader, calibrator=Calibrator())
    asker.warm_up()
    if questions is None:
        questions = [q for q in dataset.questions if q.answers]
    questions = questions[:limit] if limit else questions
    articles: dict[int, str] = {}
    with out.open("w", encoding="utf-8") as sink:
        for number, gold in enumerate(questions, 1):
            hits = asker.retrieve(gold.question)
            # The reader's next best spans in each passage too, for training.prefer_kind.
            spans = reader.top_spans(gold.question, [h.passage.text for h in hits], 5)
            found = reader.extractions(hits, library, [s[0] for s in spans])
            for extraction in found:
                stored = extraction.hit.passage.article
                articles[stored.id] = f"{stored.article.title}\n{stored.article.text}"
            record = {
                "id": gold.id,
                "question": gold.question,
                "article": gold.article_key,
                "answers": list(gold.answers),
                "readings": [asdict(r) for r in candidate_signals(gold.question, found, hits)],
                "texts": [
                    {
                        "sentence": sentence_text(e),
                        "passage": e.hit.passage.text,
                        "article": e.hit.passage.article.id,
                    }
                    for e in found
                ],
                "spans": [
                    [[hit.passage.text[s.start : s.end], s.margin] for s in passage]
                    for hit, passage in zip(hits, spans, strict=True)
                ],
            }
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            if number % 200 == 0:
                print(f"{number} / {len(questions)} questions read", flush=True)
    articles_file = out.with_suffix(".articles.json")
    articles_file.write_text(json.dumps(articles, ensure_ascii=False), encoding="utf-8")


def load_readings(path: Path) -> list[dict[str, object]]:
    """The cached readings, their condition signals recomputed from the kept texts with the
    condition check as it is now (qa/answering/readers/conditions.py)."""
    articles_file = path.with_suffix(".articles.json")
    articles = json.loads(articles_file.read_text()) if articles_file.exists() else {}
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        signals = [
            CandidateSignals(
                **{
                    **r,
                    "place": tuple(r["place"]),
                    "conditions": tuple(r.get("conditions", ())),
                    "unmet": tuple(r.get("unmet", ())),
                    "unmet_nearby": tuple(r.get("unmet_nearby", ())),
                }
            )
            for r in record["readings"]
        ]
        if articles and "texts" in record:
            signals = [
                _rechecked(str(record["question"]), signal, text, articles)
                for signal, text in zip(signals, record["texts"], strict=True)
            ]
        record["readings"] = signals
        records.append(record)
    return records


def _rechecked(
    question: str, signal: CandidateSignals, text: dict[str, Any], articles: dict[str, str]
) -> CandidateSignals:
    met = check(question, text["sentence"], text["passage"], articles[str(text["article"])])
    return replace(
        signal,
        conditions=tuple(met.features()),
        unmet=tuple(met.unmet("article")),
        unmet_nearby=tuple(met.unmet("passage")),
    )


def table(records: list[dict[str, object]]) -> tuple[np.ndarray, np.ndarray]:
    """Features and exact-match labels of the questions that have at least one reading."""
    rows, labels = [], []
    for record in records:
        found: list[CandidateSignals] = record["readings"]  # type: ignore[assignment]
        if not found:
            continue
        rows.append(features(str(record["question"]), found))
        labels.append(exact_match(found[0].text, record["answers"]))  # type: ignore[arg-type]
    return np.array(rows, dtype=float), np.array(labels, dtype=float)


def fit(
    x: np.ndarray, y: np.ndarray, fitted_on: str, weights: np.ndarray | None = None
) -> Calibrator:
    """Ridge logistic regression on standardised features; `weights` count some questions more
    than others (the few news questions against many SQuAD ones)."""
    # Imported here: scikit-learn takes seconds to import, and only fitting needs it.
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    w_rows = np.ones(len(y)) if weights is None else weights
    means = np.average(x, axis=0, weights=w_rows)
    scales = np.sqrt(np.average((x - means) ** 2, axis=0, weights=w_rows))
    scales[scales == 0] = 1.0
    # scikit-learn minimises C * (weighted log-loss) + ||w||^2 / 2, so C = 1 / L2 is the ridge
    # penalty L2 * ||w||^2 / 2 on the weighted log-loss; its Newton solvers leave the intercept
    # unpenalised, as the hand-written Newton's method did.
    model = LogisticRegression(C=1.0 / L2, solver="newton-cholesky", tol=1e-10, max_iter=100)
    model.fit((x - means) / scales, y, sample_weight=w_rows)
    return Calibrator(
        names=list(FEATURES),
        means=[float(v) for v in means],
        scales=[float(v) for v in scales],
        weights=[float(v) for v in model.coef_[0]],
        bias=float(model.intercept_[0]),
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


Extra = tuple[np.ndarray, np.ndarray, np.ndarray]
"""Questions every fold is fitted with as well: features, labels, weights (the news questions)."""


def two_fold(records: list[dict[str, object]], extra: Extra) -> dict[str, object]:
    """The calibrator against the reader's old score on the fitting questions themselves, each
    question scored by a calibrator fitted on the other fold (articles alternate between folds)
    and on the `extra` questions."""
    articles = sorted({str(r["article"]) for r in records})
    folds = [[r for r in records if articles.index(str(r["article"])) % 2 == k] for k in (0, 1)]
    shown: list[float] = []
    gated: list[float] = []
    old: list[float] = []
    right: list[bool] = []
    for k in (0, 1):
        x, y = table(folds[1 - k])
        hx, hy = table(folds[k])
        fx, fy, fw = _with(x, y, extra)
        calibrator = fit(fx, fy, "fold", fw)
        shown += [calibrator.of_features(list(row)) for row in hx]
        gated += shown_as_eval(calibrator, hx)
        old += list(1.0 / (1.0 + np.exp(-hx[:, FEATURES.index("agreement")])))
        right += [bool(v) for v in hy]
    return {
        name: {
            "ece": round(expected_calibration_error(values, right), 4),
            "auroc": round(auroc(values, right), 4),
            "coverage at 80% EM": round(coverage_at(values, right, 0.8), 3),
            "EM at coverage": em_at_coverage(values, right),
        }
        for name, values in (("calibrated", shown), ("reader's old score", old))
    } | {"lines, as qa eval answers": lines(gated, right)}


def lines(shown: list[float], right: list[bool]) -> dict[str, dict[str, float]]:
    """For each answer/decline line in LINES: the share of questions answered and the EM of
    the answers kept (the table the default line and the chat's choices come from)."""
    table = {}
    for line in LINES:
        kept = [r for c, r in zip(shown, right, strict=True) if c >= line and c > 0]
        table[f"{line:g}"] = {
            "answered": round(len(kept) / max(1, len(shown)), 3),
            "EM kept": round(100 * sum(kept) / max(1, len(kept)), 1),
        }
    return table


def _with(x: np.ndarray, y: np.ndarray, extra: Extra) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ex, ey, ew = extra
    return np.vstack([x, ex]), np.concatenate([y, ey]), np.concatenate([np.ones(len(y)), ew])


def shown_as_eval(calibrator: Calibrator, x: np.ndarray) -> list[float]:
    """The confidence `qa eval` records for each question (see `gated`)."""
    return gated([calibrator.of_features(list(row)) for row in x], x)


def gated(scores: Sequence[float], x: np.ndarray) -> list[float]:
    """Each question's probability as `qa eval` records it: rounded as answers carry it, or 0
    when the reader's corroborated score says the articles hold no answer
    (`qa.answering.readers.decline.IN_ARTICLES`, here as its logit in the `agreement` feature)."""
    agreement = x[:, FEATURES.index("agreement")]
    threshold = math.log(IN_ARTICLES / (1 - IN_ARTICLES))
    return [
        round(float(score), 3) if found >= threshold else 0.0
        for score, found in zip(scores, agreement, strict=True)
    ]


def em_at_coverage(shown: list[float], right: list[bool]) -> dict[str, float]:
    """EM of the most confident answers at each of COVERAGES, keyed "50%" and so on."""
    return {
        f"{c:.0%}": round(100 * a, 1)
        for c, (a, _) in risk_coverage(shown, right, COVERAGES).items()
    }


def answered_ece(shown: list[float], right: list[bool]) -> float:
    """ECE over the answers given at the default line, as `qa eval` reports it."""
    kept = [(c, r) for c, r in zip(shown, right, strict=True) if c >= DEFAULT_MIN_CONFIDENCE]
    return expected_calibration_error([c for c, _ in kept], [r for _, r in kept])


def trust(calibrator: Calibrator, x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    """ECE (over the answers given at the default line), AUROC and risk-coverage of the
    calibrator on these questions, counted as `qa eval` counts them."""
    if not len(y):
        return {"questions": 0}
    shown = shown_as_eval(calibrator, x)
    right = [bool(v) for v in y]
    return {
        "questions": len(y),
        "EM": round(100 * float(y.mean()), 1),
        "answered": round(float(np.mean([c >= DEFAULT_MIN_CONFIDENCE for c in shown])), 3),
        "ece": round(answered_ece(shown, right), 4),
        "auroc": round(auroc(shown, right), 4),
        "EM at coverage": em_at_coverage(shown, right),
        "lines, as qa eval answers": lines(shown, right),
    }


def cross_fitted(
    x: np.ndarray,
    y: np.ndarray,
    weight: float,
    squad: tuple[np.ndarray, np.ndarray],
    pairs: list[tuple[float, bool]],
) -> dict[str, object]:
    """The news questions, each scored by a calibrator fitted without it (NEWS_FOLDS folds,
    SPLITS different random splits into folds), beside what a perfectly calibrated confidence
    would show on the same answers: with a few dozen answers, ECE is mostly sampling noise.
    `pairs` receives the first split's (confidence, right) for every question, for the
    reliability diagram (`python -m benchmarks.reliability --news-pairs`)."""
    eces: list[float] = []
    bias: list[float] = []
    first_split: dict[str, dict[str, float]] = {}
    floors: list[float] = []
    draws = np.random.default_rng(0)
    for split in range(SPLITS):
        folds = np.random.default_rng(split).permutation(np.arange(len(y)) % NEWS_FOLDS)
        scores = np.zeros(len(y))
        for fold in range(NEWS_FOLDS):
            train = folds != fold
            extra = (x[train], y[train], np.full(int(train.sum()), weight))
            fx, fy, fw = _with(*squad, extra)
            calibrator = fit(fx, fy, "fold", fw)
            scores[~train] = [calibrator.of_features(list(row)) for row in x[~train]]
        shown = gated(list(scores), x)
        if split == 0:
            pairs.extend((c, bool(r)) for c, r in zip(shown, y, strict=True))
            first_split = lines(shown, [bool(v) for v in y])
        kept = np.array([c >= DEFAULT_MIN_CONFIDENCE for c in shown])
        given = np.array(shown)[kept]
        eces.append(answered_ece(shown, [bool(v) for v in y]))
        bias.append(float(given.mean() - y[kept].mean()))
        for _ in range(50):
            perfect = draws.random(len(given)) < given
            floors.append(expected_calibration_error(list(given), [bool(v) for v in perfect]))
    return {
        "questions": len(y),
        "ece, mean of the splits": round(float(np.mean(eces)), 4),
        "ece, lowest and highest split": [round(min(eces), 4), round(max(eces), 4)],
        "mean shown minus share right": round(float(np.mean(bias)), 4),
        "ece of a perfectly calibrated confidence on these answers, mean": round(
            float(np.mean(floors)), 4
        ),
        "the same, 10th and 90th percentile": [
            round(float(np.percentile(floors, 10)), 4),
            round(float(np.percentile(floors, 90)), 4),
        ],
        "the same, share at or under 0.10": round(float(np.mean(np.array(floors) <= 0.10)), 3),
        "lines, as qa eval answers (first split)": first_split,
    }


def decline_curve(calibrator: Calibrator, records: list[dict[str, object]]) -> dict[str, object]:
    """As the line moves: the share of unanswerable questions declined and of answerable ones
    answered (and their EM), every question counted, one with no reading as declined."""
    shown, answerable, right = [], [], []
    for record in records:
        found: list[CandidateSignals] = record["readings"]  # type: ignore[assignment]
        answers: list[str] = record["answers"]  # type: ignore[assignment]
        answerable.append(bool(answers))
        if not found:
            shown.append(0.0)
            right.append(False)
            continue
        row = np.array([features(str(record["question"]), found)])
        shown.append(shown_as_eval(calibrator, row)[0])
        right.append(bool(exact_match(found[0].text, answers)))
    curve = {}
    for line in DECLINE_LINES:
        kept = [c >= line and c > 0 for c in shown]
        answered = [k for k, a in zip(kept, answerable, strict=True) if a]
        declined = [not k for k, a in zip(kept, answerable, strict=True) if not a]
        em = [r for k, a, r in zip(kept, answerable, right, strict=True) if a and k]
        curve[f"{line:g}"] = {
            "unanswerable declined": round(sum(declined) / max(1, len(declined)), 3),
            "answerable answered": round(sum(answered) / max(1, len(answered)), 3),
            "EM of those answered": round(100 * sum(em) / max(1, len(em)), 1),
        }
    return {
        "questions": len(records),
        "unanswerable": sum(not a for a in answerable),
        "as the line moves": curve,
    }


def _cached(
    data: Dataset, given: Path | None, name: str, questions: list[GoldQuestion] | None
) -> list[dict[str, object]]:
    """The readings of `questions` over `data`'s articles, read once and cached."""
    cache = given or data_home() / f"readings-{data.digest}{name}.jsonl"
    if not cache.exists():
        read_questions(data, cache, 0, questions)
    return load_readings(cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATA / "squad-v1.1-dev.split-dev.json")
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--news-weight", type=float, default=NEWS_WEIGHT)
    parser.add_argument(
        "--readings", type=Path, help="JSON Lines cache of the readings (read once, then reused)"
    )
    parser.add_argument("--news-readings", type=Path, help="the same for the news questions")
    parser.add_argument("--unanswerable", type=Path, default=UNANSWERABLE)
    parser.add_argument("--unanswerable-readings", type=Path, help="the same for SQuAD v2.0")
    parser.add_argument("--swapped-readings", type=Path, help="the same for the swapped questions")
    parser.add_argument("--unanswerable-weight", type=float, default=UNANSWERABLE_WEIGHT)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument(
        "--news-pairs", type=Path, help="write the cross-fitted news (confidence, right) pairs"
    )
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    news = load_dataset(args.news)
    caches = []
    for data, given in ((dataset, args.readings), (news, args.news_readings)):
        cache = given or data_home() / f"readings-{data.digest}.jsonl"
        if not cache.exists():
            read_questions(data, cache, args.limit)
        caches.append(load_readings(cache))
    records, news_records = caches
    v2 = load_dataset(args.unanswerable)
    v2_records = _cached(v2, args.unanswerable_readings, "-all", v2.questions)
    swapped = _cached(dataset, args.swapped_readings, "-swapped", swapped_questions(dataset))
    v2_first = {record["id"] for record in v2.records[: len(v2.records) // 2]}
    v2_fitting = [r for r in v2_records if r["article"] in v2_first]
    v2_held_out = [r for r in v2_records if r["article"] not in v2_first]
    half = len(dataset.records) // 2
    first = {record["id"] for record in dataset.records[:half]}
    fitting = [r for r in records if r["article"] in first]
    held_out = [r for r in records if r["article"] not in first]
    x, y = table(fitting)
    nx, ny = table(news_records)
    ux, uy = table(v2_fitting + swapped)
    unanswerable_extra = (ux, uy, np.full(len(uy), args.unanswerable_weight))
    news_extra = (nx, ny, np.full(len(ny), args.news_weight))
    extra = tuple(np.concatenate(pair) for pair in zip(news_extra, unanswerable_extra, strict=True))
    fx, fy, fw = _with(x, y, extra)  # type: ignore[arg-type]
    calibrator = fit(
        fx,
        fy,
        f"{dataset.name}: {len(y)} answerable questions about its first {half} articles; "
        f"{news.name}: {len(ny)} news questions, each counted {args.news_weight:g} times; "
        f"{v2.name}: the {len(v2_fitting)} questions about its first {len(v2_first)} articles "
        f"({sum(not r['answers'] for r in v2_fitting)} unanswerable) and "
        f"{len(swapped)} questions made unanswerable by swapping a condition "
        f"(training.swap_conditions), each counted {args.unanswerable_weight:g} times",
        fw,
    )
    hx, hy = table(held_out)
    pairs: list[tuple[float, bool]] = []
    report = {
        "fitted on": calibrator.fitted_on,
        "SQuAD fitting questions, two folds by article": two_fold(fitting, extra),  # type: ignore[arg-type]
        "SQuAD held out (other articles)": trust(calibrator, hx, hy),
        "SQuAD v2.0 held out (other articles): declines": decline_curve(calibrator, v2_held_out),
        "SQuAD v2.0 fitting articles: declines": decline_curve(calibrator, v2_fitting),
        "swapped questions (fitted on): declines": decline_curve(calibrator, swapped),
        "news, cross-fitted": cross_fitted(
            nx, ny, args.news_weight, (np.vstack([x, ux]), np.concatenate([y, uy])), pairs
        ),
        "weights": dict(zip(FEATURES, (round(w, 3) for w in calibrator.weights), strict=True)),
    }
    print(json.dumps(report, indent=2))
    if args.news_pairs:
        args.news_pairs.write_text(json.dumps(pairs) + "\n")
    if not args.dry_run:
        calibrator.save(CONFIDENCE_PATH)
        print(f"written to {CONFIDENCE_PATH}")


if __name__ == "__main__":
    main()
