"""One conversation API that every face uses: the CLI, the chat, the MCP server and the HTTP API.

A `Chat` runs a turn's whole lifecycle (read a follow-up after the turns before it, answer, keep
the turn, save it with the library's chats), so the same words in the same conversation give the
same answer, confidence and citations whichever face asked them.
"""

from __future__ import annotations

from .chat import Chat
from .reading import CitationGone, Excerpt, read_article

__all__ = ["Chat", "CitationGone", "Excerpt", "read_article"]
