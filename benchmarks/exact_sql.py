"""The exact SQL the program sends, captured and replayed through the bare driver: the honest floor.

A hand-written "equivalent" query is not a floor: it can be planned worse (or better) than what the
program sends, and then the ratio measures the two plans, not the program's own overhead. Here a
search is run once through the program with a listener on its engines that records every statement
and its parameters as the driver received them (and where each transaction began and ended); the
floor is the same statements, in the same transactions, sent by the bare driver (sqlite3 or
psycopg) and every row fetched. What remains between the two is the program's own cost: building
and compiling statements, sessions, turning rows into objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

COMMIT = ("COMMIT", None)
ROLLBACK = ("ROLLBACK", None)


@dataclass
class Capture:
    """Statements (sql, parameters) in the order the driver got them; COMMIT/ROLLBACK marks."""

    calls: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def statements(self) -> int:
        return sum(1 for sql, _ in self.calls if (sql, None) not in (COMMIT, ROLLBACK) and sql != "BEGIN")


class Recorder:
    """Listens on a Database's engines; `capture(fn)` returns what fn sent."""

    def __init__(self, db):
        from sqlalchemy import event
        self._event = event
        self._engines = {db.write_engine, db.read_engine}
        self._current: Capture | None = None
        for engine in self._engines:
            event.listen(engine, "before_cursor_execute", self._on_execute)
            event.listen(engine, "commit", self._on_commit)
            event.listen(engine, "rollback", self._on_rollback)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        if self._current is not None:
            self._current.calls.append((statement, parameters))

    def _on_commit(self, conn):
        if self._current is not None:
            self._current.calls.append(COMMIT)

    def _on_rollback(self, conn):
        if self._current is not None:
            self._current.calls.append(ROLLBACK)

    def capture(self, fn: Callable[[], object]) -> Capture:
        self._current = Capture()
        try:
            fn()
            return self._current
        finally:
            self._current = None

    def close(self) -> None:
        for engine in self._engines:
            self._event.remove(engine, "before_cursor_execute", self._on_execute)
            self._event.remove(engine, "commit", self._on_commit)
            self._event.remove(engine, "rollback", self._on_rollback)


def replay_sqlite(conn, capture: Capture) -> int:
    """The captured statements through a bare sqlite3 connection opened with isolation_level=None
    (as the program's are); every row fetched. Returns the rows read."""
    rows = 0
    for sql, params in capture.calls:
        if (sql, params) == COMMIT:
            if conn.in_transaction:
                conn.execute("COMMIT")
        elif (sql, params) == ROLLBACK:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        else:
            rows += len(conn.execute(sql, params or ()).fetchall())
    return rows


def replay_psycopg(conn, capture: Capture) -> int:
    """The same through a bare psycopg connection (autocommit off: psycopg begins a transaction
    at the first statement, as SQLAlchemy's does)."""
    rows = 0
    with conn.cursor() as cur:
        for sql, params in capture.calls:
            if (sql, params) == COMMIT:
                conn.commit()
            elif (sql, params) == ROLLBACK:
                conn.rollback()
            else:
                cur.execute(sql, params or None)
                if cur.description is not None:
                    rows += len(cur.fetchall())
    return rows


def bare_sqlite(path):
    import sqlite3
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"):
        conn.execute(pragma)
    return conn


def bare_psycopg(sqlalchemy_url: str):
    """A psycopg connection to the database a `postgresql+psycopg://` URL names."""
    import psycopg
    from sqlalchemy.engine import make_url
    url = make_url(sqlalchemy_url)
    kwargs = {"dbname": url.database, "user": url.username, "password": url.password, "host": url.host,
              "port": url.port, **{k: v for k, v in url.query.items()}}
    return psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None})
