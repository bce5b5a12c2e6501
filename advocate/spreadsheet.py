"""CSV cells that a spreadsheet shows as text instead of running them as formulas.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
LibreOffice ("CSV injection"): a case label such as `=HYPERLINK("http://…")` typed by anyone
with a case would run on the supervisor's machine when the export is opened. Such a cell is
written with a leading apostrophe, which spreadsheets show as text. Files we read back (the
case import) drop that apostrophe again; a text that itself begins with apostrophes before
such a character gets one more, so export then import gives back exactly what was stored.
"""

from __future__ import annotations

import re
from typing import Any

_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def safe_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if _FORMULA.match(text) else text


def read_cell(text: str) -> str:
    """A cell written by `safe_cell` as the value it came from."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text, 1) else text
