"""Each file's status and sort keys in a narrow table, so a name's count and first page read no wide rows

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 20:00:00

A name matching a few thousand files was counted and paged by reading each match's whole
case_file row for its status, priority and name keys (on PostgreSQL, pg_trgm also rechecked
each match's name there): the slowest searches at 150,000 files, 20-35 ms. case_list_key holds
just those (PostgreSQL: and name_key, with a trigram index and an index in the list's order),
filled here in the list's order and kept in step by triggers on case_file (insert, a change of
status, priority or names, delete), like the name indexes (see app.storage.search). ANALYZE
gives the planner its figures at once.
"""
from alembic import op

from app.storage import search

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    search.create_list_keys(op.get_bind())


def downgrade() -> None:
    search.drop_list_keys(op.get_bind())
