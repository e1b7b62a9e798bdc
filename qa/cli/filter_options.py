"""The options that say which articles a command may use (`--in`, `--since`, `--until`,
`--source`), shared by `qa ask` and `qa search`."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

from qa.answering.asker import Asker
from qa.answering.filters import DATE_FORMS, FilterError, Filters, folder_warnings

F = TypeVar("F", bound=Callable[..., Any])


class FilterUsageError(click.UsageError):
    """A filter typed wrongly (a date it cannot read): one line, exit 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"qa: error: {self.format_message()}", err=True)


def filter_options(function: F) -> F:
    """Add `--in PATH`, `--since DATE`, `--until DATE` and `--source TEXT` to a command; its
    function receives them as `folders`, `since`, `until` and `sources` (read them with
    `read_filters`)."""
    options = [
        click.option(
            "--in",
            "folders",
            multiple=True,
            metavar="PATH",
            help="Only articles read from files inside PATH (a folder or a file); repeat for "
            "several.",
        ),
        click.option(
            "--since",
            metavar="DATE",
            help=f"Only articles dated on or after DATE ({DATE_FORMS}); undated ones are left out.",
        ),
        click.option(
            "--until",
            metavar="DATE",
            help="Only articles dated on or before DATE (a month or a year: to its end).",
        ),
        click.option(
            "--source",
            "sources",
            multiple=True,
            metavar="TEXT",
            help="Only articles whose source (URL or path) contains TEXT, ignoring case; repeat "
            "for several.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def read_filters(
    folders: tuple[str, ...],
    since: str | None,
    until: str | None,
    sources: tuple[str, ...],
) -> Filters:
    """The filters the options name; a date it cannot read is a usage error (exit 2)."""
    try:
        return Filters.parse(folders, since or None, until or None, sources)
    except FilterError as error:
        raise FilterUsageError(str(error)) from error


def warn_about_folders(asker: Asker, filters: Filters) -> None:
    """One line on stderr for each `--in` folder that exists nowhere or lies outside the
    library (it can only match nothing, or articles indexed from it before it went)."""
    if not filters.folders or not asker.with_library(lambda library: library.exists):
        return  # a library not made yet is said once, by the question (exit 4)
    roots = asker.with_library(lambda library: library.store.roots())
    for warning in folder_warnings(filters, roots):
        click.echo(f"qa: warning: {warning}", err=True)
