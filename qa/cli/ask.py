"""`qa ask`: answer a question, or a batch of them from standard input, from the articles."""

from __future__ import annotations

import io
import sys

import click
from rich.console import Console
from rich.text import Text

from qa.answering.answer import Answer
from qa.answering.asker import Asker, QuestionError, open_asker
from qa.answering.retrieval import Mode
from qa.api import Chat
from qa.config.preferences import DEFAULT_MIN_CONFIDENCE, PreferenceError
from qa.display.chance import FORMS, parse_chance, percent
from qa.display.opening import changed_since_indexed, every_candidate, paragraph_around
from qa.display.render import counted, print_answer, safe, safe_block, unwrapped
from qa.display.script_json import json_for_scripts
from qa.index import MiniLMEmbedder, QAError

from .filter_options import filter_options, read_filters, warn_about_folders
from .group import EXIT_NOT_FOUND, UsageProblem, cli, library_option, make_settings
from .open_command import remember_answer


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
    metavar="P",
    envvar="QA_MIN_CONFIDENCE",
    help=f"Decline answers less likely than P to be right, given as {FORMS} "
    f"(default: the library's saved line, else {percent(DEFAULT_MIN_CONFIDENCE)}).",
)
@click.option(
    "--remember", is_flag=True, help="Keep --min-confidence as this library's line from now on."
)
@click.option(
    "--long",
    "long_answer",
    is_flag=True,
    help="Also print the paragraph around the answer's sentence.",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Also list every distinct answer found, each with its citation (for list questions: "
    '"which firms cut jobs?").',
)
@filter_options
@library_option
def ask(
    question: tuple[str, ...],
    as_json: bool,
    follow_ups: bool,
    mode: str,
    min_confidence: str | None,
    remember: bool,
    long_answer: bool,
    every: bool,
    folders: tuple[str, ...],
    since: str | None,
    until: str | None,
    sources: tuple[str, ...],
    library: str | None,
) -> None:
    """Answer QUESTION from your articles, quoting the sentence it comes from.

    QUESTION "-" reads questions from standard input, one per line, and answers each in turn
    (with --json, one JSON object per line, whose "found" says whether it was answered). With
    --follow-ups they are a conversation: "what did he say?" is read after the question before
    it, and `read_as` says how; an empty line starts a new conversation.

    Exits with 3 when the answer is not in your articles, and with 4 when the library has no
    articles at all (empty, or not made yet: fill it with qa index add PATH). A batch ("-")
    exits with 0 once it has gone through every line, whatever the answers, and with 3 only
    when not one question was answered (a library that does not cover them); a count goes to
    stderr.

    \b
    Examples:
      qa ask "who raised sanctions?"
      qa ask --json - < questions.txt > answers.jsonl
      printf 'who raised sanctions?\\nwhat did he say?\\n' | qa ask --follow-ups -
      qa ask --min-confidence 60% --remember "who raised sanctions?"
      qa ask --all "which ministers were at the meeting?"
      qa ask --in ~/news/bbc --since 2024-01 "who raised interest rates?"

    `qa open N` then opens the article cited as [N] at its sentence.
    """
    settings = make_settings(library)
    line = None if min_confidence is None else chance_option(min_confidence)
    filters = read_filters(folders, since, until, sources)
    if remember and min_confidence is None:
        raise click.UsageError("--remember keeps a line: give it with --min-confidence P")
    many = question == ("-",)
    if follow_ups and not many:
        raise click.UsageError(
            "--follow-ups reads a conversation from standard input: qa ask --follow-ups - < chat"
        )
    if many and isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # bad bytes must not end the batch at that line
    questions = (line.strip() for line in sys.stdin) if many else iter([" ".join(question)])
    answered = declined = skipped = 0
    # One question: load the question encoder fast rather than optimised (a batch of
    # questions repays the optimisation).
    asker = open_asker(settings, MiniLMEmbedder(quick_start=not many))
    asker.mode = Mode(mode)
    if line is not None:
        asker.set_min_confidence(line, save=remember)
        if remember:
            click.echo(
                f"qa: answer line {percent(line)} kept for this library (the chat uses it too).",
                err=True,
            )
    warn_about_folders(asker, filters)
    chat = Chat(asker)
    for number, text in enumerate(questions, 1):
        if many and not text:
            chat = Chat(asker)  # a new conversation
            continue
        if not follow_ups:
            chat = Chat(asker)  # each question on its own
        try:
            answer = chat.ask(text, filters=filters or None)
        except QuestionError as error:
            if not many:  # the question given is unusable: a usage error, as click's are
                raise UsageProblem(str(error)) from error
            click.echo(f"qa: line {number} skipped: {error}", err=True)
            skipped += 1
            continue
        except QAError:
            raise  # the library's, not the line's: every line would fail the same way
        except Exception as error:
            if not many:
                raise
            # A fault of qa's own on one question must not cost the rest of the batch.
            click.echo(f"qa: line {number} skipped: {unexpected(error)}", err=True)
            skipped += 1
            continue
        answered += answer.found
        declined += not answer.found
        paragraph = context(asker, answer) if long_answer else ""
        if as_json:
            indent = None if many else 2
            data = answer.to_dict()
            if long_answer:
                data["paragraph"] = paragraph
            click.echo(json_for_scripts(data, indent=indent))
        else:
            if many:
                click.echo(f"› {safe(text)}")
            if answer.read_as:
                click.echo(f"  read as “{safe(answer.read_as)}”")
            console = Console()
            print_answer(console, answer)
            if paragraph:
                console.print(Text("\nIn full:\n", style="bold") + Text(safe_block(paragraph)))
            if every and answer.candidates:
                console.print(Text("\nEvery answer found:", style="bold"))
                console.print(every_candidate(answer), end="", soft_wrap=unwrapped(console))
            if many:
                click.echo()
        # The file each citation was read from (a URL's page, a message of an mbox: its file).
        cited_files = (citation.path or citation.source for citation in answer.citations)
        for source in dict.fromkeys(cited_files):
            warning = changed_since_indexed(source, settings.library)
            if warning:
                click.echo(f"qa: warning: {safe(warning)}", err=True)
        if not many:
            remember_answer(settings.library, answer)
    if many:
        click.echo(f"qa: {batch_summary(answered, declined, skipped)}", err=True)
    if declined and (not many or not answered):
        sys.exit(EXIT_NOT_FOUND)


def context(asker: Asker, answer: Answer) -> str:
    """The paragraph around a found answer's sentence, from the indexed article's text."""
    if not answer.found or not answer.citations:
        return ""
    citation = answer.citations[0]
    text = asker.library.article(citation.article_id).article.text
    return paragraph_around(text, citation.sentence_start, citation.sentence_end)


def chance_option(typed: str) -> float:
    """--min-confidence as the chat takes it (0.6, 60% or 60); else a one-line usage error."""
    try:
        return parse_chance(typed, "a chance for --min-confidence")
    except PreferenceError as error:
        raise UsageProblem(str(error)) from error


def unexpected(error: Exception) -> str:
    """One line for a fault that is qa's, not the user's: what it was, and to report it."""
    said = safe(str(error))[:200]
    return f"qa could not answer it ({type(error).__name__}: {said}); please report this"


def batch_summary(answered: int, declined: int, skipped: int) -> str:
    """ "3 questions: 2 answered, 1 not in your articles, 1 line skipped." for `qa ask -`."""
    summary = (
        f"{counted(answered + declined, 'question')}: {answered} answered, "
        f"{declined} not in your articles"
    )
    return summary + (f", {counted(skipped, 'line')} skipped." if skipped else ".")
