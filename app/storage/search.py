"""The name index behind the one search box.

A substring match over 150,000 names is too slow as a plain LIKE scan, so each database keeps a
trigram index of the search keys: SQLite an FTS5 table (kept by triggers), PostgreSQL a pg_trgm GIN
index. Both answer the same `LIKE '%fragment%'` question; this module hides which one is asked.

SQLite's table keeps token positions (detail='full'), so a fragment is asked as a phrase of its
trigrams (MATCH '"fragment"'), which the index answers alone. A LIKE on that table would read and
test every candidate row's text instead: ten times slower on the common names of 150,000 files.

One- and two-letter fragments are looked up in a second table, on both engines (revision 0014):
case_name_piece holds each key's distinct one- and two-letter pieces beside the file's id (on
PostgreSQL three-letter ones too, see PIECE_WIDTHS), kept by triggers like the trigram index.
pg_trgm cannot answer a fragment under three letters (it read every file: over a second at
150,000 files). On SQLite a two-letter fragment used to be the
OR of the indexed trigrams beginning with it (keys are indexed with two full stops after them so
that every place one occurs starts a trigram; revision 0004 also exposed the term list as an
fts5vocab table to find them): a dozen lists read and merged, the slowest SQLite searches. The
piece table answers either from one range of its primary key."""

from __future__ import annotations

from sqlalchemy import String, bindparam, column, intersect, select, table

FTS_TABLE = "case_name_fts"
VOCAB_TABLE = "case_name_fts_vocab"
END = ".."  # after each indexed key: a fragment at the end of a name still starts a trigram

_fts = table(FTS_TABLE, column("rowid"), column("name_key"))


def phrase(fragment: str) -> str:
    return '"' + fragment.replace('"', '""') + '"'


def name_match_statement(has_long: bool, short_params: list[str]):
    """The SELECT of the ids whose key holds every fragment, from the indexes alone, with bound
    parameters instead of values, so one statement serves every search of the same shape
    (app.services.caselist keeps it): `m` holds the long fragments' phrases (SQLite's trigram
    index), each of `short_params` one short fragment (the piece table); None when there is
    nothing to ask an index."""
    queries = [select(_fts.c.rowid).where(_fts.c.name_key.match(bindparam("m", type_=String)))] if has_long else []
    queries += [piece_ids(name) for name in short_params]
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    # Each its own index question, intersected afterwards: nested as an IN inside the first,
    # SQLite re-ran the first MATCH once per candidate row (seconds, not ms).
    return select(intersect(*queries).subquery().c[0])


