"""`--engine ray` on a real local Ray cluster: the same library as one machine, the same
incremental rules, and faults (a killed actor, an interrupted or killed driver) lose nothing."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import ray
import support
from support import FIXTURES, SEEDS, FakeEmbedder, SlowEmbedder, news_dump

import qa.index.sync
from qa.index import ChunkSettings, Library, MiniLMEmbedder
from qa.index.cluster import ClusterUnavailable, RayEngine

TESTS = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """A real local cluster of two CPUs for this module, its own even when `ray start` left one
    running here; the fakes travel by value."""
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.cloudpickle.register_pickle_by_value(support)
    yield
    ray.shutdown()


@pytest.fixture
def engine(cluster: None) -> Iterator[RayEngine]:
    """An engine of one actor; gone before the next test makes its own (each actor holds one
    of the two CPUs, and reading needs the other)."""
    engine = RayEngine(FakeEmbedder, ChunkSettings(), block_bytes=20_000)
    yield engine
    engine.shutdown()


def library_rows(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """Articles, passages (offsets) and sentences by article key, and vectors by passage."""
    with sqlite3.connect(folder / "library.sqlite3") as db:
        return {
            "articles": db.execute("SELECT key, title, text FROM articles ORDER BY key").fetchall(),
            "passages": db.execute(
                "SELECT a.key, p.start, p.end FROM passages p JOIN articles a "
                "ON a.id = p.article_id ORDER BY a.key, p.start"
            ).fetchall(),
            "sentences": db.execute(
                "SELECT a.key, s.start, s.end FROM sentences s JOIN articles a "
                "ON a.id = s.article_id ORDER BY a.key, s.start"
            ).fetchall(),
        }


def vectors_by_passage(folder: Path) -> dict[tuple[str, int], np.ndarray]:
    with sqlite3.connect(folder / "library.sqlite3") as db:
        rows = db.execute(
            "SELECT a.key, p.start, p.vector FROM passages p JOIN articles a ON a.id = p.article_id"
        ).fetchall()
    return {(key, start): np.frombuffer(blob, dtype=np.float32) for key, start, blob in rows}


@pytest.fixture
def news(articles: Path) -> Path:
    """The fixture articles and a dump large enough to be read as several line blocks."""
    (articles / "wire.jsonl").write_text(
        news_dump(400, "Wire story {n} tells of harbour {n}. " * 6)
    )
    return articles


def test_the_cluster_builds_the_same_library_as_one_machine(
    engine: RayEngine, news: Path, tmp_path: Path
) -> None:
    sent = engine.parts_sent
    on_ray = Library(tmp_path / "ray", FakeEmbedder()).add([news], engine=engine)
    local = Library(tmp_path / "local", FakeEmbedder()).add([news])
    assert engine.parts_sent - sent > 7  # the dump went out in several blocks
    assert (on_ray.articles_added, on_ray.passages_embedded, on_ray.failures) == (
        local.articles_added,
        local.passages_embedded,
        local.failures,
    )
    assert library_rows(tmp_path / "ray") == library_rows(tmp_path / "local")
    assert (
        vectors_by_passage(tmp_path / "ray").keys() == vectors_by_passage(tmp_path / "local").keys()
    )
    assert Library(tmp_path / "ray", FakeEmbedder()).check() == []


def test_with_the_real_model_vectors_agree_within_cosine_0_999(
    cluster: None, real_embedder: MiniLMEmbedder, tmp_path: Path
) -> None:
    engine = RayEngine(partial(MiniLMEmbedder), ChunkSettings(), actors=1)
    try:
        Library(tmp_path / "ray", real_embedder).add([SEEDS, FIXTURES / "articles"], engine=engine)
    finally:
        engine.shutdown()
    Library(tmp_path / "local", real_embedder).add([SEEDS, FIXTURES / "articles"])
    assert library_rows(tmp_path / "ray") == library_rows(tmp_path / "local")
    on_ray, local = vectors_by_passage(tmp_path / "ray"), vectors_by_passage(tmp_path / "local")
    assert on_ray.keys() == local.keys()
    assert min(float(on_ray[key] @ local[key]) for key in local) >= 0.999


def test_unchanged_files_never_reach_the_cluster_and_an_edited_record_is_embedded_alone(
    engine: RayEngine, news: Path, tmp_path: Path
) -> None:
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([news], engine=engine)
    sent = engine.parts_sent
    again = library.update(engine=engine)
    assert (engine.parts_sent, again.passages_embedded) == (sent, 0)
    dump = news / "orchard.jsonl"
    records = [json.loads(line) for line in dump.read_text().splitlines()]
    records[1]["text"] += "\n\nThe festival will also sell perry for the first time."
    dump.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    edited = library.update(engine=engine)
    assert engine.parts_sent == sent + 1  # the one changed file
    assert (edited.articles_updated, edited.articles_unchanged) == (1, 1)
    assert edited.passages_embedded == len(
        qa.index.make_passages(records[1]["text"], FakeEmbedder().count_tokens)
    )
    assert library.check() == []


def test_a_bad_line_in_a_split_dump_keeps_what_the_local_path_keeps(
    engine: RayEngine, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    good = news_dump(300, "Ferry story {n} sails at noon. " * 5)
    after = news_dump(100, "Never read {n}.")
    (folder / "dump.jsonl").write_text(good + '{"id": 300, "text": \n' + after)
    on_ray = Library(tmp_path / "ray", FakeEmbedder()).add([folder], engine=engine)
    local = Library(tmp_path / "local", FakeEmbedder()).add([folder])
    assert on_ray.failures == local.failures
    assert any("line 301 is not valid JSON" in failure for failure in on_ray.failures)
    assert library_rows(tmp_path / "ray") == library_rows(tmp_path / "local")
    assert Library(tmp_path / "ray", FakeEmbedder()).check() == []


def test_hostile_files_cost_the_same_lines_on_the_cluster_as_on_one_machine(
    engine: RayEngine, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (folder / "good.txt").write_text("Ferry news\n\nThe ferry sails at noon.")
    Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt")).write_text("Cafe news\n\nIt opened.")
    middle = news_dump(150, "Wire story {n} of the quay. " * 5)
    (folder / "dump.jsonl").write_text(middle + '{"id": 150, "text": \n' + middle)
    packed = news_dump(3) + '{"text": ' + "[" * 100_000 + "\n" + news_dump(2)
    (folder / "small.jsonl.gz").write_bytes(gzip.compress(packed.encode()))
    on_ray = Library(tmp_path / "ray", FakeEmbedder()).add([folder], engine=engine)
    local = Library(tmp_path / "local", FakeEmbedder()).add([folder])
    assert sorted(on_ray.failures) == sorted(local.failures)
    assert len(local.failures) == 3  # deep.json, line 151 of the dump, line 4 of the gzip
    assert library_rows(tmp_path / "ray") == library_rows(tmp_path / "local")
    assert Library(tmp_path / "ray", FakeEmbedder()).check() == []


def test_a_killed_actor_is_replaced_and_its_batch_done_again(
    cluster: None, news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qa.index.sync, "COMMIT_EVERY_PASSAGES", 200)
    engine = RayEngine(SlowEmbedder, ChunkSettings(), actors=1)
    try:
        victim = ray.get(engine.actors[0].pid.remote())
        library = Library(tmp_path / "lib", FakeEmbedder())
        killer = threading.Timer(1.0, os.kill, (victim, signal.SIGKILL))
        killer.start()
        report = library.add([news], engine=engine)
        killer.join()
        assert ray.get(engine.actors[0].pid.remote()) != victim  # a new process took over
    finally:
        engine.shutdown()
    assert report.failures == [] and report.articles_added == 407
    assert library.status().passages == report.passages_embedded  # nothing stored twice
    assert library.check() == []


def test_an_interrupted_driver_keeps_its_batches_and_the_next_run_goes_on(
    engine: RayEngine, news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qa.index.sync, "COMMIT_EVERY_PASSAGES", 100)
    library = Library(tmp_path / "lib", FakeEmbedder())

    def ctrl_c_after_two_batches(phase: str, done: int, total: int) -> None:
        if phase == "embedding" and done >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        library.add([news], ctrl_c_after_two_batches, engine=engine)
    kept = Library(tmp_path / "lib", FakeEmbedder())
    assert 0 < kept.status().articles < 407
    assert {d.fix for d in kept.check()} <= {"update"}  # only files left to read differ
    report = kept.update(engine=engine)
    assert kept.status().articles == 407
    assert kept.status().passages == len(kept.vectors)
    assert report.articles_added + report.articles_unchanged == 407
    assert kept.check() == []


DRIVER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    import ray, support
    import qa.index.sync
    from qa.index import ChunkSettings, Library
    from qa.index.cluster import RayEngine

    ray.init(address={address!r}, log_to_driver=False)
    ray.cloudpickle.register_pickle_by_value(support)
    qa.index.sync.COMMIT_EVERY_PASSAGES = 50
    engine = RayEngine(support.SlowEmbedder, ChunkSettings(), actors=1)
    def told(phase, done, total):
        if phase == "embedding" and done:
            print("embedded", done, flush=True)
    Library(Path({library!r}), support.FakeEmbedder()).add([Path({articles!r})], told, engine)
    print("complete", flush=True)
""")


