"""Files that editors, office suites and browsers write while saving: never articles.

A download in progress (`report.html.crdownload`), an office lock (`~$report.docx`,
`.~lock.report.odt#`), an editor's swap or autosave (`.notes.md.swp`, `#notes.md#`,
`notes.md~`) and the temporary half of a save-by-rename (`notes.md.tmp`) come and go while a
person works; indexing them would add articles that vanish a moment later.
"""

from __future__ import annotations

TEMPORARY_SUFFIXES = (
    ".crdownload",  # Chrome, Edge
    ".part",  # Firefox, wget, curl -C
    ".partial",  # Safari (older), Edge
    ".download",  # Safari
    ".opdownload",  # Opera
    ".tmp",
    ".temp",
    ".swp",  # vim
    ".swo",
    ".swx",
    ".bak",
    ".crswap",  # Chrome's file-system API
    ".kate-swp",
)
TEMPORARY_PREFIXES = (
    "~$",  # Microsoft Office owner files
    ".~lock.",  # LibreOffice locks
    ".#",  # emacs locks
    "._",  # macOS resource forks on foreign disks
)


def is_temporary(name: str) -> bool:
    """True when a file's name says it is a temporary or lock file, not an article."""
    lowered = name.lower()
    return (
        lowered.endswith(TEMPORARY_SUFFIXES)
        or lowered.startswith(TEMPORARY_PREFIXES)
        or lowered.endswith("~")  # editor backups
        or (len(name) > 1 and name.startswith("#") and name.endswith("#"))  # emacs autosave
        or ".tmp." in lowered  # `x.tmp.123`: a save-by-rename's temporary with a counter
        or lowered.startswith(".goutputstream-")  # GNOME's temporary while saving
    )
