"""Problems, their steps and referrals: confidentiality fixed when written

A psychologist's problem (title, description), problem step (its note) and referral (body, reason,
outcome) were shown to the social worker on the file, and nothing recorded who may read them, so a
role change would have decided it afresh. The flag is now stored on each record, like a service
note's (0008); existing rows take it from their author's role at the time of the upgrade. Who wrote
an old referral's outcome was never kept: it follows the referral's own flag.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None

_PSYCHOLOGISTS = "(SELECT id FROM staff WHERE role = 'psychologist')"


def upgrade() -> None:
    for table in ('problem', 'problem_step', 'referral'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('confidential', sa.Boolean(), nullable=False, server_default=sa.false()))
            if table == 'referral':
                batch.add_column(sa.Column('outcome_confidential', sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
        op.execute(f"UPDATE {table} SET confidential = TRUE WHERE staff_id IN {_PSYCHOLOGISTS}")
    op.execute("UPDATE referral SET outcome_confidential = TRUE WHERE confidential = TRUE AND outcome <> ''")


def downgrade() -> None:
    for table in ('referral', 'problem_step', 'problem'):
        with op.batch_alter_table(table) as batch:
            if table == 'referral':
                batch.drop_column('outcome_confidential')
            batch.drop_column('confidential')
