"""Moving a one-PC clinic (its SQLite file) onto the clinic's PostgreSQL server.

Every table is copied in batches in the order foreign keys need, inside one transaction on the
server; then each table's row count is compared and the audit chain is verified on the server
before the clinic is pointed at it. Nothing is changed in the SQLite file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import DateTime, func, insert, select

from app.errors import StorageError
from app.models import Base
from app.storage.database import Database
from app.storage.sequences import reset_sequences

BATCH = 2000
NOT_COPIED = {"db_meta", "db_session"}  # the server keeps its own generation; nobody is connected to it yet


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


def _aware(row: dict, columns: list[str]) -> dict:
    # SQLite gives back the UTC wall time without its zone; PostgreSQL must not read it as local time.
    for name in columns:
        value = row.get(name)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            row[name] = value.replace(tzinfo=dt.timezone.utc)
    return row


def copy_all(source: Database, target: Database, progress: Optional[Callable[[str, int], None]] = None) -> list[TableCount]:
    """Copy every table; refuse a target that already holds a clinic. Returns the verified counts."""
    from app.models import CaseFile, Staff
    with target.read() as s:
        if (s.scalar(select(func.count()).select_from(Staff)) or s.scalar(select(func.count()).select_from(CaseFile))):
            raise StorageError("پایگاه داده سرور خالی نیست؛ انتقال فقط به پایگاه داده تازه انجام می‌شود تا چیزی روی هم نریزد.")
    tables = [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED]
    with source.read_engine.connect() as src, target.write_engine.begin() as dst:
        for table in tables:
            stamps = [c.name for c in table.columns if isinstance(c.type, DateTime)]
            order = list(table.primary_key.columns)
            result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
            copied = 0
            for rows in result.partitions(BATCH):
                dst.execute(insert(table), [_aware(dict(r._mapping), stamps) for r in rows])
                copied += len(rows)
                if progress:
                    progress(table.name, copied)
        reset_sequences(dst)
    return counts(source, target, tables)


def counts(source: Database, target: Database, tables=None) -> list[TableCount]:
    tables = tables or [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED]
    out = []
    with source.read_engine.connect() as src, target.read_engine.connect() as dst:
        for table in tables:
            n = select(func.count()).select_from(table)
            out.append(TableCount(table.name, src.execute(n).scalar() or 0, dst.execute(n).scalar() or 0))
    return out
