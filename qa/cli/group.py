"""The `qa` command group and what its commands share: the library option, settings, errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

import click

from qa.answering.asker import NoArticles
from qa.config.settings import Settings, library_folder
from qa.display.render import safe
from qa.index import QAError

EXIT_ERROR = 1
EXIT_USAGE = 2
"""A command given what it cannot take (an empty question, a chance of 150%), as click exits."""
EXIT_NOT_FOUND = 3
"""`qa ask` exits with this code when the articles do not hold the answer."""
EXIT_NO_ARTICLES = 4
"""`qa ask` exits with this code when the library has no articles (empty, or not made yet)."""
EXIT_INTERRUPTED = 130
"""As a shell reports a command stopped by Ctrl+C."""

F = TypeVar("F", bound=Callable[..., Any])


LIBRARY_HELP = "The library's folder, or the name of one under $QA_HOME (default: 'default')."


def library_option(function: F) -> F:
    """`--library` on a command or group; $QA_LIBRARY is read once, by the top-level group, so
    that `qa --library work index status` and `qa index status --library work` agree."""
    return click.option("--library", "library", metavar="PATH|NAME", help=LIBRARY_HELP)(function)


def make_settings(library: str | None) -> Settings:
    """Settings for the library given to the command itself, else to a group before it
    (`qa --library work index status`), else $QA_LIBRARY, else the default library."""
    context = click.get_current_context(silent=True)
    while library is None and context is not None:
        library = context.params.get("library")
        context = context.parent
    return Settings(library=library_folder(library))


class UserError(click.ClickException):
    """A mistake or a problem the user can fix: one line on stderr, exit 1, no traceback."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        # A message can quote a path or a name, which may hold escape or bidi characters.
        click.echo(f"qa: error: {safe(self.format_message())}", err=True)


class EmptyLibrary(UserError):
    """The library has no articles to answer from: its own exit code, for scripts."""

    exit_code = EXIT_NO_ARTICLES


class UsageProblem(UserError):
    """Input the command cannot take: one line on stderr, exit 2 as for click's usage errors."""

    exit_code = EXIT_USAGE


class QAGroup(click.Group):
    """The `qa` command group: every QAError a command raises becomes one UserError here, so
    no command handles them itself."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QAError as error:
            if isinstance(error, NoArticles):
                raise EmptyLibrary(str(error)) from error
            raise UserError(str(error)) from error


KEPT_SO_FAR = (
    "the index keeps every batch committed so far and stays usable; run the same command "
    "again to go on"
)


@contextmanager
def interruptible(kept: str = KEPT_SO_FAR) -> Iterator[None]:
    """Ctrl+C during indexing says what is kept and how to go on, instead of "Aborted!"."""
    try:
        yield
    except KeyboardInterrupt:
        click.echo(f"\nqa: interrupted: {kept}", err=True)
        sys.exit(EXIT_INTERRUPTED)


@click.group(cls=QAGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qa")
@click.option("--library", "library", envvar="QA_LIBRARY", metavar="PATH|NAME", help=LIBRARY_HELP)
def cli(library: str | None) -> None:
    """Ask questions of your own articles, offline; every answer is quoted and cited.

    \b
    qa index add ~/news          index a folder of articles (re-run after changes)
    qa ask "who raised sanctions?"
    qa chat                      the chat in the terminal
    """
