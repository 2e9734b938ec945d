"""Signed documents: each record keeps its embedded data, reason, cited report and QR summary;
changes inside a signed month are recorded

Create Date: 2026-12-03 09:20:00
"""
import sqlalchemy as sa
from app.storage.migrations.columns import ID
from alembic import op

revision = '0007'
down_revision = '0012'


def upgrade() -> None:
    with op.batch_alter_table('report_record') as batch:
        batch.add_column(sa.Column('data_json', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('cites_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('summary', sa.String(length=300), nullable=False, server_default=''))
    op.create_index('ix_report_kind_month', 'report_record', ['kind', 'contract_id', 'year', 'month', 'signed'])
    op.create_table(
        'signed_month_change',
        sa.Column('id', ID, nullable=False),
        sa.Column('report_id', sa.String(length=32), nullable=False),
        sa.Column('contract_id', ID, nullable=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('case_id', ID, nullable=True),
        sa.Column('record_kind', sa.String(length=30), nullable=False),
        sa.Column('record_id', ID, nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by', ID, nullable=True),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_signed_month_change_contract_id_contract')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_signed_month_change_case_id_case_file')),
        sa.ForeignKeyConstraint(['changed_by'], ['staff.id'], name=op.f('fk_signed_month_change_changed_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_month_change')),
    )
    op.create_index(op.f('ix_signed_month_change_report_id'), 'signed_month_change', ['report_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_signed_month_change_report_id'), table_name='signed_month_change')
    op.drop_table('signed_month_change')
    op.drop_index('ix_report_kind_month', 'report_record')
    with op.batch_alter_table('report_record') as batch:
        batch.drop_column('summary')
        batch.drop_column('cites_id')
        batch.drop_column('reason')
        batch.drop_column('data_json')
