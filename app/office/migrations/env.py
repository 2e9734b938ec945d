"""Alembic environment of the office's schema: its own metadata and its own version table."""

from alembic import context

from app.office.models import OfficeBase
from app.office.storage import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=OfficeBase.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
