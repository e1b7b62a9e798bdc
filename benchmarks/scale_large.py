"""Search at 1M to 100M passages: the vector index tiers on replicated real vectors.

    python -m benchmarks.scale_large [--data ../shared/data] [--sizes 1000000,10000000]
        [--tiers ivf,compact] [--work /tmp/qa-scale-large]

1. The pool: the passages of the first 541 BBC articles embedded (int8 ONNX), and 200 real
   questions (RealTime QA dev and SQuAD dev), cached in --work.
2. For each size and tier, a child process generates the library's vectors in batches of
   100,000 (a pool vector plus Gaussian noise, renormalised: the same per seed), feeds each
   batch to `VectorIndex.build` and to an exact top-10 for every question, and saves the
   index: build seconds and the child's peak resident memory. No process ever holds more
   than a batch of floats beyond what the index itself keeps.
3. Another child maps the saved index (as `qa ask` does) and times the questions one by one:
   p50/p95 latency, recall@10 against the exact top-10, and the resident memory it took.
Prints one JSON line per measurement; large files live under --work and are deleted.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BATCH = 100_000
NOISE = 0.03
"""Per-component noise (as in benchmarks/scale.py): a replica's cosine to its source is ~0.86."""


POOL_ARTICLES = 541
"""BBC articles embedded for the pool (2,050 passages): the whole dump took too long on the
shared 2-core machine."""


def pool(data: Path, work: Path) -> tuple[np.ndarray, np.ndarray]:
    """(passage vectors of the first BBC articles, question vectors), embedded once, cached."""
    cached = work / "pool.npz"
    if cached.exists():
        saved = np.load(cached)
        return saved["passages"], saved["questions"]
    from qa.index import Library, MiniLMEmbedder

    from .scale import questions

    embedder = MiniLMEmbedder(backend="onnx")
    corpus = Path(tempfile.mkdtemp(prefix="qa-pool-", dir=work))
    with gzip.open(data / "news" / "bbc-news-2225.jsonl.gz", "rt") as source:
        lines = [line for _, line in zip(range(POOL_ARTICLES), source, strict=False)]
    (corpus / "bbc.jsonl").write_text("".join(lines))
    library = Library(corpus / "library", embedder)
    library.add([corpus / "bbc.jsonl"])
    passages = np.concatenate([batch for _, batch in library.store.iter_vectors()])
    library.close()
    shutil.rmtree(corpus)
    asked = embedder.encode_queries(questions(data))
    np.savez(cached, passages=passages, questions=asked)
    return passages, asked


