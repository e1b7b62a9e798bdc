"""Filters: what searching within folders, dates and sources costs, and that it stays exact.

    python -m benchmarks.filters [--data ../shared/data] [--articles 2000] [--queries 30]

Writes the first --articles BBC News articles as JSON Lines files, one folder per category (20
of them in a folder of their own, 1% of the library), each with a made-up date and URL, and
indexes them with a hashed bag-of-words model of the real dimension (384; the cost of a filter
does not depend on what the vectors mean). Then, for each filter, times `retrieve` over
--queries article titles against the same search unfiltered, in the flat tier and in the
inverted-file tier (forced), and checks that every passage returned obeys the filter and that a
rare filter still finds its articles (where keeping the unfiltered top 50 would find none).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from qa.answering.filters import Filters
from qa.answering.retrieval import retrieve
from qa.index import Library, approximate_token_count
from qa.index import library as library_module
from qa.index import vectors as vectors_module

BBC = "news/bbc-news-2225.jsonl.gz"


class HashedEmbedder:
    """Bag-of-words vectors hashed into 384 dimensions: the real model's size, built fast."""

    name = "hashed-384"
    dimension = 384

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                vectors[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            vectors[row] /= max(float(np.linalg.norm(vectors[row])), 1e-9)
        return vectors

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return approximate_token_count(texts)


def write_articles(source: Path, folder: Path, count: int) -> list[dict[str, str]]:
    """The first `count` articles as JSON Lines per category; the 20 first tech articles in
    tech/rare/. Returns the records written."""
    records: list[dict[str, str]] = []
    with gzip.open(source, "rt") as lines:
        for number, line in enumerate(lines):
            if number >= count:
                break
            raw = json.loads(line)
            day = date(2004, 1, 1) + timedelta(days=(number * 37) % 730)
            records.append(
                {
                    "id": raw["id"],
                    "title": raw["title"],
                    "text": raw["body"],
                    "date": day.isoformat(),
                    "url": f"https://www.bbc.co.uk/news/{raw['id']}",
                    "category": raw["category"],
                }
            )
    files: dict[Path, list[str]] = {}
    rare = 0
    for record in records:
        where = folder / record["category"]
        if record["category"] == "tech" and rare < 20:
            where, rare = where / "rare", rare + 1
        files.setdefault(where / "articles.jsonl", []).append(json.dumps(record))
    for path, rows in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(rows) + "\n")
    return records


def time_filter(
    library: Library, queries: list[str], filters: Filters | None
) -> tuple[float, int, int]:
    """(median ms per retrieve, passages returned in all, passages that broke the filter)."""
    embedder = HashedEmbedder()
    allowed = set(library.selected_passages(filters).tolist()) if filters else None
    times: list[float] = []
    returned = broken = 0
    for query in queries:
        vector = embedder.encode_queries([query])[0]
        start = time.perf_counter()
        hits = retrieve(library, query, vector, limit=10, depth=50, filters=filters)
        times.append((time.perf_counter() - start) * 1000)
        returned += len(hits)
        broken += sum(1 for hit in hits if allowed is not None and hit.passage.id not in allowed)
    return statistics.median(times), returned, broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=30)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qa-filters-"))
    records = write_articles(options.data / BBC, work / "bbc", options.articles)
    # Titles from across the library: most are not in the rare folder.
    queries = [r["title"] for r in records[:: max(1, len(records) // options.queries)]]
    filters = {
        "none": None,
        "folder, 1 category (~20%)": Filters.parse(folders=[work / "bbc" / "sport"]),
        "folder, 20 articles (1%)": Filters.parse(folders=[work / "bbc" / "tech" / "rare"]),
        "one month (~4%)": Filters.parse(since="2004-06", until="2004-06"),
        "source, 1 article": Filters.parse(sources=[records[len(records) // 2]["url"]]),
        "source word (~20%)": Filters.parse(sources=[f"/{records[0]['category']}/"]),
    }
    print(f"{len(records)} BBC articles in {work}")
    for tier in ("flat", "ivf"):
        if tier == "ivf":
            vectors_module.EXACT_LIMIT = 100  # forces the inverted-file tier
        library = Library(work / f"lib-{tier}", HashedEmbedder())
        start = time.perf_counter()
        library.add([work / "bbc"])
        built = time.perf_counter() - start
        total = library.passage_count()
        print(
            f"\n{tier} tier ({library.vectors.tier}): {total:,} passages, built in {built:.0f} s\n"
        )
        print("| filter | passages kept | select ms | retrieve ms (median) | returned | broke it |")
        print("|---|---|---|---|---|---|")
        for name, chosen in filters.items():
            kept, select_ms = total, 0.0
            if chosen is not None:
                start = time.perf_counter()
                kept = len(library.selected_passages(chosen))
                select_ms = (time.perf_counter() - start) * 1000
            median, returned, broken = time_filter(library, queries, chosen)
            print(
                f"| {name} | {kept:,} ({kept / total:.1%}) | {select_ms:.1f} | {median:.1f} | "
                f"{returned} | {broken} |"
            )
        if tier == "ivf":
            library_module.SCORED_DIRECTLY = 0  # the index's own selector path, every time
            for name in ("folder, 20 articles (1%)", "source word (~20%)"):
                median, returned, broken = time_filter(library, queries, filters[name])
                print(f"| {name}, in the index | | | {median:.1f} | {returned} | {broken} |")
        rare = filters["folder, 20 articles (1%)"]
        assert rare is not None
        allowed = set(library.selected_passages(rare).tolist())
        embedder = HashedEmbedder()
        missed = sum(
            not allowed
            & {
                hit.passage.id
                for hit in retrieve(library, q, embedder.encode_queries([q])[0], limit=50, depth=50)
            }
            for q in queries
        )
        print(
            f"\nunfiltered top 50 held none of the 1% folder for {missed} of {len(queries)} "
            "queries (filtering after the search would have found nothing)"
        )
        library.close()


if __name__ == "__main__":
    main()
