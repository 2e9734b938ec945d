"""The visible box of a digital signature, drawn by us because pyHanko cannot shape Persian.

The signing code uses this one-page PDF as the background of the signature's appearance.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from app.persian import format_iran_datetime
from app.printing import fonts
from app.printing.bidi_text import draw_line, text_width
from app.printing.layout import binary_streams

STAMP_WIDTH = 200.0
STAMP_HEIGHT = 80.0
_INK = colors.HexColor("#123c69")
_FILL = colors.HexColor("#f2f6fb")
_PAD = 7.0
_MIN_SIZE = 5.5


def render_signature_stamp(signer_name: str, clinic_name: str, signed_at: dt.datetime,
                           reason: str) -> bytes:
    """A 200×80 pt one-page PDF: who signed, for which clinic, when, and why."""
    fonts.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(STAMP_WIDTH, STAMP_HEIGHT), pageCompression=1)
    canvas.setTitle("امضای دیجیتال")
    canvas.setFillColor(_FILL)
    canvas.setStrokeColor(_INK)
    canvas.setLineWidth(1)
    canvas.roundRect(1, 1, STAMP_WIDTH - 2, STAMP_HEIGHT - 2, 6, stroke=1, fill=1)
    right = STAMP_WIDTH - _PAD
    room = STAMP_WIDTH - 2 * _PAD
    lines = [
        ("امضای دیجیتال", fonts.BOLD, 8, 66),
        (signer_name, fonts.MEDIUM, 10, 51),
        (clinic_name, fonts.REGULAR, 7.5, 38),
        (f"زمان امضا: {format_iran_datetime(signed_at, say_zone=True)}", fonts.REGULAR, 7.5, 25),
        (f"علت: {reason}" if reason else "", fonts.REGULAR, 7, 12),
    ]
    canvas.setFillColor(_INK)
    for text, font, size, y in lines:
        if text:
            text, size = fit_line(text, font, size, room)
            draw_line(canvas, text, right, y, font, size)
    canvas.showPage()
    with binary_streams():
        canvas.save()
    return buffer.getvalue()


def fit_line(text: str, font: str, size: float, room: float) -> tuple[str, float]:
    """Shrink a line to fit the box; cut it (with …) only if even the smallest size is too wide."""
    while size > _MIN_SIZE and text_width(text, font, size) > room:
        size = max(_MIN_SIZE, size - 0.5)
    if text_width(text, font, size) <= room:
        return text, size
    words = text.split()
    while len(words) > 1 and text_width(" ".join(words) + " …", font, size) > room:
        words.pop()
    return " ".join(words) + " …", size
