"""The data folder: where it is, and opening its database safely."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional

import platformdirs
from sqlalchemy.exc import DatabaseError

from app.errors import StorageError
from app.storage import migrate
from app.storage.database import DB_FILENAME, Database, database_url_for

ENV_VAR = "PARVANDEH_DATA_DIR"


def resolve_data_dir(explicit: Optional[str | Path] = None) -> Path:
    """--data-dir, then PARVANDEH_DATA_DIR, then the user's data folder for the program."""
    chosen = explicit or os.environ.get(ENV_VAR) or platformdirs.user_data_dir("Parvandeh", appauthor=False)
    return Path(chosen).expanduser().resolve()


def database_file(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILENAME


def latest_backup_hint(data_dir: Path) -> str:
    backups = Path(data_dir) / "backups"
    files = sorted(backups.glob("*.pvbak")) if backups.is_dir() else []
    if not files:
        return "هیچ پشتیبانی در پوشه داده پیدا نشد."
    return f"آخرین پشتیبان: {files[-1]} — با دستور «parvandeh restore» بازگردانی کنید."


def open_database(data_dir: Path, *, migrate_schema: bool = True,
                  before_migrate: Optional[Callable[[Optional[str], str], None]] = None) -> Database:
    """Open (and create, for a new folder) the clinic's database, migrating it to this version.

    A damaged file is reported with the way back; it is never silently replaced."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "attachments").mkdir(exist_ok=True)
    (data_dir / "backups").mkdir(exist_ok=True)
    db = Database(database_url_for(data_dir))
    try:
        if migrate_schema:
            migrate.upgrade(db, before_migrate)
        else:
            migrate.check_ownership(db)
    except DatabaseError as exc:
        db.dispose()
        raise StorageError(
            f"پایگاه داده در {database_file(data_dir)} آسیب دیده است و باز نمی‌شود ({exc.orig}). "
            + latest_backup_hint(data_dir)) from None
    except StorageError:
        db.dispose()
        raise
    return db
