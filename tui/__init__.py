"""The terminal chat (`qa chat`), built with Textual."""

from __future__ import annotations

from .app import QAApp, make_app

__all__ = ["QAApp", "make_app"]
