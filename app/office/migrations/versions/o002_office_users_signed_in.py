"""office users signed in like the clinic's: roles, lockout, audit

Create Date: 2026-12-03 13:50:00
"""
from alembic import op
import sqlalchemy as sa
from app.storage.migrations.columns import ID as Id


revision = 'o002'
down_revision = 'o001'


def upgrade() -> None:
    # Users made before roles existed set the office up: each of them is its administrator.
    with op.batch_alter_table('office_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=False, server_default='admin'))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.create_table('office_audit',
    sa.Column('id', Id, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_audit'))
    )
    with op.batch_alter_table('office_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_audit_username'), ['username'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('office_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_audit_username'))
        batch_op.drop_index(batch_op.f('ix_office_audit_at'))
    op.drop_table('office_audit')
    with op.batch_alter_table('office_user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('role')
