"""Which encoder indexes passages: fp32 torch, bf16 torch, the int8 ONNX export; speed and recall.

    python -m benchmarks.encoder [--data ../shared/data] [--limit 1500] [--backends torch,onnx,bf16]

Speed: both encode the same SQuAD dev passages in one process, alternately, three times each.
Recall: the SQuAD v1.1 dev corpus indexed by each, then R@5/R@20 over the first --limit
questions (dense alone, where the encoder is all there is, and the shipped hybrid ranking).
Prints JSON; `make bench` folds it into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from qa.config.settings import Settings
from qa.evaluation.data import load_dataset
from qa.evaluation.run import CONFIGS, build_library, evaluate
from qa.index import Library, MiniLMEmbedder, Passage, passage_input

ROOT = Path(__file__).resolve().parent.parent


def passages(library: Library) -> list[str]:
    """The texts the indexer embedded for every passage of `library`."""
    store = library.store
    texts = []
    for (article_id,) in store.db.execute("SELECT id FROM articles").fetchall():
        article = store.stored_article(article_id).article
        for start, end in store.db.execute(
            "SELECT start, end FROM passages WHERE article_id = ?", (article_id,)
        ).fetchall():
            texts.append(passage_input(article, Passage(start, end, ())))
    return texts


def compare(
    data: Path, limit: int, backends: tuple[str, ...] = ("torch", "onnx"), rounds: int = 3
) -> dict[str, float]:
    """Speed of each backend on the same passages (`rounds` timed passes each, interleaved;
    0 for recall alone), and retrieval recall with each."""
    dataset = load_dataset(data / "squad-v1.1-dev.split-dev.json")
    settings = Settings(library=Path("/unused"))
    encoders = {backend: MiniLMEmbedder(backend=backend) for backend in backends}
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="qa-encoder-") as work:
        libraries = {
            backend: build_library(dataset, Path(work), embedder, settings, tag=backend)
            for backend, embedder in encoders.items()
        }
        texts = passages(next(iter(libraries.values())))
        rates: dict[str, list[float]] = {backend: [] for backend in encoders}
        for embedder in encoders.values():
            embedder.encode(texts[:64])  # load the model outside the timing
        for _ in range(rounds):
            for backend, embedder in encoders.items():
                began = time.perf_counter()
                embedder.encode(texts)
                rates[backend].append(len(texts) / (time.perf_counter() - began))
        figures["passages"] = float(len(texts))
        for backend in encoders if rounds else ():
            figures[f"{backend} passages/s"] = statistics.median(rates[backend])
        for backend in encoders if rounds else ():
            if backend != "torch" and "torch" in encoders:
                figures[f"{backend} speed-up"] = (
                    figures[f"{backend} passages/s"] / figures["torch passages/s"]
                )
        for backend, library in libraries.items():
            for config in ("dense", "hybrid"):
                result = evaluate(library, dataset.questions[:limit], CONFIGS[config], settings)
                figures[f"{backend} {config} R@5"] = result["R@5"]
                figures[f"{backend} {config} R@20"] = result["R@20"]
            library.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument("--backends", default="torch,onnx")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes (0: recall only)")
    args = parser.parse_args()
    backends = tuple(args.backends.split(","))
    print(json.dumps(compare(args.data, args.limit, backends, args.rounds), indent=2))


if __name__ == "__main__":
    main()
