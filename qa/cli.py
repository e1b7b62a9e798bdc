"""The `qa` command: index articles, ask questions, open the chat."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from index import SUFFIXES, Library, MiniLMEmbedder, QAError, SyncReport

from .asker import QuestionError, open_asker, open_library
from .preferences import DEFAULT_MIN_CONFIDENCE
from .progress import progress_bar
from .render import counted, print_answer, safe, status_text
from .retrieval import Mode
from .settings import Settings, library_folder

EXIT_ERROR = 1
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130
"""As a shell reports a command stopped by Ctrl+C."""
"""`qa ask` exits with this code when the articles do not hold the answer."""

F = TypeVar("F", bound=Callable[..., Any])


def library_option(function: F) -> F:
    return click.option(
        "--library",
        "library",
        envvar="QA_LIBRARY",
        metavar="PATH",
        help="The library's folder, or the name of one under $QA_HOME (default: 'default').",
    )(function)


def make_settings(library: str | None) -> Settings:
    return Settings(library=library_folder(library))


def fail(error: QAError) -> None:
    click.echo(f"qa: error: {error}", err=True)
    sys.exit(EXIT_ERROR)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qa")
def cli() -> None:
    """Ask questions of your own articles, offline; every answer is quoted and cited.

    \b
    qa index add ~/news          index a folder of articles (re-run after changes)
    qa ask "who raised sanctions?"
    qa chat                      the chat in the terminal
    """


@cli.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.HYBRID.value,
    show_default=True,
    help="Which rankings retrieval uses.",
)
@click.option(
    "--min-confidence",
    type=float,
    metavar="P",
    envvar="QA_MIN_CONFIDENCE",
    help="Decline answers less likely than P (0 to 1) to be right "
    f"(default: the library's saved line, else {DEFAULT_MIN_CONFIDENCE:g}).",
)
@click.option(
    "--remember", is_flag=True, help="Keep --min-confidence as this library's line from now on."
)
@library_option
def ask(
    question: tuple[str, ...],
    as_json: bool,
    mode: str,
    min_confidence: float | None,
    remember: bool,
    library: str | None,
) -> None:
    """Answer QUESTION from your articles, quoting the sentence it comes from.

    QUESTION "-" reads questions from standard input, one per line, and answers each in turn
    (with --json, one JSON object per line). Exits with 3 when an answer is not in your articles.

    \b
    Examples:
      qa ask "who raised sanctions?"
      qa ask --json - < questions.txt > answers.jsonl
      qa ask --min-confidence 0.6 --remember "who raised sanctions?"
    """
    settings = make_settings(library)
    if remember and min_confidence is None:
        raise click.UsageError("--remember keeps a line: give it with --min-confidence P")
    many = question == ("-",)
    questions = (line.strip() for line in sys.stdin) if many else iter([" ".join(question)])
    all_found = True
    try:
        # One question: load the question encoder fast rather than optimised (a batch of
        # questions repays the optimisation).
        asker = open_asker(settings, MiniLMEmbedder(quick_start=not many))
        asker.mode = Mode(mode)
        if min_confidence is not None:
            asker.set_min_confidence(min_confidence, save=remember)
        for number, text in enumerate(questions, 1):
            if many and not text:
                continue
            try:
                answer = asker.ask(text)
            except QuestionError as error:
                if not many:
                    raise
                click.echo(f"qa: line {number} skipped: {error}", err=True)
                continue
            all_found = all_found and answer.found
            if as_json:
                indent = None if many else 2
                click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=indent))
            else:
                if many:
                    click.echo(f"› {safe(text)}")
                print_answer(Console(), answer)
                if many:
                    click.echo()
    except QAError as error:
        fail(error)
        return
    if not all_found:
        sys.exit(EXIT_NOT_FOUND)


@cli.group()
def index() -> None:
    """Build and update the index of your articles."""


def _report(report: SyncReport, as_json: bool, library: Library) -> None:
    if as_json:
        data = asdict(report)
        data.pop("added_ids")
        data.pop("removed_ids")
        click.echo(json.dumps(data, indent=2))
    else:
        rate = report.passages_embedded / report.seconds if report.seconds else 0.0
        click.echo(
            f"{counted(report.files_seen, 'file')} ({report.files_unchanged} unchanged): "
            f"{counted(report.articles_added, 'article')} added, "
            f"{report.articles_updated} updated, {report.articles_removed} removed, "
            f"{report.articles_unchanged} unchanged"
            + (f", {counted(report.duplicates, 'duplicate')}" if report.duplicates else "")
            + "; "
            f"{counted(report.passages_embedded, 'passage')} embedded in {report.seconds:.1f} s"
            + (f" ({rate:.0f}/s)" if report.passages_embedded else "")
            + "."
        )
        if not report.files_seen:
            click.echo(
                "No article files there; qa reads files ending in "
                + " ".join(SUFFIXES)
                + " (folders are searched recursively).",
                err=True,
            )
        if report.failures:
            click.echo(f"Skipped {counted(len(report.failures), 'file')}:", err=True)
            for failure in report.failures:
                click.echo(f"  {safe(failure)}", err=True)
    if report.failures:
        sys.exit(EXIT_ERROR)


@index.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@library_option
def index_add(paths: tuple[Path, ...], as_json: bool, library: str | None) -> None:
    """Index the articles in PATHS (folders are searched recursively).

    Re-run it after adding, editing or deleting articles: only what changed is embedded.

    \b
    Example:
      qa index add ~/news notes/summit.md
    """
    settings = make_settings(library)
    shelf = open_library(settings)
    try:
        with interruptible(), progress_bar(Console(stderr=True), enabled=not as_json) as progress:
            report = shelf.add(list(paths), progress)
    except QAError as error:
        fail(error)
        return
    _report(report, as_json, shelf)


@index.command("update")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@library_option
def index_update(as_json: bool, library: str | None) -> None:
    """Re-check every folder and file already in the library and index what changed."""
    settings = make_settings(library)
    shelf = open_library(settings)
    try:
        with interruptible(), progress_bar(Console(stderr=True), enabled=not as_json) as progress:
            report = shelf.update(progress)
    except QAError as error:
        fail(error)
        return
    _report(report, as_json, shelf)


@index.command("remove")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@library_option
def index_remove(paths: tuple[Path, ...], library: str | None) -> None:
    """Forget the articles read from PATHS (files or folders); the files are left alone."""
    settings = make_settings(library)
    try:
        removed = open_library(settings).remove(list(paths))
    except QAError as error:
        fail(error)
        return
    click.echo(f"Removed {counted(removed, 'article')} from {settings.library}.")
    if not removed:
        click.echo(
            "No article in the library was read from there; `qa index status` lists its folders.",
            err=True,
        )


@index.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@library_option
def index_status(as_json: bool, library: str | None) -> None:
    """Articles, passages, model, size, last update and files changed since then."""
    settings = make_settings(library)
    try:
        status = open_library(settings).status()
    except QAError as error:
        fail(error)
        return
    if as_json:
        click.echo(json.dumps(asdict(status), indent=2))
    else:
        Console().print(status_text(status), highlight=False, end="")


@index.command("rebuild")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@library_option
def index_rebuild(as_json: bool, library: str | None) -> None:
    """Build the index again from scratch from the library's folders and files."""
    settings = make_settings(library)
    shelf = open_library(settings)
    try:
        with (
            interruptible("the previous index is untouched; run qa index rebuild again"),
            progress_bar(Console(stderr=True), enabled=not as_json) as progress,
        ):
            report = shelf.rebuild(progress)
    except QAError as error:
        fail(error)
        return
    _report(report, as_json, shelf)


