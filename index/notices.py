"""Hold what a parsing library logs while one file is read ("incorrect startxref pointer",
"empty HTML tree"): printed as it comes, it names no file and breaks the progress bar."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held_notices(*loggers: str) -> Iterator[list[str]]:
    """The notices the named loggers (and `warnings`) give inside the block, each on one line,
    instead of printing them; a failure's one line may quote the first of them, and a file
    read in spite of them needs no notice."""
    notices: list[str] = []

    class Held(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            notices.append(" ".join(record.getMessage().split()))

    handler = Held(logging.WARNING)
    held = [logging.getLogger(name) for name in loggers]
    before = [logger.propagate for logger in held]
    for logger in held:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield notices
        notices.extend(" ".join(str(warning.message).split()) for warning in caught)
    finally:
        for logger, propagate in zip(held, before, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate
