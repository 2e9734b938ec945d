"""`parvandeh backup` and `parvandeh restore`: the data folder to one file and back."""

from __future__ import annotations

from pathlib import Path

from app.errors import DomainError


def _paths(args):
    from app.cli import _data_dir
    from app.storage.datadir import database_file
    data_dir = _data_dir(args)
    return data_dir, database_file(data_dir), data_dir / "attachments"


def _postgres_url(data_dir: Path) -> str | None:
    """The clinic's PostgreSQL address when it uses one: then the folder's SQLite file is not the data."""
    from app.storage.database import database_url_for
    url = database_url_for(data_dir)
    return None if url.startswith("sqlite") else url


def cmd_backup(args) -> int:
    from app.cli import read_password
    from app.storage.backup import create_backup
    from app.storage.datadir import open_database
    data_dir, db_file, attachments = _paths(args)
    url = _postgres_url(data_dir)
    if url:
        from app.storage.pgdump import dump
        dump(url, Path(args.out))
        print(f"پشتیبان پایگاه داده PostgreSQL در {args.out} نوشته شد (قالب pg_dump). "
              "پیوست‌ها در پوشه داده این رایانه‌اند؛ پوشه attachments را هم جدا نگه دارید.")
        return 0
    if not db_file.is_file():
        raise DomainError(f"پایگاه داده‌ای در {data_dir} نیست.")
    open_database(data_dir).dispose()  # a damaged or foreign file stops here, with its own message
    password = read_password("رمز پشتیبان: ", confirm=True) if args.encrypt else None
    info = create_backup(db_file, attachments, Path(args.out), password=password)
    print(f"پشتیبان در {args.out} نوشته شد ({info.attachment_count} پیوست، "
          f"{'رمزدار' if info.encrypted else 'بدون رمز'}).")
    return 0


def cmd_restore(args) -> int:
    from app.cli import read_password
    from app.storage.backup import backup_is_encrypted, restore_backup
    from app.storage.migrate import known_revisions
    data_dir, db_file, attachments = _paths(args)
    source = Path(args.file)
    if not source.is_file():
        raise DomainError(f"فایل {source} پیدا نشد.")
    url = _postgres_url(data_dir)
    if url:
        from app.storage.pgdump import restore
        restore(url, source)
        print(f"پشتیبان {source.name} در پایگاه داده PostgreSQL بازگردانی شد.")
        return 0
    password = read_password("رمز پشتیبان: ") if backup_is_encrypted(source) else None
    data_dir.mkdir(parents=True, exist_ok=True)
    result = restore_backup(source, db_file, attachments, password=password, known_revisions=known_revisions(),
                            keep_dir=data_dir / "backups")
    kept = f" نسخه پیش از بازگردانی: {result.kept_copy}" if result.kept_copy else ""
    print(f"پشتیبان {source.name} بازگردانی شد ({result.attachments_restored} پیوست).{kept}")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("backup", parents=[common], help="back the data folder up into one file")
    p.add_argument("--out", required=True)
    p.add_argument("--encrypt", action="store_true", help="encrypt with a backup password (read from stdin)")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="restore a backup file into the data folder")
    p.add_argument("file")
    p.set_defaults(handler=cmd_restore)
