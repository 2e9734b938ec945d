"""Engine and sessions. Built once at start-up and passed down; nothing is created at import."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

APPLICATION_ID = 0x50525644  # "PRVD": marks a SQLite file as Parvandeh's
DB_FILENAME = "parvandeh.sqlite3"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _sqlite_engine(url: str, *, begin: str) -> Engine:
    # isolation_level=None hands transaction control to us, so we can say BEGIN IMMEDIATE for
    # writers: two PCs (or processes) never deadlock upgrading a read lock to a write lock.
    engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql(begin)

    return engine


class Database:
    """The clinic's database: a write engine and a read engine over the same store."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite"):
            self.write_engine = _sqlite_engine(url, begin="BEGIN IMMEDIATE")
            self.read_engine = _sqlite_engine(url, begin="BEGIN")
        else:
            self.write_engine = create_engine(url, pool_pre_ping=True)
            self.read_engine = self.write_engine
        self._name_index: Optional[bool] = None
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        if self.dialect != "sqlite":
            return None
        return Path(self.write_engine.url.database)

    @property
    def has_name_index(self) -> bool:
        """Whether the trigram name index can answer searches (checked once; it comes with a schema revision)."""
        if self._name_index is None:
            from app.storage.search import fts_searchable
            with self.read_engine.connect() as conn:
                self._name_index = fts_searchable(conn)
        return self._name_index

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One service call's write: committed when the block ends, rolled back on any error."""
        with self._writer() as session:
            with session.begin():
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            with session.begin():
                yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A read transaction on a Core connection: for hot read paths (the case list's search)
        that want no ORM unit of work around a few plain SELECTs."""
        with self.read_engine.connect() as conn:
            with conn.begin():
                yield conn

    def analyze(self) -> None:
        """Full statistics after a bulk load, so the planner picks the search and list indexes."""
        with self.write_engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def optimize(self) -> None:
        """Let SQLite refresh the statistics its query planner chooses indexes by."""
        if self.dialect == "sqlite":
            with self.write_engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA optimize")

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


def database_url_for(data_dir: Path) -> str:
    """PARVANDEH_DATABASE_URL (e.g. PostgreSQL) wins; otherwise the data folder's SQLite file."""
    return os.environ.get("PARVANDEH_DATABASE_URL") or sqlite_url(Path(data_dir) / DB_FILENAME)
