"""What every spreadsheet we write does alike: the header row's look, and handing the finished
file to a path or an open binary file. openpyxl is imported only by what uses it (XlsxWriter's
monthly report needs only `write_out`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

HEAD_COLOUR = "DDE5EC"  # the header rows' fill, as in the printed tables


def write_out(out, data: bytes) -> None:
    """`out` is a path (str or Path) or a binary file."""
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(data)
    else:
        out.write(data)


def save_workbook(book, out) -> None:
    """An openpyxl workbook to a path or a binary file."""
    buffer = io.BytesIO()
    book.save(buffer)
    write_out(out, buffer.getvalue())


def start_sheet(ws, headers: Sequence[str]) -> None:
    """Right to left, the header row bold and shaded, and frozen so it stays in view."""
    from openpyxl.styles import Alignment, Font, PatternFill
    ws.sheet_view.rightToLeft = True
    ws.append(list(headers))
    font, fill = Font(name="Vazirmatn", bold=True), PatternFill("solid", fgColor=HEAD_COLOUR)
    for cell in ws[1]:
        cell.font = font
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
