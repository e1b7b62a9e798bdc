"""What is kept on this machine beyond the index: the saved chats of a library, and the
libraries there are."""

from __future__ import annotations

from .history import ChatSummary, History
from .libraries import (
    Overview,
    add_folder,
    is_library,
    library_names,
    library_stamp,
    overview,
    remove_folder,
)

__all__ = [
    "ChatSummary",
    "History",
    "Overview",
    "add_folder",
    "is_library",
    "library_names",
    "library_stamp",
    "overview",
    "remove_folder",
]
