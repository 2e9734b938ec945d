"""Problems, their steps and referrals: confidentiality fixed when written

A psychologist's problem (title, description), problem step (its note) and referral (body, reason,
outcome) were shown to the social worker on the file, and nothing recorded who may read them, so a
role change would have decided it afresh. The flag is now stored on each record, like a service
note's (0008); existing rows take it from their author's role at the time of the upgrade. Who wrote
an old referral's outcome was never kept: it follows the referral's own flag.

Create Date: 2026-12-03 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0011'

_PSYCHOLOGISTS = "(SELECT id FROM staff WHERE role = 'psychologist')"


# Plain ALTER TABLE, not a batch: a batch rebuilds the table on SQLite, and dropping the old
# `problem` table would cascade to every problem step (foreign keys are on).


def _flag(table: str, name: str) -> None:
    op.add_column(table, sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))


def upgrade() -> None:
    for table in ('problem', 'problem_step', 'referral'):
        _flag(table, 'confidential')
        op.execute(f"UPDATE {table} SET confidential = TRUE WHERE staff_id IN {_PSYCHOLOGISTS}")
    _flag('referral', 'outcome_confidential')
    op.execute("UPDATE referral SET outcome_confidential = TRUE WHERE confidential = TRUE AND outcome <> ''")


def downgrade() -> None:
    op.drop_column('referral', 'outcome_confidential')
    for table in ('referral', 'problem_step', 'problem'):
        op.drop_column(table, 'confidential')
