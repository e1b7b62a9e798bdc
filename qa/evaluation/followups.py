"""Measure follow-ups: a set of written conversations, asked turn by turn as the chat asks them.

The set (`tests/fixtures/followups.jsonl`) holds one conversation per line:
`{"id", "corpus", "turns": [{"question", "read_as", "refers_to", "answers"}]}`. `corpus` names
a `qa eval` dataset under the data folder, whose articles the conversation is about. A turn
with an empty `refers_to` stands on its own and must be read exactly as asked; a follow-up's
reading must name each item of `refers_to` (one of its alternatives, e.g. ["BSkyB", "Sky plc"]).

    python -m qa.evaluation.followups tests/fixtures/followups.jsonl --data ../shared/data
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click

from qa.answering.answer import Answer
from qa.answering.asker import clean_question
from qa.answering.normalize import normalize_answer
from qa.followups.conversation import Conversation
from qa.index import QAError

from .metrics import exact_match


@dataclass(frozen=True)
class Turn:
    """One question of a written conversation, with how it should be read and answered."""

    question: str
    answers: tuple[str, ...]
    read_as: str
    """The question as a person would read it, written out in full."""
    refers_to: tuple[tuple[str, ...], ...] = ()
    """What a right reading must name, each as alternatives; empty: the question stands alone."""

    @property
    def follow_up(self) -> bool:
        return bool(self.refers_to)


@dataclass(frozen=True)
class Chat:
    """A written conversation over one dataset's articles."""

    id: str
    corpus: str
    turns: tuple[Turn, ...]


@dataclass
class Outcome:
    """How one turn was read and answered."""

    chat: str
    turn: Turn
    reading: str
    answer: Answer

    @property
    def read_right(self) -> bool:
        return read_right(self.turn, self.reading)

    @property
    def answered_right(self) -> bool:
        return self.answer.found and bool(exact_match(self.answer.text, self.turn.answers))


@dataclass
class Tally:
    """Counts over a run: turns read and answered right, follow-ups and the rest apart."""

    outcomes: list[Outcome] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        follow = [o for o in self.outcomes if o.turn.follow_up]
        alone = [o for o in self.outcomes if not o.turn.follow_up]
        return {
            "turns": float(len(self.outcomes)),
            "follow-ups": float(len(follow)),
            "follow-ups read right": _share(o.read_right for o in follow),
            "follow-ups answered right": _share(o.answered_right for o in follow),
            "standalone": float(len(alone)),
            "standalone rewritten": float(sum(not o.read_right for o in alone)),
            "standalone answered right": _share(o.answered_right for o in alone),
        }


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def read_right(turn: Turn, reading: str) -> bool:
    """A question that stands alone must be read as asked; a follow-up's reading must name what
    it refers to (compared after the SQuAD normalisation, so "BSkyB's" names "BSkyB")."""
    if not turn.follow_up:
        return reading == clean_question(turn.question)
    said = f" {normalize_answer(reading)} "
    return all(
        any(normalize_answer(alternative) in said for alternative in item)
        for item in turn.refers_to
    )


class FollowUpSetError(QAError):
    """The follow-up set cannot be read."""


def load_chats(path: Path) -> list[Chat]:
    """The conversations in a follow-up set file (JSON Lines)."""
    chats = []
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            data = json.loads(line)
            turns = tuple(
                Turn(
                    turn["question"],
                    tuple(turn["answers"]),
                    turn.get("read_as", turn["question"]),
                    tuple(tuple(item) for item in turn.get("refers_to", [])),
                )
                for turn in data["turns"]
            )
            chats.append(Chat(data["id"], data["corpus"], turns))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise FollowUpSetError(
            f"{path}: not a follow-up set ({error}); see python -m qa.evaluation.followups --help"
        ) from error
    return chats


Ask = Callable[[str, str, Conversation | None], Answer]
"""Answers a question about a corpus in the light of the conversation so far."""


def run_chats(chats: list[Chat], ask: Ask) -> Tally:
    """Every conversation asked turn by turn, each in a new chat, as `qa ask --follow-ups`."""
    tally = Tally()
    for chat in chats:
        conversation = Conversation()
        for turn in chat.turns:
            answer = ask(chat.corpus, turn.question, conversation)
            conversation.add(turn.question, answer)
            reading = answer.read_as or clean_question(turn.question)
            tally.outcomes.append(Outcome(chat.id, turn, reading, answer))
    return tally


