"""Index for counting a contract's active files (capacity warnings on every save and opening)

Create Date: 2026-11-23 08:10:00
"""
from alembic import op

revision = '0005'
down_revision = '0004'


def upgrade() -> None:
    op.create_index('ix_case_contract_status', 'case_file', ['contract_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_case_contract_status', 'case_file')
