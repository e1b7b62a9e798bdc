"""Fixtures of the server tests: a private copy of the seeds library, and a service over the
fast fake models."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import fake_models
from support import SEEDS, FakeEmbedder

from qa.config.settings import Settings
from qa.index import Library
from qa.servers import Service


@pytest.fixture
def seeds_copy(seeds_library: Library, tmp_path: Path) -> Path:
    """A copy of the real seeds library, so that saved chats stay with the test."""
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_library.folder, folder)
    return folder


@pytest.fixture
def fake_library(tmp_path: Path) -> Path:
    """The seeds indexed with the fake embedder: what the fast service tests answer from."""
    folder = tmp_path / "fake-seeds"
    library = Library(folder, FakeEmbedder())
    library.add([SEEDS])
    library.close()
    return folder


@pytest.fixture
def fake_service(fake_library: Path) -> Iterator[Service]:
    service = Service(Settings(library=fake_library), askers=2, models=fake_models)
    service.start()
    yield service
    service.close()
