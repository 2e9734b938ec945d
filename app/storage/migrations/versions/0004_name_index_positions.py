"""Name search index with token positions, so a fragment is answered by the index alone

Create Date: 2026-11-23 09:00:00

Revision 0003 made the FTS5 trigram table with detail='none'. Such a table can only answer
LIKE '%fragment%' by reading and testing the text of every candidate row, which took most of a
search's time on 150,000 files. With detail='full' a fragment is a phrase of its trigrams
(MATCH '"fragment"') and the index alone answers it; keys are indexed with two full stops after
them and the index's term list is exposed (fts5vocab), so two-letter fragments are looked up too
(see app.storage.search). The table is rebuilt from case_file; its triggers keep their names.
PostgreSQL's pg_trgm index is not touched.
"""
import logging

from alembic import op
import sqlalchemy as sa

from app.storage import search

revision = '0004'
down_revision = '0003'

log = logging.getLogger(__name__)

_T = search.FTS_TABLE
_DDL_0003 = (  # as revision 0003 made it
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_T} USING fts5(name_key, tokenize='trigram', detail='none')",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_insert AFTER INSERT ON case_file BEGIN
          INSERT INTO {_T}(rowid, name_key) VALUES (new.id, new.name_key); END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_update AFTER UPDATE OF name_key ON case_file BEGIN
          UPDATE {_T} SET name_key = new.name_key WHERE rowid = old.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_delete AFTER DELETE ON case_file BEGIN
          DELETE FROM {_T} WHERE rowid = old.id; END""",
    f"INSERT INTO {_T}(rowid, name_key) SELECT id, name_key FROM case_file",
)


def _rebuild(bind, statements) -> None:
    if not search.fts_available(bind):
        return  # this SQLite had no trigram tokenizer at 0003: searches scan, as before
    try:
        for statement in search.SQLITE_DROP + tuple(statements):
            bind.exec_driver_sql(statement)
    except sa.exc.OperationalError as exc:
        log.warning("FTS5 name index not rebuilt: %s", exc)
        for statement in search.SQLITE_DROP:
            bind.exec_driver_sql(statement)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and not search.fts_searchable(bind):
        _rebuild(bind, search.SQLITE_DDL)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        _rebuild(bind, _DDL_0003)
