"""Where bundled files live: inside the `app` package, so a source checkout, an editable install,
a wheel and a PyInstaller bundle (which collects the package's data files) all find them."""

from __future__ import annotations

import sys
from pathlib import Path

FONT_WEIGHTS = ("Regular", "Medium", "Bold")


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "app" / "assets"
    return Path(__file__).resolve().parent / "assets"


def font_path(weight: str = "Regular") -> Path:
    return resources_dir() / "fonts" / f"Vazirmatn-{weight}.ttf"


def missing_fonts() -> list[Path]:
    """The font files (and their licence) that should ship with the program but are not there."""
    wanted = [font_path(w) for w in FONT_WEIGHTS] + [resources_dir() / "fonts" / "OFL.txt"]
    return [p for p in wanted if not p.is_file()]


def guide_dir() -> Path:
    """The Persian user guide (docs/guide): Markdown chapters and their pictures."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "docs" / "guide"
    return Path(__file__).resolve().parent.parent / "docs" / "guide"
