"""Plain words of the domain: enums with their Persian labels, month names, document kinds.

Nothing here imports SQLAlchemy, Qt or the rest of the program, so the UI, printing and the
Persian helpers can use these words without loading the database layer. `app.models` re-exports
the enums for the ORM columns that store them.
"""
