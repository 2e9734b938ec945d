"""The name index behind the one search box.

A substring match over 150,000 names is too slow as a plain LIKE scan, so each database keeps a
trigram index of the search keys: SQLite an FTS5 table (kept by triggers), PostgreSQL a pg_trgm GIN
index. Both answer the same `LIKE '%fragment%'` question; this module hides which one is asked.

SQLite's table keeps token positions (detail='full'), so a fragment is asked as a phrase of its
trigrams (MATCH '"fragment"'), which the index answers alone. A LIKE on that table would read and
test every candidate row's text instead: ten times slower on the common names of 150,000 files.

Each key is indexed with two full stops after it (search keys hold only letters and digits), so
every place a two-letter fragment occurs starts a trigram: «رض» is asked as «"رضا" OR "رضی" ...»,
the trigrams that begin with it, read off the index's own term list (an fts5vocab table). Only a
single letter is matched by scanning the narrow ix_case_name_key index."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import String, and_, bindparam, column, func, intersect, literal, select, table

from app.models import CaseFile

FTS_TABLE = "case_name_fts"
VOCAB_TABLE = "case_name_fts_vocab"
MIN_TRIGRAM = 3  # a fragment this long is a phrase of trigrams
MIN_INDEXED = 2  # a fragment this long is the start of trigrams; a shorter one is scanned for
END = ".."  # after each indexed key: a fragment at the end of a name still starts a trigram
_LAST_CHAR = "\U0010ffff"

_fts = table(FTS_TABLE, column("rowid"), column("name_key"))
_vocab = table(VOCAB_TABLE, column("term", String))


def name_fragment_clause(dialect: str, fragment: str, *, fts_available: bool = True):
    """Case files whose search key contains `fragment` (already a search key)."""
    return name_fragments_clause(dialect, [fragment], fts_available=fts_available)


def name_fragments_clause(dialect: str, fragments: Iterable[str], *, fts_available: bool = True):
    """Case files whose search key contains every one of `fragments` (already search keys)."""
    fragments = [f for f in fragments if f]
    if dialect != "sqlite" or not fts_available:
        return and_(*(CaseFile.name_key.contains(f, autoescape=True) for f in fragments))
    clauses = []
    indexed = name_match_ids([f for f in fragments if len(f) >= MIN_INDEXED])
    if indexed is not None:
        clauses.append(CaseFile.id.in_(indexed))
    for fragment in (f for f in fragments if len(f) < MIN_INDEXED):
        clauses.append(CaseFile.name_key.contains(fragment, autoescape=True))
    return and_(*clauses)


def name_match_ids(fragments: Iterable[str]):
    """SELECT of the ids whose search key holds every fragment, answered by the SQLite name index
    alone; None when a fragment is too short for it (or there are none). The index must exist
    (Database.has_name_index)."""
    fragments = [f for f in fragments if f]
    if not fragments or any(len(f) < MIN_INDEXED for f in fragments):
        return None
    long = [f for f in fragments if len(f) >= MIN_TRIGRAM]
    short = [f for f in fragments if len(f) < MIN_TRIGRAM]
    # The long fragments in one question (phrases, all required); each short one in its own.
    first, rest = (" ".join(_phrase(f) for f in long), short) if long else (_starting_with(short[0]), short[1:])
    queries = [select(_fts.c.rowid).where(_fts.c.name_key.match(first))]
    # Each short fragment is its own index question, intersected afterwards: nested as a rowid IN
    # inside the first, SQLite re-ran the first MATCH once per candidate row (seconds, not ms).
    queries += [select(_fts.c.rowid).where(_fts.c.name_key.match(_starting_with(f))) for f in rest]
    if len(queries) == 1:
        return queries[0]
    return select(intersect(*queries).subquery().c.rowid)


def phrase(fragment: str) -> str:
    return '"' + fragment.replace('"', '""') + '"'


_phrase = phrase


def name_match_statement(has_long: bool, short_params: list[str]):
    """name_match_ids with bound parameters instead of values, so one statement serves every
    search of the same shape (app.services.caselist keeps it): `m` holds the long fragments'
    phrases (starting_with_params gives each short fragment's three values); None when there
    is nothing to ask the index."""
    first = [bindparam("m", type_=String)] if has_long else []
    matches = first + [_starting_with_param(name) for name in short_params]
    if not matches:
        return None
    queries = [select(_fts.c.rowid).where(_fts.c.name_key.match(m)) for m in matches]
    if len(queries) == 1:
        return queries[0]
    return select(intersect(*queries).subquery().c.rowid)


def starting_with_params(name: str, fragment: str) -> dict[str, str]:
    """The values of _starting_with_param(name) for a short fragment."""
    return {name: fragment, f"{name}_end": fragment + _LAST_CHAR, f"{name}_none": phrase(fragment + END)}


def _starting_with_param(name: str):
    """_starting_with with bound parameters (see starting_with_params)."""
    quote = literal('"', String)
    terms = func.group_concat(quote + _vocab.c.term + quote, literal(" OR ", String))
    return (select(func.coalesce(terms, bindparam(f"{name}_none", type_=String)))
            .where(_vocab.c.term >= bindparam(name, type_=String), _vocab.c.term < bindparam(f"{name}_end", type_=String))
            .scalar_subquery())


def _starting_with(fragment: str):
    """The FTS query «"t1" OR "t2" ...» of the indexed trigrams that begin with a short fragment.

    Worked out inside the statement from the index's term list. With no such trigram no key holds
    the fragment, and the fallback phrase (the fragment at the end of a key) matches nothing."""
    frag = literal(fragment, String)
    quote = literal('"', String)
    terms = func.group_concat(quote + _vocab.c.term + quote, literal(" OR ", String))
    return (select(func.coalesce(terms, literal(_phrase(fragment + END), String)))
            .where(_vocab.c.term >= frag, _vocab.c.term < literal(fragment + _LAST_CHAR, String))
            .scalar_subquery())


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


def pause_sqlite_name_index(connection) -> bool:
    """For a bulk load: stop indexing each new case file as it is inserted (True if there was an index).

    resume_sqlite_name_index must follow in the same or a later transaction; it indexes all
    the rows inserted meanwhile in one pass, far faster than a trigger firing per row."""
    if not fts_available(connection):
        return False
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS case_name_fts_insert")
    return True


def resume_sqlite_name_index(connection) -> None:
    """Index the case files inserted while the index was paused and put the insert trigger back."""
    connection.exec_driver_sql(SQLITE_FILL + f" WHERE id NOT IN (SELECT rowid FROM {FTS_TABLE})")
    connection.exec_driver_sql(SQLITE_DDL[1])


def is_index_table(name: str) -> bool:
    """FTS5 keeps its own shadow tables; they are not part of the models' metadata."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


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
