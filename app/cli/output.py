"""What the sub-commands print: plain-text tables and JSON, the same way in every command."""

from __future__ import annotations

import json
from typing import Any, Sequence


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell, two spaces apart; the first row is the header."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())


def json_text(data: Any, *, indent: int = 2) -> str:
    """Persian stays readable (no \\u escapes); dates and decimals come out as their text."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str)


def print_json(data: Any, *, indent: int = 2) -> None:
    print(json_text(data, indent=indent))
