"""The compact tier written in a stream: the same file as in memory, a shard of codes at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import FakeEmbedder

from qa.index import Library, compact_file
from qa.index import vectors as vectors_module
from qa.index.vectors import VectorIndex


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, 32))
    vectors = centres[rng.integers(0, 40, count)] + 0.3 * rng.normal(size=(count, 32))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def batches(ids: np.ndarray, vectors: np.ndarray, size: int = 700) -> Iterator[Any]:
    for begin in range(0, len(ids), size):
        yield ids[begin : begin + size], vectors[begin : begin + size]


def test_the_streamed_file_is_the_file_an_in_memory_build_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "COMPACT_TRAINING", 2000)
    count = 5000
    vectors = unit_vectors(count)
    ids = np.arange(count, dtype=np.int64) * 3 + 11
    in_memory = VectorIndex.build(32, batches(ids, vectors), count, tier="compact")
    in_memory.save(tmp_path / "memory.faiss")
    dumped: list[int] = []
    dump = compact_file._Shards.dump

    def counting(shards: Any, index: Any) -> None:
        dumped.append(int(index.ntotal))
        dump(shards, index)

    monkeypatch.setattr(compact_file._Shards, "dump", counting)
    monkeypatch.setattr(compact_file, "SHARD", 1500)
    size = VectorIndex.write(
        32, batches(ids, vectors), count, tmp_path / "streamed.faiss", tier="compact"
    )
    assert (tmp_path / "streamed.faiss").read_bytes() == (tmp_path / "memory.faiss").read_bytes()
    assert size == (tmp_path / "streamed.faiss").stat().st_size
    # Lists go to disk once a shard (1,500) is reached: never more than a shard and a batch
    # (700) of codes held. No temporary file is left behind.
    assert dumped == [2100, 2100, 800]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory.faiss", "streamed.faiss"]
    mapped = VectorIndex.load(tmp_path / "streamed.faiss", 32, mapped=True)
    assert mapped.tier == "compact" and len(mapped) == count
    assert np.array_equal(mapped.ids(), ids)
    assert np.abs(mapped.vector(int(ids[7])) - vectors[7]).max() <= mapped.tolerance
    for query in unit_vectors(5, seed=3):
        assert mapped.search(query, 10) == in_memory.search(query, 10)


def test_lists_mostly_empty_are_written_as_faiss_writes_them(tmp_path: Path) -> None:
    # FAISS stores the sizes of mostly empty lists sparsely, as (list, size) pairs.
    vectors = unit_vectors(3000)
    trained, _ = vectors_module._trained_compact(32, iter([(np.arange(3000), vectors)]), 3000)
    import faiss

    few = unit_vectors(9, seed=5)
    in_memory = faiss.clone_index(trained)
    in_memory.add_with_ids(few, np.arange(9, dtype=np.int64) + 100)
    faiss.write_index(in_memory, str(tmp_path / "memory.faiss"))
    compact_file.write_compact(trained, [(np.arange(9) + 100, few)], tmp_path / "streamed.faiss")
    assert (tmp_path / "streamed.faiss").read_bytes() == (tmp_path / "memory.faiss").read_bytes()
    assert b"sprs" in (tmp_path / "streamed.faiss").read_bytes()


def test_an_edit_rewrites_the_file_a_list_at_a_time_as_an_in_memory_edit_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "COMPACT_TRAINING", 2000)
    vectors = unit_vectors(4000)
    ids = np.arange(4000, dtype=np.int64) + 1
    path = tmp_path / "v.faiss"
    VectorIndex.write(32, batches(ids[:3000], vectors[:3000]), 4000, path, tier="compact")
    in_memory = VectorIndex.load(path, 32)
    gone = [5, 17, 2999, 123_456]  # the last was never there
    in_memory.remove(gone)
    in_memory.add(ids[3000:], vectors[3000:])
    size = VectorIndex.edit(path, (ids[3000:], vectors[3000:]), gone)
    edited = VectorIndex.load(path, 32, mapped=True)
    assert size == path.stat().st_size and len(edited) == len(in_memory) == 3997
    assert np.array_equal(edited.ids(), in_memory.ids())
    assert not set(gone) & set(edited.ids().tolist())
    assert np.abs(edited.vector(3500) - vectors[3499]).max() <= edited.tolerance
    for query in unit_vectors(10, seed=4):
        assert sorted(edited.search(query, 10)) == sorted(in_memory.search(query, 10))
    # Adding nothing and removing nothing leaves the same file.
    before = path.read_bytes()
    VectorIndex.edit(path, (np.zeros(0, np.int64), np.zeros((0, 32), np.float32)), [])
    assert path.read_bytes() == before

    # An edit that fails half way leaves the file as it was and nothing beside it.
    def broken(*arguments: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(compact_file, "_write_lists", broken)
    with pytest.raises(OSError, match="disk full"):
        VectorIndex.edit(path, (ids[:1] + 10_000, vectors[:1]), [])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.faiss"]


def test_a_failed_stream_leaves_no_file_and_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "COMPACT_TRAINING", 1000)
    monkeypatch.setattr(compact_file, "SHARD", 1000)
    vectors = unit_vectors(3000)
    ids = np.arange(3000, dtype=np.int64)

    def broken() -> Iterator[Any]:
        yield from batches(ids[:2100], vectors[:2100])
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        VectorIndex.write(32, broken(), 3000, tmp_path / "v.faiss", tier="compact")
    assert list(tmp_path.iterdir()) == []


def test_a_library_past_the_compact_limit_streams_its_vector_file_and_checks_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "EXACT_LIMIT", 50)
    monkeypatch.setattr(vectors_module, "COMPACT_LIMIT", 100)
    monkeypatch.setattr(compact_file, "SHARD", 120)
    # 16-bit floats, not 8-bit codes: trained on 280 fake vectors, an 8-bit codec's ranges are
    # so tight that a new article's vectors can fall outside them (a real library trains on
    # 100,000); streaming and editing do not depend on the codec.
    monkeypatch.setattr(vectors_module, "COMPACT_CODEC", "SQfp16")
    streamed: list[int] = []
    write = compact_file.write_compact

    def counting(*arguments: Any, **options: Any) -> int:
        streamed.append(1)
        return write(*arguments, **options)

    monkeypatch.setattr(compact_file, "write_compact", counting)
    articles = tmp_path / "articles"
    articles.mkdir()
    for number in range(40):
        body = " ".join(f"Item {number}-{line} of the harbour report." for line in range(100))
        (articles / f"a{number:02}.txt").write_text(f"Harbour story {number}\n\n{body}\n")
    library = Library(tmp_path / "library", FakeEmbedder())
    library.add([articles])
    assert library.vectors.tier == "compact" and streamed == [1]
    assert len(library.vectors) == library.store.counts()[1] > 240
    assert library.check() == []
    # Dense search re-scores the compact tier's candidates with the vectors in SQLite: the
    # cosines it returns are exact, where the 8-bit codes alone are off by up to ~0.01.
    stored = library.passage_vectors(list(range(1, 241)))
    everything = np.stack([stored[i] for i in sorted(stored)])
    for passage_id in (1, 200):
        query = stored[passage_id]
        found = library.dense_search(query, 5)
        assert found[0][0] == passage_id or found[0][1] == pytest.approx(1.0, abs=1e-6)
        for hit, cosine in found:
            assert cosine == pytest.approx(float(stored[hit] @ query), abs=1e-6)
        assert [c for _, c in found] == sorted((c for _, c in found), reverse=True)
        assert found[-1][1] >= np.sort(everything @ query)[-5] - 0.02
        coded = library.vectors.search(query, 5)
        assert any(abs(c - float(stored[i] @ query)) > 1e-6 for i, c in coded)
    # Updates edit the file a list at a time; the library still checks clean.
    edits: list[int] = []
    edit = compact_file.edit_compact

    def counting_edits(*arguments: Any, **options: Any) -> tuple[int, int]:
        edits.append(1)
        return edit(*arguments, **options)

    monkeypatch.setattr(compact_file, "edit_compact", counting_edits)
    (articles / "a00.txt").unlink()
    (articles / "z.txt").write_text("Comet story\n\n" + "A comet passed the harbour. " * 200)
    library.update()
    assert edits == [1] and streamed == [1] and library.check() == []
    assert len(library.vectors) == library.store.counts()[1]
    library.close()
