"""PostgreSQL's id sequences after rows were written with their ids given (demo data, a move
from SQLite): without this the next ordinary save takes an id already used and fails."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.models import Base


def reset_sequences(conn: Connection) -> None:
    """Each table's id sequence set just past its highest id (no-op on SQLite, which needs none)."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.autoincrement:
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        if seq:
            conn.execute(text(f"SELECT setval(:s, COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"),
                         {"s": seq})
