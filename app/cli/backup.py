"""`parvandeh backup` and `parvandeh restore`: the data folder to one file and back (the manager's alone)."""

from __future__ import annotations

from pathlib import Path

from app.errors import DomainError, StorageError


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
    from app.cli import _acting_ctx, _open, read_password
    from app.services.backups import back_up_to
    from app.services.policy import Action, Kind, require
    data_dir = _paths(args)[0]
    db = _open(args)  # a missing, damaged or foreign database stops here, with its own message
    try:
        ctx = _acting_ctx(args, db)
        require(ctx.actor, Kind.BACKUP, Action.CREATE)  # before asking for a second password
        url = _postgres_url(data_dir)
        if url:
            from app.storage.pgdump import dump
            dump(url, Path(args.out))
            print(f"پشتیبان پایگاه داده PostgreSQL در {args.out} نوشته شد (قالب pg_dump). "
                  "پیوست‌ها در پوشه داده این رایانه‌اند؛ پوشه attachments را هم جدا نگه دارید.")
            return 0
        password = None if args.no_encrypt else read_password("رمز پشتیبان: ", confirm=True)
        from app.storage.backup import keep_freed_memory
        keep_freed_memory()  # this command only backs up, then ends
        info = back_up_to(ctx, Path(args.out), password, unencrypted=args.no_encrypt)
    finally:
        db.dispose()
    print(f"پشتیبان در {args.out} نوشته شد ({info.attachment_count} پیوست، "
          f"{'رمزدار' if info.encrypted else 'بدون رمز'}).")
    return 0


def cmd_restore(args) -> int:
    from app.cli import _acting_ctx, read_password
    from app.services.policy import Action, Kind, require
    from app.storage.backup import backup_is_encrypted, restore_backup
    from app.storage.datadir import open_database
    from app.storage.migrate import known_revisions
    data_dir, db_file, attachments = _paths(args)
    source = Path(args.file)
    if not source.is_file():
        raise DomainError(f"فایل {source} پیدا نشد.")
    url = _postgres_url(data_dir)
    if db_file.is_file() or url:
        # A clinic is here already: only its manager may replace it. A database too damaged to
        # open guards nothing any more (whoever damaged it had the file itself); restoring is the cure.
        try:
            db = open_database(data_dir)
        except StorageError:
            db = None
        if db is not None:
            try:
                require(_acting_ctx(args, db).actor, Kind.BACKUP, Action.CHANGE)
            finally:
                db.dispose()
    if url:
        from app.storage.pgdump import restore
        restore(url, source)
        print(f"پشتیبان {source.name} در پایگاه داده PostgreSQL بازگردانی شد.")
        return 0
    password = read_password("رمز پشتیبان: ") if backup_is_encrypted(source) else None
    result = restore_backup(source, db_file, attachments, password=password, known_revisions=known_revisions(),
                            keep_dir=data_dir / "backups")
    kept = f" نسخه پیش از بازگردانی: {result.kept_copy}" if result.kept_copy else ""
    print(f"پشتیبان {source.name} بازگردانی شد ({result.attachments_restored} پیوست).{kept}")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("backup", parents=[common], help="پشتیبان کامل پوشه داده در یک فایل (فقط مدیر، رمزدار)")
    p.add_argument("--out", required=True, help="مسیر فایل پشتیبان (.pvbak)، مثلاً روی فلش")
    p.add_argument("--encrypt", action="store_true",
                   help="رمزگذاری با رمز پشتیبان (پیش‌فرض؛ برای سازگاری با نسخه‌های پیشین پذیرفته می‌شود)")
    p.add_argument("--no-encrypt", action="store_true",
                   help="پشتیبان بدون رمز (هر کس فایل را داشته باشد همه پرونده‌ها را می‌خواند)")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="بازگردانی فایل پشتیبان در پوشه داده (فقط مدیر)")
    p.add_argument("file", help="فایل پشتیبان (.pvbak)")
    p.set_defaults(handler=cmd_restore)
