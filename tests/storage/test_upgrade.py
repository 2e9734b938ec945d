"""Upgrading a clinic's database keeps every row, and a copy is taken before the schema changes.

The fixture is a database as revision 0001 left it (made by make_revision_fixture.py beside this
file). It is opened with today's code, which migrates it to the newest revision.
"""

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import StorageError
from app.models import ReportRecord
from app.domain.enums import Role
from app.services.accounts import sign_in
from app.services.audit import verify_chain
from app.services.caselist import CaseQuery, list_cases
from app.services.cases import open_case
from app.services.context import Actor, ServiceContext
from app.services.context import _issue
from app.services.contracts import list_contracts
from app.services.problems import list_problems
from app.services.visits import ServiceInput, add_service, list_services
from app.storage import datadir
from app.storage.database import DB_FILENAME
from app.storage.datadir import open_database
from app.storage.migrate import current_revision, head_revision, integrity_problems
from tests.conftest import NOW

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "revision_0001.sqlite3"
FIXTURE_PASSWORD = "fixture-pass-1"
# Rows the fixture script writes; a smaller number would mean the fixture lost its point.
EXPECTED_ROWS = {
    "clinic": 1, "contract": 2, "setting": 2, "staff": 4, "staff_training": 2, "case_file": 3,
    "family_member": 4, "problem": 2, "problem_step": 5, "service": 5, "review": 2, "referral": 2,
    "attachment": 1, "audit_entry": 35,
}


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def table_counts(path: Path) -> dict[str, int]:
    conn = read_only(path)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def revision_of(path: Path) -> str:
    conn = read_only(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def old_folder(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(FIXTURE, folder / DB_FILENAME)
    return folder


def test_the_fixture_is_a_small_revision_0001_database_with_rows_in_every_table():
    assert FIXTURE.stat().st_size < 300_000
    assert revision_of(FIXTURE) == "0001"
    assert table_counts(FIXTURE) == EXPECTED_ROWS


def test_upgrade_from_0001_keeps_every_row_and_copies_the_old_file_first(old_folder):
    assert head_revision() != "0001", "the upgrade test needs a revision after 0001"
    before = table_counts(old_folder / DB_FILENAME)

    db = open_database(old_folder)
    try:
        assert current_revision(db) == head_revision()
        assert integrity_problems(db) == []
        with db.read() as session:
            chain = verify_chain(session)
        assert chain.ok and chain.entries == before["audit_entry"]
    finally:
        db.dispose()

    after = table_counts(old_folder / DB_FILENAME)
    assert {t: after[t] for t in before} == before
    assert after["report_record"] == 0

    copies = list((old_folder / "backups").glob("before-upgrade-0001-*.sqlite3"))
    assert len(copies) == 1
    assert revision_of(copies[0]) == "0001"
    assert table_counts(copies[0]) == before
    assert not list((old_folder / "backups").glob("*.partial"))


def test_old_rows_read_and_write_through_todays_services(old_folder):
    db = open_database(old_folder)
    try:
        ctx = ServiceContext(db, _issue(1, "مینا مدیری", Role.MANAGER), data_dir=old_folder, clock=lambda: NOW)
        case = open_case(ctx, 1)
        assert (case.first_name, case.last_name, case.national_code) == ("علی", "احمدی", "0499370899")
        assert case.birth_date == dt.date(2012, 8, 14) and case.address == "تهران، شهرری\nکوچه بهار"
        assert case.psychologist_name == "نگار روان‌شاد" and case.contract_number == "1405-7"
        assert [m.name for m in case.family] == ["فاطمه احمدی", "حسین احمدی"]
        assert open_case(ctx, 2).priority is True

        abuse = [s for s in list_services(ctx, 2) if s.abuse_concern]
        assert abuse and abuse[0].abuse_action == "گزارش به اورژانس اجتماعی ۱۲۳"
        assert [s.stage for s in list_problems(ctx, 1)[0].steps] == ["study", "plan", "action"]
        assert {c.number for c in list_contracts(ctx)} == {"1405-7", "1404-3"}
        from app.services.cheques import list_cheques  # the contract's one cheque became a record (0011)
        assert [(c.contract_number, c.cheque_number, c.amount_rials, c.given_on) for c in list_cheques(ctx)] == [
            ("1405-7", "778899", 500_000_000, dt.date(2026, 3, 25))]
        # Search keys written by the old code still find names typed with Arabic letters.
        assert [r.last_name for r in list_cases(ctx, CaseQuery(text="علي", status=None), 0, 10)] == \
            ["احمدی", "علی‌پور"]
        # The manager's old password hash still signs in.
        assert sign_in(db, "boss", FIXTURE_PASSWORD, now=NOW).staff_id == 1

        add_service(ctx, 1, ServiceInput(minutes=30, kind="care", mode="phone", note="تماس پس از به‌روزرسانی",
                                         domains=["health"], date=NOW.date()))
        assert len(list_services(ctx, 1)) == 3
        with db.transaction() as session:
            session.add(ReportRecord(id="R-1405-08-0001", kind="monthly", contract_id=1, year=1405, month=8,
                                     digest="0" * 64, signer_name="مینا مدیری", created_by=1))
        with db.read() as session:
            record = session.scalar(select(ReportRecord))
            assert (record.signed, record.correction_number, record.file_name) == (False, 0, "")
            assert verify_chain(session).ok
    finally:
        db.dispose()


def test_no_copy_when_nothing_is_migrated(tmp_path, old_folder):
    open_database(tmp_path / "new").dispose()
    assert not list((tmp_path / "new" / "backups").iterdir())
    open_database(old_folder).dispose()
    open_database(old_folder).dispose()
    assert len(list((old_folder / "backups").iterdir())) == 1


def test_a_failed_copy_stops_the_upgrade_and_leaves_the_database_as_it_was(old_folder, monkeypatch):
    def disk_full(_source, target):
        Path(target).write_bytes(b"half a copy")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datadir, "_sqlite_copy", disk_full)
    with pytest.raises(StorageError) as err:
        open_database(old_folder)
    assert "پشتیبان" in err.value.message
    assert revision_of(old_folder / DB_FILENAME) == "0001"
    assert table_counts(old_folder / DB_FILENAME) == EXPECTED_ROWS
    assert not list((old_folder / "backups").iterdir())


def test_a_callers_own_backup_replaces_the_plain_copy(old_folder):
    calls = []
    open_database(old_folder, before_migrate=lambda current, head: calls.append((current, head))).dispose()
    assert calls == [("0001", head_revision())]
    assert not list((old_folder / "backups").iterdir())
