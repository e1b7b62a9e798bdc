"""`qa chat`: the chat in the terminal."""

from __future__ import annotations

from .group import cli, library_option, make_settings


@cli.command()
@library_option
def chat(library: str | None) -> None:
    """Open the chat in the terminal: ask, follow up, open sources, revisit past chats.

    Press F1 in the chat for every key.
    """
    settings = make_settings(library)
    from qa.tui import make_app  # Textual loads only for the chat

    make_app(settings).run()
