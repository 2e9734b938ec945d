"""Several PCs, one server: `parvandeh connect --url`, `parvandeh migrate --to`, `parvandeh server setup`."""

from __future__ import annotations

from pathlib import Path

from app.errors import DomainError


def test_connection(url: str) -> str:
    from app.storage.connect import test_connection as test
    return test(url)


def cmd_connect(args) -> int:
    from app.cli import _data_dir
    from app.storage.connect import save_url
    message = test_connection(args.url)
    folder = _data_dir(args, create=True)
    _manager_signs_in(args, folder)
    target = save_url(folder, args.url)  # a new PC's folder is made here, like init
    print(message)
    print(f"این رایانه از این پس از سرور استفاده می‌کند (نشانی در {target}).")
    return 0


def _manager_signs_in(args, folder: Path) -> None:
    """Where this PC's data lives is the manager's to change: the manager of the clinic this folder
    holds now (its SQLite file or its server), or else of the clinic on the new server. Only a new
    folder pointed at an empty server (the first-run wizard then sets the clinic up) needs no one."""
    from app.cli import _signed_in
    from app.services.policy import Action, Kind, require
    db = _clinic_here(folder) or _clinic_on(args.url)
    if db is None:
        return
    try:
        require(_signed_in(args, db), Kind.SETTINGS, Action.CHANGE)
    finally:
        db.dispose()


def _clinic_here(folder: Path):
    from app.services.clinic import is_set_up
    from app.storage.database import URL_FILENAME
    from app.storage.datadir import database_file, open_database
    if not (database_file(folder).is_file() or (folder / URL_FILENAME).is_file()):
        return None
    db = open_database(folder)
    if is_set_up(db):
        return db
    db.dispose()
    return None


def _clinic_on(url: str):
    from sqlalchemy.exc import SQLAlchemyError

    from app.services.clinic import is_set_up
    from app.storage.connect import engine_url
    from app.storage.database import Database
    db = Database(engine_url(url))
    try:
        if is_set_up(db):
            return db
    except SQLAlchemyError:  # an empty server: no tables yet
        pass
    db.dispose()
    return None


def register(sub, common) -> None:
    p = sub.add_parser("connect", parents=[common],
                       help="این رایانه را به پایگاه داده PostgreSQL کلینیک وصل می‌کند (پس از آزمون اتصال)")
    p.add_argument("--url", required=True,
                   help="نشانی سرور، مانند postgresql://parvandeh:رمز@192.168.1.10:5432/parvandeh")
    p.set_defaults(handler=cmd_connect)
    p = sub.add_parser("migrate", parents=[common],
                       help="پرونده‌های این پوشه (SQLite) را به سرور PostgreSQL منتقل می‌کند و شمار ردیف‌ها و زنجیره رویدادها را می‌سنجد")
    p.add_argument("--to", required=True, help="نشانی پایگاه داده تازه و خالی سرور، مانند postgresql://parvandeh:رمز@192.168.1.10/parvandeh")
    p.set_defaults(handler=cmd_migrate)
    server = sub.add_parser("server", parents=[common], help="آماده‌سازی رایانه سرور کلینیک")
    server_sub = server.add_subparsers(dest="server_command", required=True)
    p = server_sub.add_parser("setup", parents=[common],
                              help="دستورهای SQL ساخت نقش و پایگاه داده کلینیک را برای اجرا روی سرور چاپ می‌کند")
    p.add_argument("--role", default="parvandeh", help="نام نقش (کاربر) پایگاه داده")
    p.add_argument("--database", default="parvandeh", help="نام پایگاه داده")
    p.set_defaults(handler=cmd_server_setup)


def cmd_migrate(args) -> int:
    """`parvandeh migrate --to postgresql://...`: this folder's SQLite clinic onto the server, verified."""
    from app.cli import _data_dir
    from app.services.audit import verify_chain
    from app.storage import presence
    from app.storage.database import DB_FILENAME, Database, sqlite_url
    from app.storage.migrate import upgrade
    from app.storage.move import copy_all
    data_dir = _data_dir(args)
    if not (data_dir / DB_FILENAME).is_file():
        raise DomainError(f"پایگاه داده SQLite در {data_dir} نیست؛ چیزی برای انتقال نیست.")
    source = Database(sqlite_url(data_dir / DB_FILENAME))
    upgrade(source)
    from app.cli import _acting_ctx
    from app.services.policy import Action, Kind, require
    try:  # a copy of the whole clinic onto another machine: the manager's alone, signed in first
        require(_acting_ctx(args, source).actor, Kind.BACKUP, Action.CREATE)
        print(test_connection(args.to))
    except BaseException:
        source.dispose()
        raise
    url = args.to.replace("postgresql://", "postgresql+psycopg://", 1)
    target = Database(url)
    try:
        people = presence.others(source)
        if people:
            raise presence.refusal(people)
        upgrade(target)
        results = copy_all(source, target)
        width = max(len(r.table) for r in results)
        for r in results:
            print(f"{r.table:<{width}}  {r.source:>9}  {r.target:>9}  {'درست' if r.ok else 'نادرست'}")
        bad = [r.table for r in results if not r.ok]
        if bad:
            raise DomainError("شمار ردیف‌ها در این جدول‌ها برابر نیست: " + "، ".join(bad))
        with target.read() as s:
            chain = verify_chain(s)
        if not chain.ok:
            raise DomainError(f"زنجیره رویدادها در سرور درست نیست ({chain.reason}).")
        print(f"زنجیره رویدادها ({chain.entries} ردیف) در سرور درست است.")
    finally:
        source.dispose()
        target.dispose()
    from app.storage.connect import save_url
    save_url(data_dir, url)  # owner-only: the address carries the server's password
    print(f"انتقال انجام شد؛ این رایانه از این پس از سرور استفاده می‌کند. فایل SQLite دست نخورده در {data_dir} مانده است.")
    return 0


def cmd_server_setup(args) -> int:
    """The SQL a clinic's server PC runs once (as the postgres superuser) to make the role and database."""
    role, name = args.role, args.database
    for value in (role, name):
        if not value.replace("_", "").isalnum() or not value.isascii():
            raise DomainError("نام نقش و پایگاه داده فقط حروف و ارقام لاتین و زیرخط است.")
    print(f"-- روی رایانه سرور با کاربر postgres اجرا کنید: psql -U postgres -f setup.sql")
    print(f"CREATE ROLE {role} LOGIN PASSWORD :'password';  -- psql -v password=... ")
    print(f"CREATE DATABASE {name} OWNER {role} ENCODING 'UTF8' TEMPLATE template0;")
    print(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC;")
    print(f"-- postgresql.conf: listen_addresses = 'نشانی شبکه داخلی سرور'")
    print(f"-- pg_hba.conf:     host {name} {role} 192.168.1.0/24 scram-sha-256   (شبکه کلینیک خود را بنویسید)")
    print(f"-- سپس روی هر رایانه: parvandeh connect --url postgresql://{role}:رمز@نشانی-سرور/{name}")
    return 0
