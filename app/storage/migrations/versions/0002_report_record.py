"""report_record: the printed reports kept on record (signed monthly reports)

Create Date: 2026-11-23 06:40:00
"""
from alembic import op
import sqlalchemy as sa
from app.storage.migrations.columns import ID


revision = '0002'
down_revision = '0001'


def upgrade() -> None:
    # A new table only: existing rows are not touched, so the upgrade cannot lose data.
    op.create_table('report_record',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('contract_id', ID, nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('case_id', ID, nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('correction_number', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_report_record_case_id_case_file')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_report_record_contract_id_contract')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_report_record_created_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_record'))
    )
    with op.batch_alter_table('report_record', schema=None) as batch_op:
        batch_op.create_index('ix_report_month', ['contract_id', 'year', 'month'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_record_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_record_case_id'))
        batch_op.drop_index('ix_report_month')

    op.drop_table('report_record')
