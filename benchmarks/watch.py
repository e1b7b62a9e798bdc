"""How current the watcher keeps a library: save-to-answer latency, idle CPU, and burst rate.

    python -m benchmarks.watch [--data ../shared/data/news/bbc-news-2225.jsonl.gz]
        [--library-size 2000] [--saves 20] [--burst 500] [--idle-seconds 30]

BBC News articles are written out as .txt files (title, blank line, body) into a temporary
folder: `--library-size` of them are indexed first, then, with a `LibraryWatcher` running (its
default settle time, 1 s), `--saves` new ones are saved one at a time and each is timed from
the moment its file is written to the moment a fresh asker (as the chat reopens) retrieves a
passage of it for its title. Then the watcher's CPU time over `--idle-seconds` with nothing
changing (process CPU, all threads: `time.process_time`). Last, `--burst` more articles are
indexed twice in this one process: by `Library.add` (what `qa index add` runs) into a fresh
library, and by the watcher of another fresh library as the files are copied into its
folder; the rate ratio is watcher / add. Prints JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import queue
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from qa import Asker, Settings
from qa.answering.readers import SentenceReader
from qa.index import Library, MiniLMEmbedder
from qa.index.watch import LibraryWatcher, WatchEvent

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "bbc-news-2225.jsonl.gz"


def bbc_articles(path: Path) -> list[tuple[str, str]]:
    """(title, body) of every article in the BBC News dump, in file order, each once (the
    dump repeats some articles, which the index would keep as copies, not add)."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        records = [json.loads(line) for line in file if line.strip()]
    return list(dict.fromkeys((record["title"], record["body"]) for record in records))


def write(folder: Path, number: int, article: tuple[str, str]) -> Path:
    """One article as a .txt file, written and closed (what "saved" means here)."""
    path = folder / f"bbc-{number:04d}.txt"
    path.write_text(f"{article[0]}\n\n{article[1]}\n", encoding="utf-8")
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def wait_for(events: queue.Queue[WatchEvent], articles: int, timeout: float = 600) -> None:
    """Until the watcher's committed batches have taken in `articles` new articles (added, or
    found to be copies of indexed ones: the dump holds a few near-twins that read the same)."""
    deadline, seen = time.monotonic() + timeout, 0
    while seen < articles:
        event = events.get(timeout=max(0.1, deadline - time.monotonic()))
        if event.kind == "error":
            raise RuntimeError(event.detail)
        if event.kind == "synced" and event.report is not None:
            seen += event.report.articles_added + event.report.duplicates


def latency(
    embedder: MiniLMEmbedder, work: Path, articles: list[tuple[str, str]], saves: int
) -> dict[str, object]:
    """Save-to-retrievable seconds for `saves` new articles; then the idle watcher's CPU."""
    folder, lib = work / "library-articles", work / "library"
    folder.mkdir()
    library_size = len(articles) - saves
    for number, article in enumerate(articles[:library_size]):
        write(folder, number, article)
    began = time.perf_counter()
    Library(lib, embedder).add([folder])
    indexing = time.perf_counter() - began
    events: queue.Queue[WatchEvent] = queue.Queue()
    watcher = LibraryWatcher(Library(lib, embedder), events.put)
    watcher.start()
    while events.get().kind != "synced":  # the catch-up: nothing to do
        pass
    seconds: list[float] = []
    for number in range(library_size, len(articles)):
        title = articles[number][0]
        saved = time.perf_counter()
        write(folder, number, articles[number])
        wait_for(events, 1)
        asker = Asker(Library(lib, embedder), Settings(library=lib), reader=SentenceReader())
        hits = asker.retrieve(title)
        found = any(hit.passage.article.article.title == title for hit in hits)
        seconds.append(time.perf_counter() - saved)
        asker.library.close()
        if not found:
            raise RuntimeError(f"{title!r} was indexed but not retrieved for its title")
    return {
        "library_articles": library_size,
        "library_index_seconds": round(indexing, 1),
        "saves": saves,
        "save_to_answer_p50_s": round(statistics.median(seconds), 2),
        "save_to_answer_p95_s": round(percentile(seconds, 0.95), 2),
        "save_to_answer_max_s": round(max(seconds), 2),
        "_watcher": watcher,
    }


def idle_cpu(watcher: LibraryWatcher, seconds: float) -> float:
    """Percent of one core the process used over `seconds` while nothing changed."""
    time.sleep(2)  # let the last batch's threads settle
    cpu, wall = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    return 100 * (time.process_time() - cpu) / (time.perf_counter() - wall)


def burst(
    embedder: MiniLMEmbedder, work: Path, articles: list[tuple[str, str]]
) -> dict[str, float]:
    """`Library.add` and the watcher over the same new files: seconds and articles per second."""
    source = work / "burst-files"
    source.mkdir()
    paths = [write(source, number, article) for number, article in enumerate(articles)]
    began = time.perf_counter()
    Library(work / "burst-add", embedder).add([source])
    added = time.perf_counter() - began

    watched = work / "burst-watched"
    watched.mkdir()
    (watched / "seed.txt").write_text("Seed\n\nA first article, so the library exists.\n")
    Library(work / "burst-watch", embedder).add([watched])
    events: queue.Queue[WatchEvent] = queue.Queue()
    watcher = LibraryWatcher(Library(work / "burst-watch", embedder), events.put)
    watcher.start()
    while events.get().kind != "synced":
        pass
    began = time.perf_counter()
    for path in paths:
        shutil.copy(path, watched / path.name)
    wait_for(events, len(paths))
    followed = time.perf_counter() - began
    watcher.stop()
    return {
        "burst_files": len(paths),
        "add_seconds": round(added, 1),
        "watch_seconds": round(followed, 1),
        "add_articles_per_s": round(len(paths) / added, 2),
        "watch_articles_per_s": round(len(paths) / followed, 2),
        "watch_to_add_rate_ratio": round(added / followed, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--library-size", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    options = parser.parse_args()
    articles = bbc_articles(options.data)
    if options.library_size + options.saves + options.burst > len(articles):
        parser.error(f"the data holds {len(articles)} articles; ask for fewer")
    embedder = MiniLMEmbedder(backend=os.environ.get("QA_ENCODER", "onnx"))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        first = options.library_size + options.saves
        result = latency(embedder, work, articles[:first], options.saves)
        watcher = result.pop("_watcher")
        assert isinstance(watcher, LibraryWatcher)
        result["idle_cpu_percent_of_one_core"] = round(idle_cpu(watcher, options.idle_seconds), 2)
        watcher.stop()
        result.update(burst(embedder, work, articles[first : first + options.burst]))
    result["load_average_1min_at_end"] = round(os.getloadavg()[0], 1)
    result["cpus"] = os.cpu_count() or 0
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
