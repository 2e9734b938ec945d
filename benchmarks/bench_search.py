"""Search and case-list latency on a demo data folder, beside the same query as bare SQL (the floor).

    python -m benchmarks.bench_search --data-dir benchmarks/cache/<set> [--queries 200]

`benchmarks.run` uses the functions here; this command prints the same figures for one folder.
The case list asks for what the page shows: the number of matching files and the first 100 rows
(app.ui.cases.case_list through its loader), so a "search" here is count + first page.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PAGE = 100  # app.ui.paged_model.PAGE_SIZE: the rows the case list fetches per page
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
ZWNJ = "\u200c"


def realistic_queries(conn: sqlite3.Connection, n: int, rng: random.Random) -> list[str]:
    """What people type in the one search box, drawn from the folder's own files.

    Name fragments (typed with an Arabic keyboard's ي/ك, with or without the half-space, or a
    space instead of it), first name + start of the last name, a fragment from the middle of a
    name, two-letter prefixes as typed, national codes (partial, Persian digits), Behzisti and
    clinic file numbers (Persian or ASCII digits)."""
    rows = conn.execute("SELECT first_name, last_name, national_code, behzisti_file_number, clinic_file_number "
                        "FROM case_file ORDER BY random() LIMIT ?", (n,)).fetchall()
    with_zwnj = [r for r in conn.execute(
        "SELECT first_name, last_name FROM case_file WHERE last_name LIKE ? LIMIT 500", (f"%{ZWNJ}%",))]
    queries = []
    for i, (first, last, code, bnum, cnum) in enumerate(rows):
        kind = i % 10
        if kind == 0:    # start of a last name on an Arabic keyboard
            queries.append(last[: max(3, len(last) - 1)].translate(ARABIC_LETTERS))
        elif kind == 1:  # first name and the start of the last name
            queries.append(f"{first} {last[:3]}")
        elif kind == 2:  # part of a national code, in Persian digits
            queries.append(code.translate(PERSIAN_DIGITS)[: rng.randrange(6, 11)])
        elif kind == 3:  # a Behzisti file number as printed on the referral letter
            queries.append(bnum.translate(PERSIAN_DIGITS) if rng.random() < 0.5 else bnum)
        elif kind == 4 and with_zwnj:  # «علی پور» for «علی‌پور»: a space for the half-space
            queries.append(rng.choice(with_zwnj)[1].replace(ZWNJ, " "))
        elif kind == 5:  # a clinic file number
            queries.append(cnum.translate(PERSIAN_DIGITS))
        elif kind == 6 and with_zwnj:  # «علیپور»: the half-space left out
            queries.append(rng.choice(with_zwnj)[1].replace(ZWNJ, ""))
        elif kind == 7:  # a fragment from inside the last name
            start = rng.randrange(0, max(1, len(last) - 3))
            queries.append(last[start:start + 3])
        elif kind == 8:  # the first two letters, as typed before the pause
            queries.append(first[:2])
        else:            # the whole name, Arabic keyboard
            queries.append(f"{first} {last}".translate(ARABIC_LETTERS))
    return queries


# -- the floor: the same question in hand-written SQL ----------------------------------------------

@dataclass(frozen=True)
class BareQuery:
    """A search prepared outside the timer (normalising is not SQL): WHERE clause and its values."""

    where: str
    params: tuple


def prepare_bare(query: str, *, status: str | None = "active") -> BareQuery:
    """The SQL a person would write by hand against the same schema and name index: fragments of
    three letters or more as phrases of the FTS5 trigram index, two-letter ones through its term
    list (keys are indexed with two trailing full stops), one letter by a scan."""
    from app.persian import normalize_identifier, normalize_text, search_key
    clauses, params = [], []
    if status:
        clauses.append("status = ?")
        params.append(status)
    ident = normalize_identifier(query)
    if ident and set(ident) <= set("0123456789-/") and any(ch.isdigit() for ch in ident):
        clauses.append("id IN (SELECT id FROM case_file WHERE national_code >= ? AND national_code < ? "
                       "UNION SELECT id FROM case_file WHERE behzisti_file_number >= ? AND behzisti_file_number < ? "
                       "UNION SELECT id FROM case_file WHERE clinic_file_number >= ? AND clinic_file_number < ?)")
        params += [ident, ident + "\uffff"] * 3
    elif ident:
        tokens = [t for t in (search_key(t) for t in normalize_text(query).split()) if t]
        long = [t for t in tokens if len(t) >= 3]
        if long:
            clauses.append("id IN (SELECT rowid FROM case_name_fts WHERE case_name_fts MATCH ?)")
            params.append(" ".join(f'"{t}"' for t in long))
        for t in (t for t in tokens if len(t) == 2):
            clauses.append("id IN (SELECT rowid FROM case_name_fts WHERE case_name_fts MATCH "
                           "(SELECT coalesce(group_concat('\"' || term || '\"', ' OR '), '\"' || ?1 || '..\"') "
                           "FROM case_name_fts_vocab WHERE term >= ?1 AND term < ?1 || char(1114111)))".replace("?1", "?"))
            params += [t, t, t]
        for t in (t for t in tokens if len(t) == 1):
            clauses.append("name_key LIKE ?")
            params.append(f"%{t}%")
    return BareQuery(" AND ".join(clauses) or "1", tuple(params))


ORDER = "ORDER BY priority DESC, last_name_key, first_name_key, id"


def bare_count(conn: sqlite3.Connection, q: BareQuery) -> int:
    return conn.execute(f"SELECT count(*) FROM case_file WHERE {q.where}", q.params).fetchone()[0]


def bare_page(conn: sqlite3.Connection, q: BareQuery, offset: int = 0, limit: int = PAGE) -> list:
    """The rows the list shows, with the social worker's name, in the list's order."""
    return conn.execute(
        f"SELECT c.*, s.first_name, s.last_name FROM (SELECT * FROM case_file WHERE {q.where} {ORDER} "
        f"LIMIT ? OFFSET ?) AS c LEFT JOIN staff s ON s.id = c.social_worker_id {ORDER}",
        q.params + (limit, offset)).fetchall()


def bare_search(conn: sqlite3.Connection, q: BareQuery) -> None:
    if bare_count(conn, q):
        bare_page(conn, q)


# -- the application ---------------------------------------------------------------------------------

def app_search(ctx, text: str, *, limit: int = PAGE) -> None:
    """What the case list's loader does for one search: count, then the first page."""
    from app.services.caselist import CaseQuery, count_cases, list_cases
    q = CaseQuery(text=text)
    if count_cases(ctx, q):
        list_cases(ctx, q, 0, limit)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    from app.services.caselist import CaseQuery, list_cases
    from app.services.context import Actor, ServiceContext
    from app.storage.datadir import open_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    db = open_database(Path(args.data_dir))
    ctx = ServiceContext(db, Actor.system())
    conn = sqlite3.connect(Path(args.data_dir) / "parvandeh.sqlite3")
    queries = realistic_queries(conn, args.queries, random.Random(1))
    bare = [prepare_bare(q) for q in queries]
    for q, b in zip(queries[:10], bare):  # warm the page cache like a running program would have it
        app_search(ctx, q)
        bare_search(conn, b)
    app_ms = [timed(lambda q=q: app_search(ctx, q)) for q in queries]
    sql_ms = [timed(lambda b=b: bare_search(conn, b)) for b in bare]
    first_page = [timed(lambda: list_cases(ctx, CaseQuery(), 0, PAGE)) for _ in range(20)]
    print(f"queries: {len(queries)}")
    print(f"search (count + {PAGE} rows)  p50 {statistics.median(app_ms):.1f} ms  p95 {pct(app_ms, 95):.1f} ms  "
          f"max {max(app_ms):.1f} ms")
    print(f"bare SQL                  p50 {statistics.median(sql_ms):.1f} ms  p95 {pct(sql_ms, 95):.1f} ms")
    print(f"ratio p95 app/sql         {pct(app_ms, 95) / max(pct(sql_ms, 95), 0.001):.2f}")
    print(f"list first page           p50 {statistics.median(first_page):.1f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
