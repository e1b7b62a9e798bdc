"""The `qa` command: index articles, ask questions, open the chat."""

from __future__ import annotations

# Each command module registers its commands on `cli` when imported.
from . import (
    ask,
    chat,
    eval_command,
    history_command,
    index_commands,
    mcp_command,
    open_command,
    search,
    serve_command,
)
from .group import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NO_ARTICLES,
    EXIT_NOT_FOUND,
    UserError,
    cli,
)

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_FOUND",
    "EXIT_NO_ARTICLES",
    "UserError",
    "ask",
    "chat",
    "cli",
    "eval_command",
    "history_command",
    "index_commands",
    "main",
    "mcp_command",
    "open_command",
    "search",
    "serve_command",
]


def main() -> None:
    """The `qa` console script."""
    cli(prog_name="qa")
