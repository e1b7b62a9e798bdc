"""`qa search`: the passages that best match a query, with their citations, without answering."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.text import Text

from qa.answering.asker import QuestionError, open_asker
from qa.answering.retrieval import Mode
from qa.answering.search import Found, excerpt
from qa.display.dates import shown_date
from qa.display.render import safe, unwrapped
from qa.index import MiniLMEmbedder

from .filter_options import filter_options, read_filters, warn_about_folders
from .group import EXIT_NOT_FOUND, cli, library_option, make_settings


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    envvar="QA_SEARCH_LIMIT",
    help="How many passages to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the passages as JSON.")
@click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.HYBRID.value,
    show_default=True,
    help="Which rankings the search uses.",
)
@filter_options
@library_option
def search(
    query: tuple[str, ...],
    limit: int,
    as_json: bool,
    mode: str,
    folders: tuple[str, ...],
    since: str | None,
    until: str | None,
    sources: tuple[str, ...],
    library: str | None,
) -> None:
    """Show the passages of your articles that best match QUERY, best first, each with its
    title, source and date, and the query's words marked.

    QUERY "-" reads queries from standard input, one per line (with --json, one JSON object
    per line: {"query": ..., "passages": [...]}). --json alone prints one JSON array; each
    passage carries its exact text and its character offsets in the article.

    Exits with 3 when no passage matches (a batch: when none of its queries matched).

    \b
    Examples:
      qa search "sanctions on Russia"
      qa search --in ~/news/bbc --since 2024-01 --json "interest rates"
      qa search --source reuters --limit 3 - < queries.txt
    """
    settings = make_settings(library)
    filters = read_filters(folders, since, until, sources)
    many = query == ("-",)
    queries = (line.strip() for line in sys.stdin) if many else iter([" ".join(query)])
    asker = open_asker(settings, MiniLMEmbedder(quick_start=not many))
    asker.mode = Mode(mode)
    warn_about_folders(asker, filters)
    console = Console()
    matched = unmatched = 0
    for number, text in enumerate(queries, 1):
        if many and not text:
            continue
        try:
            found = asker.search(text, limit, filters)
        except QuestionError as error:
            if not many:
                raise
            click.echo(f"qa: line {number} skipped: {error}", err=True)
            continue
        matched += bool(found)
        unmatched += not found
        if as_json:
            passages = [item.to_dict() for item in found]
            if many:
                click.echo(json.dumps({"query": text, "passages": passages}, ensure_ascii=False))
            else:
                click.echo(json.dumps(passages, ensure_ascii=False, indent=2))
            continue
        if many:
            click.echo(f"› {safe(text)}")
        if not found:
            within = f" ({filters.describe()})" if filters else ""
            click.echo(f"No passage matches{within}.")
        for item in found:
            console.print(found_text(item, text), highlight=False, soft_wrap=unwrapped(console))
        if many:
            click.echo()
    if many:
        total = matched + unmatched
        click.echo(
            f"qa: {total:,} {'query' if total == 1 else 'queries'}: {matched} matched, "
            f"{unmatched} matched nothing.",
            err=True,
        )
    if unmatched and not matched:
        sys.exit(EXIT_NOT_FOUND)


def found_text(found: Found, query: str) -> Text:
    """`1. title · source · date` and the passage shortened around the query's words, which
    are in bold."""
    where = " · ".join(
        part for part in (safe(found.title), safe(found.source), shown_date(found.date)) if part
    )
    out = Text(f"{found.rank}. ", style="bold")
    out.append(where, style="cyan")
    shown, spans = excerpt(safe(found.text), query)
    body = Text("\n   " + shown + "\n")
    for start, end in spans:
        body.stylize("bold", start + 4, end + 4)  # past the "\n   " before the excerpt
    out.append_text(body)
    return out
