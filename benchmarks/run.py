"""Speed benchmarks, each beside its baseline in the same run; writes docs/performance.md.

python -m benchmarks.run [--data ../shared/data] [--articles 300]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import article_view
from .corpus import bbc_folder
from .encoder import compare, passages

ROOT = Path(__file__).resolve().parent.parent
QA = str(Path(sys.executable).parent / "qa")
KEEP_FROM = "<!-- measured by other benchmarks -->"


def timed(command: list[str], env: dict[str, str], runs: int = 3) -> float:
    """Median wall time of a command, each run a new process."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def cold_ask(work: Path, env: dict[str, str]) -> dict[str, float]:
    library = work / "seeds-library"
    subprocess.run(
        [QA, "index", "add", "--library", str(library), str(ROOT / "seeds")],
        env=env,
        check=True,
        capture_output=True,
    )
    question = "who raised sanctions?"
    product = timed([QA, "ask", "--library", str(library), question], env)
    baseline = timed([sys.executable, "-m", "benchmarks.baseline_ask", str(library), question], env)
    return {"qa ask (s)": product, "baseline script (s)": baseline, "ratio": product / baseline}


def indexing(work: Path, data: Path, articles: int, env: dict[str, str]) -> dict[str, float]:
    """The whole pipeline's passages/s against its encoder alone on the same passages."""
    from qa.index import Library, MiniLMEmbedder

    corpus = bbc_folder(work, data, articles)
    embedder = MiniLMEmbedder()
    embedder.encode(["warm up"])
    library = Library(work / "bbc-library", embedder)
    report = library.add([corpus])
    pipeline_rate = report.passages_embedded / report.seconds
    texts = passages(library)
    began = time.perf_counter()
    embedder.encode(texts)
    encoder_rate = len(texts) / (time.perf_counter() - began)
    began = time.perf_counter()
    library.add([corpus])
    recheck = time.perf_counter() - began
    # Edit one record of the dump: only that article may be embedded again.
    records = [json.loads(line) for line in (corpus / "bbc.jsonl").read_text().splitlines()]
    records[7]["body"] += " This sentence was added by the benchmark."
    (corpus / "bbc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    edited = library.add([corpus])
    return {
        "edit one article: articles re-embedded": float(edited.articles_updated),
        "edit one article: passages re-embedded": float(edited.passages_embedded),
        "articles": float(articles),
        "passages": float(report.passages_embedded),
        "pipeline passages/s": pipeline_rate,
        "encoder passages/s": encoder_rate,
        "ratio": pipeline_rate / encoder_rate,
        "re-check unchanged (s)": recheck,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    env = {**os.environ, "QA_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    results = {
        "cold ask (seeds)": cold_ask(work, env),
        "indexing (BBC subset)": indexing(work, args.data, args.articles, env),
        "passage encoder: torch fp32 against int8 ONNX (SQuAD v1.1 dev)": compare(args.data, 1500),
        "chat: opening a 2 MB article": article_view.measure(2.0),
    }
    shutil.rmtree(work, ignore_errors=True)
    lines = [
        "# Performance",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} "
        f"cores, Python {platform.python_version()}, with `make bench`.",
        "",
    ]
    for name, figures in results.items():
        lines += [f"## {name}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {key} | {value:.3f} |" for key, value in figures.items()]
        lines.append("")
    lines += [
        "Baselines, measured in the same run: a new process running the script a user would",
        "otherwise write (`benchmarks/baseline_ask.py`: sentence-transformers + FAISS, top passage",
        "only) against `qa ask` (ONNX question encoder, hybrid retrieval, trained reader,",
        "citations);",
        "and the encoder alone (`MiniLMEmbedder.encode`, int8 ONNX by default on a CPU) over the",
        "very passages the pipeline embedded. The encoder comparison (`python -m",
        "benchmarks.encoder`) times both encoders on the same passages in one process and",
        "indexes the SQuAD dev corpus with each; R@k is retrieval recall over its first 1,500",
        "questions. Timings are medians of 3 runs on a shared machine; compare ratios, not",
        "seconds.",
        "",
        "Opening a long article in the chat (`python -m benchmarks.article_view`): the 200,000",
        "characters around the cited sentence that qa shows, against the whole 2 MB text, in a",
        "headless Textual app.",
        "",
        "The 26,869-article library, the vector index choice and the scaling curve:",
        "[scale.md](scale.md) (`python -m benchmarks.scale`).",
        "",
        "![query latency and memory by size](scaling.png)",
        "",
    ]
    path = ROOT / "docs" / "performance.md"
    # Sections measured by other benchmarks (benchmarks/backends.py) are written by hand: keep.
    kept = path.read_text() if path.exists() else ""
    kept = kept[kept.index(KEEP_FROM) :] if KEEP_FROM in kept else ""
    path.write_text("\n".join(lines) + ("\n" + kept if kept else ""))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
