"""Schema migrations with the Alembic revisions shipped inside the package."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app.errors import StorageError
from app.storage.database import APPLICATION_ID, Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return script_directory().get_current_head()


def known_revisions() -> list[str]:
    return [rev.revision for rev in script_directory().walk_revisions()]


def current_revision(db: Database) -> Optional[str]:
    with db.write_engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_ownership(db: Database) -> None:
    """Refuse a SQLite file made by another program rather than writing tables into it."""
    if db.dialect != "sqlite":
        return
    with db.write_engine.connect() as conn:
        app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
        tables = inspect(conn).get_table_names()
    if tables and app_id != APPLICATION_ID:
        raise StorageError("این پایگاه داده متعلق به برنامه پرونده نیست و باز نمی‌شود.")


def upgrade(db: Database, before_migrate: Callable[[Optional[str], str], None] | None = None) -> bool:
    """Bring the schema to the newest revision; returns True when a migration ran.

    `before_migrate(current, head)` runs first (the caller takes a backup there)."""
    check_ownership(db)
    current, head = current_revision(db), head_revision()
    if current == head:
        return False
    if current is not None and current not in known_revisions():
        raise StorageError("این پایگاه داده با نسخه جدیدتری از برنامه ساخته شده است؛ برنامه را به‌روز کنید.")
    if before_migrate is not None and current is not None:
        before_migrate(current, head)
    cfg = alembic_config()
    with db.write_engine.begin() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def integrity_problems(db: Database) -> list[str]:
    """SQLite's own integrity and foreign-key checks; an empty list means sound."""
    if db.dialect != "sqlite":
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return []
    problems: list[str] = []
    with db.write_engine.connect() as conn:
        for (row,) in conn.exec_driver_sql("PRAGMA integrity_check").fetchall():
            if row != "ok":
                problems.append(f"integrity_check: {row}")
        for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign_key_check: table {row[0]} rowid {row[1]} -> {row[2]}")
    return problems
