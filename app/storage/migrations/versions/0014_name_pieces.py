"""One- and two-letter pieces of each name key, so short fragments are looked up, not scanned for

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 17:00:00

A search fragment of one or two letters cannot use PostgreSQL's pg_trgm index (a trigram needs
three letters): counting the files that hold it read every file, over a second at 150,000 files.
On SQLite a two-letter fragment was the OR of the FTS5 trigrams beginning with it, a dozen lists
read and merged, the slowest searches there. The table case_name_piece holds each key's distinct
one- and two-letter pieces beside the file's id, on both engines, filled here from case_file and
kept in step by triggers on case_file (insert, rename, delete), like the trigram index (see
app.storage.search). A fragment is then one range of its primary key.
"""
from alembic import op

from app.storage import search

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    search.create_piece_index(op.get_bind())


def downgrade() -> None:
    search.drop_piece_index(op.get_bind())
