"""The Ray engine's overhead: the same articles indexed on one machine and through `--engine ray`
on a local cluster, in one run, with the real model.

python -m benchmarks.cluster [--data ../shared/data] [--articles 2225] [--cpus 2]

Both paths index the BBC News dump (`news/bbc-news-2225.jsonl.gz`) into fresh libraries; the
cluster is started before the clock starts (as `ray start --head` would be), and its actors load
their model inside the timed run, as they do for a user. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import tempfile
import time
from functools import partial
from pathlib import Path

from qa.index import ChunkSettings, Library, MiniLMEmbedder

ROOT = Path(__file__).resolve().parent.parent


def sample(data: Path, count: int, folder: Path) -> Path:
    """The first `count` BBC articles as a gzipped JSON Lines dump (as the corpus ships)."""
    with gzip.open(data / "news" / "bbc-news-2225.jsonl.gz", "rt") as corpus:
        lines = corpus.read().splitlines()[:count]
    dump = folder / "bbc.jsonl.gz"
    dump.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return dump


def index_locally(dump: Path, folder: Path) -> dict[str, float]:
    began = time.perf_counter()
    report = Library(folder, MiniLMEmbedder()).add([dump])
    seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 1),
        "passages": report.passages_embedded,
        "passages_per_second": round(report.passages_embedded / seconds, 1),
    }


def index_on_ray(dump: Path, folder: Path, cpus: int) -> dict[str, float]:
    import ray

    from qa.index.cluster import RayEngine

    started = time.perf_counter()
    # "local": a new cluster of its own, even when `ray start` left one running here.
    ray.init(address="local", num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    cluster_start = time.perf_counter() - started
    began = time.perf_counter()
    engine = RayEngine(partial(MiniLMEmbedder), ChunkSettings())
    report = Library(folder, MiniLMEmbedder()).add([dump], engine=engine)
    seconds = time.perf_counter() - began
    engine.shutdown()
    ray.shutdown()
    return {
        "cluster_start_seconds": round(cluster_start, 1),
        "seconds": round(seconds, 1),
        "passages": report.passages_embedded,
        "passages_per_second": round(report.passages_embedded / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=2225)
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        dump = sample(args.data, args.articles, work)
        local = index_locally(dump, work / "local")
        on_ray = index_on_ray(dump, work / "ray", args.cpus)
    print(
        json.dumps(
            {
                "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                "articles": args.articles,
                "local": local,
                "ray": on_ray,
                "ray_rate_over_local": round(
                    on_ray["passages_per_second"] / local["passages_per_second"], 3
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
