"""The `qa` command: index articles, ask questions, open the chat."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from rich.console import Console

from qa.answering.asker import QuestionError, open_asker, open_library
from qa.answering.retrieval import Mode
from qa.cli.engines import encoder_option, engine_options, indexing_embedder, make_engine
from qa.config.preferences import DEFAULT_MIN_CONFIDENCE
from qa.config.settings import Settings, library_folder
from qa.display.progress import progress_bar
from qa.display.render import counted, print_answer, safe, status_text, unwrapped
from qa.followups.conversation import Conversation
from qa.index import (
    BACKEND_NAMES,
    SUFFIXES,
    Engine,
    Library,
    MiniLMEmbedder,
    ProgressCallback,
    QAError,
    SyncReport,
)

EXIT_ERROR = 1
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130
"""As a shell reports a command stopped by Ctrl+C."""
"""`qa ask` exits with this code when the articles do not hold the answer."""

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
        click.echo(f"qa: error: {self.format_message()}", err=True)


class QAGroup(click.Group):
    """The `qa` command group: every QAError a command raises becomes one UserError here, so
    no command handles them itself."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QAError as error:
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


@cli.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--follow-ups",
    "follow_ups",
    is_flag=True,
    help="With '-': the lines are one conversation, each read after the ones before it, as in "
    "the chat; an empty line starts a new conversation.",
)
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
    follow_ups: bool,
    mode: str,
    min_confidence: float | None,
    remember: bool,
    library: str | None,
) -> None:
    """Answer QUESTION from your articles, quoting the sentence it comes from.

    QUESTION "-" reads questions from standard input, one per line, and answers each in turn
    (with --json, one JSON object per line, whose "found" says whether it was answered). With
    --follow-ups they are a conversation: "what did he say?" is read after the question before
    it, and `read_as` says how; an empty line starts a new conversation.

    Exits with 3 when the answer is not in your articles. A batch ("-") exits with 0 once it
    has gone through every line, whatever the answers, and with 3 only when not one question
    was answered (a library that does not cover them); a count goes to stderr.

    \b
    Examples:
      qa ask "who raised sanctions?"
      qa ask --json - < questions.txt > answers.jsonl
      printf 'who raised sanctions?\nwhat did he say?\n' | qa ask --follow-ups -
      qa ask --min-confidence 0.6 --remember "who raised sanctions?"
    """
    settings = make_settings(library)
    if remember and min_confidence is None:
        raise click.UsageError("--remember keeps a line: give it with --min-confidence P")
    many = question == ("-",)
    if follow_ups and not many:
        raise click.UsageError(
            "--follow-ups reads a conversation from standard input: qa ask --follow-ups - < chat"
        )
    conversation = Conversation() if follow_ups else None
    questions = (line.strip() for line in sys.stdin) if many else iter([" ".join(question)])
    answered = declined = skipped = 0
    # One question: load the question encoder fast rather than optimised (a batch of
    # questions repays the optimisation).
    asker = open_asker(settings, MiniLMEmbedder(quick_start=not many))
    asker.mode = Mode(mode)
    if min_confidence is not None:
        asker.set_min_confidence(min_confidence, save=remember)
    for number, text in enumerate(questions, 1):
        if many and not text:
            conversation = Conversation() if follow_ups else None  # a new conversation
            continue
        try:
            answer = asker.ask(text, conversation)
        except QuestionError as error:
            if not many:
                raise
            click.echo(f"qa: line {number} skipped: {error}", err=True)
            skipped += 1
            continue
        answered += answer.found
        declined += not answer.found
        if conversation is not None:
            conversation.add(text, answer)
        if as_json:
            indent = None if many else 2
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=indent))
        else:
            if many:
                click.echo(f"› {safe(text)}")
            if answer.read_as:
                click.echo(f"  read as “{safe(answer.read_as)}”")
            print_answer(Console(), answer)
            if many:
                click.echo()
    if many:
        click.echo(f"qa: {batch_summary(answered, declined, skipped)}", err=True)
    if declined and (not many or not answered):
        sys.exit(EXIT_NOT_FOUND)


