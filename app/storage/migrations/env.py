"""Alembic environment: always handed a live connection by app.storage.migrate."""

from alembic import context

from app.models import Base
from app.storage.search import is_index_table

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=lambda name, type_, _parent: not (type_ == "table" and is_index_table(name)),
)
with context.begin_transaction():
    context.run_migrations()
