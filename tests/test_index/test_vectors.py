"""The vector index: exact search for small libraries, an IVF index past EXACT_LIMIT."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from support import FakeEmbedder

from qa.index import Library
from qa.index import vectors as vectors_module
from qa.index.vectors import VectorIndex


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, 64))
    vectors = centres[rng.integers(0, 40, count)] + 0.3 * rng.normal(size=(count, 64))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_large_libraries_get_an_ivf_index_that_agrees_with_exact_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "EXACT_LIMIT", 1000)
    vectors = unit_vectors(5000)
    ids = np.arange(10, 5010, dtype=np.int64)
    exact = VectorIndex.build(64, [(ids, vectors)], count=999)
    approximate = VectorIndex.build(
        64, [(ids[:2500], vectors[:2500]), (ids[2500:], vectors[2500:])], count=5000
    )
    assert exact.exact and not approximate.exact
    assert approximate.memory_bytes() > 5000 * 64 * 4
    queries = unit_vectors(50, seed=1)
    recall = np.mean(
        [
            len({i for i, _ in exact.search(q, 10)} & {i for i, _ in approximate.search(q, 10)})
            / 10
            for q in queries
        ]
    )
    assert recall >= 0.95
    approximate.remove([10, 11])
    assert len(approximate) == 4998
    approximate.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss", 64)
    assert not loaded.exact and len(loaded) == 4998
    found = loaded.search(vectors[100], 1)
    assert found[0][0] == 110 and found[0][1] == pytest.approx(1.0, abs=1e-4)


def test_a_growing_library_switches_to_the_ivf_index_and_still_finds_passages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "EXACT_LIMIT", 150)
    articles = tmp_path / "articles"
    articles.mkdir()
    topics = ["harbour", "volcano", "orchestra", "glacier", "senate", "vaccine", "comet"]
    for number in range(60):
        topic = topics[number % len(topics)]
        body = " ".join(
            f"Report {number} on the {topic} describes finding {number}-{line} in detail."
            for line in range(60)
        )
        (articles / f"a{number:02}.txt").write_text(f"The {topic} story {number}\n\n{body}\n")
    library = Library(tmp_path / "library", FakeEmbedder())
    library.add([articles / f"a{n:02}.txt" for n in range(10)])
    assert library.vectors.exact
    library.add([articles])
    assert not library.vectors.exact and len(library.vectors) > 150
    library.close()
    reopened = Library(tmp_path / "library", FakeEmbedder())
    assert not reopened.vectors.exact
    stored = reopened.passage_vectors([1, 100, 250])
    for passage_id, vector in stored.items():
        found = dict(reopened.dense_search(vector, 5))  # fake vectors may tie; ours is among them
        assert found[passage_id] == pytest.approx(max(found.values()), abs=1e-5)
    reopened.close()


def test_the_tier_follows_the_size() -> None:
    assert vectors_module.tier_for(vectors_module.EXACT_LIMIT) == "flat"
    assert vectors_module.tier_for(vectors_module.EXACT_LIMIT + 1) == "ivf"
    assert vectors_module.tier_for(vectors_module.COMPACT_LIMIT) == "ivf"
    assert vectors_module.tier_for(vectors_module.COMPACT_LIMIT + 1) == "compact"
    with pytest.raises(ValueError, match="unknown tier"):
        VectorIndex.build(64, [], tier="hnsw")


def test_the_compact_tier_is_built_batch_by_batch_and_agrees_with_exact_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "COMPACT_TRAINING", 3000)
    vectors = unit_vectors(6000)
    ids = np.arange(10, 6010, dtype=np.int64)
    consumed = []

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for begin in range(0, 6000, 1000):  # a generator: it can be read only once
            consumed.append(begin)
            yield ids[begin : begin + 1000], vectors[begin : begin + 1000]

    compact = VectorIndex.build(64, batches(), count=6000, tier="compact")
    exact = VectorIndex.build(64, [(ids, vectors)], count=6000, tier="flat")
    assert consumed == list(range(0, 6000, 1000))
    assert compact.tier == "compact" and exact.tier == "flat" and len(compact) == 6000
    # 8-bit codes: a quarter of the floats' bytes, plus ids and centroids.
    assert compact.memory_bytes() < exact.memory_bytes() / 2
    queries = unit_vectors(50, seed=1)
    recall = np.mean(
        [
            len({i for i, _ in exact.search(q, 10)} & {i for i, _ in compact.search(q, 10)}) / 10
            for q in queries
        ]
    )
    assert recall >= 0.9
    assert np.array_equal(compact.ids(), ids)
    decoded = compact.vector(2510)
    assert 0 < compact.tolerance <= 0.005
    assert np.abs(decoded - vectors[2500]).max() <= compact.tolerance
    compact.remove([10, 11])
    compact.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss", 64, mapped=True)
    assert loaded.tier == "compact" and len(loaded) == 5998
    import faiss

    assert faiss.extract_index_ivf(loaded.index).nprobe == vectors_module.COMPACT_PROBES
    found = loaded.search(vectors[100], 1)
    assert found[0][0] == 110 and found[0][1] == pytest.approx(1.0, abs=0.01)


def test_the_float_tiers_return_the_very_vectors_added() -> None:
    vectors = unit_vectors(3000)
    ids = np.arange(3000, dtype=np.int64) * 7
    for tier in ("flat", "ivf"):
        index = VectorIndex.build(64, [(ids, vectors)], count=3000, tier=tier)
        assert index.tier == tier and index.tolerance == 0.0
        assert np.array_equal(index.ids(), ids)
        assert np.array_equal(index.vector(21), vectors[3])


def test_the_compact_tier_re_scores_its_candidates_with_exact_vectors() -> None:
    vectors = unit_vectors(6000)
    ids = np.arange(6000, dtype=np.int64) + 1
    compact = VectorIndex.build(64, [(ids, vectors)], count=6000, tier="compact")
    exact = VectorIndex.build(64, [(ids, vectors)], count=6000, tier="flat")
    asked: list[np.ndarray] = []

    def stored(wanted: np.ndarray) -> np.ndarray:
        asked.append(wanted)
        return vectors[wanted - 1]

    recalls, plain = [], []
    for query in unit_vectors(30, seed=2):
        truth = {i for i, _ in exact.search(query, 10)}
        found = compact.search(query, 10, exact=stored)
        assert len(asked[-1]) == 10 * vectors_module.RERANK
        # The scores are exact cosines, best first.
        cosines = [float(vectors[i - 1] @ query) for i, _ in found]
        assert [s for _, s in found] == pytest.approx(cosines, abs=1e-6)
        assert cosines == sorted(cosines, reverse=True)
        recalls.append(len(truth & {i for i, _ in found}) / 10)
        plain.append(len(truth & {i for i, _ in compact.search(query, 10)}) / 10)
    assert np.mean(recalls) >= 0.95 and np.mean(recalls) >= np.mean(plain)
    # Tiers that keep floats need no second look.
    assert exact.search(vectors[0], 3, exact=stored)[0][0] == 1 and len(asked) == 30
