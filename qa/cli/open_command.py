"""`qa open N`: open the article cited as [N] by the last answer, at the cited sentence."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict
from pathlib import Path

import click

from qa.answering.answer import Answer
from qa.display.opening import open_citation
from qa.workspace.history import answer_from_dict

from .group import UsageProblem, UserError, cli, library_option, make_settings

LAST_ANSWER_NAME = "last-answer.json"
"""The last `qa ask` answer, kept in the library's folder for `qa open`."""


def remember_answer(library: Path, answer: Answer) -> None:
    """Keep `answer` as the library's last `qa ask` answer (atomically; only in a library that
    exists: asking never creates one)."""
    if not library.is_dir():
        return
    path = library / LAST_ANSWER_NAME
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(asdict(answer), ensure_ascii=False))
    os.replace(temporary, path)


def last_answer(library: Path) -> Answer | None:
    """The newer of the last `qa ask` answer and the last answer of the most recent chat."""
    found: list[tuple[float, Answer]] = []
    path = library / LAST_ANSWER_NAME
    # None kept yet, or a damaged file: the chat's answer is the last one.
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        found.append((path.stat().st_mtime, answer_from_dict(json.loads(path.read_text()))))
    if library.is_dir():
        from qa.workspace.history import History

        history = History(library)
        try:
            chat = history.last_chat()
            if chat is not None:
                turns = history.load(chat.id).turns
                found.append((chat.updated or chat.created, turns[-1][1]))
        finally:
            history.close()
    return max(found, key=lambda pair: pair[0])[1] if found else None


@cli.command("open")
@click.argument("number", type=click.IntRange(min=1), default=1)
@library_option
def open_source(number: int, library: str | None) -> None:
    """Open the article that the last answer cites as [NUMBER] (default 1), at its sentence.

    The last answer is the newer of the last `qa ask` and the last answer of the chat used
    last. A file opens in $EDITOR, else $PAGER, else less, at the sentence's line (+LINE); a web
    article opens in the browser.

    \b
    Examples:
      qa ask "who raised sanctions?" && qa open 2
      EDITOR=nano qa open
    """
    settings = make_settings(library)
    answer = last_answer(settings.library)
    if answer is None:
        raise UserError('no answer to open yet: ask one first, e.g. qa ask "who raised sanctions?"')
    cited = {citation.number: citation for citation in answer.citations}
    if number not in cited:
        numbers = ", ".join(str(n) for n in cited) or "none"
        raise UsageProblem(
            f"the last answer (“{answer.question}”) has no citation [{number}]; it has: {numbers}"
        )
    click.echo(open_citation(cited[number]), err=True)
