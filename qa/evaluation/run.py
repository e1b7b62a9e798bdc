"""`qa eval`: run the product's own answering path over a question set and measure it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from qa.answering.answer import Answer
from qa.answering.asker import NOT_FOUND, Asker
from qa.answering.readers.protocol import Reader
from qa.answering.readers.sentence import SentenceReader
from qa.answering.retrieval import Mode, retrieve
from qa.config.preferences import DEFAULT_MIN_CONFIDENCE
from qa.config.settings import Settings
from qa.index import FORMAT_VERSION, Embedder, Library, StoredArticle, StoredPassage

from .data import Dataset, GoldQuestion
from .metrics import (
    auroc,
    contains_answer,
    exact_match,
    expected_calibration_error,
    f1_score,
    percentile,
    risk_coverage,
)

DEPTH = 20
COVERAGES = (1.0, 0.8, 0.6, 0.5, 0.4, 0.2)
"""The risk-coverage table's rows: EM of the most confident answers kept at each share."""


@dataclass(frozen=True)
class Config:
    """One pipeline to measure: a retrieval mode, and a reader (None: retrieval only)."""

    name: str
    mode: Mode
    reader: str | None


CONFIGS = {
    config.name: config
    for config in (
        Config("lexical", Mode.LEXICAL, None),
        Config("dense", Mode.DENSE, None),
        Config("hybrid", Mode.HYBRID, None),
        Config("hybrid+sentence", Mode.HYBRID, "sentence"),
        Config("hybrid+reader", Mode.HYBRID, "reader"),
    )
}


def make_reader(name: str) -> Reader:
    if name == "reader":
        from qa.answering.readers.span import SpanReader

        return SpanReader()
    return SentenceReader()


def build_library(
    dataset: Dataset,
    cache: Path,
    embedder: Embedder,
    settings: Settings,
    keep: Callable[[int], bool] | None = None,
    tag: str = "all",
    progress: Callable[[str, int, int], None] | None = None,
) -> Library:
    """The dataset's corpus indexed once and cached by content hash (reruns reuse it)."""
    folder = cache / (
        f"{dataset.digest}-{embedder.name}-{settings.chunking.max_tokens}-v{FORMAT_VERSION}-{tag}"
    )
    library = Library(folder / "index", embedder, settings.chunking)
    corpus = folder / "corpus"
    if not (corpus / "corpus.jsonl").exists():
        corpus.mkdir(parents=True, exist_ok=True)
        subset = Dataset(
            dataset.name, [], [r for i, r in enumerate(dataset.records) if keep is None or keep(i)]
        )
        subset.write_corpus(corpus / "corpus.jsonl")
    # Always brought up to date, never trusted for existing: a run stopped while indexing
    # leaves a library that exists but holds part of the corpus (unchanged, this is a re-check).
    library.add([corpus], progress)
    return library


def _from_gold_article(article: StoredArticle, gold: GoldQuestion) -> bool:
    return article.article.key.endswith("#" + gold.article_key)


def _is_gold(passage: StoredPassage, gold: GoldQuestion) -> bool:
    if not _from_gold_article(passage.article, gold):
        return False
    if gold.spans:
        return any(passage.start <= start and end <= passage.end for start, end in gold.spans)
    return contains_answer(passage.text, gold.answers)


def evaluate(
    library: Library,
    questions: list[GoldQuestion],
    config: Config,
    settings: Settings,
    misses: list[dict[str, object]] | None = None,
    shown: list[tuple[float, bool]] | None = None,
) -> dict[str, float]:
    """Retrieval, answer and trust figures for one configuration over the questions; with
    `misses`, every answerable question whose answer is not exactly right is added to it, to be
    read; with `shown`, every answerable question's (confidence, exactly right) pair.

    Answers are declined below `settings.min_confidence` (DEFAULT_MIN_CONFIDENCE when None);
    the trust figures use every answer the reader offered: `ece` over those answered, AUROC and
    the risk-coverage rows ("EM@80%": EM of the 80% most confident) over all answerable ones."""
    line = DEFAULT_MIN_CONFIDENCE if settings.min_confidence is None else settings.min_confidence
    # Every candidate comes back with its confidence; the line is applied here, as `qa ask` would.
    every = replace(settings, min_confidence=0.0)
    asker = Asker(library, every, make_reader(config.reader or "sentence"), mode=config.mode)
    asker.warm_up()
    trust: list[tuple[float, bool]] = []
    ranks: list[int | None] = []
    em = f1 = cited = answered = declined_unanswerable = unanswerable = sourced = 0.0
    latencies: list[float] = []
    started = time.perf_counter()
    for gold in questions:
        began = time.perf_counter()
        vector = library.embedder.encode_queries([gold.question])[0]
        hits = retrieve(
            library, gold.question, vector, limit=DEPTH, depth=settings.depth, mode=config.mode
        )
        offered = None
        if config.reader:
            offered = asker.answer_hits(gold.question, hits[: settings.top_k])
        answer = offered
        if offered is not None and offered.found and offered.confidence < line:
            answer = replace(offered, found=False, text="", message=NOT_FOUND)
        latencies.append(time.perf_counter() - began)
        if not gold.answers:
            unanswerable += 1
            declined_unanswerable += answer is not None and not answer.found
            continue
        ranks.append(
            next((n for n, hit in enumerate(hits, 1) if _is_gold(hit.passage, gold)), None)
        )
        right = answer is not None and answer.found and exact_match(answer.text, gold.answers)
        if offered is not None:
            found = offered.found
            trust.append(
                (
                    offered.confidence if found else 0.0,
                    found and bool(exact_match(offered.text, gold.answers)),
                )
            )
        if answer is not None and misses is not None and not right:
            misses.append(_miss(library, gold, answer, ranks[-1]))
        if answer is not None and answer.found:
            answered += 1
            em += exact_match(answer.text, gold.answers)
            f1 += f1_score(answer.text, gold.answers)
            cited += contains_answer(answer.sentence, gold.answers)
            sourced += contains_answer(answer.text, gold.answers) and any(
                _from_gold_article(library.article(c.article_id), gold) for c in answer.citations
            )
    elapsed = time.perf_counter() - started
    count = max(len(ranks), 1)
    figures = {
        "questions": float(len(questions)),
        "R@1": sum(r is not None and r <= 1 for r in ranks) / count,
        "R@5": sum(r is not None and r <= 5 for r in ranks) / count,
        "R@20": sum(r is not None for r in ranks) / count,
        "MRR": sum(1 / r for r in ranks if r) / count,
        "p50 ms": 1000 * percentile(latencies, 0.5),
        "p95 ms": 1000 * percentile(latencies, 0.95),
        "q/s": len(questions) / elapsed if elapsed else 0.0,
    }
    if config.reader:
        figures |= {
            "EM": 100 * em / count,
            "F1": 100 * f1 / count,
            "cited sentence has answer": cited / count,
            "answer has gold, gold article cited": sourced / count,
            "answered": answered / count,
        }
        if unanswerable:
            figures["declined unanswerable"] = declined_unanswerable / unanswerable
        figures |= trust_figures(trust, line)
    if shown is not None:
        shown.extend(trust)
    return figures


