"""The vector file beside the database: kept in step with what the database committed.

The FAISS file is derived data. It is replaced atomically after each update, and the manifest
records the database generation it matches, so a file left behind by a killed run is noticed
and rebuilt from the vectors stored in SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from .manifest import Manifest
from .store import Store
from .vectors import VectorIndex, tier_for

VECTORS_NAME = "vectors.faiss"


def file_matches(folder: Path, manifest: Manifest, generation: int) -> bool:
    """True when the FAISS file is the one the manifest describes, for database `generation`
    (a crash between the database commit and the file's rename breaks this)."""
    path = folder / VECTORS_NAME
    return (
        path.exists()
        and manifest.generation == generation
        and path.stat().st_size == manifest.vectors_bytes
    )


def from_store(store: Store, dimension: int) -> VectorIndex:
    """A fresh index of every vector the database holds."""
    _, passages = store.counts()
    return VectorIndex.build(dimension, store.iter_vectors(), passages)


def for_search(folder: Path, manifest: Manifest, store: Store, dimension: int) -> VectorIndex:
    """The index to search: the file, mapped, when it matches the database; else rebuilt in
    memory from the stored vectors (the file is only ever written by a writer)."""
    if file_matches(folder, manifest, store.generation):
        return VectorIndex.load(folder / VECTORS_NAME, dimension, mapped=True)
    return from_store(store, dimension)


def rebuild(folder: Path, store: Store, dimension: int) -> tuple[VectorIndex, int]:
    """Write a fresh vector file of every vector the database holds (the compact tier in a
    stream, a shard of codes at a time: `VectorIndex.write`); returns it, mapped, and its size."""
    path = folder / VECTORS_NAME
    _, passages = store.counts()
    size = VectorIndex.write(dimension, store.iter_vectors(), passages, path)
    return VectorIndex.load(path, dimension, mapped=True), size


def follow(
    folder: Path,
    manifest: Manifest,
    store: Store,
    dimension: int,
    before: int,
    added: list[int],
    removed: list[int],
) -> VectorIndex:
    """Bring the FAISS file to what the database holds: edited with the passages committed
    since generation `before` when the file matched it (the compact tier a list at a time,
    smaller tiers in memory), else rebuilt; then the manifest. Both are replaced atomically."""
    path = folder / VECTORS_NAME
    articles, passages = store.counts()
    vectors: VectorIndex | None = None
    matches = file_matches(folder, manifest, before)
    streamed = tier_for(manifest.vectors_count) == "compact" == tier_for(passages)
    if matches and streamed:
        # The compact tier is edited a list at a time: its file can be larger than memory.
        size = VectorIndex.edit(path, store.vectors_for(set(added) - set(removed)), removed)
        vectors = VectorIndex.load(path, dimension, mapped=True)
        if len(vectors) != passages:
            vectors, size = rebuild(folder, store, dimension)
    elif matches:
        vectors = VectorIndex.load(path, dimension)
        vectors.remove(removed)
        ids, batch = store.vectors_for(set(added) - set(removed))
        vectors.add(ids, batch)
        if vectors.tier != tier_for(len(vectors)):
            vectors = None  # grew past (or shrank below) a tier's size
        elif len(vectors) != passages:
            # Never save a vector file that disagrees with the database, whatever the cause.
            vectors = None
    if vectors is None:
        vectors, size = rebuild(folder, store, dimension)
    elif not streamed:
        size = vectors.save(path)
    manifest.generation = store.generation
    manifest.vectors_bytes = size
    manifest.vectors_count = len(vectors)
    manifest.articles, manifest.passages = articles, passages
    manifest.updated = datetime.now(UTC).isoformat(timespec="seconds")
    manifest.remember(store.identity, store.roots(), store.exclusions())
    manifest.save(folder)
    return vectors
