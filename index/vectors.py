"""The FAISS half of an index: exact inner-product search over unit vectors, keyed by passage id."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexCorrupt


class VectorIndex:
    """Passage vectors in a FAISS `IndexIDMap2(IndexFlatIP)`; cosine, as vectors are unit."""

    def __init__(self, dimension: int, index: Any = None) -> None:
        import faiss

        self.dimension = dimension
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    @classmethod
    def build(cls, dimension: int, batches: Iterable[tuple[np.ndarray, np.ndarray]]) -> VectorIndex:
        """A fresh index from (ids, vectors) batches."""
        vectors = cls(dimension)
        for ids, batch in batches:
            vectors.add(ids, batch)
        return vectors

    @classmethod
    def load(cls, path: Path, dimension: int) -> VectorIndex:
        import faiss

        try:
            index = faiss.read_index(str(path))
        except RuntimeError as error:
            raise IndexCorrupt(
                f"the vector index {path} is damaged; rebuild it with: qa index rebuild"
            ) from error
        if index.d != dimension:
            raise IndexCorrupt(
                f"the vector index {path} has {index.d} dimensions, expected "
                f"{dimension}; rebuild it with: qa index rebuild"
            )
        return cls(dimension, index)

    def save(self, path: Path) -> int:
        """Write atomically (temporary file, then rename); returns the size in bytes."""
        import faiss

        temporary = path.with_name(path.name + ".tmp")
        faiss.write_index(self.index, str(temporary))
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
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

    def search(self, vector: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """(passage id, cosine) of the nearest passages, best first."""
        if len(self) == 0 or limit <= 0:
            return []
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        scores, ids = self.index.search(query, min(limit, len(self)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
