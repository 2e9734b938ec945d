"""Child-abuse concerns: an index of those services alone

Revision 0006's index (abuse_concern, date) holds every one of 3.5 million services at 150,000
files, and SQLite's statistics for it say "half are concerns" (two values): the planner then
read every file's services to find the 13,821 concerns, and the manager's dashboard took ~5 s
of CPU for its three abuse sections (count, last 90 days, not yet seen). An index over the
concerns alone (their date) is 0.3% of the size and its own row count tells the planner how few
they are: the three sections read only the concerns (~0.1 s).

Create Date: 2026-12-03 20:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'


def upgrade() -> None:
    op.drop_index('ix_service_abuse', 'service')
    op.create_index('ix_service_abuse_only', 'service', ['date'],
                    sqlite_where=sa.text('abuse_concern = 1'), postgresql_where=sa.text('abuse_concern'))
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        bind.exec_driver_sql('ANALYZE ix_service_abuse_only')  # its row count is what the planner needs


def downgrade() -> None:
    op.drop_index('ix_service_abuse_only', 'service')
    op.create_index('ix_service_abuse', 'service', ['abuse_concern', 'date'])
