"""Shared fixtures: a private data directory, a fast fake embedder, the real model."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import FIXTURES, SEEDS, FakeEmbedder

from qa.index import Library, MiniLMEmbedder


@pytest.fixture(scope="session", autouse=True)
def private_ray_folder() -> Iterator[Path]:
    """Ray's temporary folder for this run alone, removed at its end: the clusters the tests
    start (`ray start` records its address there, in `ray_current_cluster`, and leaves it when
    stopped) never reach /tmp/ray, where a later `ray.init()` on this machine would find a
    cluster long gone and wait on it. Short, for Ray's socket paths (107 bytes at most)."""
    folder = Path(tempfile.mkdtemp(prefix="qa-ray-", dir="/tmp"))
    before = os.environ.get("RAY_TMPDIR")
    os.environ["RAY_TMPDIR"] = str(folder)  # inherited by the `ray start` the tests run
    yield folder
    if before is None:
        del os.environ["RAY_TMPDIR"]
    else:
        os.environ["RAY_TMPDIR"] = before
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own QA_HOME, so nothing touches the user's libraries; the passage
    encoder is forced to int8 ONNX, so no test pays 20 s to measure the fastest (the tests of
    that choice unset QA_ENCODER)."""
    home = tmp_path / "qa-home"
    monkeypatch.setenv("QA_HOME", str(home))
    monkeypatch.setenv("QA_ENCODER", "onnx")
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
    """The packaged all-MiniLM-L6-v2, loaded once for the whole run, its passage encoder
    forced to int8 ONNX (as QA_ENCODER does for the CLI): left to `auto`, a CPU with bf16 units
    would embed with bf16 and the figures tests compare would move with the machine. Both
    encoders are tested on their own (test_embedder.py, test_encoder_option.py)."""
    return MiniLMEmbedder(backend="onnx")


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
