"""Answers and progress as people read them: in the terminal, and exported as Markdown."""

from __future__ import annotations

from .export import chat_markdown
from .progress import progress_bar
from .render import print_answer, safe, status_text
from .script_json import json_for_scripts

__all__ = [
    "chat_markdown",
    "json_for_scripts",
    "print_answer",
    "progress_bar",
    "safe",
    "status_text",
]