def test_a_driver_killed_outright_keeps_every_committed_batch(
    cluster: None, news: Path, tmp_path: Path
) -> None:
    address = ray.get_runtime_context().gcs_address
    code = DRIVER.format(
        tests=str(TESTS), address=address, library=str(tmp_path / "lib"), articles=str(news)
    )
    driver = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert driver.stdout is not None
    for line in driver.stdout:
        if line.startswith("embedded") and int(line.split()[1]) >= 150:
            break  # three batches of 50 committed, more on the way
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    library = Library(tmp_path / "lib", FakeEmbedder())
    assert 0 < library.status().articles < 407
    assert {d.fix for d in library.check()} <= {"update"}
    library.update()
    assert library.status().articles == 407 and library.check() == []


@pytest.mark.parametrize("damaged", [False, True])
def test_a_gzipped_dump_is_spread_in_blocks_and_a_damaged_one_keeps_what_the_local_path_keeps(
    engine: RayEngine, tmp_path: Path, damaged: bool
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    packed = gzip.compress(news_dump(600, "Gazette story {n} of the quay. " * 5).encode())
    (folder / "dump.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3] if damaged else packed)
    sent = engine.parts_sent
    on_ray = Library(tmp_path / "ray", FakeEmbedder()).add([folder], engine=engine)
    local = Library(tmp_path / "local", FakeEmbedder()).add([folder])
    assert engine.parts_sent - sent > 3
    assert on_ray.failures == local.failures
    assert bool(on_ray.failures) == damaged
    assert library_rows(tmp_path / "ray") == library_rows(tmp_path / "local")
    assert Library(tmp_path / "ray", FakeEmbedder()).check() == []


def test_gpu_actors_on_a_cluster_without_gpus_are_refused_at_once(cluster: None) -> None:
    with pytest.raises(ClusterUnavailable, match=r"has 0 GPUs.*leave out --ray-gpus"):
        RayEngine(FakeEmbedder, ChunkSettings(), gpus_per_actor=1)