def trust_figures(pairs: list[tuple[float, bool]], line: float) -> dict[str, float]:
    """ECE of the answers at or above the line, AUROC and the risk-coverage rows over all."""
    answered = [(c, r) for c, r in pairs if c >= line and c > 0]
    confidences = [c for c, _ in pairs]
    correct = [r for _, r in pairs]
    figures = {
        "ece": expected_calibration_error([c for c, _ in answered], [r for _, r in answered]),
        "auroc": auroc(confidences, correct),
    }
    for coverage, (accuracy, _) in risk_coverage(confidences, correct, COVERAGES).items():
        figures[f"EM@{coverage:.0%}"] = 100 * accuracy
    return figures


def _miss(
    library: Library, gold: GoldQuestion, answer: Answer, rank: int | None
) -> dict[str, object]:
    """One wrong or declined answer, with what would have been right and where it was."""
    cited = [library.article(c.article_id) for c in answer.citations]
    return {
        "id": gold.id,
        "question": gold.question,
        "gold": list(gold.answers),
        "answer": answer.text if answer.found else None,
        "confidence": answer.confidence,
        "sentence": answer.sentence,
        "gold passage rank": rank,
        "gold article cited": any(_from_gold_article(a, gold) for a in cited),
        "answer holds a gold answer": answer.found and contains_answer(answer.text, gold.answers),
    }


def first_half_library(
    dataset: Dataset, cache: Path, embedder: Embedder, settings: Settings
) -> tuple[Library, set[str]]:
    """The first half of the dataset's articles indexed (cached), and those articles' keys: the
    questions about the other half are off-corpus."""
    half = len(dataset.records) // 2
    inside = {record["id"] for record in dataset.records[:half]}
    library = build_library(
        dataset, cache, embedder, settings, keep=lambda i: i < half, tag="first-half"
    )
    return library, inside


def off_corpus(
    dataset: Dataset,
    cache: Path,
    embedder: Embedder,
    settings: Settings,
    config: Config,
    limit: int,
) -> dict[str, float]:
    """Index the first half of the articles; ask questions of both halves."""
    library, inside = first_half_library(dataset, cache, embedder, settings)
    asker = Asker(library, settings, make_reader(config.reader or "sentence"), mode=config.mode)
    answerable = [q for q in dataset.questions if q.answers]
    in_corpus = [q for q in answerable if q.article_key in inside][:limit]
    out_corpus = [q for q in answerable if q.article_key not in inside][:limit]
    answered = sum(asker.ask(q.question).found for q in in_corpus)
    declined = sum(not asker.ask(q.question).found for q in out_corpus)
    return {
        "in-corpus answered": answered / max(len(in_corpus), 1),
        "off-corpus declined": declined / max(len(out_corpus), 1),
        "in-corpus questions": float(len(in_corpus)),
        "off-corpus questions": float(len(out_corpus)),
    }


def markdown_table(rows: dict[str, dict[str, float]]) -> str:
    """One row per configuration, one column per figure."""
    columns: list[str] = []
    for figures in rows.values():
        columns += [name for name in figures if name not in columns]
    lines = ["| config | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for name, figures in rows.items():
        cells = [_cell(figures[c]) if c in figures else "" for c in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: float) -> str:
    if value.is_integer() and value > 1:
        return f"{int(value)}"
    return f"{value:.3f}" if abs(value) <= 1 else f"{value:.1f}"
