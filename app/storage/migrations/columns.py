"""Column types the revisions share. A revision is history: change nothing here that an existing
revision uses; a new type gets a new name."""

import sqlalchemy as sa

# The models' primary and foreign key type: BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite.
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
