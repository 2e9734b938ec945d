"""A version on every editable record; the database's generation and its connected sessions

Two PCs editing the same record: every save names the version it read, so a stale screen is
refused instead of silently overwriting. Restore needs to know who is connected (db_session,
with a heartbeat) and to stop a process that holds the old database from writing after it
(db_meta's generation, checked by every write).

Create Date: 2026-12-03 09:00:00
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0006'

VERSIONED = ('case_file', 'family_member', 'service', 'problem', 'review', 'referral', 'clinic',
             'setting', 'staff', 'contract')


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.create_table(
        'db_meta',
        sa.Column('key', sa.String(50), nullable=False),
        sa.Column('value', sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint('key', name='pk_db_meta'),
    )
    op.create_table(
        'db_session',
        sa.Column('id', sa.String(40), nullable=False),
        sa.Column('host', sa.String(200), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('user_name', sa.String(200), nullable=False),
        sa.Column('program', sa.String(20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_db_session'),
    )
    op.execute(sa.text("INSERT INTO db_meta (key, value) VALUES ('generation', :g)").bindparams(
        g=uuid.uuid4().hex))


def downgrade() -> None:
    op.drop_table('db_session')
    op.drop_table('db_meta')
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('version')
