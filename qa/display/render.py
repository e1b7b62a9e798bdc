"""Show answers and library status in a terminal, safely: article text cannot emit escape codes."""

from __future__ import annotations

import os
import re

from rich.console import Console
from rich.text import Text

from qa.answering.answer import Answer, Candidate, Citation
from qa.answering.sanitize import same_width, strip_controls
from qa.index import LibraryStatus

from .dates import shown_date


def counted(number: int, noun: str) -> str:
    """ "1 article", "2 articles", "1,024 files": a count with its noun in the right number."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def safe(text: str) -> str:
    """Article text with control characters and escape sequences removed, newlines as spaces."""
    return " ".join(same_width(strip_controls(text)).split())


def safe_block(text: str) -> str:
    """Article text for a reading pane: escape sequences and control characters removed, line
    breaks kept."""
    return "\n".join(same_width(strip_controls(line)) for line in text.split("\n"))


_SPACE_BEFORE = re.compile(r"[^\S\n]+$")
_SPACE_AFTER = re.compile(r"^[^\S\n]+")


def beside_sentence(before: str, after: str) -> tuple[str, str]:
    """The text before and after a highlighted sentence that is shown as a block of its own,
    without the spaces between them (a no-break space started the text after with a stray
    space); line breaks are kept."""
    return _SPACE_BEFORE.sub("", before), _SPACE_AFTER.sub("", after)


def citation_line(citation: Citation) -> str:
    """`title · source · date · p. N`, for one citation."""
    parts = [safe(citation.title), safe(citation.source)]
    if citation.date:
        parts.append(safe(shown_date(citation.date)))
    if citation.page:
        parts.append(f"p. {citation.page}")
    return " · ".join(part for part in parts if part)


def sentence_parts(answer: Answer) -> tuple[str, str, str]:
    """The answer's sentence as (before, the short answer, after), made safe to print, with the
    space that separated them kept (`safe` trims each piece's edges): the one place that puts
    an answer inside its sentence, for the CLI, the chat and the Markdown export."""
    sentence = answer.sentence
    start, end = answer.highlight
    before = safe(sentence[:start]) + (" " if sentence[start - 1 : start].isspace() else "")
    after = (" " if sentence[end : end + 1].isspace() else "") + safe(sentence[end:])
    return before, safe(sentence[start:end]), after


def quoted_answer(answer: Answer) -> Text:
    """“the sentence with the short answer highlighted” [1], as the CLI and the chat show it."""
    before, short, after = sentence_parts(answer)
    out = Text("“" + before)
    out.append(short, style="bold reverse")
    out.append(after + "” [1]")
    return out


def answer_text(answer: Answer) -> Text:
    """The answer as rich text: the short answer highlighted inside its sentence, then citations."""
    out = Text()
    if not answer.found:
        out.append(safe(answer.message) or "Not found in your articles.", style="bold yellow")
        if answer.citations:
            out.append("\nClosest passages:", style="dim")
            for citation in answer.citations:
                out.append(f"\n  [{citation.number}] ", style="bold")
                out.append(safe(citation.sentence))
                out.append(f"\n      {citation_line(citation)}", style="dim")
        return out
    out.append(safe(answer.text), style="bold green")
    out.append(f"   (confidence {answer.confidence:.0%})\n", style="dim")
    out.append_text(quoted_answer(answer))
    out.append("\n")
    if answer.unmet_note:
        out.append(safe(answer.unmet_note) + "\n", style="yellow")
    if answer.also_said:
        out.append(answer.also_said + "\n", style="dim")
    for citation in answer.citations:
        out.append(f"\n[{citation.number}] ", style="bold")
        out.append(citation_line(citation), style="cyan")
        if citation.number > 1:
            out.append(f"\n    “{safe(citation.sentence)}”", style="dim")
    others = shown_candidates(answer)
    if others:
        out.append("\n\n", style="dim")
        out.append_text(candidates_line("Other candidates", others))
    return out


OTHER_CANDIDATES = 3
"""How many other candidates an answer lists beside the one it gives."""


def shown_candidates(answer: Answer) -> list[Candidate]:
    """The candidates listed with an answer, best first: for a found answer, up to three
    others than it; for a declined one, the closest (its first candidate, from citation [1])
    and up to three others. A question that nothing answers has none."""
    if answer.found:
        return [c for c in answer.candidates[1:] if c.text != answer.text][:OTHER_CANDIDATES]
    return answer.candidates[: 1 + OTHER_CANDIDATES]


def candidates_line(label: str, candidates: list[Candidate]) -> Text:
    """ "Other candidates: Chrystia Freeland [2], Rex Tillerson [3]", dim: each candidate with
    the number of the citation it comes from."""
    listed = ", ".join(f"{safe(c.text)} [{c.citation}]" for c in candidates)
    return Text(f"{label}: {listed}", style="dim")


def unwrapped(console: Console) -> bool:
    """True when output goes to a file or a pipe: lines are left whole there (a hard wrap at 80
    columns broke "(confidence 79%)" and padded lines with spaces), a terminal wraps them."""
    return not console.is_terminal


def print_answer(console: Console, answer: Answer) -> None:
    console.print(answer_text(answer), highlight=False, soft_wrap=unwrapped(console))


def status_text(status: LibraryStatus) -> Text:
    """`qa index status` for people: the library's figures, then what needs attention."""
    out = Text()
    rows = [
        ("library", safe(status.folder)),
        ("model", status.model),
        ("articles", f"{status.articles:,}"),
        ("passages", f"{status.passages:,}"),
        ("index size", f"{status.bytes_on_disk / 1e6:.1f} MB"),
        ("last update", status.updated or "never"),
        ("sources", ", ".join(safe(root) for root in status.sources) or "none"),
    ]
    for name, value in rows:
        out.append(f"{name:>12}  ", style="bold")
        out.append(f"{value}\n")
    if status.stale_files:
        # A deleted file was listed as "changed": each says what happened to it.
        gone = {path for path in status.stale_files if not os.path.lexists(path)}
        kinds = f"{len(status.stale_files) - len(gone)} new or edited, {len(gone)} deleted"
        _attention(
            out,
            "stale files",
            f"{counted(len(status.stale_files), 'file')} not as indexed ({kinds}; "
            "run: qa index update)",
            [f"deleted: {path}" if path in gone else path for path in status.stale_files],
            "yellow",
        )
    else:
        out.append(f"{'stale files':>12}  none: the index is current\n")
    if status.unreadable_files:
        _attention(
            out,
            "unreadable",
            f"{counted(len(status.unreadable_files), 'file')} not indexed; fix or remove them, "
            "then run: qa index update",
            status.unreadable_files,
            "red",
        )
    if status.excluded:
        _attention(
            out,
            "left out",
            f"{counted(len(status.excluded), 'path')} removed from the library's folders "
            "(bring one back with: qa index add PATH)",
            status.excluded,
            "dim",
        )
    return out


def _attention(out: Text, name: str, summary: str, items: list[str], colour: str) -> None:
    """A status row that needs the user's attention, with the first ten items under it."""
    out.append(f"{name:>12}  ", style=f"bold {colour}")
    out.append(summary + "\n", style=colour)
    for item in items[:10]:
        out.append(f"{'':>14}{safe(item)}\n", style=colour)
