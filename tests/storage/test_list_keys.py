"""Revision 0015: each file's status and sort keys beside its id (case_list_key) and beside each of
its name's pieces (case_name_piece), so a search's count and first page are index ranges.

The promise attacked here: whatever writes a file (a new file, a rename, a change of status or of
priority, a change of a sort key alone, a deletion), a search's count and pages are exactly what a
plain LIKE over every file finds, in the list's order — on SQLite and on PostgreSQL, with the
shortcuts' thresholds at their real values and forced low; and the copies themselves equal what
case_file holds. The revision upgrades a database holding files and downgrades to 0014's shape."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.persian import normalize_text, search_key
from app.services import caselist
from app.services.caselist import CaseQuery, count_cases, list_cases
from app.storage import search
from app.storage.migrate import head_revision, script_directory, upgrade
from tests.storage.test_name_pieces import FIRSTS, LASTS, _case_input, _migrate, _pg_clinic, old_clinic, pieces_of  # noqa: F401

STATUSES = ("active", "closed", "returned")
_NUMBERS = itertools.count(1)  # Behzisti file numbers: unique across hypothesis's examples on one database
KEYS = ("status", "priority", "last_name_key", "first_name_key")


def test_0015_is_in_the_single_line_of_revisions():
    # 0016 (the abuse concerns' index) follows it: tests/storage/test_migration_0016.py asserts the head
    assert len(script_directory().get_heads()) == 1
    assert script_directory().get_revision("0016").down_revision == "0015"
    assert "0015" in {r.revision for r in script_directory().walk_revisions("base", head_revision())}


# -- the copies equal case_file -------------------------------------------------------------------

def assert_keys_in_step(db) -> int:
    """case_list_key and the keyed pieces are exactly what case_file holds; returns how many files."""
    pg = db.dialect != "sqlite"
    with db.read_engine.connect() as conn:
        files = conn.exec_driver_sql(
            f"SELECT id, name_key, {', '.join(KEYS)} FROM case_file").all()
        listed = set(map(tuple, conn.exec_driver_sql(
            f"SELECT id, {', '.join(KEYS)}{', name_key' if pg else ''} FROM {search.LIST_TABLE}").all()))
        pieces = set(map(tuple, conn.exec_driver_sql(
            f"SELECT piece, {', '.join(KEYS)}, case_id FROM {search.PIECE_TABLE}").all()))
    assert listed == {(f.id, *(getattr(f, k) for k in KEYS), *((f.name_key,) if pg else ())) for f in files}
    longest = search.max_piece(db.dialect)
    assert pieces == {(p, *(getattr(f, k) for k in KEYS), f.id) for f in files for p in pieces_of(f.name_key, longest)}
    return len(files)


def test_0015_fills_a_database_holding_files_and_downgrades_to_0014s_shape(old_clinic):
    db = old_clinic
    _migrate(db, "0014")
    with db.write_engine.begin() as conn:
        before = conn.exec_driver_sql("SELECT * FROM case_file ORDER BY id").all()
        assert not search.has_list_keys(conn) and not search.has_keyed_pieces(conn)
    assert len(before) >= 3
    _migrate(db, "0015")
    assert assert_keys_in_step(db) == len(before)
    with db.write_engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT * FROM case_file ORDER BY id").all() == before
        # the triggers came with it: plain SQL changing a status, a priority, a sort key is in step at once
        conn.exec_driver_sql("UPDATE case_file SET status = 'closed', priority = 1, last_name_key = 'ژ' "
                             "WHERE id = (SELECT min(id) FROM case_file)")
    assert_keys_in_step(db)
    _migrate(db, "0014", down=True)
    with db.write_engine.begin() as conn:
        assert not search.has_list_keys(conn) and not search.has_keyed_pieces(conn)
        triggers = {n for (n,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert not {t for t in triggers if t.startswith("case_list_key")}
        conn.exec_driver_sql("UPDATE case_file SET name_key = 'ابث', status = 'active' "
                             "WHERE id = (SELECT min(id) FROM case_file)")
    from tests.storage.test_name_pieces import assert_in_step
    assert_in_step(db)  # 0014's pieces, kept by 0014's triggers again
    _migrate(db, "0015")
    assert assert_keys_in_step(db) == len(before)


def test_the_demos_bulk_load_leaves_the_keys_in_step(tmp_path):
    from app.services.demo import build_demo
    from app.storage.database import DB_FILENAME, Database, sqlite_url
    db = Database(sqlite_url(tmp_path / DB_FILENAME))
    try:
        upgrade(db)
        build_demo(db, 60, seed=5, today=dt.date(2026, 11, 23))
        assert assert_keys_in_step(db) == 60
        with db.read_engine.connect() as conn:  # the keyed insert trigger is back after the load
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'case_name_piece_insert'").scalar()
        assert "last_name_key" in sql
    finally:
        db.dispose()


# -- searches equal a plain LIKE over every file, through any sequence of writes -------------------

def _queries() -> list[str]:
    keys = sorted({search_key(f"{f} {last}") for f in FIRSTS for last in LASTS})
    singles = sorted({ch for k in keys for ch in k})
    pairs = sorted({k[i:i + 2] for k in keys for i in range(len(k) - 1)})
    triples = sorted({k[i:i + 3] for k in keys for i in range(len(k) - 2)})
    return (singles[::3] + pairs[::9] + triples[::15] + ["ث", "ژژ", "ثثث", "يك", "ك"]
            + ["علیرضا", "پورمحمد", "احمدی", "علی پور", "رضا ی", "مه سا", "رض اح", "سارا رضایی", "گودرز", "زهرا گو"])


QUERIES = _queries()


def _expected(conn, text_: str, status) -> list[int]:
    """The plain LIKE over every file, in the list's order."""
    tokens = [search_key(t) for t in normalize_text(text_).split()]
    where = " AND ".join(["1 = 1"] + [f"name_key LIKE :l{i}" for i in range(len(tokens))]
                         + (["status = :status"] if status else []))
    params = {f"l{i}": f"%{t}%" for i, t in enumerate(tokens)} | {"status": status}
    return list(conn.execute(text(f"SELECT id FROM case_file WHERE {where} "
                                  "ORDER BY priority DESC, last_name_key, first_name_key, id"), params).scalars())


