"""The office's data folder: its database (SQLite file or PARVANDEH_DATABASE_URL), its received
and refused files, and the marker that tells the program «this is an office, not a clinic»."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.exc import DatabaseError

from app.constants import APPLICATION_ID, DB_FILENAME, ENV_DATABASE_URL, OFFICE_DB_FILENAME
from app.errors import StorageError
from app.office.marker import MARKER, is_office_folder  # noqa: F401 (callers import them from here too)
from app.storage.database import Database, sqlite_url
from app.storage.migrate import alembic_config, upgrade_to_head

VERSION_TABLE = "office_alembic_version"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
OFFICE_APPLICATION_ID = APPLICATION_ID + 1  # "PRVE": an office's SQLite file, never a clinic's

RECEIVED_DIR, REFUSED_DIR = "received", "refused"


def office_url(data_dir: Path) -> str:
    return os.environ.get(ENV_DATABASE_URL) or sqlite_url(Path(data_dir) / OFFICE_DB_FILENAME)


def _config() -> Config:
    return alembic_config(MIGRATIONS_DIR)


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(db: Database) -> Optional[str]:
    with db.write_engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def _check_ownership(db: Database) -> None:
    if db.dialect != "sqlite":
        return
    with db.write_engine.connect() as conn:
        app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
        tables = inspect(conn).get_table_names()
    if tables and app_id != OFFICE_APPLICATION_ID:
        raise StorageError("این پایگاه داده متعلق به میز اداره در برنامه پرونده نیست و باز نمی‌شود.")


def upgrade(db: Database) -> None:
    _check_ownership(db)
    known = {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
    current = current_revision(db)
    if current == head_revision():
        return
    if current is not None and current not in known:
        raise StorageError("این پایگاه داده اداره با نسخه جدیدتری از برنامه ساخته شده است؛ برنامه را به‌روز کنید.")
    upgrade_to_head(db, _config(), OFFICE_APPLICATION_ID)


def open_office(data_dir: Path, *, create: bool = False) -> Database:
    """The office's database, migrated. Without `create`, the folder must already be an office's."""
    data_dir = Path(data_dir)
    if not create and not is_office_folder(data_dir):
        raise StorageError(f"پوشه {data_dir} پوشه داده اداره نیست؛ ابتدا «parvandeh office init» را اجرا کنید.")
    if create and (data_dir / DB_FILENAME).exists():
        raise StorageError(f"پوشه {data_dir} پوشه داده یک کلینیک است؛ برای اداره پوشه جداگانه‌ای بدهید.")
    data_dir.mkdir(parents=True, exist_ok=True)
    for sub in (RECEIVED_DIR, REFUSED_DIR):
        (data_dir / sub).mkdir(exist_ok=True)
    db = Database(office_url(data_dir))
    try:
        upgrade(db)
    except DatabaseError as exc:
        db.dispose()
        raise StorageError(f"پایگاه داده اداره باز نمی‌شود ({exc.orig}).") from None
    except StorageError:
        db.dispose()
        raise
    return db


def write_marker(data_dir: Path, office_name: str) -> None:
    path = Path(data_dir) / MARKER
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(f"Parvandeh county office data folder / پوشه داده اداره: {office_name}\n", encoding="utf-8")
    tmp.replace(path)
