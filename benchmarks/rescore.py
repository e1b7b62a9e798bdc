"""What re-scoring the compact tier's candidates with the vectors in SQLite adds to a question.

    python -m benchmarks.rescore [--passages 1000000] [--questions 200] [--work /tmp/qa-rescore]

`Library.dense_search` asks the compact tier for 4x the passages wanted (40 for a top 10) and
reads their float vectors from the library's SQLite database (`Store.vectors_for`). This fills
the product's `passages` table (index/schema.py) with --passages rows of random unit vectors
(ids 1..n, as a library numbers them) and times `vectors_for` on 40 random ids per question:
the first pass reads each row for the first time in this process (its page may still be in the
operating system's cache from the fill; a cold disk is not measured, as dropping the cache
would slow every other process on the machine), the second pass is warm. The recall it
buys is measured by `benchmarks.scale_large` (`--probes 0+rerank`): the floats are the same
wherever they are read from. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np

from qa.index.schema import SCHEMA
from qa.index.store import Store
from qa.index.vectors import RERANK

DIMENSION = 384


def fill(path: Path, passages: int) -> None:
    """A database with the product's schema and `passages` rows of random unit vectors."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    rng = np.random.default_rng(0)
    for begin in range(0, passages, 50_000):
        count = min(50_000, passages - begin)
        vectors = rng.standard_normal((count, DIMENSION), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        db.executemany(
            "INSERT INTO passages (id, article_id, start, end, vector) VALUES (?, 1, 0, 0, ?)",
            ((begin + row + 1, vectors[row].tobytes()) for row in range(count)),
        )
        db.commit()
    db.close()


def timed(store: Store, asked: list[np.ndarray]) -> list[float]:
    seconds = []
    for ids in asked:
        began = time.perf_counter()
        found, _ = store.vectors_for(ids.tolist())
        seconds.append(time.perf_counter() - began)
        assert len(found) == len(ids)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/qa-rescore"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / "library.sqlite3"
    began = time.perf_counter()
    fill(path, args.passages)
    filled = time.perf_counter() - began
    store = Store(path)
    rng = np.random.default_rng(1)
    wanted = 10 * RERANK
    first = [rng.choice(args.passages, wanted, replace=False) + 1 for _ in range(args.questions)]
    cold = timed(store, first)
    warm = timed(store, first)
    row = {
        "passages": args.passages,
        "database (MB)": path.stat().st_size / 1e6,
        "fill (s)": filled,
        "ids per question": wanted,
        "first touch p50 (ms)": 1000 * float(np.percentile(cold, 50)),
        "first touch p95 (ms)": 1000 * float(np.percentile(cold, 95)),
        "warm p50 (ms)": 1000 * float(np.percentile(warm, 50)),
        "warm p95 (ms)": 1000 * float(np.percentile(warm, 95)),
    }
    store.close()
    shutil.rmtree(args.work)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
