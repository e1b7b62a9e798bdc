"""The FAISS half of an index: inner-product search over unit vectors, keyed by passage id.

Three tiers by size (`tier_for`): exact search while the library is small enough for it to be
fast; beyond EXACT_LIMIT passages an inverted-file index (IVF) that reads only the lists nearest
the question; beyond COMPACT_LIMIT an IVF index whose lists hold 8-bit codes instead of floats
(4x smaller), trained on the first vectors and filled batch by batch, so a library of 100M
passages is built without holding its vectors in memory. Files are mapped at question time, so
resident memory grows with the lists a search reads, not with the library."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .errors import IndexCorrupt

EXACT_LIMIT = 100_000
"""Passages up to which search is exact (flat). Measured on 2 cores (docs/scale.md): exact search
takes 6 ms at 100k passages, 17 ms at 300k and 60 ms at 1M; the IVF index stays under 3 ms."""
PROBES = 128
"""Inverted lists read per question in the IVF index: recall@10 against exact search was 0.988
with 64 of 2,190 lists at 300k passages, so twice that, for ≥ 0.99."""
_TRAINING_PER_LIST = 64
COMPACT_LIMIT = 2_000_000
"""Passages above which the lists hold codes (`COMPACT_CODEC`), not floats: at 2M passages the
IVF-Flat index takes 3.1 GB and its build holds every vector twice; see docs/scale.md."""
COMPACT_CODEC = "SQ8"
"""8-bit scalar quantisation per dimension: 384 bytes a passage instead of 1,536; recall@10
against exact search stayed within a point of IVF-Flat at 1M passages (docs/scale.md)."""
COMPACT_PROBES = 64
"""Lists read per question in the compact tier (docs/scale.md)."""
COMPACT_TOLERANCE = 0.005
"""Largest difference per component allowed between a decoded compact-tier vector and the
vector added: 0.00075 at most measured on 20,000 replicated BBC passage vectors (docs/scale.md)."""
RERANK = 4
"""Candidates per wanted passage that the compact tier re-scores with exact vectors."""
COMPACT_TRAINING = 100_000
"""Vectors the compact tier's centroids are trained on: the first ones the store yields (its
lists are filled in one pass, so the sample cannot wait for the last batch)."""
TIERS = ("flat", "ivf", "compact")


def tier_for(count: int) -> str:
    """The index for `count` passages: "flat" (exact), "ivf" (IVF-Flat) or "compact" (IVF
    with 8-bit codes)."""
    if count <= EXACT_LIMIT:
        return "flat"
    return "ivf" if count <= COMPACT_LIMIT else "compact"


def wants_exact(count: int) -> bool:
    """True when `count` passages are best searched exactly."""
    return count <= EXACT_LIMIT


class VectorIndex:
    """Passage vectors in a FAISS `IndexIDMap2(IndexFlatIP)`, or an IVF index for large
    libraries; scores are cosines, as vectors are unit length."""

    def __init__(self, dimension: int, index: Any = None) -> None:
        import faiss

        self.dimension = dimension
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    @classmethod
    def build(
        cls,
        dimension: int,
        batches: Iterable[tuple[np.ndarray, np.ndarray]],
        count: int = 0,
        tier: str | None = None,
    ) -> VectorIndex:
        """A fresh index from (ids, vectors) batches; `count` of them picks the tier unless
        `tier` names one."""
        tier = tier or tier_for(count)
        if tier not in TIERS:
            raise ValueError(f"unknown tier {tier!r}; choose one of {', '.join(TIERS)}")
        if tier == "compact":
            return cls(dimension, _compact(dimension, iter(batches), count))
        if tier == "flat":
            vectors = cls(dimension)
            for ids, batch in batches:
                vectors.add(ids, batch)
            return vectors
        parts = list(batches)
        all_ids = np.concatenate([ids for ids, _ in parts])
        all_vectors = np.concatenate([batch for _, batch in parts])
        del parts
        return cls(dimension, _inverted_file(dimension, all_ids, all_vectors))

    @classmethod
    def write(
        cls,
        dimension: int,
        batches: Iterable[tuple[np.ndarray, np.ndarray]],
        count: int,
        path: Path,
        tier: str | None = None,
    ) -> int:
        """Build the index of `count` passages straight into `path` (atomically) and return
        its size in bytes: the compact tier is filled a shard at a time (`write_compact`), so
        its build holds neither the vectors nor all the codes; smaller tiers are built in
        memory, then saved."""
        tier = tier or tier_for(count)
        if tier != "compact":
            return cls.build(dimension, batches, count, tier).save(path)
        from .compact_file import write_compact

        index, rest = _trained_compact(dimension, iter(batches), count)
        return write_compact(index, rest, path, finish=_probe_compact)

    @classmethod
    def edit(
        cls,
        path: Path,
        added: tuple[np.ndarray, np.ndarray],
        removed: Iterable[int],
    ) -> int:
        """Remove `removed` from, and add the (ids, vectors) `added` to, the compact-tier file at
        `path`, rewriting it a list at a time (`edit_compact`) rather than reading it into
        memory; returns its new size in bytes."""
        from .compact_file import edit_compact

        size, _ = edit_compact(path, added, removed, finish=_probe_compact)
        return size

    @property
    def exact(self) -> bool:
        import faiss

        return not isinstance(self.index, faiss.IndexIVF)

    @property
    def tier(self) -> str:
        """ "flat", "ivf" or "compact", as `tier_for` names them."""
        import faiss

        if self.exact:
            return "flat"
        return "ivf" if isinstance(self.index, faiss.IndexIVFFlat) else "compact"

    @property
    def tolerance(self) -> float:
        """How far `vector` may stray from the stored vector, per component: 0 where the index
        keeps floats; the compact tier returns the decoded 8-bit code (within 1/255 of each
        dimension's trained range of residuals)."""
        return 0.0 if self.tier != "compact" else COMPACT_TOLERANCE

    def memory_bytes(self) -> int:
        """Bytes the index takes: all resident when read, paged in as searched when mapped."""
        import faiss

        return int(faiss.serialize_index(self.index).nbytes)

    @classmethod
    def load(cls, path: Path, dimension: int, mapped: bool = False) -> VectorIndex:
        """The index in `path`; `mapped` maps the file instead of reading it (read-only: a cold
        `qa ask` then loads a 640 MB index in 4 ms instead of 0.5 s, and pages in only what a
        search touches)."""
        import faiss

        try:
            index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP if mapped else 0)
        except RuntimeError as error:
            raise IndexCorrupt(
                f"the vector index {path} is damaged; rebuild it with: qa index rebuild"
            ) from error
        if index.d != dimension:
            raise IndexCorrupt(
                f"the vector index {path} has {index.d} dimensions, expected "
                f"{dimension}; rebuild it with: qa index rebuild"
            )
        if isinstance(index, faiss.IndexIVFFlat):
            index.nprobe = PROBES
        elif isinstance(index, faiss.IndexIVF):
            _probe_compact(index)
        return cls(dimension, index)

    def save(self, path: Path) -> int:
        """Write atomically (temporary file, then rename); returns the size in bytes. FAISS
        writes through `write_part`, so a failed write (a full disk) is the OSError it is, not
        a FAISS RuntimeError, and leaves the old file and no temporary one."""
        import faiss

        temporary = path.with_name(path.name + ".tmp")
        try:
            with open(temporary, "wb") as handle:
                writer = faiss.PyCallbackIOWriter(  # type: ignore[attr-defined]
                    lambda data: write_part(handle, data)
                )
                faiss.write_index(self.index, writer)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return path.stat().st_size

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )

    def remove(self, ids: Iterable[int]) -> None:
        wanted = np.fromiter(ids, dtype=np.int64)
        if len(wanted):
            # faiss's Python wrapper turns an id array into an IDSelectorBatch.
            self.index.remove_ids(wanted)  # type: ignore[arg-type]

    def ids(self) -> np.ndarray:
        """Every passage id the index holds, sorted (for `qa index check`)."""
        import faiss

        if self.exact:
            return np.sort(faiss.vector_to_array(self.index.id_map).astype(np.int64))
        lists: Any = faiss.extract_index_ivf(self.index).invlists
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(number), lists.list_size(number)).copy()
            for number in range(lists.nlist)
            if lists.list_size(number)
        ]
        return np.sort(np.concatenate(parts).astype(np.int64)) if parts else np.zeros(0, np.int64)

    def vector(self, passage_id: int) -> np.ndarray:
        """The stored vector of one passage (for `qa index check`); in the compact tier the
        decoded code, within `tolerance` of the vector that was added."""
        import faiss

        if not self.exact:
            # Passage ids are not 0..n-1, so the map from id to vector is a hash table.
            faiss.extract_index_ivf(self.index).set_direct_map_type(
                faiss.DirectMap.Hashtable  # type: ignore[attr-defined]
            )
        return np.asarray(self.index.reconstruct(int(passage_id)), dtype=np.float32)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of `ids` (all held), row for row, as `vector` gives each one."""
        import faiss

        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        if not self.exact:
            faiss.extract_index_ivf(self.index).set_direct_map_type(
                faiss.DirectMap.Hashtable  # type: ignore[attr-defined]
            )
        found = self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))
        return np.asarray(found, dtype=np.float32)

    def search(
        self,
        vector: np.ndarray,
        limit: int,
        exact: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> list[tuple[int, float]]:
        """(passage id, cosine) of the nearest passages, best first. In the compact tier,
        `exact` (the stored float vectors of an array of ids, e.g. from SQLite) re-scores
        RERANK times as many candidates as asked for, so near-ties come out in exact order."""
        if len(self) == 0 or limit <= 0:
            return []
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        wanted = limit * RERANK if exact is not None and self.tier == "compact" else limit
        scores, ids = self.index.search(query, min(wanted, len(self)))
        found = ids[0][ids[0] >= 0]
        if wanted == limit:
            return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        assert exact is not None
        rescored = exact(found) @ query[0]
        best = np.argsort(-rescored, kind="stable")[:limit]
        return [(int(found[row]), float(rescored[row])) for row in best]

    def search_within(
        self,
        vector: np.ndarray,
        limit: int,
        ids: np.ndarray,
        exact: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> list[tuple[int, float]]:
        """`search` among the passages `ids` only (FAISS skips every other id as it scans).

        Exact in the flat tier. An IVF index reads its lists nearest the question, which may
        hold none of a rare selection, so it reads more lists the rarer the selection is (as
        many selected passages as an unfiltered search sees); callers with few `ids` do better
        to score their stored vectors directly."""
        import faiss

        if len(self) == 0 or limit <= 0 or len(ids) == 0:
            return []
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64))
        compact = exact is not None and self.tier == "compact"
        wanted = min(limit * RERANK if compact else limit, len(ids))
        params: Any = faiss.SearchParameters() if self.exact else faiss.SearchParametersIVF()
        params.sel = selector  # `selector` itself stays referenced until the search is done
        if not self.exact:
            inverted = faiss.extract_index_ivf(self.index)
            share = len(ids) / len(self)
            params.nprobe = min(inverted.nlist, math.ceil(inverted.nprobe / max(share, 1e-9)))
        scores, found_ids = self.index.search(query, wanted, params=params)
        keep = found_ids[0] >= 0
        found, scored = found_ids[0][keep], scores[0][keep]
        if not compact:
            return [(int(i), float(s)) for i, s in zip(found, scored, strict=True)][:limit]
        assert exact is not None
        rescored = exact(found) @ query[0]
        best = np.argsort(-rescored, kind="stable")[:limit]
        return [(int(found[row]), float(rescored[row])) for row in best]


def write_part(handle: BinaryIO, data: bytes) -> int:
    """Write one part of a vector file; returns its length (the file-write boundary that
    tests make fail, as a full disk does)."""
    handle.write(data)
    return len(data)


def _inverted_file(dimension: int, ids: np.ndarray, vectors: np.ndarray) -> Any:
    """An IVF index over `vectors`: about 4·sqrt(n) lists, centroids trained on a fixed sample."""
    import faiss

    lists = _lists(len(vectors))
    index = faiss.index_factory(dimension, f"IVF{lists},Flat", faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(
        len(vectors), min(len(vectors), lists * _TRAINING_PER_LIST), replace=False
    )
    index.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
    index.add_with_ids(
        np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
    )
    faiss.extract_index_ivf(index).nprobe = PROBES
    return index


def _lists(count: int) -> int:
    """About 4·sqrt(n) inverted lists, at least 64."""
    return max(64, int(4 * math.sqrt(count)))


def _compact(dimension: int, batches: Iterator[tuple[np.ndarray, np.ndarray]], count: int) -> Any:
    """An IVF index with 8-bit codes, trained on the first vectors and filled batch by batch
    in memory (`write_compact` fills it into a file instead, holding a shard at a time)."""
    index, rest = _trained_compact(dimension, batches, count)
    for ids, batch in rest:
        index.add_with_ids(
            np.ascontiguousarray(batch, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )
    _probe_compact(index)
    return index


def _trained_compact(
    dimension: int, batches: Iterator[tuple[np.ndarray, np.ndarray]], count: int
) -> tuple[Any, Iterator[tuple[np.ndarray, np.ndarray]]]:
    """An empty compact-tier index trained on the first vectors, and every batch to fill it
    with (the training batches again, then the rest): only the sample is held as floats."""
    import faiss

    lists = _lists(count)
    # The centroids are found by a small HNSW graph, not compared one by one: assigning 100M
    # passages to 40,000 lists by brute force would take 100M x 40,000 dot products.
    index = faiss.index_factory(
        dimension, f"IVF{lists}_HNSW32,{COMPACT_CODEC}", faiss.METRIC_INNER_PRODUCT
    )
    wanted = max(lists, min(count, COMPACT_TRAINING))
    held: list[tuple[np.ndarray, np.ndarray]] = []
    size = 0
    for ids, batch in batches:
        held.append((ids, batch))
        size += len(ids)
        if size >= wanted:
            break
    if not held:
        raise ValueError("the compact tier needs vectors to train on")
    sample = np.concatenate([batch for _, batch in held])[:wanted]
    faiss.extract_index_ivf(index).cp.niter = 10  # lists need not be perfect, only balanced
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    del sample

    def refill() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        while held:
            yield held.pop(0)  # let each training batch go once it is in the index
        yield from batches

    return index, refill()


def _probe_compact(index: Any) -> None:
    """Read COMPACT_PROBES lists per question; the HNSW graph of centroids must look at more
    candidates than that, or it returns fewer lists than asked (its default of 16 capped
    recall@10 at 0.88 at 200k passages, 0.98 with 64)."""
    import faiss

    inverted = faiss.extract_index_ivf(index)
    inverted.nprobe = COMPACT_PROBES
    quantizer = faiss.downcast_index(inverted.quantizer)
    if isinstance(quantizer, faiss.IndexHNSW):
        quantizer.hnsw.efSearch = 2 * COMPACT_PROBES
