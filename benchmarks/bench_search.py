"""Search and case-list latency on a demo data folder, beside the same query as bare SQL (the floor).

    python benchmarks/bench_search.py --data-dir benchmarks/cache/demo-150000 [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from pathlib import Path

from app.persian import search_key
from app.services.caselist import CaseQuery, count_cases, list_cases
from app.services.context import Actor, ServiceContext
from app.storage.datadir import open_database


def realistic_queries(conn: sqlite3.Connection, n: int, rng: random.Random) -> list[str]:
    rows = conn.execute("SELECT first_name, last_name, national_code, behzisti_file_number, clinic_file_number "
                        "FROM case_file ORDER BY random() LIMIT ?", (n,)).fetchall()
    queries = []
    for first, last, code, bnum, cnum in rows:
        kind = rng.randrange(6)
        if kind == 0:
            queries.append(last[: max(2, len(last) - 1)].replace("ی", "ي").replace("ک", "ك"))
        elif kind == 1:
            queries.append(f"{first} {last[:3]}")
        elif kind == 2:
            queries.append(code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))[: rng.randrange(6, 11)])
        elif kind == 3:
            queries.append(bnum)
        elif kind == 4:
            queries.append(last.replace("\u200c", " "))
        else:
            queries.append(cnum)
    return queries


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bare_sql(conn: sqlite3.Connection, query: str) -> None:
    """The floor: the page of ids a hand-written query returns, with no application code."""
    from app.persian import normalize_identifier
    ident = normalize_identifier(query)
    if ident.replace("-", "").replace("/", "").isdigit():
        conn.execute("SELECT id FROM case_file WHERE status='active' AND id IN ("
                     "SELECT id FROM case_file WHERE national_code >= ?1 AND national_code < ?1 || char(65535) UNION "
                     "SELECT id FROM case_file WHERE behzisti_file_number >= ?1 AND behzisti_file_number < ?1 || char(65535) UNION "
                     "SELECT id FROM case_file WHERE clinic_file_number >= ?1 AND clinic_file_number < ?1 || char(65535)) "
                     "ORDER BY priority DESC, last_name_key, first_name_key, id LIMIT 20", (ident,)).fetchall()
        return
    tokens = [search_key(t) for t in query.split() if search_key(t)]
    where = " AND ".join("id IN (SELECT rowid FROM case_name_fts WHERE name_key LIKE ?)" if len(t) >= 3
                         else "name_key LIKE ?" for t in tokens)
    conn.execute(f"SELECT id FROM case_file WHERE status='active' AND {where} "
                 "ORDER BY priority DESC, last_name_key, first_name_key, id LIMIT 20",
                 [f"%{t}%" for t in tokens]).fetchall()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    db = open_database(Path(args.data_dir))
    ctx = ServiceContext(db, Actor.system())
    conn = sqlite3.connect(Path(args.data_dir) / "parvandeh.sqlite3")
    queries = realistic_queries(conn, args.queries, random.Random(1))
    for q in queries[:10]:  # warm the page cache like a running program would have it
        list_cases(ctx, CaseQuery(text=q), 0, 20)
    app_ms = [timed(lambda q=q: list_cases(ctx, CaseQuery(text=q), 0, 20)) for q in queries]
    sql_ms = [timed(lambda q=q: bare_sql(conn, q)) for q in queries]
    count_ms = [timed(lambda q=q: count_cases(ctx, CaseQuery(text=q))) for q in queries[:50]]
    first_page = [timed(lambda: list_cases(ctx, CaseQuery(), 0, 20)) for _ in range(20)]
    print(f"queries: {len(queries)}")
    print(f"search page (20 rows)  p50 {statistics.median(app_ms):.1f} ms  p95 {pct(app_ms, 95):.1f} ms  "
          f"max {max(app_ms):.1f} ms")
    print(f"bare SQL               p50 {statistics.median(sql_ms):.1f} ms  p95 {pct(sql_ms, 95):.1f} ms")
    print(f"ratio p95 app/sql      {pct(app_ms, 95) / max(pct(sql_ms, 95), 0.001):.2f}")
    print(f"count of matches       p50 {statistics.median(count_ms):.1f} ms  p95 {pct(count_ms, 95):.1f} ms")
    print(f"list first page        p50 {statistics.median(first_page):.1f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
