"""Cells of every workbook and CSV we write: text that a spreadsheet would run is kept as text.

A note or a name beginning with = + - @ (or a tab or carriage return) becomes a live formula when the
county office opens the file: a planted =HYPERLINK(...) could send children's names out. In a CSV such
text gets a leading apostrophe, which spreadsheets show as plain text (OWASP's advice for CSV
injection). In a workbook the cell is stored as text with Excel's own "quote prefix" (the apostrophe
one types before «=»): the value stays exactly as written, and stays text when the cell is edited.
Numbers (a negative amount) are never touched: only text is.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_cell(cell) -> None:
    """After openpyxl has taken a value: text that looks like a formula is stored as text."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl stores «=…» as a formula otherwise
        cell.quotePrefix = True
