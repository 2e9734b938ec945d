"""The floor for the monthly report: the same table rows on the same number of pages, drawn by a
bare reportlab script with no application code.

Vazirmatn is registered (once, as the program does), text is drawn as stored, with no shaping,
no bidi, no paragraphs: the least work reportlab can do to put those rows on those pages. The row
texts are prepared beforehand (`floor_rows`, untimed); only `render_floor` is timed.
"""

from __future__ import annotations

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


def render_floor(rows: list[tuple[str, ...]], pages: int) -> bytes:
    font = _font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    width, height = A4
    margin = 40
    per_page = max(1, math.ceil(len(rows) / max(1, pages)))
    row_height = (height - 2 * margin - 60) / per_page
    size = max(4.0, min(8.0, row_height * 0.6))
    edges = [width - margin]
    for share in COLUMNS:
        edges.append(edges[-1] - share * (width - 2 * margin))
    for page in range(max(1, pages)):
        canvas.setFont(font, 11)
        canvas.drawRightString(width - margin, height - margin, "گزارش عملکرد ماهانه")
        canvas.drawString(margin, margin / 2, f"{page + 1} / {pages}")
        canvas.setFont(font, size)
        y = height - margin - 40
        for row in rows[page * per_page:(page + 1) * per_page]:
            y -= row_height
            canvas.line(margin, y, width - margin, y)
            for text, right in zip(row, edges):
                if text:
                    canvas.drawRightString(right - 2, y + row_height * 0.3, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
