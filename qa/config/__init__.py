"""What the user sets: the product's settings, where libraries live, and each library's kept
preferences (its answer line)."""

from __future__ import annotations

from .preferences import (
    DEFAULT_MIN_CONFIDENCE,
    PreferenceError,
    check_min_confidence,
    load_min_confidence,
    save_min_confidence,
)
from .settings import Settings, data_home, encoder_choice_file, library_folder

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "PreferenceError",
    "Settings",
    "check_min_confidence",
    "data_home",
    "encoder_choice_file",
    "library_folder",
    "load_min_confidence",
    "save_min_confidence",
]
