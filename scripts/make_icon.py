"""Draws the program's icon (a folder holding a written page) and writes resources/parvandeh.ico
with every size Windows asks for. Run again after changing the drawing:
    .venv/bin/python scripts/make_icon.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZES = [16, 24, 32, 48, 64, 128, 256]
TEAL, DARK, PAPER, INK = (0, 121, 107, 255), (0, 77, 64, 255), (250, 250, 247, 255), (120, 144, 156, 255)
OUT = Path(__file__).resolve().parent.parent / "resources" / "parvandeh.ico"


def draw(size: int = 256) -> Image.Image:
    """Drawn at 4× and scaled down, so edges stay smooth at 16 px too."""
    big = size * 4
    s = big / 256
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    box = lambda x0, y0, x1, y1: [round(x0 * s), round(y0 * s), round(x1 * s), round(y1 * s)]  # noqa: E731
    d.rounded_rectangle(box(16, 40, 120, 90), radius=round(14 * s), fill=DARK)        # the folder's tab
    d.rounded_rectangle(box(16, 64, 240, 224), radius=round(18 * s), fill=DARK)       # its back
    d.rectangle(box(60, 28, 200, 190), fill=PAPER)                                    # the page
    for n, y in enumerate(range(56, 160, 24)):                                        # lines of text, right-aligned
        d.rectangle(box(92 + (n % 2) * 30, y, 180, y + 9), fill=INK)
    d.rounded_rectangle(box(16, 104, 240, 228), radius=round(18 * s), fill=TEAL)      # the folder's front
    return img.resize((size, size), Image.LANCZOS)


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    draw(256).save(OUT, format="ICO", sizes=[(n, n) for n in SIZES])
    print(f"written: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
