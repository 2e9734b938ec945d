"""Revision 0014: the table of each name key's one- and two-letter pieces (app.storage.search).

It must hold exactly the pieces of every file's current key whatever wrote the file (a new
file, a rename, a deletion, an import, a restore, the upgrade of a database holding files), on
SQLite and on PostgreSQL; and a search answered from it must find what testing every file's key
finds (the way short fragments were answered before it)."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app.persian import normalize_text, search_key
from app.services.caselist import CaseQuery, count_cases, list_cases
from app.storage import search
from app.storage.database import DB_FILENAME, Database, sqlite_url
from app.storage.migrate import alembic_config, head_revision, script_directory, upgrade

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "revision_0001.sqlite3"
PG_URL = os.environ.get("PARVANDEH_TEST_PG_URL")
FIRSTS = ("علیرضا", "زهرا", "مریم", "سارا", "رضا", "یاسین", "کوثر", "امیر", "آرش", "محمد", "مهسا", "نیما")
LASTS = ("احمدی", "آقایی", "پورمحمد", "بهرامی", "ژیان", "چراغی", "گودرزی", "یوسفی", "علی‌پور", "رضایی", "عبدی")


def _migrate(db: Database, target: str, down: bool = False) -> None:
    cfg = alembic_config()
    with db.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)


def pieces_of(key: str, longest: int) -> set[str]:
    return {key[i:i + width] for width in range(1, longest + 1) for i in range(len(key) - width + 1)}


def assert_in_step(db: Database) -> int:
    """The piece table is exactly the pieces of every file's key; returns how many files."""
    with db.read_engine.connect() as conn:
        keys = conn.exec_driver_sql("SELECT id, name_key FROM case_file").all()
        stored = set(map(tuple, conn.exec_driver_sql(f"SELECT piece, case_id FROM {search.PIECE_TABLE}").all()))
    longest = search.max_piece(db.dialect)
    assert longest == (2 if db.dialect == "sqlite" else 3)
    assert stored == {(piece, case_id) for case_id, key in keys for piece in pieces_of(key, longest)}
    return len(keys)


def _has_table(db: Database, name: str) -> bool:
    with db.read_engine.connect() as conn:
        return search.has_piece_index(conn) if name == search.PIECE_TABLE else False


# -- the revision --------------------------------------------------------------------------------

def test_0014_is_in_the_single_line_of_revisions():
    # 0015 (case_list_key) follows it: tests/storage/test_list_keys.py asserts the head
    assert len(script_directory().get_heads()) == 1
    assert script_directory().get_revision("0015").down_revision == "0014"
    assert "0014" in {r.revision for r in script_directory().walk_revisions("base", head_revision())}


@pytest.fixture
def old_clinic(tmp_path):
    path = tmp_path / DB_FILENAME
    shutil.copyfile(FIXTURE, path)
    db = Database(sqlite_url(path))
    yield db
    db.dispose()


