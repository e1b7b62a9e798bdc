"""`qa eval`: measure answers and retrieval on a question set (the run is qa.evaluation's)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from qa.display.progress import progress_bar
from qa.display.render import counted
from qa.display.script_json import json_for_scripts

from .group import cli, make_settings


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
    from qa.evaluation.report import index, measure, prepare
    from qa.evaluation.run import CONFIGS, markdown_table

    unknown = [name for name in configs if name not in CONFIGS]
    if unknown:
        raise click.BadParameter(f"unknown config {unknown[0]!r}; choose from {', '.join(CONFIGS)}")
    run = prepare(dataset, make_settings(None))
    with progress_bar(Console(stderr=True), enabled=not as_json) as progress:
        index(run, progress)
    report = measure(run, configs, limit, half, off_corpus, misses)
    data = run.data
    if as_json:
        click.echo(json_for_scripts(report.rows, indent=2))
    else:
        click.echo(
            f"{data.name}: {len(report.questions)} questions, {len(data.records)} articles\n"
        )
        click.echo(markdown_table(report.rows))
        if misses:
            wrong = counted(len(report.misses), "wrong or declined answer")
            click.echo(f"\n{wrong} written to {misses}.")