def batch_summary(answered: int, declined: int, skipped: int) -> str:
    """ "3 questions: 2 answered, 1 not in your articles, 1 line skipped." for `qa ask -`."""
    summary = (
        f"{counted(answered + declined, 'question')}: {answered} answered, "
        f"{declined} not in your articles"
    )
    return summary + (f", {counted(skipped, 'line')} skipped." if skipped else ".")


@cli.group()
@library_option
def index(library: str | None) -> None:
    """Build and update the index of your articles."""


def _report(
    report: SyncReport, as_json: bool, library: Library, encoder: str | None = None
) -> None:
    """The run's report; `encoder` names the passage encoder that embedded here (None when
    nothing was embedded in this process)."""
    if as_json:
        data: dict[str, Any] = asdict(report)
        data.pop("added_ids")
        data.pop("removed_ids")
        data["encoder"] = encoder
        click.echo(json.dumps(data, indent=2))
    else:
        rate = report.passages_embedded / report.seconds if report.seconds else 0.0
        used = f" with {BACKEND_NAMES.get(encoder, encoder)}" if encoder else ""
        click.echo(
            f"{counted(report.files_seen, 'file')} ({report.files_unchanged} unchanged): "
            f"{counted(report.articles_added, 'article')} added, "
            f"{report.articles_updated} updated, {report.articles_removed} removed, "
            f"{report.articles_unchanged} unchanged"
            + (f", {counted(report.duplicates, 'duplicate')}" if report.duplicates else "")
            + "; "
            f"{counted(report.passages_embedded, 'passage')} embedded in {report.seconds:.1f} s"
            + (f" ({rate:.{0 if rate >= 10 else 1}f}/s){used}" if report.passages_embedded else "")
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
        report = work(shelf, progress, runner)
    _report(report, as_json, shelf, encoder_name(embedder, runner)())


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
@engine_options
@library_option
def index_add(
    paths: tuple[Path, ...],
    as_json: bool,
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
        lambda shelf, progress, runner: shelf.add(list(paths), progress, runner),
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
    removed = open_library(settings).remove(list(paths))
    if as_json:
        data = {"library": str(settings.library), "articles_removed": removed}
        click.echo(json.dumps(data, indent=2))
    else:
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
    status = open_library(settings).status()
    if as_json:
        click.echo(json.dumps(asdict(status), indent=2))
    else:
        console = Console()
        console.print(status_text(status), highlight=False, end="", soft_wrap=unwrapped(console))


@index.command("rebuild")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@encoder_option
@library_option
def index_rebuild(as_json: bool, encoder: str, library: str | None) -> None:
    """Build the index again from scratch from the library's folders and files."""
    _index(
        library,
        encoder,
        as_json,
        lambda shelf, progress, _: shelf.rebuild(progress),
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
    if repair and found:
        with interruptible(), progress_bar(Console(stderr=True), enabled=not as_json) as bar:
            shelf.repair(bar)
        remaining = shelf.check()
    else:
        remaining = found
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": not remaining,
                    "differences": [asdict(d) for d in found],
                    "repaired": repair and bool(found),
                    "remaining": [asdict(d) for d in remaining],
                },
                indent=2,
            )
        )
    else:
        for difference in found:
            click.echo(safe(str(difference)))
        if repair and found:
            click.echo(
                f"Repaired; {counted(len(remaining), 'difference')} left."
                if remaining
                else f"Repaired {counted(len(found), 'difference')}; everything agrees now."
            )
        elif not found:
            click.echo("The files, the database and the vector file agree.")
    if remaining:
        sys.exit(EXIT_ERROR)


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
    from qa.config.settings import data_home
    from qa.evaluation.data import load_dataset
    from qa.evaluation.run import CONFIGS, build_library, evaluate, markdown_table
    from qa.evaluation.run import off_corpus as measure_off_corpus

    unknown = [name for name in configs if name not in CONFIGS]
    if unknown:
        raise click.BadParameter(f"unknown config {unknown[0]!r}; choose from {', '.join(CONFIGS)}")
    settings = make_settings(None)
    embedder = open_library(settings).embedder
    cache = data_home() / "eval-cache"
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
    if misses:
        try:
            misses.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in missed))
        except OSError as error:
            raise UserError(
                f"cannot write {misses} ({error.strerror}); pick another --misses path"
            ) from error
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
    from qa.tui import make_app  # Textual loads only for the chat

    make_app(settings).run()


def main() -> None:
    cli(prog_name="qa")
