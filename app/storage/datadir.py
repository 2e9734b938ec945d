"""The data folder: where it is, and opening its database safely."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path
from typing import Callable, Optional

from typing import TYPE_CHECKING

from app.constants import DB_FILENAME, ENV_DATA_DIR
from app.errors import StorageError

if TYPE_CHECKING:
    from app.storage.database import Database

ENV_VAR = ENV_DATA_DIR


def resolve_data_dir(explicit: Optional[str | Path] = None) -> Path:
    """--data-dir, then PARVANDEH_DATA_DIR, then the clinic's shared folder named in the machine-wide
    config file (written by the Windows installer), then the user's own data folder for the program.
    (platformdirs and configparser are imported only when needed: every command starts here.)"""
    chosen = explicit or os.environ.get(ENV_VAR) or machine_data_dir()
    if not chosen:
        import platformdirs
        chosen = platformdirs.user_data_dir("Parvandeh", appauthor=False)
    return Path(chosen).expanduser().resolve()


def machine_config_file() -> Path:
    """One file for every account on the PC: on Windows %ProgramData%\\Parvandeh\\parvandeh.ini
    (where the installer writes it), elsewhere /etc/parvandeh/parvandeh.ini."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA") or r"C:\ProgramData") / "Parvandeh" / "parvandeh.ini"
    return Path("/etc/parvandeh/parvandeh.ini")


def machine_data_dir(config_file: Optional[Path] = None) -> Optional[Path]:
    """The shared data folder from the machine-wide config file, or None when there is no such file.

    A file that is there but unreadable or without an absolute folder is an error, not a reason to
    fall back to the user's own (empty) folder: that would look like a clinic with no files."""
    config_file = config_file or machine_config_file()
    if not config_file.is_file():
        return None
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(config_file.read_text(encoding="utf-8-sig"), source=str(config_file))
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise StorageError(f"پرونده تنظیمات این رایانه ({config_file}) خوانده نشد: {exc}") from None
    folder = parser.get("data", "folder", fallback="").strip()
    if not folder or not _is_absolute(folder):
        raise StorageError(f"در پرونده تنظیمات این رایانه ({config_file}) پوشه داده (بخش [data]، folder) "
                           "با مسیر کامل نیامده است.")
    return Path(folder)


def _is_absolute(folder: str) -> bool:
    from pathlib import PureWindowsPath
    return Path(folder).is_absolute() or PureWindowsPath(folder).is_absolute()


def database_file(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILENAME


def latest_backup_hint(data_dir: Path) -> str:
    backups = Path(data_dir) / "backups"
    files = sorted(backups.glob("*.pvbak")) if backups.is_dir() else []
    if not files:
        return "هیچ پشتیبانی در پوشه داده پیدا نشد."
    return f"آخرین پشتیبان: {files[-1]} — با دستور «parvandeh restore» بازگردانی کنید."


def copy_before_upgrade(db: Database, data_dir: Path, revision: str) -> Optional[Path]:
    """A plain copy of the SQLite file in backups/, taken before its schema is changed.

    SQLite's online backup gives a consistent copy even of a WAL database; it is written under a
    temporary name and renamed, so a file named before-upgrade-* is always complete. PostgreSQL
    is backed up by its server, so nothing is copied for it."""
    source = db.sqlite_path
    if source is None:
        return None
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = Path(data_dir) / "backups"
    target = folder / f"before-upgrade-{revision}-{stamp}.sqlite3"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"before-upgrade-{revision}-{stamp}-{n}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(
            f"پیش از به‌روزرسانی پایگاه داده نسخه پشتیبان گرفته نشد و به‌روزرسانی انجام نشد ({exc}). "
            "فضای خالی دیسک و دسترسی پوشه داده را بررسی کنید.") from None
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())


def _copy_hook(db: Database, data_dir: Path) -> Callable[[Optional[str], str], None]:
    def take_copy(current: Optional[str], _head: str) -> None:
        copy_before_upgrade(db, data_dir, current or "none")
    return take_copy


def open_database(data_dir: Path, *, migrate_schema: bool = True,
                  before_migrate: Optional[Callable[[Optional[str], str], None]] = None) -> Database:
    """Open (and create, for a new folder) the clinic's database, migrating it to this version.

    Before an existing database is migrated, `before_migrate(current, head)` runs; without one,
    a plain copy goes to backups/ (copy_before_upgrade). A damaged file is reported with the way
    back; it is never silently replaced."""
    from sqlalchemy.exc import DatabaseError

    from app.storage import migrate
    from app.storage.database import Database, database_url_for
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "attachments").mkdir(exist_ok=True)
    (data_dir / "backups").mkdir(exist_ok=True)
    make_private(data_dir)
    db = Database(database_url_for(data_dir))
    if before_migrate is None:
        before_migrate = _copy_hook(db, data_dir)
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
    remove_stale_temp_files(data_dir)
    make_private(data_dir)  # the database and its WAL exist now
    return db


def make_private(data_dir: Path) -> None:
    """The data folder, its database (with WAL and shared memory), attachments and automatic
    backups: readable by the account that runs the program only (0700 folders, 0600 files).
    POSIX only; on Windows the installer's ACL for the clinic's staff group guards the folder."""
    if os.name != "posix":
        return
    data_dir = Path(data_dir)
    paths = [data_dir, data_dir / "attachments", data_dir / "backups", data_dir / "drafts"]
    paths += [data_dir / (DB_FILENAME + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    backups = data_dir / "backups"
    if backups.is_dir():
        paths += list(backups.iterdir())
    for path in paths:
        try:
            if path.is_dir():
                os.chmod(path, 0o700)
            elif path.is_file():
                os.chmod(path, 0o600)
        except OSError:
            pass  # not ours to change (a shared folder set up by an administrator): leave it


# Working files a killed program can leave behind: a backup's snapshot of the database (with
# its journal files) and a draft being written. A day old, nobody is still writing them.
STALE_PATTERNS = (".parvandeh-backup-*.tmp", ".parvandeh-backup-*.tmp-wal", ".parvandeh-backup-*.tmp-shm",
                  ".parvandeh-backup-*.tmp-journal", "drafts/.*.tmp")
STALE_AFTER = dt.timedelta(days=1)


def remove_stale_temp_files(data_dir: Path, now: Optional[dt.datetime] = None) -> list[Path]:
    """Deletes the working files of backups and drafts cut short by a crash or a power cut
    (never a backup, a draft or the database itself); returns what it deleted."""
    cutoff = (now or dt.datetime.now()).timestamp() - STALE_AFTER.total_seconds()
    deleted = []
    for pattern in STALE_PATTERNS:
        for path in Path(data_dir).glob(pattern):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    deleted.append(path)
            except OSError:
                continue  # in use (Windows) or already gone: next time
    return deleted
