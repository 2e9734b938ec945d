"""Cells of every workbook and CSV we write: text that a spreadsheet would run is kept as text.

A note or a name beginning with = + - @ (or a tab or carriage return) becomes a live formula when the
county office opens the file: a planted =HYPERLINK(...) could send children's names out. Such text
gets a leading apostrophe, which spreadsheets show as plain text (OWASP's advice for CSV injection).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
