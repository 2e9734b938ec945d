"""Where bundled files live, in a source checkout and in a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def font_path(weight: str = "Regular") -> Path:
    return resources_dir() / "fonts" / f"Vazirmatn-{weight}.ttf"


def guide_dir() -> Path:
    """The Persian user guide (docs/guide): Markdown chapters and their pictures."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "docs" / "guide"
    return Path(__file__).resolve().parent.parent / "docs" / "guide"
