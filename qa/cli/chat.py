"""`qa chat`: the chat in the terminal."""

from __future__ import annotations

import click

from .group import cli, library_option, make_settings


@cli.command()
@click.option(
    "--watch/--no-watch",
    default=True,
    envvar="QA_CHAT_WATCH",
    show_default=True,
    help="Index new and changed articles in the library's folders in the background.",
)
@library_option
def chat(watch: bool, library: str | None) -> None:
    """Open the chat in the terminal: ask, follow up, open sources, revisit past chats.

    While it is open, articles saved into the library's folders are indexed in the
    background (unless `qa index watch` already does it, or --no-watch). Press F1 in the
    chat for every key.
    """
    settings = make_settings(library)
    from qa.tui import make_app  # Textual loads only for the chat

    make_app(settings, keep_current=watch).run()
