"""Choices a person makes for one library and keeps (the answer/decline line), stored as a small
JSON file in the library's folder beside its index and chats."""

from __future__ import annotations

import json
import os
from pathlib import Path

from qa.index import QAError

PREFERENCES_NAME = "preferences.json"
DEFAULT_MIN_CONFIDENCE = 0.05
"""Answers less likely than this to be right are declined ("Not found in your articles").
Chosen from the risk-coverage table in docs/quality.md: the highest line that still answers the
product's target of 95% of the SQuAD dev questions the calibrator was fitted on (each scored by
a calibrator fitted on the other fold): 0.05 answers 95.3% of them, 0.1 would answer 94.1%.
Higher lines trade answers for accuracy."""


class PreferenceError(QAError):
    """A preference that cannot be read or saved as given."""


def check_min_confidence(value: float) -> float:
    """`value` when it is a probability, else a one-line error saying what to give."""
    if not 0.0 <= value <= 1.0:
        raise PreferenceError(
            f"the minimum confidence must be a probability from 0 to 1 (got {value:g}), "
            "e.g. --min-confidence 0.5"
        )
    return value


def load_min_confidence(library: Path) -> float:
    """The library's saved answer/decline line, or DEFAULT_MIN_CONFIDENCE when none is saved."""
    path = library / PREFERENCES_NAME
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get("min_confidence")
    except FileNotFoundError:
        return DEFAULT_MIN_CONFIDENCE
    except (OSError, ValueError, AttributeError) as error:
        raise PreferenceError(
            f"{path} is unreadable ({error}); delete it to go back to the defaults"
        ) from error
    if not isinstance(saved, int | float):
        return DEFAULT_MIN_CONFIDENCE
    return check_min_confidence(float(saved))


def save_min_confidence(library: Path, value: float) -> None:
    """Keep `value` as the library's answer/decline line (written to a temporary file, then
    renamed, so a crash never leaves half a file)."""
    check_min_confidence(value)
    path = library / PREFERENCES_NAME
    try:
        library.mkdir(parents=True, exist_ok=True)
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = data if isinstance(data, dict) else {}
        data["min_confidence"] = value
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)
    except (OSError, ValueError) as error:
        raise PreferenceError(
            f"cannot save the minimum confidence to {path} ({error}); "
            "check the folder's permissions"
        ) from error
