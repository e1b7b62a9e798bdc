"""`qa index`: add, update, remove, rebuild and check the library's articles, and its status."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from qa.answering.asker import open_library
from qa.cli.engines import encoder_option, engine_options, indexing_embedder, make_engine
from qa.display.progress import CHOOSING, progress_bar
from qa.display.render import counted, safe, status_text, unwrapped
from qa.display.script_json import json_for_scripts
from qa.index import (
    BACKEND_NAMES,
    SUFFIXES,
    Engine,
    Library,
    MiniLMEmbedder,
    ProgressCallback,
    SyncReport,
)

from .group import (
    EXIT_ERROR,
    KEPT_SO_FAR,
    UserError,
    cli,
    interruptible,
    library_option,
    make_settings,
)
from .watch_command import watch_command, watcher_line


@cli.group()
@library_option
def index(library: str | None) -> None:
    """Build and update the index of your articles."""


def _report(
    report: SyncReport,
    as_json: bool,
    library: Library,
    encoder: str | None = None,
    choosing: float = 0.0,
) -> None:
    """The run's report; `encoder` names the passage encoder that embedded here (None when
    nothing was embedded in this process); `choosing`: the seconds spent measuring which
    encoder is fastest (the first run on a machine), kept out of the rate."""
    if as_json:
        data: dict[str, Any] = asdict(report)
        data.pop("added_ids")
        data.pop("removed_ids")
        data["encoder"] = encoder
        data["encoder_choice_seconds"] = round(choosing, 3)
        click.echo(json_for_scripts(data, indent=2))
    else:
        click.echo(report_line(report, library.store.counts()[0], encoder, choosing))
        if not report.files_seen:
            click.echo(
                "No article files there; qa reads files ending in "
                + " ".join(SUFFIXES)
                + " (folders are searched recursively).",
                err=True,
            )
        new = [failure for failure in report.failures if failure not in report.known_failures]
        if new:
            click.echo(f"Skipped {counted(len(new), 'file')}:", err=True)
            for failure in new:
                click.echo(f"  {safe(failure)}", err=True)
        if report.known_failures:
            click.echo(
                f"Still skipped: {counted(len(report.known_failures), 'file')} reported before "
                "and unchanged since (qa index status lists them).",
                err=True,
            )
    if any(failure not in report.known_failures for failure in report.failures):
        sys.exit(EXIT_ERROR)


def report_line(
    report: SyncReport, articles: int, encoder: str | None = None, choosing: float = 0.0
) -> str:
    """ "202 files (201 unchanged): 1 article updated; 300 articles in the library. 12 passages
    embedded in 3.1 s (3.9/s) with int8 ONNX." The changes made, the library's size after
    them, and the embedding rate without the `choosing` seconds spent measuring encoders."""
    made = [
        (count, what)
        for count, what in (
            (report.articles_added, "added"),
            (report.articles_updated, "updated"),
            (report.articles_removed, "removed"),
        )
        if count
    ]
    # The noun once: "3 articles added, 1 updated".
    changes = [
        f"{counted(count, 'article') if number == 0 else count} {what}"
        for number, (count, what) in enumerate(made)
    ]
    if report.duplicates:
        changes.append(counted(report.duplicates, "duplicate") + " remembered as second sources")
    line = (
        f"{counted(report.files_seen, 'file')} ({report.files_unchanged} unchanged): "
        + (", ".join(changes) if changes else "no article changed")
        + f"; {counted(articles, 'article')} in the library."
    )
    if report.passages_embedded:
        seconds = max(report.seconds - choosing, 1e-9)
        rate = report.passages_embedded / seconds
        used = f" with {BACKEND_NAMES.get(encoder, encoder)}" if encoder else ""
        line += (
            f" {counted(report.passages_embedded, 'passage')} embedded in {seconds:.1f} s"
            f" ({rate:.{0 if rate >= 10 else 1}f}/s){used}."
        )
    if choosing:
        line += f" Choosing the passage encoder for this machine took {choosing:.0f} s (once)."
    return line


def _stderr() -> Console:
    return Console(stderr=True)


def _index(
    library: str | None,
    encoder: str,
    as_json: bool,
    work: Callable[[Library, ProgressCallback, Engine | None], SyncReport],
    engine: tuple[str, str | None, float] | None = None,
    kept: str = KEPT_SO_FAR,
) -> None:
    """Open the library with the indexing encoder and the chosen engine (`engine`: its name,
    Ray address and GPUs; None: this process), run `work` with a progress display that Ctrl+C
    ends with what was kept, and report."""
    settings = make_settings(library)
    embedder = indexing_embedder(encoder)
    shelf = open_library(settings, embedder)
    runner = make_engine(*engine, settings, encoder) if engine else None
    with (
        interruptible(kept),
        progress_bar(_stderr(), not as_json, encoder_name(embedder, runner)) as progress,
    ):
        # The first run on a machine measures the encoders before embedding: a bar says so.
        embedder.on_measuring = lambda starts: progress(CHOOSING, 0 if starts else 1, 1)
        report = work(shelf, progress, runner)
    _report(report, as_json, shelf, encoder_name(embedder, runner)(), embedder.choice_seconds)


def encoder_name(embedder: MiniLMEmbedder, runner: Engine | None) -> Callable[[], str | None]:
    """What embeds this run's passages, once known: this process's encoder after its first
    `encode` (when "auto" has measured or recalled it); on a cluster, the encoder forced on
    its actors, else None (each actor goes by its own CPU)."""
    if runner is not None:
        forced = embedder.decided_backend
        return lambda: forced
    return lambda: embedder.decided_backend


@index.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--follow-links/--no-follow-links",
    default=None,
    help="Follow symbolic links that lead out of the library's folders (remembered for later "
    "updates; --no-follow-links turns it off). Links inside them are always followed.",
)
@engine_options
@library_option
def index_add(
    paths: tuple[Path, ...],
    as_json: bool,
    follow_links: bool | None,
    engine: str,
    ray_address: str | None,
    ray_gpus: float,
    encoder: str,
    library: str | None,
) -> None:
    """Index the articles in PATHS (folders are searched recursively).

    Re-run it after adding, editing or deleting articles: only what changed is embedded.
    With --engine ray, reading and embedding run on a Ray cluster. The passage encoder is
    the one measured fastest on this machine unless --encoder names one.

    \b
    Examples:
      qa index add ~/news notes/summit.md
      qa index add ~/archive --engine ray --ray-address auto
    """
    _index(
        library,
        encoder,
        as_json,
        lambda shelf, progress, runner: shelf.add(list(paths), progress, runner, follow_links),
        (engine, ray_address, ray_gpus),
    )


@index.command("update")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@engine_options
@library_option
def index_update(
    as_json: bool,
    engine: str,
    ray_address: str | None,
    ray_gpus: float,
    encoder: str,
    library: str | None,
) -> None:
    """Re-check every folder and file already in the library and index what changed."""
    _index(
        library,
        encoder,
        as_json,
        lambda shelf, progress, runner: shelf.update(progress, runner),
        (engine, ray_address, ray_gpus),
    )


@index.command("remove")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the count removed as JSON.")
@library_option
def index_remove(paths: tuple[Path, ...], as_json: bool, library: str | None) -> None:
    """Forget the articles read from PATHS (files or folders); the files are left alone."""
    settings = make_settings(library)
    before = index_size(settings.library)
    removed = open_library(settings).remove(list(paths))
    after = index_size(settings.library)
    if as_json:
        data = {
            "library": str(settings.library),
            "articles_removed": removed,
            "bytes_before": before,
            "bytes_after": after,
        }
        click.echo(json_for_scripts(data, indent=2))
    elif removed:
        click.echo(
            f"Removed {counted(removed, 'article')} from {settings.library}; the index went "
            f"from {before / 1e6:.1f} MB to {after / 1e6:.1f} MB."
        )
    if not removed:
        shown = ", ".join(safe(str(path)) for path in paths)
        raise UserError(
            f"no article in the library was read from {shown}; `qa index status` lists its folders"
        )


def index_size(folder: Path) -> int:
    """Bytes of the library's files on disk (the same sum `qa index status` shows)."""
    if not folder.is_dir():
        return 0
    return sum(entry.stat().st_size for entry in folder.iterdir() if entry.is_file())


