"""`qa history`: the chats saved beside a library, listed, shown, searched and exported."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import click

from qa.display.export import chat_markdown
from qa.display.render import safe
from qa.followups.conversation import Conversation
from qa.workspace.history import ChatSummary, History, SavedTurn

from .group import EXIT_NOT_FOUND, UserError, cli, library_option, make_settings


@cli.group(invoke_without_command=True)
@library_option
@click.pass_context
def history(context: click.Context, library: str | None) -> None:
    """The chats saved by `qa chat` in a library: list them, show one, search what was asked
    and answered, export them as JSON or Markdown. Reads only; nothing is changed.

    \b
    Examples:
      qa history                       the saved chats, the latest first
      qa history show 3
      qa history search sanctions Russia
      qa history export --format markdown > chats.md
      qa history export 3 --format json
    """
    if context.invoked_subcommand is None:
        context.invoke(list_chats, library=library)


@contextmanager
def _saved(library: str | None) -> Iterator[History | None]:
    """The library's saved chats, read-only; None when it has none yet."""
    saved = History.reading(make_settings(library).library)
    try:
        yield saved
    finally:
        if saved is not None:
            saved.close()


def _when(seconds: float) -> str:
    """A local time people read: "2024-03-05 14:02"."""
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M")


def _iso(seconds: float) -> str:
    """A time for scripts: ISO 8601 in UTC."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def _chat_dict(chat: ChatSummary, turns: list[SavedTurn] | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": chat.id,
        "title": chat.title,
        "created": _iso(chat.created),
        "updated": _iso(chat.updated or chat.created),
        "questions": chat.turns,
    }
    if turns is not None:
        data["turns"] = [_turn_dict(turn) for turn in turns]
    return data


def _turn_dict(turn: SavedTurn) -> dict[str, object]:
    return {
        "chat_id": turn.chat_id,
        "question": turn.question,
        "asked": _iso(turn.asked),
        "answer": turn.answer.to_dict(),
    }


def _one_chat(saved: History | None, chat_id: int) -> ChatSummary:
    chat = saved.chat(chat_id) if saved is not None else None
    if chat is None:
        raise UserError(f"there is no saved chat {chat_id}; list them with: qa history list")
    return chat


@history.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the chats as a JSON array.")
@library_option
def list_chats(as_json: bool = False, library: str | None = None) -> None:
    """List the saved chats, the latest first: id, title, when last used, questions."""
    with _saved(library) as saved:
        chats = saved.chats() if saved is not None else []
    if as_json:
        click.echo(json.dumps([_chat_dict(chat) for chat in chats], ensure_ascii=False, indent=2))
        return
    if not chats:
        click.echo("No saved chats yet: `qa chat` saves each conversation.")
        return
    for chat in chats:
        questions = f"{chat.turns} question" + ("" if chat.turns == 1 else "s")
        click.echo(
            f"{chat.id:>4}  {_when(chat.updated or chat.created)}  {questions:>12}  "
            f"{safe(chat.title)}"
        )


@history.command()
@click.argument("chat_id", type=int, metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the chat as JSON.")
@library_option
def show(chat_id: int, as_json: bool, library: str | None) -> None:
    """Show saved chat ID: each question with its answer and citations (as Markdown)."""
    with _saved(library) as saved:
        chat = _one_chat(saved, chat_id)
        assert saved is not None
        turns = saved.turns(chat_id)
    if as_json:
        click.echo(json.dumps(_chat_dict(chat, turns), ensure_ascii=False, indent=2))
    else:
        click.echo(_markdown(chat, turns))


@history.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", "-n", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the turns found as a JSON array.")
@library_option
def search_history(words: tuple[str, ...], limit: int, as_json: bool, library: str | None) -> None:
    """Find the saved questions and answers that hold every one of WORDS, the latest first.

    Exits with 3 when none does."""
    with _saved(library) as saved:
        found = saved.search(" ".join(words), limit) if saved is not None else []
        titles = {chat.id: chat.title for chat in saved.chats()} if saved is not None else {}
    if as_json:
        click.echo(json.dumps([_turn_dict(t) for t in found], ensure_ascii=False, indent=2))
    else:
        for turn in found:
            said = turn.answer.text if turn.answer.found else turn.answer.message
            click.echo(
                f"{turn.chat_id:>4}  {_when(turn.asked)}  {safe(titles.get(turn.chat_id, ''))}\n"
                f"      › {safe(turn.question)}\n      {safe(said)}"
            )
        if not found:
            click.echo(f"No saved question or answer holds {' '.join(words)!r}.")
    if not found:
        sys.exit(EXIT_NOT_FOUND)


@history.command()
@click.argument("chat_id", type=int, metavar="[ID]", required=False)
@click.option(
    "--format",
    "form",
    type=click.Choice(["json", "markdown"]),
    default="markdown",
    show_default=True,
    help="JSON for scripts (every answer whole), Markdown to read or share.",
)
@library_option
def export(chat_id: int | None, form: str, library: str | None) -> None:
    """Print saved chat ID, or every saved chat (oldest first), as Markdown or JSON."""
    with _saved(library) as saved:
        if chat_id is not None:
            chats = [_one_chat(saved, chat_id)]
        else:
            chats = list(reversed(saved.chats())) if saved is not None else []
        both = [(chat, saved.turns(chat.id) if saved else []) for chat in chats]
    if form == "json":
        data = [_chat_dict(chat, turns) for chat, turns in both]
        click.echo(
            json.dumps(data[0] if chat_id is not None else data, ensure_ascii=False, indent=2)
        )
    else:
        click.echo("\n".join(_markdown(chat, turns) for chat, turns in both))


def _markdown(chat: ChatSummary, turns: list[SavedTurn]) -> str:
    """One chat as the chat's own Markdown export, titled, with its id and dates."""
    conversation = Conversation()
    for turn in turns:
        conversation.add(turn.question, turn.answer)
    body = chat_markdown(conversation).split("\n", 1)[1]  # past its "# qa chat" heading
    heading = f"# {safe(chat.title)}\n\n_chat {chat.id} · started {_when(chat.created)}_\n"
    return heading + body
