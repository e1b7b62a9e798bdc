"""A chance as people type it ("0.6", "60%", "60") and as they read it ("60%")."""

from __future__ import annotations

from qa.config.preferences import PreferenceError

FORMS = "0.6, 60% or 60"
"""The forms a chance may be typed in, as the CLI's help and the chat's errors say them."""


def percent(value: float) -> str:
    """ "10%", "12.5%": a chance as people read it, without a float's noise (0.1 * 100)."""
    return f"{round(value * 100, 1):g}%"


def parse_chance(typed: str, what: str = "a chance", more: str = "") -> float:
    """A chance typed as a probability ("0.45") or a percentage ("45%" or "45"), 0 to 1; else
    an error that says "“often” is not `what`: type a chance ...`more`"."""
    text = typed.strip()
    is_percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip())
    except ValueError:
        value = float("nan")
    # Above 1 nobody means a probability: "45" is 45%, as the status bar shows the line.
    if is_percent or value > 1:
        value /= 100
    if not 0.0 <= value <= 1.0:  # also false for nan
        raise PreferenceError(
            f"“{text}” is not {what}: type a chance from 0 to 100%, e.g. 45% or 0.45{more}"
        )
    return value
