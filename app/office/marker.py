"""Whether a data folder is a county office's: one file's presence.

Apart from app.office.storage so that the program's start can ask it without importing
SQLAlchemy and Alembic on the GUI thread before the first window (they cost ~1 s there)."""

from __future__ import annotations

from pathlib import Path

MARKER = "parvandeh-office.txt"  # written by `office init`; its presence makes a folder an office's


def is_office_folder(data_dir: Path) -> bool:
    return (Path(data_dir) / MARKER).is_file()