def assert_searches_equal_a_scan(ctx) -> None:
    with ctx.db.read_engine.connect() as conn:
        expected = {(q, st_): _expected(conn, q, st_) for q in QUERIES for st_ in (*STATUSES, None)}
    for (q, status), ids in expected.items():
        query = CaseQuery(text=q, status=status)
        assert count_cases(ctx, query) == len(ids), (q, status)
        assert [r.id for r in list_cases(ctx, query, 0, 1000)] == ids, (q, status)
        assert [r.id for r in list_cases(ctx, query, 2, 3)] == ids[2:5], (q, status)


_NAMES = st.tuples(st.sampled_from(FIRSTS), st.sampled_from(LASTS))
_OPS = st.lists(st.one_of(
    st.tuples(st.just("create"), _NAMES),
    st.tuples(st.just("rename"), st.integers(0, 10_000), _NAMES),
    st.tuples(st.just("status"), st.integers(0, 10_000), st.sampled_from(STATUSES)),
    st.tuples(st.just("priority"), st.integers(0, 10_000), st.booleans()),
    st.tuples(st.just("sort key"), st.integers(0, 10_000), st.sampled_from(LASTS)),  # a sort key alone
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
), min_size=1, max_size=8)


class _Clinic:
    def __init__(self, ctx, worker, contract):
        self.ctx, self.worker, self.contract = ctx, worker, contract

    def ids(self) -> list[int]:
        with self.ctx.db.read_engine.connect() as conn:
            return list(conn.exec_driver_sql("SELECT id FROM case_file ORDER BY id").scalars())

    def sql(self, statement: str, **params) -> None:
        with self.ctx.db.transaction() as session:
            session.execute(text(statement), params)

    def apply(self, op) -> None:
        from app.services.cases import create_case, update_case
        kind, *args = op
        if kind == "create":
            create_case(self.ctx, _case_input(self.worker, self.contract, f"H{next(_NUMBERS):05d}", *args[0]))
            return
        ids = self.ids()
        if not ids:
            return
        case_id = ids[args[0] % len(ids)]
        if kind == "rename":
            with self.ctx.db.read_engine.connect() as conn:
                number = conn.exec_driver_sql(f"SELECT behzisti_file_number FROM case_file WHERE id = {case_id}").scalar()
            update_case(self.ctx, case_id, _case_input(self.worker, self.contract, number, *args[1]))
        elif kind == "status":
            self.sql("UPDATE case_file SET status = :s WHERE id = :id", s=args[1], id=case_id)
        elif kind == "priority":
            self.sql("UPDATE case_file SET priority = :p WHERE id = :id", p=args[1], id=case_id)
        elif kind == "sort key":
            self.sql("UPDATE case_file SET last_name_key = :k WHERE id = :id", k=search_key(args[1]), id=case_id)
        elif kind == "delete":
            self.sql("DELETE FROM case_file WHERE id = :id", id=case_id)


