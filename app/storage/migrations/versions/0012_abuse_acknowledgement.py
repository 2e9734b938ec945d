"""abuse_acknowledgement: the manager marks a child-abuse concern seen, with a note

Create Date: 2026-12-03 09:30:00
"""
from alembic import op
import sqlalchemy as sa
from app.storage.migrations.columns import ID


revision = '0012'
down_revision = '0009'


def upgrade() -> None:
    # A new table only: existing rows are not touched, so the upgrade cannot lose data. Every
    # concern already on file starts unseen and comes to the manager's dashboard once.
    op.create_table('abuse_acknowledgement',
    sa.Column('service_id', ID, nullable=False),
    sa.Column('staff_id', ID, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_abuse_acknowledgement_service_id_service'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_abuse_acknowledgement_staff_id_staff')),
    sa.PrimaryKeyConstraint('service_id', name=op.f('pk_abuse_acknowledgement'))
    )


def downgrade() -> None:
    op.drop_table('abuse_acknowledgement')
