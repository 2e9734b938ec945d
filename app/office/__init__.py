"""The county office's desk: clinics' signed reports received, verified and added up.

An office keeps its own data folder and its own schema (its own tables, its own Alembic
history and version table), apart from any clinic's. Nothing here imports Qt."""
