"""Schema migrations with the Alembic revisions shipped inside the package.

Alembic (with Mako and Pygments behind it) takes about half a second to import, and a database
whose schema is current needs none of it: the head revision is read off the revision files'
`revision = "..."` lines and the database's revision is one query of alembic_version. Alembic is
imported only when a migration is actually needed (or a caller asks for its objects)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from app.errors import StorageError

if TYPE_CHECKING:  # SQLAlchemy is imported by whoever opens a Database, not by reading revisions
    from app.storage.database import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:['"]([^'"]*)['"]|None)\s*$""", re.M)


def alembic_config(directory: Path = MIGRATIONS_DIR):
    """Alembic's configuration for revisions shipped in `directory` (the clinic's, or the office's)."""
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(directory))
    return cfg


def script_directory():
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config())


@lru_cache(maxsize=1)
def _revision_graph() -> Optional[dict[str, Optional[str]]]:
    """{revision: down_revision} read from the shipped revision files without Alembic; None when a
    file does not state them as plain strings (a merge revision's tuple): then Alembic is asked."""
    graph: dict[str, Optional[str]] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if path.name == "__init__.py":
            continue
        found = dict((key, value or None) for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        graph[found["revision"]] = found["down_revision"]
    return graph or None


def head_revision() -> str:
    graph = _revision_graph()
    if graph is not None:
        heads = set(graph) - set(graph.values())
        if len(heads) == 1:
            return heads.pop()
    return script_directory().get_current_head()


def known_revisions() -> list[str]:
    graph = _revision_graph()
    if graph is not None:
        return list(graph)
    return [rev.revision for rev in script_directory().walk_revisions()]


def current_revision(db: Database) -> Optional[str]:
    """The database's schema revision (None for a new one): one query of Alembic's own table."""
    with db.write_engine.connect() as conn:
        if not _has_table(conn, "alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _has_table(conn, name: str) -> bool:
    if conn.dialect.name == "sqlite":
        return conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).first() is not None
    from sqlalchemy import inspect
    return inspect(conn).has_table(name)


def check_ownership(db: Database) -> None:
    """Refuse a SQLite file made by another program rather than writing tables into it."""
    from app.storage.database import APPLICATION_ID
    if db.dialect != "sqlite":
        return
    with db.write_engine.connect() as conn:
        app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
        tables = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1").first()
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
    from app.storage.database import APPLICATION_ID
    upgrade_to_head(db, alembic_config(), APPLICATION_ID)
    return True


def upgrade_to_head(db: Database, cfg, application_id: int) -> None:
    """Alembic's upgrade to the newest revision in one transaction on the write connection; a
    SQLite file is marked with `application_id` first, so it is known as ours from then on."""
    from alembic import command
    with db.write_engine.begin() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql(f"PRAGMA application_id={application_id}")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def integrity_problems(db: Database) -> list[str]:
    """SQLite's own integrity and foreign-key checks; an empty list means sound."""
    if db.dialect != "sqlite":
        with db.read_engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return []
    problems: list[str] = []
    with db.write_engine.connect() as conn:
        for (row,) in conn.exec_driver_sql("PRAGMA integrity_check").fetchall():
            if row != "ok":
                problems.append(f"integrity_check: {row}")
        for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign_key_check: table {row[0]} rowid {row[1]} -> {row[2]}")
    return problems