@index.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@library_option
def index_status(as_json: bool, library: str | None) -> None:
    """Articles, passages, model, size, last update and files changed since then."""
    settings = make_settings(library)
    status = open_library(settings).status()
    watching, watcher = watcher_line(settings.library)
    if as_json:
        click.echo(json_for_scripts({**asdict(status), "watcher": watcher}, indent=2))
    else:
        console = Console()
        console.print(status_text(status), highlight=False, end="", soft_wrap=unwrapped(console))
        click.echo(f"{'watcher':>12}  {watching}")


watch_command(index)


@index.command("rebuild")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@encoder_option
@library_option
def index_rebuild(
    paths: tuple[Path, ...], as_json: bool, encoder: str, library: str | None
) -> None:
    """Build the index again from scratch from the library's folders and files.

    The folders and files are the ones the library records (its database, else its
    manifest); PATHS names them instead, for a library that lost both.
    """
    _index(
        library,
        encoder,
        as_json,
        lambda shelf, progress, _: shelf.rebuild(progress, list(paths) or None),
        kept="the previous index is untouched; run qa index rebuild again",
    )


@index.command("check")
@click.option(
    "--repair", is_flag=True, help="Rebuild what differs from the database, re-read files."
)
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@library_option
def index_check(repair: bool, as_json: bool, library: str | None) -> None:
    """Check that the files, the database and the vector file agree; one line per difference.

    Exits with 1 when something differs. --repair rebuilds the search tables and the vector
    file from the database (the source of truth) and reads files changed since the last update.

    \b
    Example:
      qa index check && echo "all agree"
    """
    settings = make_settings(library)
    shelf = open_library(settings)
    found = shelf.check()
    # Damage only a rebuild puts right is never "repaired" in place from what cannot be trusted.
    repairing = repair and any(difference.fix != "rebuild" for difference in found)
    if repairing:
        with interruptible(), progress_bar(Console(stderr=True), enabled=not as_json) as bar:
            shelf.repair(bar)
        remaining = shelf.check()
    else:
        remaining = found
    if as_json:
        click.echo(
            json_for_scripts(
                {
                    "ok": not remaining,
                    "differences": [asdict(d) for d in found],
                    "repaired": repairing,
                    "remaining": [asdict(d) for d in remaining],
                },
                indent=2,
            )
        )
    else:
        for difference in found:
            click.echo(safe(str(difference)))
        if repairing:
            click.echo(
                f"Repaired; {counted(len(remaining), 'difference')} left."
                if remaining
                else f"Repaired {counted(len(found), 'difference')}; everything agrees now."
            )
        elif repair and found:
            click.echo("Nothing here can be repaired in place; run qa index rebuild.")
        elif not found:
            click.echo("The files, the database and the vector file agree.")
    if remaining:
        sys.exit(EXIT_ERROR)
