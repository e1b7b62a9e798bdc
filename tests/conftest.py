"""Shared fixtures: a private data directory, a fast fake embedder, the real model."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from index import Library, MiniLMEmbedder, approximate_token_count

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class FakeEmbedder:
    """Deterministic bag-of-words vectors: fast, and similar texts get similar vectors."""

    name = "fake-bag-of-words"
    dimension = 64

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                vectors[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            norm = np.linalg.norm(vectors[row])
            vectors[row] = vectors[row] / norm if norm else vectors[row]
        return vectors

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return approximate_token_count(texts)


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own QA_HOME, so nothing touches the user's libraries."""
    home = tmp_path / "qa-home"
    monkeypatch.setenv("QA_HOME", str(home))
    monkeypatch.delenv("QA_LIBRARY", raising=False)
    return home


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A writable copy of the fixture articles (tests edit and delete them)."""
    folder = tmp_path / "articles"
    shutil.copytree(FIXTURES / "articles", folder)
    return folder


@pytest.fixture(scope="session")
def real_embedder() -> MiniLMEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once for the whole run."""
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def seeds_library(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: MiniLMEmbedder
) -> Iterator[Library]:
    """A real library of `seeds/` built with the real model."""
    library = Library(tmp_path_factory.mktemp("seeds-library"), real_embedder)
    library.add([SEEDS])
    yield library
    library.close()


@pytest.fixture(scope="session")
def fixture_library(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: MiniLMEmbedder
) -> Iterator[Library]:
    """A real library of the fixture articles plus the seed article."""
    folder = tmp_path_factory.mktemp("fixture-articles")
    shutil.copytree(FIXTURES / "articles", folder / "articles")
    shutil.copy(SEEDS / "000_be1cfe4c88351585.txt", folder / "articles")
    library = Library(tmp_path_factory.mktemp("fixture-library"), real_embedder)
    library.add([folder / "articles"])
    yield library
    library.close()