@cli.command("eval")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--config",
    "configs",
    multiple=True,
    default=["lexical", "dense", "hybrid", "hybrid+sentence", "hybrid+reader"],
    show_default=True,
    help="Pipelines to compare (repeat the option).",
)
@click.option("--limit", type=int, default=0, help="Ask only the first N questions (0: all).")
@click.option(
    "--off-corpus",
    is_flag=True,
    help="Also index half the articles and count declines on the other half.",
)
@click.option(
    "--half",
    type=click.Choice(["first", "second"]),
    help="Ask only the questions about the first or second half of the articles (all indexed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--misses",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write every wrong or declined answer of the last config to this JSON Lines file.",
)
def evaluate_command(
    dataset: Path,
    configs: tuple[str, ...],
    limit: int,
    off_corpus: bool,
    half: str | None,
    as_json: bool,
    misses: Path | None,
) -> None:
    """Measure answers and retrieval on DATASET (SQuAD JSON, or news *.questions.jsonl).

    The dataset's own articles are indexed into a cache folder (reused while the file is
    unchanged), then every question goes through the same path as `qa ask`.

    \b
    Examples:
      qa eval ../shared/data/squad-v1.1-dev.split-dev.json --limit 500
      qa eval news.questions.jsonl --config hybrid+reader --misses misses.jsonl
      qa eval ../shared/data/squad-v1.1-dev.split-dev.json --half second --json

    With a reader, the figures include how far the confidence can be trusted: `ece` (expected
    calibration error over the answered questions), `auroc` (confidence against exact match)
    and EM@N% (EM of the N% most confident answers).
    """
    from .eval_data import load_dataset
    from .evaluation import CONFIGS, build_library, evaluate, markdown_table
    from .evaluation import off_corpus as measure_off_corpus
    from .settings import data_home

    unknown = [name for name in configs if name not in CONFIGS]
    if unknown:
        raise click.BadParameter(f"unknown config {unknown[0]!r}; choose from {', '.join(CONFIGS)}")
    settings = make_settings(None)
    embedder = open_library(settings).embedder
    cache = data_home() / "eval-cache"
    try:
        data = load_dataset(dataset)
        with progress_bar(Console(stderr=True), enabled=not as_json) as progress:
            library = build_library(data, cache, embedder, settings, progress=progress)
        questions = data.questions_about(half) if half else data.questions
        questions = questions[:limit] if limit else questions
        missed: list[dict[str, object]] = []
        rows = {
            name: evaluate(
                library,
                questions,
                CONFIGS[name],
                settings,
                missed if misses and name == configs[-1] else None,
            )
            for name in configs
        }
        if off_corpus:
            best = CONFIGS[configs[-1]]
            rows[f"off-corpus ({best.name})"] = measure_off_corpus(
                data, cache, embedder, settings, best, limit or len(data.questions)
            )
    except QAError as error:
        fail(error)
        return
    if misses:
        try:
            misses.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in missed))
        except OSError as error:
            fail(QAError(f"cannot write {misses} ({error.strerror}); pick another --misses path"))
            return
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(f"{data.name}: {len(questions)} questions, {len(data.records)} articles\n")
        click.echo(markdown_table(rows))
        if misses:
            click.echo(f"\n{counted(len(missed), 'wrong or declined answer')} written to {misses}.")


@cli.command()
@library_option
def chat(library: str | None) -> None:
    """Open the chat in the terminal: ask, follow up, open sources, revisit past chats.

    Press F1 in the chat for every key.
    """
    settings = make_settings(library)
    from tui import make_app  # Textual loads only for the chat

    make_app(settings).run()


def main() -> None:
    cli(prog_name="qa")
