"""A service note's confidentiality, fixed when it is written

Whether a note was hidden from social workers and clerks used to follow its author's CURRENT role,
so changing a psychologist's role revealed all their old notes. The flag is now stored on the note;
existing notes take it from their author's role at the time of the upgrade.

Create Date: 2026-12-03 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'


# Plain ALTER TABLE, not a batch: a batch rebuilds `service` on SQLite, and dropping the old table
# cascaded to every abuse acknowledgement (0012) — they were lost on upgrade.
def upgrade() -> None:
    op.add_column('service', sa.Column('confidential', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE service SET confidential = TRUE WHERE staff_id IN "
               "(SELECT id FROM staff WHERE role = 'psychologist')")


def downgrade() -> None:
    op.drop_column('service', 'confidential')