def gold_answer(turn: Turn) -> Answer:
    """The turn answered with its first expected answer, as if the reader had been right."""
    return Answer(turn.question, found=True, text=turn.answers[0], confidence=1.0)


def reading_figures(tally: Tally) -> dict[str, float]:
    """A tally's figures about reading only (its answers were given, not found)."""
    return {name: value for name, value in tally.figures().items() if "answered" not in name}


def readings_with_gold_answers(chats: list[Chat]) -> Tally:
    """How the turns are read when every earlier turn got its expected answer: the resolver
    alone, without a corpus (what the unit tests check)."""
    tally = Tally()
    for chat in chats:
        conversation = Conversation()
        for turn in chat.turns:
            reading = conversation.resolve(clean_question(turn.question))
            tally.outcomes.append(Outcome(chat.id, turn, reading, gold_answer(turn)))
            conversation.add(turn.question, gold_answer(turn))
    return tally


def _outcome_row(outcome: Outcome) -> dict[str, object]:
    return {
        "chat": outcome.chat,
        "question": outcome.turn.question,
        "follow-up": outcome.turn.follow_up,
        "expected reading": outcome.turn.read_as,
        "reading": outcome.reading,
        "read right": outcome.read_right,
        "answers": list(outcome.turn.answers),
        "answer": outcome.answer.text if outcome.answer.found else None,
        "answered right": outcome.answered_right,
    }


@click.command()
@click.argument("followups", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
    help="The folder holding the datasets the conversations name.",
)
@click.option("--limit", type=int, default=0, help="Only the first N conversations.")
@click.option(
    "--compare",
    is_flag=True,
    help="Also ask each follow-up alone, as typed and as the set reads it.",
)
@click.option(
    "--resolver-only",
    is_flag=True,
    help="Only read the turns, each earlier one given its expected answer (needs no articles).",
)
@click.option(
    "--details",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write every turn's reading and answer to this JSON Lines file.",
)
def main(
    followups: Path,
    data: Path,
    limit: int,
    compare: bool,
    resolver_only: bool,
    details: Path | None,
) -> None:
    """Ask the conversations of FOLLOWUPS turn by turn, as `qa ask --follow-ups` does, and
    report how the follow-ups were read and answered (JSON)."""
    from rich.console import Console

    from qa.answering.asker import Asker
    from qa.config.settings import Settings, data_home
    from qa.display.progress import progress_bar
    from qa.index import MiniLMEmbedder

    from .data import load_dataset
    from .run import build_library, make_reader

    chats = load_chats(followups)[: limit or None]
    if resolver_only:
        figures = reading_figures(readings_with_gold_answers(chats))
        click.echo(json.dumps({"resolver alone": figures}, indent=2))
        return
    settings = Settings(library=data_home() / "libraries" / "followup-eval")
    reader = make_reader("reader")
    embedder = MiniLMEmbedder()
    askers: dict[str, Asker] = {}
    try:
        for corpus in sorted({chat.corpus for chat in chats}):
            dataset = load_dataset(data / corpus)
            with progress_bar(Console(stderr=True)) as progress:
                library = build_library(
                    dataset, data_home() / "eval-cache", embedder, settings, progress=progress
                )
            askers[corpus] = Asker(library, settings, reader)
    except QAError as error:
        raise click.ClickException(str(error)) from error

    def ask(corpus: str, question: str, conversation: Conversation | None) -> Answer:
        return askers[corpus].ask(question, conversation)

    tally = run_chats(chats, ask)
    rows = {"with follow-ups": tally.figures()}
    if compare:
        corpus_of = {chat.id: chat.corpus for chat in chats}
        follow = [o for o in tally.outcomes if o.turn.follow_up]
        for name, questions in (
            ("follow-ups asked alone, as typed", [o.turn.question for o in follow]),
            ("follow-ups asked alone, as the set reads them", [o.turn.read_as for o in follow]),
        ):
            answers = [
                ask(corpus_of[o.chat], question, None)
                for o, question in zip(follow, questions, strict=True)
            ]
            rows[name] = {
                "follow-ups answered right": _share(
                    Outcome(o.chat, o.turn, "", a).answered_right
                    for o, a in zip(follow, answers, strict=True)
                )
            }
    rows["resolver alone, earlier turns answered as expected"] = reading_figures(
        readings_with_gold_answers(chats)
    )
    if details:
        details.write_text(
            "".join(json.dumps(_outcome_row(o), ensure_ascii=False) + "\n" for o in tally.outcomes)
        )
    click.echo(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main.main(prog_name="python -m qa.evaluation.followups")
