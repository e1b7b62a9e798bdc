"""Answers and progress as people read them: in the terminal, and exported as Markdown."""

from __future__ import annotations

from .export import chat_markdown
from .progress import progress_bar
from .render import print_answer, safe, status_text

__all__ = ["chat_markdown", "print_answer", "progress_bar", "safe", "status_text"]