def _fill(clinic: _Clinic) -> None:
    for i, names in enumerate((f, last) for f in FIRSTS[:6] for last in LASTS[:6]):
        clinic.apply(("create", names))
        if i % 4 == 1:
            clinic.apply(("status", i, STATUSES[1 + i % 2]))
        if i % 5 == 2:
            clinic.apply(("priority", i, True))


def _check_every_way(clinic: _Clinic, monkeypatch, ops) -> None:
    for op in ops:
        clinic.apply(op)
    assert_keys_in_step(clinic.ctx.db)
    assert_searches_equal_a_scan(clinic.ctx)
    with monkeypatch.context() as m:  # the few-matches and walking branches on a small clinic too
        m.setattr(caselist, "COUNT_BY_STATUS_FROM", 1)
        m.setattr(caselist, "WALK_FROM", 2)
        m.setattr(caselist, "STREAM_MATCHES_FROM", 3)
        assert_searches_equal_a_scan(clinic.ctx)


def _spy(monkeypatch) -> tuple[set, set]:
    """The page variants and counting statements that ran, so the new paths are known to be tested."""
    pages, counts = set(), set()
    real_page, real_scalar = caselist._page_where, caselist._Search.run_scalar
    monkeypatch.setattr(caselist, "_page_where", lambda conn, s: (lambda r: pages.add(r[0]) or r)(real_page(conn, s)))
    monkeypatch.setattr(caselist._Search, "run_scalar",
                        lambda self, conn, role, build, **extra: counts.add(role) or real_scalar(self, conn, role, build, **extra))
    return pages, counts


_HYPOTHESIS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_HYPOTHESIS
@given(ops=_OPS)
def test_searches_equal_a_scan_through_any_writes_on_sqlite(ctx, worker, contract, monkeypatch, ops):
    clinic = _Clinic(ctx, worker, contract)
    if not clinic.ids():
        _fill(clinic)
    assert ctx.db.has_list_keys
    pages, counts = _spy(monkeypatch)
    _check_every_way(clinic, monkeypatch, ops)
    assert {"keys piece", "keys few"} <= pages and {"count piece", "count keyed"} <= counts


@pytest.fixture
def pg_clinic(pg):
    upgrade(pg)
    clinic = _Clinic(*_pg_clinic(pg))
    _fill(clinic)
    return clinic


@_HYPOTHESIS
@given(ops=_OPS)
def test_searches_equal_a_scan_through_any_writes_on_postgresql(pg_clinic, monkeypatch, ops):
    assert pg_clinic.ctx.db.has_list_keys
    pages, counts = _spy(monkeypatch)
    _check_every_way(pg_clinic, monkeypatch, ops)
    assert {"keys piece", "keys like", "keys few"} <= pages and {"count piece", "count keyed"} <= counts


def test_0015_on_postgresql_upgrades_files_keeps_them_and_downgrades(pg):
    _migrate(pg, "0014")
    ctx, worker, contract = _pg_clinic(pg)
    clinic = _Clinic(ctx, worker, contract)
    _fill(clinic)
    _migrate(pg, "0015")
    pg._list_keys = None
    assert pg.has_list_keys
    assert assert_keys_in_step(pg) == 36
    with pg.read_engine.connect() as conn:  # the planner has its figures at once
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_stats WHERE tablename = 'case_list_key'").scalar() > 0
    for op in (("status", 3, "closed"), ("priority", 4, True), ("sort key", 5, "ژیان"), ("delete", 6),
               ("rename", 7, ("ثنا", "ثقفی"))):
        clinic.apply(op)
        assert_keys_in_step(pg)
    _migrate(pg, "0014", down=True)
    with pg.read_engine.connect() as conn:
        assert not search.has_list_keys(conn) and not search.has_keyed_pieces(conn)
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_proc WHERE proname = 'case_list_key_keep'").scalar() == 0
    from tests.storage.test_name_pieces import assert_in_step
    assert assert_in_step(pg) == 35
    with pg.write_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE case_file SET status = 'active', priority = true")  # no trigger left to fail
    assert_in_step(pg)
