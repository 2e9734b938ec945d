"""Drafts of unfinished forms, kept on disk so a power cut does not lose a visit note.

Each draft is one JSON file in a folder. A save writes a temporary file beside the final one,
flushes it to the disk and renames it over the old file: after a crash the folder holds either
the old draft or the new one, never half of one. No Qt here; the UI's autosaver calls this.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from app.atomic import write_atomically

DRAFT_SUFFIX = ".json"
TEMP_SUFFIX = ".tmp"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def draft_file_name(key: str) -> str:
    """A file name for `key` that can never leave the folder.

    Only ASCII letters, digits, _ and - survive; the hash keeps keys that differ only in the
    removed characters (Persian text, slashes, dots) apart.
    """
    slug = _UNSAFE.sub("_", key).strip("_")[:40] or "draft"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"{slug}-{digest}{DRAFT_SUFFIX}"


class DraftStore:
    """Save, load, list and discard drafts in one folder."""

    def __init__(self, folder: Path, clock: Callable[[], datetime] = _utc_now):
        self.folder = Path(folder)
        self._clock = clock

    def path_for(self, key: str) -> Path:
        return self.folder / draft_file_name(key)

    def save(self, key: str, data: dict[str, Any]) -> datetime:
        """Write the draft atomically and return the time stored with it.

        The data must be JSON-compatible (text, numbers, booleans, None, lists, dicts);
        it is serialised before any file is touched, so a bad value changes nothing.
        """
        saved_at = self._clock()
        record = {"key": key, "saved_at": saved_at.isoformat(), "data": data}
        payload = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path_for(key), payload, suffix=TEMP_SUFFIX)
        return saved_at

    def load(self, key: str) -> dict[str, Any] | None:
        record = _read_record(self.path_for(key))
        if record is None or record.get("key") != key:
            return None
        return record["data"]

    def list(self) -> list[tuple[str, datetime, dict[str, Any]]]:
        """Every readable draft as (key, saved_at, data), the newest first."""
        if not self.folder.is_dir():
            return []
        drafts = []
        for path in self.folder.glob("*" + DRAFT_SUFFIX):
            record = _read_record(path)
            if record is not None:
                saved_at = datetime.fromisoformat(record["saved_at"])
                drafts.append((record["key"], saved_at, record["data"]))
        drafts.sort(key=lambda draft: draft[1], reverse=True)
        return drafts

    def discard(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)


def _read_record(path: Path) -> dict[str, Any] | None:
    """The stored record, or None when the file is missing or unreadable.

    A damaged draft must not stop the program from starting, so it is skipped, not raised.
    """
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not {"key", "saved_at", "data"} <= record.keys():
        return None
    return record
