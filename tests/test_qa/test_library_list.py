"""The libraries the chat offers are the user's: never the folder an interrupted rebuild left."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from support import SEEDS, FakeEmbedder

from qa.index import Library
from qa.workspace import library_names


class InterruptedEmbedder(FakeEmbedder):
    """The fake model, stopped by Ctrl+C the first time it embeds after `armed` is set."""

    armed = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.armed:
            raise KeyboardInterrupt
        return super().encode(texts)


def test_an_interrupted_rebuild_leaves_no_library_in_the_list(private_home: Path) -> None:
    embedder = InterruptedEmbedder()
    library = Library(private_home / "libraries" / "default", embedder)
    library.add([SEEDS])
    Library(private_home / "libraries" / "work", embedder).add([SEEDS])
    embedder.armed = True
    with pytest.raises(KeyboardInterrupt):
        library.rebuild()
    library.close()
    # Whatever the rebuild left beside it, and working folders of the same kind, by hand.
    for name in ("default.rebuilding", "work.tmp", "work.old-1234", ".hidden"):
        folder = private_home / "libraries" / name
        if not folder.exists():
            Library(folder, FakeEmbedder()).add([SEEDS])
    assert library_names() == ["default", "work"]


def test_a_name_with_a_dot_is_still_a_library(private_home: Path) -> None:
    Library(private_home / "libraries" / "news.2024", FakeEmbedder()).add([SEEDS])
    assert library_names() == ["news.2024"]
