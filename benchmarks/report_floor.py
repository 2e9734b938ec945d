"""The floor for the monthly report: the same table rows, shaped, ordered and wrapped as readable
Persian, drawn by a bare reportlab script with no application code.

Until issue 17 this floor drew each cell's stored string as it was: no letter shaping, no
right-to-left ordering, no line breaking (unreadable Persian, and every long summary one line
running off its column), so the program looked 6-10x slower than its "floor". A readable page
needs the work too: here each cell is shaped by arabic-reshaper (configured from the font, as any
script drawing Persian with a TrueType font must), broken into lines measured with reportlab's
stringWidth to fit its column, each line ordered by python-bidi's get_display, and the rows
flow onto as many pages as they fill (a row never split). Only canvas calls draw: no platypus
tables, paragraphs or styles. Vazirmatn is registered once (as the program does); the row texts
are read beforehand (`floor_rows`, untimed); `render_floor` - shaping, wrapping, drawing - is timed.
"""

from __future__ import annotations

import functools
import io
import math
import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "FloorVazirmatn"
FONT_FILE = Path(__file__).resolve().parent.parent / "app" / "assets" / "fonts" / "Vazirmatn-Regular.ttf"
COLUMNS = (0.06, 0.24, 0.11, 0.14, 0.10, 0.06, 0.29)  # share of the width, right to left
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def floor_rows(data) -> list[tuple[str, ...]]:
    """The report's client table as rows of plain strings (a client without services: one row)."""
    from app.persian import format_jalali

    rows = []
    for index, client in enumerate(data.clients, start=1):
        who = f"{client.full_name} {client.behzisti_file_number} {client.clinic_file_number} {client.social_worker}"
        if not client.services:
            rows.append((str(index), who, "", "", "", "", "در این ماه خدمتی ثبت نشده است."))
        for n, s in enumerate(client.services):
            summary = s.summary_text + (f" ({'، '.join(s.domain_labels)})" if s.domain_labels else "")
            rows.append((str(index) if n == 0 else "", who if n == 0 else "", format_jalali(s.date), s.kind_label,
                         s.mode_label, str(s.minutes), summary))
    return rows


def pdf_pages(pdf: bytes) -> int:
    return len(_PAGE_OBJECT.findall(pdf))


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    return FONT


_RESHAPER = None


def _shaper():
    global _RESHAPER
    if _RESHAPER is None:
        from arabic_reshaper import ArabicReshaper, config_for_true_type_font
        _RESHAPER = ArabicReshaper(configuration={**config_for_true_type_font(str(FONT_FILE)), "delete_harakat": False})
    return _RESHAPER


@functools.lru_cache(maxsize=100_000)
def _shaped_word(word: str, font: str) -> tuple[str, float]:
    """A word's joined letters and its width at 1 pt (words repeat: any script would keep them)."""
    shaped = _shaper().reshape(word)
    return shaped, pdfmetrics.stringWidth(shaped, font, 1.0)


def wrap_shaped(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points, broken at spaces in logical order, each shaped and in
    visual (left-to-right drawing) order. (Brackets are not mirrored: slightly less work than a
    correct page.)"""
    from bidi import get_display
    lines, current, used = [], [], 0.0
    space = pdfmetrics.stringWidth(" ", font, size)
    for word in text.split():
        shaped, unit = _shaped_word(word, font)
        w = unit * size
        if current and used + space + w > width:
            lines.append(current)
            current, used = [], 0.0
        used += (space if current else 0.0) + w
        current.append(shaped)
    if current:
        lines.append(current)
    return [get_display(" ".join(words), base_dir="R") for words in lines]


def render_floor(rows: list[tuple[str, ...]], pages: int = 0, *, size: float = 8.0) -> bytes:
    """The rows as a shaped, wrapped table; `pages` is unused (the rows fill what they fill) and
    kept for callers that pass the program's page count. Returns the PDF."""
    font = _font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    width, height = A4
    margin = 40
    leading = size * 1.5
    edges = [width - margin]
    for share in COLUMNS:
        edges.append(edges[-1] - share * (width - 2 * margin))
    widths = [edges[i] - edges[i + 1] - 4 for i in range(len(COLUMNS))]
    page = 1

    def header() -> float:
        canvas.setFont(font, 11)
        canvas.drawRightString(width - margin, height - margin, get_display_title)
        canvas.drawString(margin, margin / 2, str(page))
        canvas.setFont(font, size)
        return height - margin - 40

    get_display_title = wrap_shaped("گزارش عملکرد ماهانه", font, 11, width)[0]
    y = header()
    for row in rows:
        cells = [wrap_shaped(text, font, size, w) if text else [] for text, w in zip(row, widths)]
        row_height = leading * max(1, max(len(c) for c in cells)) + 4
        if y - row_height < margin:
            canvas.showPage()
            page += 1
            y = header()
        y -= row_height
        canvas.line(margin, y, width - margin, y)
        for lines, right in zip(cells, edges):
            for i, line in enumerate(lines):
                canvas.drawRightString(right - 2, y + row_height - leading * (i + 1), line)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
