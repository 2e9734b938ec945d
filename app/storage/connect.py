"""Pointing a PC at the clinic's PostgreSQL server: test the address, then remember it for this folder."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from app.errors import DomainError
from app.storage.database import URL_FILENAME

CONNECT_TIMEOUT_S = 5


def engine_url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("postgresql://", "postgresql+psycopg://")):
        raise DomainError("نشانی باید با postgresql:// شروع شود، مثلاً postgresql://parvandeh:رمز@192.168.1.10/parvandeh",
                          field="database_url")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_connection(url: str) -> str:
    """A Persian sentence on success; DomainError with the reason otherwise. Nothing is written."""
    from alembic.runtime.migration import MigrationContext

    from app.storage.migrate import head_revision
    engine = create_engine(engine_url(url), connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as error:
        raise DomainError("اتصال به سرور برقرار نشد؛ نشانی، رمز، روشن بودن سرور و دیوار آتش را بررسی کنید. "
                          f"({type(error.__cause__ or error).__name__})", field="database_url") from None
    finally:
        engine.dispose()
    if revision is None:
        return "اتصال برقرار شد؛ پایگاه داده خالی است و برنامه در نخستین اجرا آن را می‌سازد."
    if revision != head_revision():
        return "اتصال برقرار شد؛ پایگاه داده با نسخه دیگری از برنامه است و در اجرای بعدی به‌روز می‌شود."
    return "اتصال برقرار شد؛ پایگاه داده آماده است."


def save_url(data_dir: Path, url: str) -> Path:
    """This folder uses the server from the next start (written beside, then renamed).

    The address holds the server's password in plain text (SECURITY.md): the file is made readable by
    its owner alone (0600; on Windows the data folder's ACL guards it) before a byte is written."""
    target = Path(data_dir) / URL_FILENAME
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write((engine_url(url) + "\n").encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())
    partial.replace(target)
    return target


def saved_url(data_dir: Path) -> str:
    target = Path(data_dir) / URL_FILENAME
    return target.read_text(encoding="utf-8").strip() if target.is_file() else ""
