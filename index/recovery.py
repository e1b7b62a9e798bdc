"""A lost manifest made again from the database and the vector file, when they agree.

The manifest is small and derived: the database keeps a copy of what it says of the model and
chunking, and the vector file holds the passage ids it was written for. When both are there,
sound and in step (the same ids, stored vectors equal to the file's, a sample of passages still
embedding to their stored vectors), the manifest is written again and nothing is re-embedded.
Anything less is refused with the command that rebuilds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from .causes import REBUILD
from .check import Difference, check_integrity, check_vectors
from .embedder import Embedder
from .errors import IndexCorrupt
from .manifest import FORMAT_VERSION, Manifest
from .store import Store
from .vector_file import VECTORS_NAME
from .vectors import VectorIndex


class HasEmbedder(Protocol):
    """What recovery needs of the library it recovers: the model to verify vectors with."""

    embedder: Embedder


def recover_manifest(database: Path, template: Manifest, library: HasEmbedder) -> Manifest:
    """The manifest of the library whose database is `database`, made from the database's
    copy of the description (else `template`, this qa's) and verified against the vector
    file; IndexCorrupt when they do not agree."""
    folder = database.parent
    refused = (
        f"the manifest of {folder} is lost and the database and vector file do not agree "
        f"({{why}}), so they cannot vouch for it: run {REBUILD} to index your articles again"
    )
    store = Store(database)
    try:
        manifest = _described(store, template)
        if any(difference.fix == "rebuild" for difference in check_integrity(store)):
            raise IndexCorrupt(refused.format(why="the database is damaged"))
        vectors = folder / VECTORS_NAME
        if not vectors.is_file():
            raise IndexCorrupt(refused.format(why="the vector file is missing"))
        manifest.vectors_bytes = vectors.stat().st_size
        manifest.vectors_count = len(VectorIndex.load(vectors, manifest.dimension, mapped=True))
        manifest.generation = store.generation
        manifest.articles, manifest.passages = store.counts()
        manifest.updated = datetime.now(UTC).isoformat(timespec="seconds")
        manifest.remember(store.identity, store.roots(), store.exclusions())
        if manifest.model == library.embedder.name:
            differences = check_vectors(store, manifest, vectors, library.embedder)
        else:  # another model's index: its ids and counts can still be compared
            differences = _same_ids(store, vectors, manifest.dimension)
        if differences:
            raise IndexCorrupt(refused.format(why=differences[0].what))
        return manifest
    finally:
        store.close()


def _described(store: Store, template: Manifest) -> Manifest:
    """A manifest with the model, dimension and chunking the database says it was built with
    (a library made before it said so: `template`'s)."""
    manifest = Manifest(template.model, template.dimension, dict(template.chunking))
    try:
        said = json.loads(store.get_meta("manifest") or "{}")
    except ValueError:
        said = {}
    if isinstance(said, dict) and said.get("format", FORMAT_VERSION) == FORMAT_VERSION:
        manifest.model = str(said.get("model", manifest.model))
        manifest.dimension = int(said.get("dimension", manifest.dimension))
        chunking = said.get("chunking", manifest.chunking)
        if isinstance(chunking, dict):
            manifest.chunking = {str(key): int(value) for key, value in chunking.items()}
    return manifest


def _same_ids(store: Store, path: Path, dimension: int) -> list[Difference]:
    """A difference when the vector file does not hold exactly the database's passage ids."""
    stored = np.array([row[0] for row in store.db.execute("SELECT id FROM passages ORDER BY id")])
    held = VectorIndex.load(path, dimension, mapped=True).ids()
    if len(stored) != len(held) or not np.array_equal(stored, held):
        return [Difference("the vector file holds other passages than the database", REBUILD)]
    return []
