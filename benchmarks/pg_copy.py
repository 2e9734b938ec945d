"""A PostgreSQL copy of a SQLite demo folder, for the search benchmark (benchmark-only).

    python -m benchmarks.pg_copy --source benchmarks/cache/<folder> \
        --url 'postgresql+psycopg://postgres@/parvandeh_search150k?host=/tmp/parvandeh-pg&port=55432'

`parvandeh demo` into PostgreSQL writes 150,000 files row by row through the program (49 minutes
last time under load). The rows are the same as the SQLite folder's, so this makes the database
afresh (DROP/CREATE), brings an empty schema to the folder's own revision with the program's
migrations, copies every table's rows with psycopg COPY (foreign-key triggers off while copying,
as pg_restore does), sets the id sequences past the copied ids, then runs the program's
migrations to the head (they build what each revision adds from the copied rows, as on a clinic's
upgrade), ANALYZE and VACUUM (the visibility map lets index-only scans skip the table).
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

SKIP = ("alembic_version", "sqlite_stat1")
BATCH = 20000


def main() -> None:
    parser = argparse.ArgumentParser(description="copy a SQLite demo folder into a new PostgreSQL database")
    parser.add_argument("--source", required=True, help="a demo data folder (its parvandeh.sqlite3 is read only)")
    parser.add_argument("--url", required=True, help="postgresql+psycopg://... of the database to (re)create")
    parser.add_argument("--only-migrate", action="store_true",
                        help="the rows are there already: only the migrations to the head, VACUUM ANALYZE")
    args = parser.parse_args()
    started = time.perf_counter()
    steps = migrate(args.url) if args.only_migrate else copy_folder(Path(args.source) / "parvandeh.sqlite3", args.url)
    for step, seconds in steps:
        print(f"{step}: {seconds:.1f} s", flush=True)
    print(f"total: {time.perf_counter() - started:.1f} s")


def copy_folder(sqlite_path: Path, url: str):
    from alembic import command

    from app.storage.database import Database
    from app.storage.migrate import alembic_config
    from app.storage.search import is_index_table
    from benchmarks.exact_sql import bare_psycopg

    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    revision = source.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    t = time.perf_counter()
    _recreate(url)
    db = Database(url)
    cfg = alembic_config()
    with db.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    yield f"empty schema at revision {revision}", time.perf_counter() - t

    tables = [name for (name,) in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if name not in SKIP and not is_index_table(name) and not name.startswith("sqlite_")]
    pg = bare_psycopg(url)
    with pg.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no foreign-key triggers while copying
        for table in tables:
            t = time.perf_counter()
            rows = _copy_table(source, cur, table)
            yield f"copy {table} ({rows:,} rows)", time.perf_counter() - t
        cur.execute("SET session_replication_role = origin")
        for table in tables:
            cur.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'",
                        (table,))
            if cur.fetchone() is None:
                continue
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
            sequence = cur.fetchone()
            if sequence and sequence[0]:
                cur.execute(f'SELECT setval(%s, (SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)',
                            (sequence[0],))
    pg.commit()
    pg.close()
    db.dispose()
    yield from migrate(url)


def migrate(url: str):
    from app.storage.database import Database
    from app.storage.migrate import upgrade
    db = Database(url)
    t = time.perf_counter()
    upgrade(db)
    yield "program's migrations to the head", time.perf_counter() - t
    t = time.perf_counter()
    with db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    yield "VACUUM ANALYZE", time.perf_counter() - t
    db.dispose()


def _recreate(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    maintenance = parsed.set(database="postgres").render_as_string(hide_password=False)
    from benchmarks.exact_sql import bare_psycopg
    conn = bare_psycopg(maintenance)
    conn.autocommit = True
    name = psycopg.sql.Identifier(parsed.database)
    conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(name))
    conn.close()


def _copy_table(source: sqlite3.Connection, cur, table: str) -> int:
    columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{c}"' for c in columns)
    read = source.execute(f'SELECT {names} FROM "{table}"')
    count = 0
    with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        while batch := read.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)  # booleans stored as 0/1 read as PostgreSQL booleans
            count += len(batch)
    return count


if __name__ == "__main__":
    main()
