"""Backup and restore when the clinic's database is PostgreSQL: pg_dump's custom format and
pg_restore, never the data folder's SQLite file (a stray one may lie there from before)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.errors import StorageError
from app.storage import presence
from app.storage.database import Database
from app.storage.guard import GENERATION_KEY

MAGIC = b"PGDMP"  # the first bytes of pg_dump's custom format


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise StorageError(f"برنامه {name} (از ابزارهای PostgreSQL) روی این رایانه پیدا نشد؛ ابزارهای "
                           "PostgreSQL را نصب کنید یا پشتیبان را روی رایانه سرور بگیرید.")
    return found


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise StorageError("ابزار PostgreSQL کار را تمام نکرد؛ چیزی تغییر نکرد. پیام آن: " + done.stderr.strip()[-500:])


def dump(url: str, out: Path) -> Path:
    """The whole database into one file (written beside, then renamed: never half a file)."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    try:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), libpq_url(url)])
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def restore(url: str, source: Path, own_session: str | None = None) -> None:
    """The dump in place of the database, in one transaction; refused while anyone else is connected.

    Afterwards the database has a new generation, so a program that had it open cannot write."""
    source = Path(source)
    with open(source, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise StorageError("این فایل پشتیبان PostgreSQL (pg_dump) نیست.")
    db = Database(url)
    try:
        people = presence.others(db, own_session)
        if people:
            raise presence.refusal(people)
    finally:
        db.dispose()
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--dbname", libpq_url(url), str(source)])
    db = Database(url)
    try:
        with db.write_engine.begin() as conn:
            conn.execute(text("UPDATE db_meta SET value = :g WHERE key = :k"), {"g": uuid.uuid4().hex, "k": GENERATION_KEY})
            conn.execute(text("DELETE FROM db_session"))
    finally:
        db.dispose()
