"""Engine and sessions. Built once at start-up and passed down; nothing is created at import."""

from __future__ import annotations

import contextvars
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from app.constants import APPLICATION_ID, DB_FILENAME, ENV_DATABASE_URL, URL_FILENAME  # noqa: F401  (re-exported)

# Checks run at the start of every transaction opened inside `Database.guard` (the services'
# policy re-reads the acting account there, so a deactivated account is refused at once).
_guards: contextvars.ContextVar[tuple[Callable[[Session], None], ...]] = contextvars.ContextVar(
    "parvandeh_session_guards", default=())


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


BUSY_MS = 30000  # how long a write waits for another PC's write before Busy (the desktop waits less, visibly)


def _sqlite_engine(url: str, *, begin: str, busy_ms: Callable[[], int] = lambda: BUSY_MS) -> Engine:
    # isolation_level=None hands transaction control to us, so we can say BEGIN IMMEDIATE for
    # writers: two PCs (or processes) never deadlock upgrading a read lock to a write lock.
    engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_ms())}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql(begin)

    return engine


# A pooled connection to the server is pinged before use once it has lain idle this long: the
# server may have restarted, or the network between the PCs dropped it, meanwhile. One handed back
# a moment ago (the case list's count, then its page) is used at once: pinging every checkout cost
# a round trip each, a tenth of a search on a 150,000-file clinic.
PING_AFTER_IDLE_S = 1.0


def _server_engine(url: str) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine.pool, "connect")
    @event.listens_for(engine.pool, "checkin")
    def _handed_back(_dbapi_conn, record):
        record.info["handed_back"] = time.monotonic()  # a connection just made needs no ping either

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy):
        handed_back = record.info.get("handed_back")
        if handed_back is not None and time.monotonic() - handed_back < PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(str(error)) from error  # the pool opens a fresh connection
        if not alive:
            raise DisconnectionError("ping failed")

    return engine


class Database:
    """The clinic's database: a write engine and a read engine over the same store."""

    def __init__(self, url: str):
        from app.storage import notify  # noqa: F401  (PostgreSQL: every save tells the other PCs)
        self.url = url
        if url.startswith("sqlite"):
            self.busy_ms = BUSY_MS
            self.write_engine = _sqlite_engine(url, begin="BEGIN IMMEDIATE", busy_ms=lambda: self.busy_ms)
            self.read_engine = _sqlite_engine(url, begin="BEGIN")
        else:
            self.write_engine = _server_engine(url)
            self.read_engine = self.write_engine
        self._name_index: Optional[bool] = None
        self._piece_index: Optional[bool] = None
        self._list_keys: Optional[bool] = None
        # The generation this process opened (app.storage.guard); None until first used, and
        # _guarded is False on a database older than revision 0009 (nothing to check yet).
        self.generation: Optional[str] = None
        self._guarded: Optional[bool] = None
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

    @property
    def has_piece_index(self) -> bool:
        """Whether the table of names' one- and two-letter pieces is there (revision 0014; checked once)."""
        if self._piece_index is None:
            from app.storage.search import has_piece_index
            with self.read_engine.connect() as conn:
                self._piece_index = has_piece_index(conn)
        return self._piece_index

    @property
    def has_list_keys(self) -> bool:
        """Whether the narrow table of each file's status and sort keys is there (revision 0015; checked once)."""
        if self._list_keys is None:
            from app.storage.search import has_list_keys
            with self.read_engine.connect() as conn:
                self._list_keys = has_list_keys(conn)
        return self._list_keys

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One service call's write: committed when the block ends, rolled back on any error.

        Refused with Restored when the database was restored since this process opened it;
        a busy database or a stale version check comes out as a Persian error (app.storage.guard)."""
        from app.storage import guard
        with _in_persian(), self._writer() as session, session.begin():
            if self._is_guarded(session):
                self.generation = guard.check_generation(session, self.generation)
            _run_guards(session)
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        from app.storage import guard
        with _in_persian(), self._reader() as session, session.begin():
            if self.generation is None and self._is_guarded(session):
                self.generation = guard.read_generation(session)
            _run_guards(session)
            yield session

    def _is_guarded(self, session: Session) -> bool:
        if self._guarded is None:
            from app.storage.guard import has_meta
            self._guarded = has_meta(session)
        return self._guarded

    @contextmanager
    def guard(self, check: Callable[[Session], None]) -> Iterator[None]:
        """Run `check(session)` first in every transaction opened inside this block."""
        token = _guards.set(_guards.get() + (check,))
        try:
            yield
        finally:
            _guards.reset(token)

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A read transaction on a Core connection: for hot read paths (the case list's search)
        that want no ORM unit of work around a few plain SELECTs. A busy database comes out as
        the same Persian error as read()'s (app.storage.guard).

        On PostgreSQL the SELECTs run without BEGIN and ROLLBACK: at its READ COMMITTED each
        statement sees its own snapshot inside a transaction too, so the two round trips bought
        nothing, and they were a third of a search's own time there once its SQL took ~5 ms.
        SQLite keeps its read transaction: there it is one snapshot for every statement."""
        with _in_persian(), self.read_engine.connect() as conn:
            if self.dialect == "sqlite":
                with conn.begin():
                    yield conn
            else:
                conn.execution_options(isolation_level="AUTOCOMMIT")
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

    def wait_when_busy(self, ms: int) -> None:
        """How long one write waits for the write lock before Busy; the desktop keeps it short and
        retries with a visible «در حال انتظار…» rather than freezing."""
        self.busy_ms = ms
        self.write_engine.dispose()  # connections made so far carry the old timeout

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


@contextmanager
def _in_persian() -> Iterator[None]:
    """A busy database, a stale version or a restore since opening comes out as the Persian error
    app.storage.guard makes of it; anything else passes through unchanged."""
    from app.storage import guard
    try:
        yield
    except Exception as exc:
        persian = guard.translate(exc)
        if persian is None:
            raise
        raise persian from exc


def _run_guards(session: Session) -> None:
    for check in _guards.get():
        check(session)




def database_url_for(data_dir: Path) -> str:
    """PARVANDEH_DATABASE_URL (e.g. PostgreSQL) wins; then the folder's database-url.txt; else its SQLite file."""
    url_file = Path(data_dir) / URL_FILENAME
    saved = url_file.read_text(encoding="utf-8").strip() if url_file.is_file() else ""
    if saved and os.name == "posix" and url_file.stat().st_mode & 0o077:
        try:  # written by an older version readable by all: the password in it is the owner's alone now
            os.chmod(url_file, 0o600)
        except OSError:
            pass
    return os.environ.get(ENV_DATABASE_URL) or saved or sqlite_url(Path(data_dir) / DB_FILENAME)