def batches(source: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The replicated library in batches: ids 0..size-1, the same vectors on every call."""
    for begin in range(0, size, BATCH):
        rng = np.random.default_rng(begin)
        count = min(BATCH, size - begin)
        vectors = source[rng.integers(0, len(source), count)]
        vectors += rng.standard_normal(vectors.shape, dtype=np.float32) * NOISE
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        yield np.arange(begin, begin + count, dtype=np.int64), vectors


class ExactTop:
    """The exact top-k of every question over the batches that pass through it."""

    def __init__(self, questions: np.ndarray, k: int = 10) -> None:
        self.questions = questions
        self.k = k
        self.scores = np.full((len(questions), k), -np.inf, dtype=np.float32)
        self.ids = np.full((len(questions), k), -1, dtype=np.int64)

    def watch(
        self, source: Iterator[tuple[np.ndarray, np.ndarray]]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for ids, vectors in source:
            scores = np.concatenate([self.scores, self.questions @ vectors.T], axis=1)
            every = np.concatenate([self.ids, np.broadcast_to(ids, (len(scores), len(ids)))], 1)
            best = np.argpartition(-scores, self.k, axis=1)[:, : self.k]
            self.scores = np.take_along_axis(scores, best, 1)
            self.ids = np.take_along_axis(every, best, 1)
            yield ids, vectors


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(work: Path, size: int, tier: str, codec: str, floats: bool = True) -> dict[str, float]:
    """Child: build and save one index, with the exact top-10 alongside; the compact tier is
    written in a stream (`VectorIndex.write`), the others built in memory and saved. With
    `floats`, the float vectors also go to a file, standing in for the SQLite store the
    product re-scores from."""
    from qa.index import vectors as vectors_module

    vectors_module.COMPACT_CODEC = codec
    source, asked = pool(ROOT.parent / "shared" / "data", work)
    exact = ExactTop(asked)
    store = work / f"{size}-floats.npy"
    if floats:
        # Written with plain writes, not a mapping: written pages of a mapping count as the
        # process's resident memory (they made the 1M build look 1.4 GB bigger).
        with open(store, "wb") as handle:
            header = {"descr": "<f4", "fortran_order": False, "shape": (size, source.shape[1])}
            np.lib.format.write_array_header_1_0(handle, header)
    began = time.perf_counter()

    def keep(
        source: Iterator[tuple[np.ndarray, np.ndarray]],
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        with open(store, "ab") if floats else open(os.devnull, "wb") as handle:
            for ids, vectors in source:
                handle.write(vectors.astype(np.float32).tobytes())
                done = ids[-1] + 1
                if done % 500_000 == 0 or done == size:
                    seconds = time.perf_counter() - began
                    print(
                        f"{done:,} passages in {seconds:.0f} s ({done / seconds:.0f}/s), "
                        f"peak {peak_mb():.0f} MB, resident {resident_mb():.0f} MB",
                        file=sys.stderr,
                        flush=True,
                    )
                yield ids, vectors

    path = work / f"{size}-{tier}-{codec}.faiss"
    written = vectors_module.VectorIndex.write(
        source.shape[1], exact.watch(keep(batches(source, size))), size, path, tier=tier
    )
    seconds = time.perf_counter() - began
    np.save(work / f"{size}-truth.npy", exact.ids)
    return {
        "build (s)": seconds,
        "build peak memory (MB)": peak_mb(),
        "file (MB)": written / 1e6,
    }


def search(
    work: Path, size: int, tier: str, codec: str, probes: int, rerank: bool
) -> dict[str, float]:
    """Child: map the saved index and time the questions one by one, re-scoring the compact
    tier's candidates with the float vectors (read from a mapped file) when `rerank`."""
    from qa.index.vectors import VectorIndex

    _, asked = pool(ROOT.parent / "shared" / "data", work)
    truth = np.load(work / f"{size}-truth.npy")
    before = resident_mb()
    began = time.perf_counter()
    index = VectorIndex.load(work / f"{size}-{tier}-{codec}.faiss", asked.shape[1], mapped=True)
    opened = time.perf_counter() - began
    import faiss

    inverted = faiss.extract_index_ivf(index.index)
    if probes:
        inverted.nprobe = probes
        quantizer = faiss.downcast_index(inverted.quantizer)
        if isinstance(quantizer, faiss.IndexHNSW):
            quantizer.hnsw.efSearch = max(quantizer.hnsw.efSearch, 2 * probes)
    floats = np.load(work / f"{size}-floats.npy", mmap_mode="r")

    def exact(ids: np.ndarray) -> np.ndarray:
        return np.asarray(floats[np.sort(ids)][np.argsort(np.argsort(ids))])

    seconds, found = [], []
    for vector in asked:
        began = time.perf_counter()
        hits = index.search(vector, 10, exact if rerank else None)
        seconds.append(time.perf_counter() - began)
        found.append({i for i, _ in hits})
    recall = np.mean([len(f & set(t)) / 10 for f, t in zip(found, truth.tolist(), strict=True)])
    return {
        "open (ms)": 1000 * opened,
        "probes": float(inverted.nprobe),
        "re-ranked": float(rerank),
        "p50 (ms)": 1000 * float(np.percentile(seconds, 50)),
        "p95 (ms)": 1000 * float(np.percentile(seconds, 95)),
        "recall@10": float(recall),
        "search resident memory (MB)": resident_mb() - before,
    }


def child(*arguments: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_large", *arguments],
        stdout=subprocess.PIPE,  # progress goes on to stderr
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--tiers", default="ivf:Flat,compact:SQ8")
    parser.add_argument(
        "--probes",
        default="0,0+rerank",
        help="nprobe values to try (0: the product's), +rerank to re-score with floats",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/qa-scale-large"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        mode, size, tier, codec, *rest = args.child
        if mode == "build":
            print(json.dumps(build(args.work, int(size), tier, codec, rest == ["floats"])))
        else:
            probes, rerank = rest[0].split("+") if "+" in rest[0] else (rest[0], "")
            print(
                json.dumps(
                    search(args.work, int(size), tier, codec, int(probes), rerank == "rerank")
                )
            )
        return
    pool(args.data, args.work)
    sizes = [int(size) for size in args.sizes.split(",")]
    tiers = [tuple(tier.split(":")) for tier in args.tiers.split(",")]
    for size, (tier, codec) in itertools.product(sizes, tiers):
        row: dict[str, object] = {"passages": size, "tier": tier, "codec": codec}
        floats = ["floats"] if "rerank" in args.probes else []
        row |= child("--child", "build", str(size), tier, codec, *floats, "--work", str(args.work))
        for probes in args.probes.split(","):
            row |= child(
                "--child", "search", str(size), tier, codec, probes, "--work", str(args.work)
            )
            print(json.dumps(row), flush=True)
        (args.work / f"{size}-{tier}-{codec}.faiss").unlink()
    for leftover in [*args.work.glob("*-truth.npy"), *args.work.glob("*-floats.npy")]:
        leftover.unlink()


if __name__ == "__main__":
    main()
