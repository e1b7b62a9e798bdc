"""Each machine at its hardware's pace: matmul peak, the encoders, and the pipeline, side by side.

    python -m benchmarks.backends [--data ../shared/data] [--articles 150] [--rounds 3]

In one process, interleaved and repeated (medians), so the load of a shared machine falls on
every contender alike:
1. the machine's matmul peak: GFLOP/s of a 1024x1024 fp32 and bf16 torch matmul, and numpy fp32;
2. the passage encoders (fp32 torch, bf16 torch, int8 ONNX) on the same BBC passages;
3. which backend `backend="auto"` measures and picks, and how long the measurement took;
4. the indexing pipeline (`Library.add`, reading to FAISS) with that backend, against the
   fp32 torch encoder alone on the very passages the pipeline embedded.
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from qa.index import Library, MiniLMEmbedder

from .corpus import bbc_folder
from .encoder import passages

ROOT = Path(__file__).resolve().parent.parent
SIZE = 1024


def gflops(run: Callable[[], object], flops: float, repeats: int = 5) -> float:
    """GFLOP/s of the best of `repeats` calls (the peak, not the average, is the question)."""
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return flops / best / 1e9


def matmul_peak(rounds: int) -> dict[str, float]:
    """fp32 and bf16 matmul GFLOP/s under torch (and fp32 under numpy), interleaved."""
    import torch

    flops = 2.0 * SIZE**3
    a32, b32 = torch.randn(SIZE, SIZE), torch.randn(SIZE, SIZE)
    a16, b16 = a32.to(torch.bfloat16), b32.to(torch.bfloat16)
    n32, m32 = a32.numpy(), b32.numpy()
    runs: dict[str, Callable[[], object]] = {
        "torch fp32": lambda: a32 @ b32,
        "torch bf16": lambda: a16 @ b16,
        "numpy fp32": lambda: n32 @ m32,
    }
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            rates[name].append(gflops(run, flops))
    figures = {f"matmul {name} GFLOP/s": statistics.median(r) for name, r in rates.items()}
    figures["matmul bf16/fp32"] = (
        figures["matmul torch bf16 GFLOP/s"] / figures["matmul torch fp32 GFLOP/s"]
    )
    figures["torch threads"] = float(torch.get_num_threads())
    return figures


def encoders(texts: list[str], rounds: int) -> dict[str, float]:
    """Passages/s of each backend on `texts`, interleaved, medians."""
    models = {backend: MiniLMEmbedder(backend=backend) for backend in ("torch", "bf16", "onnx")}
    for model in models.values():
        model.encode(texts[:8])
    seconds: dict[str, list[float]] = {backend: [] for backend in models}
    for _ in range(rounds):
        for backend, model in models.items():
            began = time.perf_counter()
            model.encode(texts)
            seconds[backend].append(time.perf_counter() - began)
    figures = {f"{b} passages/s": len(texts) / statistics.median(s) for b, s in seconds.items()}
    reference = models["torch"].encode(texts[:64])
    for backend in ("bf16", "onnx"):
        cosines = (models[backend].encode(texts[:64]) * reference).sum(axis=1)
        figures[f"{backend} min cosine to fp32"] = float(cosines.min())
    return figures


def pipeline(work: Path, data: Path, articles: int, rounds: int) -> dict[str, float]:
    """The pipeline with the measured backend against the fp32 torch encoder, alternately."""
    corpus = bbc_folder(work, data, articles)
    began = time.perf_counter()
    chosen = MiniLMEmbedder(choice_file=work / "encoder-choice.json")
    backend = chosen.backend  # measures here, once
    figures: dict[str, float] = {"choice measurement (s)": time.perf_counter() - began}
    record = json.loads((work / "encoder-choice.json").read_text())
    for name, rate in record["passages/s"].items():
        figures[f"choice: {name} passages/s"] = rate
    fp32 = MiniLMEmbedder(backend="torch")
    fp32.encode(["warm up"])
    chosen.encode(["warm up"])
    pipeline_rates, fp32_rates = [], []
    for round_number in range(rounds):
        library = Library(work / f"library-{round_number}", chosen)
        report = library.add([corpus])
        pipeline_rates.append(report.passages_embedded / report.seconds)
        texts = passages(library)
        library.close()
        began = time.perf_counter()
        fp32.encode(texts)
        fp32_rates.append(len(texts) / (time.perf_counter() - began))
    figures["passages"] = float(len(texts))
    figures["pipeline passages/s"] = statistics.median(pipeline_rates)
    figures["fp32 torch encoder passages/s"] = statistics.median(fp32_rates)
    figures["pipeline / fp32 encoder"] = (
        figures["pipeline passages/s"] / figures["fp32 torch encoder passages/s"]
    )
    print(json.dumps({"auto chose": backend}), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    figures = matmul_peak(args.rounds)
    print(json.dumps(figures), flush=True)
    with tempfile.TemporaryDirectory(prefix="qa-backends-") as folder:
        work = Path(folder)
        figures |= pipeline(work, args.data, args.articles, args.rounds)
        library = Library(work / "library-0", MiniLMEmbedder())
        texts = passages(library)
        library.close()
    figures |= encoders(texts, args.rounds)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
