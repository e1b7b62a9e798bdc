"""One `qa eval` run from plain values: index the dataset, measure each config, keep the misses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.answering.asker import open_library
from qa.config.settings import Settings, data_home
from qa.index import Embedder, Library, ProgressCallback, QAError

from .data import Dataset, GoldQuestion, load_dataset
from .run import CONFIGS, build_library, evaluate, off_corpus

Rows = dict[str, dict[str, float]]
"""A config's name (or "off-corpus (…)") and its figures, as `markdown_table` prints them."""


class MissesError(QAError):
    """The misses file cannot be written (the CLI says so in one line, as any QAError)."""


@dataclass
class EvalRun:
    """A dataset ready to be measured over the library settings' encoder, in the eval cache."""

    data: Dataset
    settings: Settings
    embedder: Embedder
    cache: Path
    library: Library | None = None
    """The dataset's corpus indexed (None until `index` has run)."""


@dataclass
class EvalReport:
    """What one run measured."""

    questions: list[GoldQuestion]
    """The questions asked (after --half and --limit)."""
    rows: Rows
    misses: list[dict[str, object]] = field(default_factory=list)
    """Every wrong or declined answer of the last config (when a misses file was asked for)."""


def prepare(dataset: Path, settings: Settings) -> EvalRun:
    """Read `dataset` and find the encoder of the library in `settings`; nothing is indexed yet."""
    # The library is opened first, as before the split: its errors come before the dataset's.
    embedder = open_library(settings).embedder
    cache = data_home() / "eval-cache"
    return EvalRun(load_dataset(dataset), settings, embedder, cache)


def index(run: EvalRun, progress: ProgressCallback | None = None) -> Library:
    """Index the dataset's own articles into the cache (reused while the file is unchanged)."""
    run.library = build_library(run.data, run.cache, run.embedder, run.settings, progress=progress)
    return run.library


def measure(
    run: EvalRun,
    configs: tuple[str, ...],
    limit: int = 0,
    half: str | None = None,
    with_off_corpus: bool = False,
    misses: Path | None = None,
) -> EvalReport:
    """Ask the questions through each config in `configs` (names in CONFIGS); with
    `with_off_corpus`, also count declines on the half of the articles not indexed; with
    `misses`, write the last config's wrong or declined answers there as JSON Lines."""
    library = run.library if run.library is not None else index(run)
    data = run.data
    questions = data.questions_about(half) if half else data.questions
    questions = questions[:limit] if limit else questions
    missed: list[dict[str, object]] = []
    rows: Rows = {
        name: evaluate(
            library,
            questions,
            CONFIGS[name],
            run.settings,
            missed if misses and name == configs[-1] else None,
        )
        for name in configs
    }
    if with_off_corpus:
        best = CONFIGS[configs[-1]]
        rows[f"off-corpus ({best.name})"] = off_corpus(
            data, run.cache, run.embedder, run.settings, best, limit or len(data.questions)
        )
    if misses:
        try:
            misses.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in missed))
        except OSError as error:
            raise MissesError(
                f"cannot write {misses} ({error.strerror}); pick another --misses path"
            ) from error
    return EvalReport(questions, rows, missed)
