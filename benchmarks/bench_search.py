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

PAGE = 100  # app.ui.widgets.paged_model.PAGE_SIZE: the rows the case list fetches per page
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


# -- the floor: the exact statements the program sends, replayed by the bare driver --------------
#
# Until issue 17 the floor was a hand-written "equivalent" query. It was planned worse than the
# program's (2-3x slower on two-letter prefixes at 150,000 files), so the program looked faster
# than its floor (0.79x) while spending several ms a search of its own. See benchmarks/exact_sql.py.

def capture_searches(db, ctx, queries: list[str], search: Callable = None) -> list:
    """Each query's statements as the program sends them (after one warm-up run of each)."""
    from benchmarks.exact_sql import Recorder
    search = search or (lambda q: app_search(ctx, q))
    for q in queries[:10]:
        search(q)  # one-time checks (the name index's shape) are not part of a search
    recorder = Recorder(db)
    try:
        return [recorder.capture(lambda q=q: search(q)) for q in queries]
    finally:
        recorder.close()


def replay(conn, capture) -> int:
    """The bare driver's run of one captured search (sqlite3 or psycopg connection)."""
    from benchmarks.exact_sql import replay_psycopg, replay_sqlite
    if type(conn).__module__.startswith("sqlite3"):
        return replay_sqlite(conn, capture)
    return replay_psycopg(conn, capture)


def interleaved(program: list[Callable], floor: list[Callable],
                clock: Callable[[], float] = time.perf_counter) -> tuple[list[float], list[float]]:
    """Each search timed through the program and as its floor, one after the other, so a burst
    of load on the shared machine falls on both; which goes first alternates, so neither always
    finds the pages the other just read."""
    a, b = [], []
    for i, (run_program, run_floor) in enumerate(zip(program, floor)):
        if i % 2:
            b.append(timed(run_floor, clock))
            a.append(timed(run_program, clock))
        else:
            a.append(timed(run_program, clock))
            b.append(timed(run_floor, clock))
    return a, b


# -- the application ---------------------------------------------------------------------------------

def app_search(ctx, text: str, *, limit: int = PAGE) -> None:
    """What the case list's loader does for one search: count, then the first page."""
    from app.services.caselist import CaseQuery, count_cases, list_cases
    q = CaseQuery(text=text)
    if count_cases(ctx, q):
        list_cases(ctx, q, 0, limit)


def timed(fn: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    start = clock()
    fn()
    return (clock() - start) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    import os

    from app.services.accounts import sign_in
    from app.services.caselist import CaseQuery, count_cases, list_cases
    from app.services.context import ServiceContext
    from app.services.demo import DEMO_PASSWORD
    from app.storage.datadir import open_database
    from benchmarks.exact_sql import bare_psycopg, bare_sqlite

    parser = argparse.ArgumentParser(description="search: the program beside the exact SQL it sends")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--without-pieces", action="store_true",
                        help="searches as before revision 0014: the short-fragment table left unused "
                             "(on PostgreSQL the very statements the program sent before it)")
    args = parser.parse_args()
    db = open_database(Path(args.data_dir))
    if args.without_pieces:
        db._piece_index = False
        db._list_keys = False  # nor revision 0015's tables: the statements sent before 0014
    ctx = ServiceContext(db, sign_in(db, "manager", DEMO_PASSWORD))  # services refuse an actor made by hand
    pg_url = os.environ.get("PARVANDEH_DATABASE_URL")
    conn = bare_psycopg(pg_url) if pg_url else bare_sqlite(Path(args.data_dir) / "parvandeh.sqlite3")
    if pg_url:
        # The program's reads on PostgreSQL send no BEGIN or ROLLBACK (Database.read_connection):
        # neither may the floor, or it would be slower by two round trips than what it stands for.
        conn.autocommit = True
    source = sqlite3.connect(Path(args.data_dir) / "parvandeh.sqlite3") if not pg_url else None
    queries = realistic_queries(source, args.queries, random.Random(1)) if source else pg_queries(conn, args.queries)
    captures = capture_searches(db, ctx, queries)
    print(f"{db.dialect}{' without the piece table' if args.without_pieces else ''}, queries: {len(queries)}, "
          f"statements a search: "
          f"{statistics.mean(c.statements for c in captures):.1f}")
    for run in range(args.runs):
        app_ms, sql_ms = interleaved([lambda q=q: app_search(ctx, q) for q in queries],
                                     [lambda c=c: replay(conn, c) for c in captures])
        over = statistics.mean(app_ms) - statistics.mean(sql_ms)
        print(f"run {run + 1}: program p50 {statistics.median(app_ms):.2f} p95 {pct(app_ms, 95):.2f} ms | "
              f"exact SQL p50 {statistics.median(sql_ms):.2f} p95 {pct(sql_ms, 95):.2f} ms | "
              f"p95 ratio {pct(app_ms, 95) / max(pct(sql_ms, 95), 0.001):.2f} | overhead {over:.2f} ms a search")
    if db.dialect == "sqlite":  # the bare driver runs in this thread too: its CPU time is the SQL's own work
        app_cpu, sql_cpu = interleaved([lambda q=q: app_search(ctx, q) for q in queries],
                                       [lambda c=c: replay(conn, c) for c in captures], clock=time.thread_time)
        print(f"CPU time of the thread: program p95 {pct(app_cpu, 95):.2f} ms | exact SQL p95 {pct(sql_cpu, 95):.2f} ms"
              f" | program's own CPU a search (mean) {statistics.mean(app_cpu) - statistics.mean(sql_cpu):.2f} ms")
    first = [timed(lambda: count_cases(ctx, CaseQuery()) and list_cases(ctx, CaseQuery(), 0, PAGE)) for _ in range(20)]
    print(f"list first page           p50 {statistics.median(first):.1f} ms")
    db.dispose()


def pg_queries(conn, n: int) -> list[str]:
    """realistic_queries for a PostgreSQL database (through a throw-away in-memory SQLite copy of
    the columns they are drawn from)."""
    mem = sqlite3.connect(":memory:")
    mem.create_function("random", 0, random.Random(5).random)  # the same queries on every run
    mem.execute("CREATE TABLE case_file (first_name, last_name, national_code, behzisti_file_number, "
                "clinic_file_number)")
    with conn.cursor() as cur:
        cur.execute("SELECT first_name, last_name, national_code, behzisti_file_number, clinic_file_number "
                    "FROM case_file ORDER BY id")
        mem.executemany("INSERT INTO case_file VALUES (?, ?, ?, ?, ?)", cur.fetchall())
    conn.commit()
    return realistic_queries(mem, n, random.Random(1))


if __name__ == "__main__":
    main()
