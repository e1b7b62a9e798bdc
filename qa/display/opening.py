"""A cited article where the person reads it (the file in $EDITOR or $PAGER at the cited
sentence's line, a web article in the browser), whether the file changed since it was
indexed, and the longer forms of an answer (the paragraph around it, every candidate)."""

from __future__ import annotations

import os
import shlex
import subprocess
import webbrowser
from collections.abc import Callable, Mapping
from pathlib import Path

from rich.text import Text

from qa.answering.answer import Answer, Citation
from qa.index import QAError
from qa.workspace.libraries import library_stamp

from .render import citation_line, safe

LONGEST_PARAGRAPH = 1500
"""Characters of context shown at most around an answer (a dump's article can be one line)."""


class SourceUnavailable(QAError):
    """The cited article cannot be opened (gone, or no program to open it with)."""


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def sentence_line(path: Path, sentence: str) -> int:
    """The line of `path` on which `sentence` starts (1 when it is not found there: a PDF, a
    dump, an HTML page whose text was extracted)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return 1
    for probe in (sentence, sentence[:60]):
        at = text.find(probe) if probe else -1
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def open_command(path: str, line: int, environ: Mapping[str, str]) -> list[str]:
    """$EDITOR, else $PAGER, else less, at `line` (`+LINE` is understood by vi, vim, nano,
    emacs, micro, less and more)."""
    program = environ.get("EDITOR") or environ.get("PAGER") or "less"
    return [*shlex.split(program), f"+{line}", path]


def open_citation(
    citation: Citation,
    environ: Mapping[str, str] | None = None,
    run: Callable[[list[str]], object] | None = None,
) -> str:
    """Open the cited article: a URL in the browser, a file in $EDITOR or $PAGER at the cited
    sentence (waiting until it is closed); what was done, in one line."""
    source = citation.source
    if is_url(source):
        if not webbrowser.open(source):
            raise SourceUnavailable(f"no browser to open {source} with; open it yourself")
        return f"Opened {source} in the browser."
    path = Path(source)
    if not path.is_file():
        raise SourceUnavailable(
            f"{source} is not a file here any more; qa index update forgets what was deleted"
        )
    command = open_command(source, sentence_line(path, citation.sentence), environ or os.environ)
    try:
        (run or _run)(command)
    except OSError as error:
        raise SourceUnavailable(
            f"cannot run {command[0]} ({error.strerror}); set EDITOR or PAGER to a program"
        ) from error
    return f"Opened {source} at line {command[-2][1:]} with {command[0]}."


def _run(command: list[str]) -> None:
    subprocess.run(command, check=False)


def changed_since_indexed(source: str, library: Path) -> str | None:
    """A warning when the cited file was deleted or changed after the index was last written
    (a stat of each: cheap enough for every answer); None when it is as indexed."""
    if is_url(source):
        return None
    try:
        modified = os.stat(source).st_mtime_ns
    except FileNotFoundError:
        return f"{source} was deleted since it was indexed: qa index update"
    except OSError:
        return None
    indexed = library_stamp(library)
    if indexed and modified > indexed:
        return f"{source}: the file changed since it was indexed: qa index update"
    return None


def paragraph_around(text: str, start: int, end: int) -> str:
    """The paragraph holding `text[start:end]`; with the paragraphs either side when it is no
    more than that sentence (news often gives each sentence a paragraph)."""
    begin, finish = _paragraph(text, start, end)
    if len(text[begin:finish].strip()) <= (end - start) + 2:
        begin = _paragraph(text, max(0, begin - 3), begin)[0]
        finish = _paragraph(text, finish, min(len(text), finish + 3))[1]
    if finish - begin > LONGEST_PARAGRAPH:
        begin = max(begin, start - LONGEST_PARAGRAPH // 2)
        finish = min(finish, end + LONGEST_PARAGRAPH // 2)
    return text[begin:finish].strip()


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return (0 if before < 0 else before + 2), (len(text) if after < 0 else after)


def every_candidate(answer: Answer) -> Text:
    """Each distinct candidate answer with the citation it comes from, best first (for list
    questions: "which firms cut jobs?")."""
    out = Text()
    cited = {citation.number: citation for citation in answer.citations}
    seen: set[str] = set()
    for candidate in answer.candidates:
        key = candidate.text.casefold()
        if key in seen:
            continue
        seen.add(key)
        out.append(f"  • {safe(candidate.text)}", style="bold")
        out.append(f"  [{candidate.citation}]", style="bold")
        citation = cited.get(candidate.citation)
        if citation is not None:
            out.append(f" {citation_line(citation)}", style="dim")
        out.append("\n")
    return out
