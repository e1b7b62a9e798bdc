"""JSON for scripts that is safe to let reach a terminal, and still readable in any language."""

from __future__ import annotations

import json
import re
from typing import Any

UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What `json.dumps(..., ensure_ascii=False)` leaves raw and must not: DEL and the C1 controls
(U+009B is a CSI that a terminal obeys like ESC [), the line and paragraph separators (a line
reader such as Python's `splitlines` breaks a JSON Lines record at them), the bidi overrides and
isolates (they reorder what a terminal shows after them), and lone surrogates (they cannot be
written as UTF-8 at all). C0 controls are escaped by json itself."""


def json_for_scripts(data: Any, indent: int | None = None) -> str:
    """`data` as JSON with the characters of UNSAFE_IN_JSON written as \\u escapes and every
    other character as itself (an article's "café" or "北京" stays readable)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    # These characters only ever occur inside JSON strings, where an escape means the same.
    return UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
