"""The compact tier's file written in a stream: build memory bounded by a shard, not by n.

An in-memory build keeps every 8-bit code (392 bytes a passage with its id) until the index is
written: about 4 GB at 10M passages, 40 GB at 100M. Here the trained index is filled up to
SHARD passages at a time; each shard's inverted lists go to a temporary file, the lists are
emptied, and at the end the lists of all shards are concatenated, list by list, into the one
file FAISS reads. The file is byte for byte the one `faiss.write_index` writes for the same
index built in memory (tested), so `VectorIndex.load` maps it as before and search, `ids()`
and `vector()` are unchanged. Shards are read back with `pread`, not mapped, so the pages
read count against the page cache, not the process; the disk needs room for the file twice
while it is built.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

SHARD = 500_000
"""Passages filled into the index before its lists go to disk: about 200 MB of codes and ids
(the lists' own growth can double that), whatever the library's size."""
_EMPTY_LISTS = 32
"""Bytes `faiss.write_index` writes for an empty array of inverted lists: "ilar", the number of
lists and the code size (8 bytes each), "sprs", and an empty vector of sizes (8 bytes)."""


class _Shards:
    """The inverted lists of successive shards in one temporary file, with each list's size."""

    def __init__(self, folder: Path, lists: int) -> None:
        self.path = folder / "shards.bin"
        self.handle: BinaryIO = open(self.path, "wb+")  # noqa: SIM115 (closed by `close`)
        self.lists = lists
        self.sizes: list[np.ndarray] = []
        """Per shard, the number of entries in each list."""
        self.starts: list[int] = []
        """Per shard, the byte offset where its first list begins."""

    def dump(self, index: Any) -> None:
        """Append the lists of `index` (codes, then ids, list by list) and empty them."""
        import faiss

        inverted: Any = faiss.extract_index_ivf(index).invlists
        code_size = int(inverted.code_size)
        sizes = np.array([inverted.list_size(n) for n in range(self.lists)], dtype=np.int64)
        self.handle.seek(0, os.SEEK_END)
        self.starts.append(self.handle.tell())
        for number in np.flatnonzero(sizes):
            size = int(sizes[number])
            codes = faiss.rev_swig_ptr(inverted.get_codes(int(number)), size * code_size)
            ids = faiss.rev_swig_ptr(inverted.get_ids(int(number)), size)
            self.handle.write(codes.tobytes())
            self.handle.write(ids.tobytes())
        self.sizes.append(sizes)
        index.reset()  # empties the lists; the trained centroids and codec stay

    def write_lists(self, target: BinaryIO, code_size: int) -> None:
        """Write the lists of every shard as one FAISS array of inverted lists (`ilar`)."""
        self.handle.flush()
        sizes = np.sum(self.sizes, axis=0) if self.sizes else np.zeros(self.lists, np.int64)
        filled = np.flatnonzero(sizes)
        target.write(b"ilar")
        target.write(np.array([self.lists, code_size], dtype=np.uint64).tobytes())
        # FAISS stores all sizes when most lists hold something, else (list, size) pairs.
        if len(filled) > self.lists // 2:
            table = sizes.astype(np.uint64)
            target.write(b"full")
        else:
            table = np.stack([filled, sizes[filled]], axis=1).reshape(-1).astype(np.uint64)
            target.write(b"sprs")
        target.write(np.array([len(table)], dtype=np.uint64).tobytes())
        target.write(table.tobytes())
        # Where each shard's next list begins, as the lists are visited in order.
        cursors = list(self.starts)
        descriptor = self.handle.fileno()
        for number in filled:
            codes, ids = [], []
            for shard, shard_sizes in enumerate(self.sizes):
                size = int(shard_sizes[number])
                if size:
                    codes.append(os.pread(descriptor, size * code_size, cursors[shard]))
                    ids.append(os.pread(descriptor, size * 8, cursors[shard] + size * code_size))
                    cursors[shard] += size * (code_size + 8)
            target.write(b"".join(codes))
            target.write(b"".join(ids))

    def close(self) -> None:
        self.handle.close()


def write_compact(
    index: Any,
    batches: Iterable[tuple[np.ndarray, np.ndarray]],
    path: Path,
    shard: int | None = None,
    finish: Callable[[Any], None] | None = None,
) -> int:
    """Fill the trained, empty compact-tier `index` with `batches` of (ids, vectors) and write
    it to `path` (atomically: a temporary file, then a rename), holding at most `shard` (else
    SHARD) passages' codes at once; returns the file's size in bytes. `finish` sets what the
    file says beyond its contents (the lists a search reads) once the index is filled, as an
    in-memory build would before saving. `index` is left empty."""
    import faiss

    inverted = faiss.extract_index_ivf(index)
    if index.ntotal:
        raise ValueError("write_compact needs an empty, trained index")
    folder = Path(tempfile.mkdtemp(prefix=path.name + ".", dir=path.parent))
    try:
        shards = _Shards(folder, int(inverted.nlist))
        total = 0
        for ids, vectors in batches:
            index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )
            total += len(ids)
            if index.ntotal >= (shard or SHARD):
                shards.dump(index)
        shards.dump(index)
        if finish is not None:
            finish(index)
        # The header (dimension, count, centroids, codec, probes) is FAISS's own, written for
        # the empty index with the final count; only the lists that follow it are ours.
        index.ntotal = total
        header = faiss.serialize_index(index).tobytes()
        index.ntotal = 0
        if header[-_EMPTY_LISTS:][:4] != b"ilar":
            raise RuntimeError("this FAISS version writes inverted lists in an unknown layout")
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as target:
            target.write(header[:-_EMPTY_LISTS])
            shards.write_lists(target, int(inverted.code_size))
            target.flush()
            os.fsync(target.fileno())
        shards.close()
        os.replace(temporary, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return path.stat().st_size
