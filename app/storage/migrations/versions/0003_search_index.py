"""Name search index and worklist order indexes that run in the lists' own order

Create Date: 2026-11-23 07:00:00
"""
import logging

from alembic import op
import sqlalchemy as sa

from app.storage import search

revision = '0003'
down_revision = '0002'

log = logging.getLogger(__name__)


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_order')
        batch_op.drop_index('ix_case_worker_order')
    op.create_index('ix_case_order', 'case_file',
                    ['status', sa.text('priority DESC'), 'last_name_key', 'first_name_key', 'id'])
    op.create_index('ix_case_worker_order', 'case_file',
                    ['social_worker_id', 'status', sa.text('priority DESC'), 'last_name_key', 'first_name_key', 'id'])
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        _try_sqlite_index(bind)
    elif bind.dialect.name == 'postgresql':
        _try_postgres_index(bind)


def _try_sqlite_index(bind) -> None:
    # An SQLite built without FTS5's trigram tokenizer (older than 3.34) searches by scanning instead.
    try:
        for statement in search.SQLITE_DDL:
            bind.exec_driver_sql(statement)
    except sa.exc.OperationalError as exc:
        log.warning("FTS5 trigram index not created: %s", exc)
        for statement in search.SQLITE_DROP:
            bind.exec_driver_sql(statement)


def _try_postgres_index(bind) -> None:
    # pg_trgm needs a privilege the clinic's database user may lack; search then falls back to a scan.
    savepoint = bind.begin_nested()
    try:
        for statement in search.POSTGRES_DDL:
            bind.exec_driver_sql(statement)
        savepoint.commit()
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        log.warning("pg_trgm index not created: %s", exc)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for statement in search.SQLITE_DROP:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_case_name_trgm")
    op.drop_index('ix_case_order', 'case_file')
    op.drop_index('ix_case_worker_order', 'case_file')
    op.create_index('ix_case_order', 'case_file', ['status', 'priority', 'last_name_key', 'first_name_key', 'id'])
    op.create_index('ix_case_worker_order', 'case_file',
                    ['social_worker_id', 'status', 'priority', 'last_name_key', 'first_name_key'])