def test_0014_fills_the_pieces_of_a_database_holding_files_and_downgrades(old_clinic):
    db = old_clinic
    _migrate(db, "0013")
    assert not _has_table(db, search.PIECE_TABLE)
    with db.write_engine.begin() as conn:
        before = conn.exec_driver_sql("SELECT * FROM case_file ORDER BY id").all()
    assert len(before) >= 3
    _migrate(db, "0014")
    assert assert_in_step(db) == len(before)
    with db.write_engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT * FROM case_file ORDER BY id").all() == before
        # the triggers came with it: a rename made with plain SQL is in step at once
        conn.exec_driver_sql("UPDATE case_file SET name_key = 'ژژط' WHERE id = (SELECT min(id) FROM case_file)")
    assert_in_step(db)
    _migrate(db, "0013", down=True)
    with db.write_engine.begin() as conn:
        names = {n for (n,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE 'case_name_piece%'")}
        conn.exec_driver_sql("UPDATE case_file SET name_key = 'abc' WHERE id = (SELECT min(id) FROM case_file)")
    assert names == set()  # table, positions and the three triggers gone; a rename still works
    _migrate(db, "0014")
    assert assert_in_step(db) == len(before)


# -- kept in step, SQLite ------------------------------------------------------------------------

def _case_input(worker, contract, number: str, first: str, last: str):
    from app.services.cases import CaseInput
    return CaseInput(behzisti_file_number=number, first_name=first, last_name=last, sex="female",
                     living_arrangement="own_family", received_on=dt.date(2026, 1, 10),
                     discharge_date=dt.date(2024, 5, 1), social_worker_id=worker.id, contract_id=contract.id)


def _every_way_of_writing_a_file(ctx, worker, contract, tmp_path) -> None:
    """New files, a rename (twice, back and forth), a deletion and an import; in step after each."""
    from app.services.cases import create_case, update_case
    from app.services.importing import import_cases, read_rows
    made = [create_case(ctx, _case_input(worker, contract, f"P{i:04d}", first, last))
            for i, (first, last) in enumerate(zip(FIRSTS, LASTS))]
    assert_in_step(ctx.db)
    update_case(ctx, made[0].id, _case_input(worker, contract, "P0000", "کوثر", "ملکوتی"))
    assert_in_step(ctx.db)
    assert [r.id for r in list_cases(ctx, CaseQuery(text="لک"), 0, 50)] == [made[0].id]
    assert made[0].id not in [r.id for r in list_cases(ctx, CaseQuery(text="علیرضا"), 0, 50)]
    update_case(ctx, made[1].id, _case_input(worker, contract, "P0001", "زهرا", "آقایی‌زاده"))
    assert_in_step(ctx.db)
    with ctx.db.transaction() as session:  # no service deletes a file today; the trigger must still
        session.execute(text("DELETE FROM case_file WHERE id = :id"), {"id": made[2].id})
    assert_in_step(ctx.db)
    assert made[2].id not in [r.id for r in list_cases(ctx, CaseQuery(text="مر"), 0, 50)]
    sheet_path = _import_sheet(tmp_path, [("I0001", "ژینا", "مهرآیین"), ("I0002", "هادی", "ظهیری")])
    result = import_cases(ctx, read_rows(sheet_path), contract_id=contract.id, social_worker_id=worker.id)
    assert result.created == 2, result.problems
    assert_in_step(ctx.db)
    assert {r.full_name for r in list_cases(ctx, CaseQuery(text="ظه"), 0, 50)} == {"هادی ظهیری"}


def _import_sheet(tmp_path: Path, rows) -> Path:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["شماره پرونده بهزیستی", "نام", "نام خانوادگی", "جنسیت", "وضعیت زندگی", "تاریخ دریافت"])
    for number, first, last in rows:
        sheet.append([number, first, last, "دختر", "خانواده خودی", "1404/10/20"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    return path


def test_pieces_stay_in_step_through_every_write_on_sqlite(ctx, worker, contract, tmp_path):
    _every_way_of_writing_a_file(ctx, worker, contract, tmp_path)


def test_a_restored_backup_brings_its_own_pieces(ctx, worker, contract, data_dir, tmp_path):
    from app.services.cases import create_case, update_case
    from app.storage.backup import create_backup, restore_backup
    from app.storage.migrate import known_revisions
    saved = create_case(ctx, _case_input(worker, contract, "R0001", "رعنا", "ثابتی"))
    backup = create_backup(data_dir / DB_FILENAME, data_dir / "attachments", tmp_path / "b.pvbak").path
    update_case(ctx, saved.id, _case_input(worker, contract, "R0001", "رعنا", "قاسمی"))
    create_case(ctx, _case_input(worker, contract, "R0002", "ثنا", "ثقفی"))
    ctx.db.dispose()
    restore_backup(backup, data_dir / DB_FILENAME, data_dir / "attachments",
                   known_revisions=known_revisions(), keep_dir=tmp_path / "kept")
    restored = Database(sqlite_url(data_dir / DB_FILENAME))
    try:
        assert assert_in_step(restored) == 1
        rctx = ctx.__class__(restored, ctx.actor, data_dir=data_dir, clock=ctx.clock)
        assert [r.id for r in list_cases(rctx, CaseQuery(text="ثا"), 0, 50)] == [saved.id]
        assert list_cases(rctx, CaseQuery(text="ثق"), 0, 50) == []
    finally:
        restored.dispose()


def test_the_demos_bulk_load_leaves_the_pieces_in_step(tmp_path):
    from app.services.demo import build_demo
    db = Database(sqlite_url(tmp_path / DB_FILENAME))
    try:
        upgrade(db)
        build_demo(db, 60, seed=5, today=dt.date(2026, 11, 23))
        assert assert_in_step(db) == 60
        with db.read_engine.connect() as conn:  # the insert trigger is back after the load
            assert conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'case_name_piece_insert'").first()
    finally:
        db.dispose()


# -- the same results as testing every key --------------------------------------------------------

def _queries(rng: random.Random) -> list[str]:
    keys = [search_key(f"{f} {last}") for f in FIRSTS for last in LASTS]
    singles = sorted({ch for k in keys for ch in k}) + ["ث", "ظ"]
    pairs = sorted({k[i:i + 2] for k in keys for i in range(len(k) - 1)})
    triples = sorted({k[i:i + 3] for k in keys for i in range(len(k) - 2)})
    queries = singles + rng.sample(pairs, 40) + rng.sample(triples, 30) + ["ثث", "ظظ", "يك", "ك", "ي", "ثثث"]
    queries += [f"{rng.choice(pairs)} {rng.choice(singles)}" for _ in range(15)]
    queries += [f"{rng.choice(FIRSTS)} {rng.choice(pairs)}" for _ in range(15)]
    queries += [f"{rng.choice(pairs)} {rng.choice(pairs)} {rng.choice(LASTS)[:3]}" for _ in range(10)]
    return queries


def _fill(ctx, worker, contract) -> list[int]:
    from app.services.cases import change_status, create_case
    made = []
    for i, (first, last) in enumerate((f, last) for f in FIRSTS for last in LASTS):
        made.append(create_case(ctx, _case_input(worker, contract, f"S{i:04d}", first, last)).id)
        if i % 5 == 1:
            change_status(ctx, made[-1], "closed" if i % 10 == 1 else "returned", on=dt.date(2026, 2, 1),
                          reason="پایان کار")
    return made


def _assert_same_as_every_key(ctx, monkeypatch) -> None:
    """Counts and pages from the piece table equal testing every key (the piece table switched off:
    a LIKE on each file, as short fragments were answered on PostgreSQL before 0014), for every
    status and with the shortcuts' thresholds forced low as well as at their real values."""
    from app.services import caselist
    with ctx.db.read_engine.connect() as conn:
        keys = dict(conn.exec_driver_sql("SELECT id, name_key FROM case_file").all())
    for text_ in _queries(random.Random(7)):
        tokens = [search_key(t) for t in normalize_text(text_).split()]
        for status in ("active", "closed", None):
            query = CaseQuery(text=text_, status=status)
            got = (count_cases(ctx, query), [r.id for r in list_cases(ctx, query, 0, 1000)],
                   [r.id for r in list_cases(ctx, query, 3, 4)])
            ctx.db._piece_index = False
            try:
                scanned = (count_cases(ctx, query), [r.id for r in list_cases(ctx, query, 0, 1000)],
                           [r.id for r in list_cases(ctx, query, 3, 4)])
            finally:
                ctx.db._piece_index = None
            assert got == scanned, (text_, status)
            assert set(got[1]) <= {i for i, k in keys.items() if all(t in k for t in tokens)}, text_
            assert got[0] == len(got[1])
    monkeypatch.setattr(caselist, "COUNT_BY_STATUS_FROM", 1)
    monkeypatch.setattr(caselist, "WALK_FROM", 2)
    for stream_from in (caselist.STREAM_MATCHES_FROM, 0):  # w37: matches streamed past the statuses, or not
        monkeypatch.setattr(caselist, "STREAM_MATCHES_FROM", stream_from)
        for text_ in ("م", "مه", "ر ی", "ا", "رض اح", "ی مهسا", "مهس", "حمد ا"):
            for status in ("active", "closed", "returned", None):
                query = CaseQuery(text=text_, status=status)
                expected = [r.id for r in list_cases(ctx, CaseQuery(status=status), 0, 1000)
                            if all(search_key(t) in keys[r.id] for t in normalize_text(text_).split())]
                assert count_cases(ctx, query) == len(expected), (text_, status, stream_from)
                assert [r.id for r in list_cases(ctx, query, 0, 1000)] == expected, (text_, status)


def test_searches_find_what_testing_every_key_finds_on_sqlite(ctx, worker, contract, monkeypatch):
    _fill(ctx, worker, contract)
    assert ctx.db.has_piece_index
    _assert_same_as_every_key(ctx, monkeypatch)


# -- PostgreSQL ----------------------------------------------------------------------------------

@pytest.fixture
def pg():
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PostgreSQL (PARVANDEH_TEST_PG_URL); .ci/run starts it")
        pytest.skip("PARVANDEH_TEST_PG_URL is not set; .ci/run starts PostgreSQL and sets it")
    db = Database(PG_URL)
    with db.write_engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    yield db
    db.dispose()


def _pg_clinic(db: Database):
    from app.services.accounts import StaffInput, add_staff
    from app.services.clinic import ClinicInput, set_up_clinic
    from app.services.context import ServiceContext
    from app.services.contracts import ContractInput, create_contract
    from tests.conftest import NOW
    manager = set_up_clinic(db, ClinicInput("کلینیک", "1", "مدیر"),
                            StaffInput("مینا", "مدیری", "manager", username="boss", password="password-1"), now=NOW)
    ctx = ServiceContext(db, manager, clock=lambda: NOW)
    worker = add_staff(ctx, StaffInput("سارا", "کارگر", "social_worker"))
    contract = create_contract(ctx, ContractInput(
        office_name="اداره بهزیستی شهرستان ری", number="1405-7", start_date="1405/01/01", end_date="1405/12/29",
        fee_per_case_month_rials=1_200_000, capacity=1000))
    return ctx, worker, contract


def test_pieces_on_postgresql_upgrade_with_files_stay_in_step_and_downgrade(pg, tmp_path):
    _migrate(pg, "0013")
    pg._piece_index = None
    ctx, worker, contract = _pg_clinic(pg)
    assert not pg.has_piece_index
    from app.services.cases import create_case
    for i, (first, last) in enumerate(zip(FIRSTS, LASTS)):
        create_case(ctx, _case_input(worker, contract, f"U{i:04d}", first, last))
    upgrade(pg)
    pg._piece_index = None
    assert pg.has_piece_index
    assert assert_in_step(pg) == len(LASTS)  # zip: as many as the shorter
    _every_way_of_writing_a_file(ctx, worker, contract, tmp_path)
    _migrate(pg, "0013", down=True)
    with pg.read_engine.connect() as conn:
        assert not search.has_piece_index(conn)
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_proc WHERE proname LIKE 'case_name_piece%%'").scalar() == 0
    with pg.write_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE case_file SET name_key = 'abc'")  # no trigger left behind to fail


def test_searches_find_what_testing_every_key_finds_on_postgresql(pg, monkeypatch):
    upgrade(pg)
    ctx, worker, contract = _pg_clinic(pg)
    _fill(ctx, worker, contract)
    assert pg.has_piece_index
    from app.services import caselist
    counted = []  # w37: a name of pieces is counted per status in one statement; it must be what ran
    real = caselist._postgres_count
    monkeypatch.setattr(caselist, "_postgres_count", lambda conn, s: counted.append(s.q.status) or real(conn, s))
    _assert_same_as_every_key(ctx, monkeypatch)
    assert {"active", "closed", "returned"} <= set(counted)
    assert None not in counted