SQLITE_FILL = f"INSERT INTO {FTS_TABLE}(rowid, name_key) SELECT id, name_key || '{END}' FROM case_file"
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(name_key, tokenize='trigram', detail='full')",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_insert AFTER INSERT ON case_file BEGIN
          INSERT INTO {FTS_TABLE}(rowid, name_key) VALUES (new.id, new.name_key || '{END}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_update AFTER UPDATE OF name_key ON case_file BEGIN
          UPDATE {FTS_TABLE} SET name_key = new.name_key || '{END}' WHERE rowid = old.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_fts_delete AFTER DELETE ON case_file BEGIN
          DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END""",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
    SQLITE_FILL,
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS case_name_fts_insert",
    "DROP TRIGGER IF EXISTS case_name_fts_update",
    "DROP TRIGGER IF EXISTS case_name_fts_delete",
    f"DROP TABLE IF EXISTS {VOCAB_TABLE}",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_case_name_trgm ON case_file USING gin (name_key gin_trgm_ops)",
)


# -- one- and two-letter pieces (revision 0014) -------------------------------------------------------

PIECE_TABLE = "case_name_piece"
PIECE_POSITIONS = "case_name_piece_pos"  # SQLite: 1..MAX_KEY, a trigger cannot count with a CTE
# The longest fragment looked up in the piece table. SQLite's trigram index answers three letters
# from the index alone; pg_trgm must recheck each match's row (11,000 rows for «سین», ~60 ms
# under load), so PostgreSQL keeps three-letter pieces too.
PIECE_WIDTHS = {"sqlite": 2, "postgresql": 3}
MAX_KEY = 400  # case_file.name_key's length

_piece = table(PIECE_TABLE, column("piece", String), column("case_id"))
keyed_piece = table(PIECE_TABLE, column("piece", String), column("status", String), column("priority"),
                    column("last_name_key", String), column("first_name_key", String), column("case_id"))


def max_piece(dialect: str) -> int:
    return PIECE_WIDTHS.get(dialect, 0)


def piece_ids(name: str):
    """SELECT of the ids whose key holds the short fragment bound as `name`."""
    return select(_piece.c.case_id).where(_piece.c.piece == bindparam(name, type_=String))


def _sqlite_pieces(key: str, case_id: str) -> str:
    return (f"SELECT substr({key}, n, 1), {case_id} FROM {PIECE_POSITIONS} WHERE n <= length({key}) UNION "
            f"SELECT substr({key}, n, 2), {case_id} FROM {PIECE_POSITIONS} WHERE n < length({key})")


def _sqlite_piece_insert(key: str, case_id: str) -> str:
    return f"INSERT OR IGNORE INTO {PIECE_TABLE}(piece, case_id) {_sqlite_pieces(key, case_id)}"


def _sqlite_piece_delete(key: str, case_id: str) -> str:
    return (f"DELETE FROM {PIECE_TABLE} WHERE case_id = {case_id} AND piece IN "
            f"(SELECT substr({key}, n, 1) FROM {PIECE_POSITIONS} WHERE n <= length({key}) UNION "
            f"SELECT substr({key}, n, 2) FROM {PIECE_POSITIONS} WHERE n < length({key}))")


SQLITE_PIECE_FILL = (f"INSERT OR IGNORE INTO {PIECE_TABLE}(piece, case_id) "
                     f"SELECT DISTINCT substr(c.name_key, p.n, w.w), c.id FROM case_file c "
                     f"JOIN (SELECT 1 AS w UNION ALL SELECT 2) w "
                     f"JOIN {PIECE_POSITIONS} p ON p.n <= length(c.name_key) - w.w + 1")
SQLITE_PIECE_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS case_name_piece_insert AFTER INSERT ON case_file BEGIN
          {_sqlite_piece_insert("new.name_key", "new.id")}; END"""
SQLITE_PIECE_DDL = (
    f"""CREATE TABLE IF NOT EXISTS {PIECE_TABLE} (piece TEXT NOT NULL, case_id INTEGER NOT NULL,
          PRIMARY KEY (piece, case_id)) WITHOUT ROWID""",
    f"CREATE TABLE IF NOT EXISTS {PIECE_POSITIONS} (n INTEGER PRIMARY KEY)",
    f"""INSERT OR IGNORE INTO {PIECE_POSITIONS}(n)
          WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < {MAX_KEY}) SELECT n FROM p""",
    SQLITE_PIECE_INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS case_name_piece_update AFTER UPDATE OF name_key ON case_file BEGIN
          {_sqlite_piece_delete("old.name_key", "old.id")};
          {_sqlite_piece_insert("new.name_key", "new.id")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_name_piece_delete AFTER DELETE ON case_file BEGIN
          {_sqlite_piece_delete("old.name_key", "old.id")}; END""",
    SQLITE_PIECE_FILL,
)
SQLITE_PIECE_DROP = (
    "DROP TRIGGER IF EXISTS case_name_piece_insert",
    "DROP TRIGGER IF EXISTS case_name_piece_update",
    "DROP TRIGGER IF EXISTS case_name_piece_delete",
    f"DROP TABLE IF EXISTS {PIECE_POSITIONS}",
    f"DROP TABLE IF EXISTS {PIECE_TABLE}",
)
POSTGRES_PIECE_DDL = (
    f"""CREATE TABLE IF NOT EXISTS {PIECE_TABLE} (piece varchar(3) NOT NULL, case_id integer NOT NULL,
          PRIMARY KEY (piece, case_id))""",
    """CREATE OR REPLACE FUNCTION case_name_pieces(k text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
          SELECT DISTINCT substr(k, n, w) FROM generate_series(1, length(k)) AS n, (VALUES (1), (2), (3)) AS v(w)
          WHERE n + w - 1 <= length(k) $$""",
    f"""CREATE OR REPLACE FUNCTION case_name_piece_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM {PIECE_TABLE} WHERE case_id = OLD.id AND piece IN (SELECT case_name_pieces(OLD.name_key));
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO {PIECE_TABLE}(piece, case_id) SELECT p, NEW.id FROM case_name_pieces(NEW.name_key) AS p
              ON CONFLICT DO NOTHING;
          END IF;
          RETURN NULL;
        END $$""",
    """CREATE TRIGGER case_name_piece_keep AFTER INSERT OR DELETE OR UPDATE OF name_key ON case_file
          FOR EACH ROW EXECUTE FUNCTION case_name_piece_keep()""",
    f"""INSERT INTO {PIECE_TABLE}(piece, case_id)
          SELECT DISTINCT p, c.id FROM case_file AS c, case_name_pieces(c.name_key) AS p ORDER BY 1, 2
          ON CONFLICT DO NOTHING""",
)
POSTGRES_PIECE_DROP = (
    "DROP TRIGGER IF EXISTS case_name_piece_keep ON case_file",
    "DROP FUNCTION IF EXISTS case_name_piece_keep()",
    "DROP FUNCTION IF EXISTS case_name_pieces(text)",
    f"DROP TABLE IF EXISTS {PIECE_TABLE}",
)


def create_piece_index(connection) -> None:
    for statement in SQLITE_PIECE_DDL if connection.dialect.name == "sqlite" else POSTGRES_PIECE_DDL:
        connection.exec_driver_sql(statement)


def drop_piece_index(connection) -> None:
    for statement in SQLITE_PIECE_DROP if connection.dialect.name == "sqlite" else POSTGRES_PIECE_DROP:
        connection.exec_driver_sql(statement)


def has_piece_index(connection) -> bool:
    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (PIECE_TABLE,)).first()
    else:
        found = connection.exec_driver_sql("SELECT to_regclass(%(t)s)", {"t": PIECE_TABLE}).scalar()
    return bool(found)


def pause_sqlite_name_index(connection) -> bool:
    """For a bulk load: stop indexing each new case file as it is inserted (True if there was an index).

    resume_sqlite_name_index must follow in the same or a later transaction; it indexes all
    the rows inserted meanwhile in one pass, far faster than a trigger firing per row."""
    if not fts_available(connection) or not has_piece_index(connection):
        return False
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS case_name_fts_insert")
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS case_name_piece_insert")
    return True


def resume_sqlite_name_index(connection) -> None:
    """Index the case files inserted while the index was paused and put the insert triggers back.

    The files the trigram index lacks are those inserted meanwhile: their pieces first, then
    their trigrams."""
    unindexed = f" WHERE c.id NOT IN (SELECT rowid FROM {FTS_TABLE})"
    keyed = has_keyed_pieces(connection)
    connection.exec_driver_sql((SQLITE_KEYED_FILL if keyed else SQLITE_PIECE_FILL) + unindexed)
    connection.exec_driver_sql(SQLITE_FILL + f" WHERE id NOT IN (SELECT rowid FROM {FTS_TABLE})")
    connection.exec_driver_sql(SQLITE_DDL[1])
    connection.exec_driver_sql(SQLITE_KEYED_INSERT_TRIGGER if keyed else SQLITE_PIECE_INSERT_TRIGGER)


def is_index_table(name: str) -> bool:
    """FTS5 keeps its own shadow tables, and the piece and list-key tables are the index's too;
    none of them is part of the models' metadata."""
    return (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")
            or name in (PIECE_TABLE, PIECE_POSITIONS, LIST_TABLE))


# -- what the list sorts and filters by, beside each file's id (revision 0015) --------------------------
#
# A name matching a few thousand files was counted and paged by reading each match's case_file row
# for its status and sort keys: one wide row (addresses, summaries) a match, ~2,600 heap pages for
# the 2,977 matches of «قلیزاده» on PostgreSQL, where pg_trgm also rechecks each row's name there
# (10-12 ms for the count, as much again for the page, idle). case_list_key holds only the file's
# id, status, priority and the two sort keys (PostgreSQL: and name_key, under a trigram index and
# an index in the list's order), kept in step by triggers on case_file like the name indexes: the
# same questions read ~90 narrow rows a page. Filled in the list's order, so one last name's files
# sit together (PostgreSQL's bitmap scan then reads a few pages for them).

LIST_TABLE = "case_list_key"
_LIST_COLUMNS = "id, status, priority, last_name_key, first_name_key"
_KEPT = "status, priority, last_name_key, first_name_key"  # besides id (and, on PostgreSQL, name_key)

list_key = table(LIST_TABLE, column("id"), column("status", String), column("priority"),
                 column("last_name_key", String), column("first_name_key", String), column("name_key", String))

SQLITE_LIST_DDL = (
    f"""CREATE TABLE IF NOT EXISTS {LIST_TABLE} (id INTEGER PRIMARY KEY, status VARCHAR(20) NOT NULL,
          priority BOOLEAN NOT NULL, last_name_key VARCHAR(400) NOT NULL, first_name_key VARCHAR(400) NOT NULL)""",
    f"""CREATE TRIGGER IF NOT EXISTS case_list_key_insert AFTER INSERT ON case_file BEGIN
          INSERT INTO {LIST_TABLE}({_LIST_COLUMNS})
            VALUES (new.id, new.status, new.priority, new.last_name_key, new.first_name_key); END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_list_key_update AFTER UPDATE OF id, {_KEPT} ON case_file BEGIN
          UPDATE {LIST_TABLE} SET id = new.id, status = new.status, priority = new.priority,
            last_name_key = new.last_name_key, first_name_key = new.first_name_key WHERE id = old.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS case_list_key_delete AFTER DELETE ON case_file BEGIN
          DELETE FROM {LIST_TABLE} WHERE id = old.id; END""",
    f"INSERT OR REPLACE INTO {LIST_TABLE}({_LIST_COLUMNS}) SELECT {_LIST_COLUMNS} FROM case_file",
    f"ANALYZE {LIST_TABLE}",
)
SQLITE_LIST_DROP = (
    "DROP TRIGGER IF EXISTS case_list_key_insert",
    "DROP TRIGGER IF EXISTS case_list_key_update",
    "DROP TRIGGER IF EXISTS case_list_key_delete",
    f"DROP TABLE IF EXISTS {LIST_TABLE}",
)
POSTGRES_LIST_DDL = (
    f"""CREATE TABLE IF NOT EXISTS {LIST_TABLE} (id integer PRIMARY KEY, status varchar(20) NOT NULL,
          priority boolean NOT NULL, last_name_key varchar(400) NOT NULL, first_name_key varchar(400) NOT NULL,
          name_key varchar(400) NOT NULL)""",
    f"""CREATE OR REPLACE FUNCTION case_list_key_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM {LIST_TABLE} WHERE id = OLD.id;
          ELSIF TG_OP = 'UPDATE' THEN
            UPDATE {LIST_TABLE} SET id = NEW.id, status = NEW.status, priority = NEW.priority,
              last_name_key = NEW.last_name_key, first_name_key = NEW.first_name_key, name_key = NEW.name_key
              WHERE id = OLD.id;
          ELSE
            INSERT INTO {LIST_TABLE}({_LIST_COLUMNS}, name_key)
              VALUES (NEW.id, NEW.status, NEW.priority, NEW.last_name_key, NEW.first_name_key, NEW.name_key);
          END IF;
          RETURN NULL;
        END $$""",
    f"""CREATE TRIGGER case_list_key_keep AFTER INSERT OR DELETE OR UPDATE OF id, {_KEPT}, name_key ON case_file
          FOR EACH ROW EXECUTE FUNCTION case_list_key_keep()""",
    f"""INSERT INTO {LIST_TABLE}({_LIST_COLUMNS}, name_key) SELECT {_LIST_COLUMNS}, name_key FROM case_file
          ORDER BY status, priority DESC, last_name_key, first_name_key, id""",
    f"CREATE INDEX IF NOT EXISTS ix_case_list_key_trgm ON {LIST_TABLE} USING gin (name_key gin_trgm_ops)",
    f"""CREATE INDEX IF NOT EXISTS ix_case_list_key_order
          ON {LIST_TABLE} (status, priority DESC, last_name_key, first_name_key, id)""",
    f"ANALYZE {LIST_TABLE}",
)
POSTGRES_LIST_DROP = (
    "DROP TRIGGER IF EXISTS case_list_key_keep ON case_file",
    "DROP FUNCTION IF EXISTS case_list_key_keep()",
    f"DROP TABLE IF EXISTS {LIST_TABLE}",
)


# Revision 0015 also gives each piece the file's status and sort keys, in the list's order:
# «active files holding "نی"» is then one range of the piece table's key, counted without
# looking anything up, and its first page is that range's first 100 entries. Before, a piece's
# matches (a few thousand to 40,000 for two letters) were each looked up for their status and
# keys. The triggers keep the copies right when a file's status, priority or names change.
_KEYS = "status, priority, last_name_key, first_name_key"
_OLD_KEYS = "old.status, old.priority, old.last_name_key, old.first_name_key"
_NEW_KEYS = "new.status, new.priority, new.last_name_key, new.first_name_key"
_KEYED_ORDER = "piece, status, priority DESC, last_name_key, first_name_key, case_id"
_KEYED = "case_name_piece_keyed"  # the new table while the revision fills it


def _sqlite_keyed_insert(row: str) -> str:
    keys = ", ".join(f"{row}.{k}" for k in ("status", "priority", "last_name_key", "first_name_key"))
    key = f"{row}.name_key"
    return (f"INSERT OR IGNORE INTO {PIECE_TABLE}(piece, {_KEYS}, case_id) "
            f"SELECT substr({key}, n, 1), {keys}, {row}.id FROM {PIECE_POSITIONS} WHERE n <= length({key}) UNION "
            f"SELECT substr({key}, n, 2), {keys}, {row}.id FROM {PIECE_POSITIONS} WHERE n < length({key})")


_SQLITE_KEYED_DELETE = (
    f"DELETE FROM {PIECE_TABLE} WHERE piece IN "
    f"(SELECT substr(old.name_key, n, 1) FROM {PIECE_POSITIONS} WHERE n <= length(old.name_key) UNION "
    f"SELECT substr(old.name_key, n, 2) FROM {PIECE_POSITIONS} WHERE n < length(old.name_key)) "
    f"AND status = old.status AND priority = old.priority AND last_name_key = old.last_name_key "
    f"AND first_name_key = old.first_name_key AND case_id = old.id")
SQLITE_KEYED_FILL = (f"INSERT OR IGNORE INTO {PIECE_TABLE}(piece, {_KEYS}, case_id) "
                     f"SELECT DISTINCT substr(c.name_key, p.n, w.w), c.status, c.priority, c.last_name_key, "
                     f"c.first_name_key, c.id FROM case_file c "
                     f"JOIN (SELECT 1 AS w UNION ALL SELECT 2) w "
                     f"JOIN {PIECE_POSITIONS} p ON p.n <= length(c.name_key) - w.w + 1")
SQLITE_KEYED_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS case_name_piece_insert AFTER INSERT ON case_file BEGIN
          {_sqlite_keyed_insert("new")}; END"""
_KEYED_COLUMNS_SQLITE = """(piece TEXT NOT NULL, status VARCHAR(20) NOT NULL, priority BOOLEAN NOT NULL,
          last_name_key VARCHAR(400) NOT NULL, first_name_key VARCHAR(400) NOT NULL, case_id INTEGER NOT NULL,
          PRIMARY KEY (piece, status, priority DESC, last_name_key, first_name_key, case_id)) WITHOUT ROWID"""
SQLITE_KEYED_DDL = (
    f"CREATE TABLE {_KEYED} {_KEYED_COLUMNS_SQLITE}",
    f"""INSERT INTO {_KEYED}(piece, {_KEYS}, case_id)
          SELECT p.piece, c.status, c.priority, c.last_name_key, c.first_name_key, p.case_id
          FROM {PIECE_TABLE} AS p JOIN case_file AS c ON c.id = p.case_id
          ORDER BY p.piece, c.status, c.priority DESC, c.last_name_key, c.first_name_key, p.case_id""",
    "DROP TRIGGER IF EXISTS case_name_piece_insert",
    "DROP TRIGGER IF EXISTS case_name_piece_update",
    "DROP TRIGGER IF EXISTS case_name_piece_delete",
    f"DROP TABLE {PIECE_TABLE}",
    f"ALTER TABLE {_KEYED} RENAME TO {PIECE_TABLE}",
    SQLITE_KEYED_INSERT_TRIGGER,
    f"""CREATE TRIGGER case_name_piece_update AFTER UPDATE OF id, name_key, {_KEYS} ON case_file BEGIN
          {_SQLITE_KEYED_DELETE}; {_sqlite_keyed_insert("new")}; END""",
    f"""CREATE TRIGGER case_name_piece_delete AFTER DELETE ON case_file BEGIN {_SQLITE_KEYED_DELETE}; END""",
    f"ANALYZE {PIECE_TABLE}",
)
POSTGRES_KEYED_DDL = (
    f"""CREATE TABLE {_KEYED} (piece varchar(3) NOT NULL, status varchar(20) NOT NULL, priority boolean NOT NULL,
          last_name_key varchar(400) NOT NULL, first_name_key varchar(400) NOT NULL, case_id integer NOT NULL)""",
    f"""INSERT INTO {_KEYED}(piece, {_KEYS}, case_id)
          SELECT p.piece, c.status, c.priority, c.last_name_key, c.first_name_key, p.case_id
          FROM {PIECE_TABLE} AS p JOIN case_file AS c ON c.id = p.case_id
          ORDER BY p.piece, c.status, c.priority DESC, c.last_name_key, c.first_name_key, p.case_id""",
    "DROP TRIGGER IF EXISTS case_name_piece_keep ON case_file",
    f"DROP TABLE {PIECE_TABLE}",
    f"ALTER TABLE {_KEYED} RENAME TO {PIECE_TABLE}",
    f"CREATE UNIQUE INDEX ix_case_name_piece_order ON {PIECE_TABLE} ({_KEYED_ORDER})",
    f"""CREATE OR REPLACE FUNCTION case_name_piece_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM {PIECE_TABLE} WHERE piece IN (SELECT case_name_pieces(OLD.name_key))
              AND status = OLD.status AND priority = OLD.priority AND last_name_key = OLD.last_name_key
              AND first_name_key = OLD.first_name_key AND case_id = OLD.id;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO {PIECE_TABLE}(piece, {_KEYS}, case_id)
              SELECT p, NEW.status, NEW.priority, NEW.last_name_key, NEW.first_name_key, NEW.id
              FROM case_name_pieces(NEW.name_key) AS p ON CONFLICT DO NOTHING;
          END IF;
          RETURN NULL;
        END $$""",
    f"""CREATE TRIGGER case_name_piece_keep AFTER INSERT OR DELETE OR UPDATE OF id, name_key, {_KEYS} ON case_file
          FOR EACH ROW EXECUTE FUNCTION case_name_piece_keep()""",
    f"ANALYZE {PIECE_TABLE}",
)


def has_keyed_pieces(connection) -> bool:
    """Whether the piece table carries the list's keys (revision 0015)."""
    if connection.dialect.name == "sqlite":
        columns = {row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({PIECE_TABLE})")}
    else:
        columns = set(connection.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %(t)s", {"t": PIECE_TABLE}).scalars())
    return "status" in columns


def create_list_keys(connection) -> None:
    """Revision 0015: case_list_key, and the list's keys beside each piece."""
    sqlite = connection.dialect.name == "sqlite"
    for statement in (SQLITE_LIST_DDL + SQLITE_KEYED_DDL) if sqlite else (POSTGRES_LIST_DDL + POSTGRES_KEYED_DDL):
        connection.exec_driver_sql(statement)


def drop_list_keys(connection) -> None:
    """Back to revision 0014: no case_list_key, the pieces as 0014 made them."""
    sqlite = connection.dialect.name == "sqlite"
    for statement in SQLITE_LIST_DROP if sqlite else POSTGRES_LIST_DROP:
        connection.exec_driver_sql(statement)
    drop_piece_index(connection)  # its index and (PostgreSQL) the trigger's function with it
    create_piece_index(connection)


def has_list_keys(connection) -> bool:
    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (LIST_TABLE,)).first()
    else:
        found = connection.exec_driver_sql("SELECT to_regclass(%(t)s)", {"t": LIST_TABLE}).scalar()
    return bool(found)


def fts_available(connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    return connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (FTS_TABLE,)).first() is not None


def fts_searchable(connection) -> bool:
    """The name index is there as revision 0004 made it: with positions and its term list.

    A table made before (detail='none') cannot answer a phrase; searches then scan."""
    if connection.dialect.name != "sqlite":
        return False
    rows = dict(connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type='table' AND name IN (?, ?)", (FTS_TABLE, VOCAB_TABLE)).all())
    return VOCAB_TABLE in rows and "detail='full'" in (rows.get(FTS_TABLE) or "").replace('"', "'")
