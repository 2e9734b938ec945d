"""Telling other PCs that something changed: PostgreSQL's LISTEN/NOTIFY, a cheap poll on SQLite.

Every write that adds to the audit trail sends NOTIFY on PostgreSQL (delivered at commit, so
never for a rolled-back save). The audit trail's newest id is the change counter on both
engines: a reader asks for the entries after the last id it saw (app.services.changes)."""

from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import AuditEntry

CHANNEL = "parvandeh_changes"
POLL_SECONDS = 2.0


@event.listens_for(Session, "after_flush")
def _notify(session: Session, _context) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    if any(isinstance(obj, AuditEntry) for obj in session.new):
        session.connection().exec_driver_sql(f"NOTIFY {CHANNEL}")


class ChangeWaiter:
    """wait(timeout) returns when another program may have changed something (or at the timeout)."""

    def __init__(self, url: str):
        self.conn = None
        if url.startswith("postgresql"):
            import psycopg

            from app.storage.pgdump import libpq_url
            self.conn = psycopg.connect(libpq_url(url), autocommit=True)
            self.conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float = POLL_SECONDS) -> bool:
        if self.conn is None:
            time.sleep(timeout)
            return True  # SQLite: look at the change counter every few seconds
        for _note in self.conn.notifies(timeout=timeout, stop_after=1):
            return True
        return False

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
