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


def _write_lists(
    target: BinaryIO,
    code_size: int,
    sizes: np.ndarray,
    entries: Callable[[int], tuple[list[bytes], list[bytes]]],
) -> None:
    """Write inverted lists as FAISS writes an `ArrayInvertedLists`: "ilar", the number of lists
    and the code size, a table of sizes, then each list's codes and ids; `entries` gives a list's
    codes and ids in parts, called once per non-empty list, in order."""
    lists = len(sizes)
    filled = np.flatnonzero(sizes)
    target.write(b"ilar")
    target.write(np.array([lists, code_size], dtype=np.uint64).tobytes())
    # FAISS stores all sizes when most lists hold something, else (list, size) pairs.
    if len(filled) > lists // 2:
        table = sizes.astype(np.uint64)
        target.write(b"full")
    else:
        table = np.stack([filled, sizes[filled]], axis=1).reshape(-1).astype(np.uint64)
        target.write(b"sprs")
    target.write(np.array([len(table)], dtype=np.uint64).tobytes())
    target.write(table.tobytes())
    for number in filled:
        codes, ids = entries(int(number))
        target.write(b"".join(codes))
        target.write(b"".join(ids))


def _header(index: Any, total: int) -> bytes:
    """FAISS's own serialisation of the empty `index` (dimension, centroids, codec, probes)
    saying it holds `total` vectors, without its empty lists."""
    import faiss

    index.ntotal = total
    header = faiss.serialize_index(index).tobytes()
    index.ntotal = 0
    if header[-_EMPTY_LISTS:][:4] != b"ilar":
        raise RuntimeError("this FAISS version writes inverted lists in an unknown layout")
    return header[:-_EMPTY_LISTS]


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
        # Where each shard's next list begins, as the lists are visited in order.
        cursors = list(self.starts)
        descriptor = self.handle.fileno()

        def entries(number: int) -> tuple[list[bytes], list[bytes]]:
            codes, ids = [], []
            for shard, shard_sizes in enumerate(self.sizes):
                size = int(shard_sizes[number])
                if size:
                    codes.append(os.pread(descriptor, size * code_size, cursors[shard]))
                    ids.append(os.pread(descriptor, size * 8, cursors[shard] + size * code_size))
                    cursors[shard] += size * (code_size + 8)
            return codes, ids

        _write_lists(target, code_size, sizes, entries)

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
        # The header is FAISS's own, written for the empty index with the final count; only
        # the lists that follow it are ours.
        temporary = folder / path.name  # removed with the folder if anything fails
        with open(temporary, "wb") as target:
            target.write(_header(index, total))
            shards.write_lists(target, int(inverted.code_size))
            target.flush()
            os.fsync(target.fileno())
        shards.close()
        os.replace(temporary, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return path.stat().st_size


def edit_compact(
    path: Path,
    added: tuple[np.ndarray, np.ndarray],
    removed: Iterable[int],
    finish: Callable[[Any], None] | None = None,
) -> tuple[int, int]:
    """Rewrite the compact-tier file at `path` without the `removed` passage ids and with the
    `added` (ids, vectors), encoded by the file's own centroids and codec, a list at a time:
    an update to a library of any size holds one list and the added codes, never the file.
    Returns the new file's size in bytes and its passage count."""
    import faiss

    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP)
    inverted = faiss.extract_index_ivf(index)
    lists, code_size = int(inverted.nlist), int(inverted.code_size)
    fresh: Any = faiss.ArrayInvertedLists(lists, code_size)
    inverted.replace_invlists(fresh, True)  # unmaps the file's lists; the index owns `fresh`
    fresh.this.disown()
    index.ntotal = 0
    ids, vectors = added
    if len(ids):
        index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )
    new_sizes = np.array([fresh.list_size(n) for n in range(lists)], dtype=np.int64)
    new_entries = {
        int(n): (
            faiss.rev_swig_ptr(fresh.get_codes(int(n)), int(new_sizes[n]) * code_size).tobytes(),
            faiss.rev_swig_ptr(fresh.get_ids(int(n)), int(new_sizes[n])).tobytes(),
        )
        for n in np.flatnonzero(new_sizes)
    }
    index.reset()
    if finish is not None:
        finish(index)
    gone = np.fromiter(removed, dtype=np.int64)
    with open(path, "rb") as source:
        descriptor = source.fileno()
        old_sizes, starts = _read_table(descriptor, len(_header(index, 0)), lists, code_size)

        def old_ids(number: int) -> np.ndarray:
            size = int(old_sizes[number])
            at = int(starts[number]) + size * code_size
            return np.frombuffer(os.pread(descriptor, size * 8, at), dtype=np.int64)

        kept = old_sizes.copy()
        if len(gone):
            for number in np.flatnonzero(old_sizes):
                kept[number] -= int(np.isin(old_ids(int(number)), gone).sum())
        sizes = kept + new_sizes

        def entries(number: int) -> tuple[list[bytes], list[bytes]]:
            codes, ids = [], []
            size = int(old_sizes[number])
            if size:
                raw = os.pread(descriptor, size * code_size, int(starts[number]))
                listed = old_ids(number)
                if kept[number] < size:
                    keep = ~np.isin(listed, gone)
                    raw = np.frombuffer(raw, np.uint8).reshape(size, code_size)[keep].tobytes()
                    listed = listed[keep]
                codes.append(raw)
                ids.append(listed.tobytes())
            if number in new_entries:
                codes.append(new_entries[number][0])
                ids.append(new_entries[number][1])
            return codes, ids

        total = int(sizes.sum())
        temporary = path.with_name(path.name + ".tmp")
        try:
            with open(temporary, "wb") as target:
                target.write(_header(index, total))
                _write_lists(target, code_size, sizes, entries)
                target.flush()
                os.fsync(target.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)  # the old file is untouched until the rename
            raise
    os.replace(temporary, path)
    return path.stat().st_size, total


def _read_table(
    descriptor: int, offset: int, lists: int, code_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The list sizes of the `ilar` lists at `offset` of a file (as `_write_lists` and FAISS
    write them), and where each list's codes begin (its ids follow them)."""
    head = os.pread(descriptor, 32, offset)
    stated = np.frombuffer(head[4:20], np.uint64).tolist()
    if head[:4] != b"ilar" or head[20:24] not in (b"full", b"sprs") or stated != [lists, code_size]:
        raise RuntimeError("the vector file's inverted lists are not in the expected layout")
    (length,) = np.frombuffer(head[24:32], np.uint64).tolist()
    table = np.frombuffer(os.pread(descriptor, length * 8, offset + 32), np.uint64)
    sizes = np.zeros(lists, dtype=np.int64)
    if head[20:24] == b"full":
        sizes[:] = table
    else:
        pairs = table.reshape(-1, 2).astype(np.int64)
        sizes[pairs[:, 0]] = pairs[:, 1]
    data = offset + 32 + length * 8
    starts = data + np.concatenate([[0], np.cumsum(sizes * (code_size + 8))[:-1]])
    return sizes, starts.astype(np.int64)
