"""The name index behind the one search box.

A substring match over 150,000 names is too slow as a plain LIKE scan, so each database keeps a
trigram index of the search keys: SQLite an FTS5 table (kept by triggers), PostgreSQL a pg_trgm GIN
index. Both answer the same `LIKE '%fragment%'` question; this module hides which one is asked."""

from __future__ import annotations

from sqlalchemy import column, select, table

from app.models import CaseFile

FTS_TABLE = "case_name_fts"
MIN_TRIGRAM = 3  # a trigram index cannot narrow a fragment shorter than this

_fts = table(FTS_TABLE, column("rowid"), column("name_key"))


def name_fragment_clause(dialect: str, fragment: str, *, fts_available: bool = True):
    """Case files whose search key contains `fragment` (already a search key)."""
    if dialect == "sqlite" and fts_available and len(fragment) >= MIN_TRIGRAM:
        # FTS5 uses its index only for a two-argument LIKE (no ESCAPE); search keys hold no % or _.
        plain = fragment.replace("%", "").replace("_", "")
        return CaseFile.id.in_(select(_fts.c.rowid).where(_fts.c.name_key.like(f"%{plain}%")))
    return CaseFile.name_key.contains(fragment, autoescape=True)


SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(name_key, tokenize='trigram', detail='none')",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_insert AFTER INSERT ON case_file BEGIN
          INSERT INTO {FTS_TABLE}(rowid, name_key) VALUES (new.id, new.name_key); END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_update AFTER UPDATE OF name_key ON case_file BEGIN
          UPDATE {FTS_TABLE} SET name_key = new.name_key WHERE rowid = old.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_delete AFTER DELETE ON case_file BEGIN
          DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END""",
    f"INSERT INTO {FTS_TABLE}(rowid, name_key) SELECT id, name_key FROM case_file",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS case_name_fts_insert",
    "DROP TRIGGER IF EXISTS case_name_fts_update",
    "DROP TRIGGER IF EXISTS case_name_fts_delete",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_case_name_trgm ON case_file USING gin (name_key gin_trgm_ops)",
)


def is_index_table(name: str) -> bool:
    """FTS5 keeps its own shadow tables; they are not part of the models' metadata."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


def fts_available(connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    return connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (FTS_TABLE,)).first() is not None
