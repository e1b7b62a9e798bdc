"""The libraries on this machine, as the chat offers them, and a cheap sign that one changed."""

from __future__ import annotations

from pathlib import Path

from index.manifest import MANIFEST_NAME  # index/__init__ does not export it (yet)

from .settings import data_home


def library_names() -> list[str]:
    """The names of the indexed libraries under `data_home()/libraries`, sorted."""
    folder = data_home() / "libraries"
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in folder.iterdir() if (entry / MANIFEST_NAME).is_file())


def is_library(folder: Path) -> bool:
    """True when `folder` holds an index (its manifest)."""
    return (folder / MANIFEST_NAME).is_file()


def library_stamp(folder: Path) -> int:
    """Changes whenever the index is written (the manifest is replaced last, on every update);
    0 when there is no index. A stat, cheap enough to poll every few seconds."""
    try:
        return (folder / MANIFEST_NAME).stat().st_mtime_ns
    except OSError:
        return 0
