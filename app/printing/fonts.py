"""Vazirmatn registered with reportlab, once per process.

Each weight is its own static TTF: the variable font would draw only its default weight.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from fontTools.ttLib import TTFont as FontToolsFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import font_path

REGULAR = "Vazirmatn"
MEDIUM = "Vazirmatn-Medium"
BOLD = "Vazirmatn-Bold"

WEIGHT_FILES = {REGULAR: "Regular", MEDIUM: "Medium", BOLD: "Bold"}
_lock = threading.Lock()


def register_fonts() -> None:
    """Register the three weights; calling it again does nothing."""
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        if all(name in registered for name in WEIGHT_FILES):
            return
        for name, weight in WEIGHT_FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(font_path(weight))))
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
        )


@lru_cache(maxsize=None)
def font_cmap(font_name: str = REGULAR) -> frozenset[int]:
    """Code points the font file can draw; used to check what we are about to print."""
    font = FontToolsFont(str(font_path(WEIGHT_FILES[font_name])), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()
