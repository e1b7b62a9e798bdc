"""How much one article file, one record and one decompressed dump may hold: memory and the
database stay bounded whatever a file claims to be."""

from __future__ import annotations

MAX_ARTICLE_BYTES = 50_000_000
"""Largest single article read: a file on disk, a decompressed `.json.gz`, or one record (one
line) of a news dump; a JSON Lines dump itself may be any size, as it is streamed."""


def size_text(size: float) -> str:
    """A size in bytes as a person reads it: "420 MB", "12.5 kB", "900 bytes"."""
    if size >= 10e6:
        return f"{size / 1e6:.0f} MB"
    if size >= 1e6:
        return f"{size / 1e6:.1f} MB"
    if size >= 1e3:
        return f"{size / 1e3:.1f} kB"
    return f"{size:.0f} bytes"
