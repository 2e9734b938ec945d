"""Revision 0013: problems, problem steps and referrals take their confidentiality from their
author's role at the time of the upgrade, on a database at 0010 holding rows; nothing else moves."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from app.storage.database import DB_FILENAME, Database, sqlite_url
from app.storage.migrate import alembic_config, integrity_problems

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "revision_0001.sqlite3"
PSYCHOLOGIST, WORKER = 3, 2  # the fixture's staff ids (see make_revision_fixture.py)


def _migrate(db: Database, target: str, down: bool = False) -> None:
    cfg = alembic_config()
    with db.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def at_0010(tmp_path):
    """The fixture clinic brought to 0010, one problem (with a step) and one referral then written
    by its psychologist, the rest by its social worker."""
    path = tmp_path / DB_FILENAME
    shutil.copyfile(FIXTURE, path)
    db = Database(sqlite_url(path))
    _migrate(db, "0010")
    conn = sqlite3.connect(path)
    with conn:
        assert conn.execute("SELECT role FROM staff WHERE id = ?", (PSYCHOLOGIST,)).fetchone() == ("psychologist",)
        conn.execute("UPDATE problem SET staff_id = ? WHERE id = 2", (PSYCHOLOGIST,))
        conn.execute("UPDATE problem_step SET staff_id = ? WHERE id IN (4, 2)", (PSYCHOLOGIST,))
        conn.execute("UPDATE referral SET staff_id = ? WHERE id = 1", (PSYCHOLOGIST,))
    conn.close()
    yield db, path
    db.dispose()


def test_0013_marks_exactly_the_psychologists_rows_and_keeps_every_text(at_0010):
    db, path = at_0010
    before = _rows(path, "SELECT id, title, description, staff_id FROM problem ORDER BY id") + \
        _rows(path, "SELECT id, note, staff_id FROM problem_step ORDER BY id") + \
        _rows(path, "SELECT id, to_body, reason, outcome, staff_id FROM referral ORDER BY id")
    _migrate(db, "0013")
    assert _rows(path, "SELECT id, confidential FROM problem ORDER BY id") == [(1, 0), (2, 1)]
    assert _rows(path, "SELECT id, confidential FROM problem_step ORDER BY id") == \
        [(1, 0), (2, 1), (3, 0), (4, 1), (5, 0)]
    # The psychologist's referral has an outcome: who wrote it was never kept, so it follows the referral.
    assert _rows(path, "SELECT id, confidential, outcome_confidential FROM referral ORDER BY id") == \
        [(1, 1, 1), (2, 0, 0)]
    after = _rows(path, "SELECT id, title, description, staff_id FROM problem ORDER BY id") + \
        _rows(path, "SELECT id, note, staff_id FROM problem_step ORDER BY id") + \
        _rows(path, "SELECT id, to_body, reason, outcome, staff_id FROM referral ORDER BY id")
    assert after == before
    assert integrity_problems(db) == []


def test_a_role_changed_after_the_upgrade_changes_no_flag(at_0010):
    db, path = at_0010
    _migrate(db, "0013")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE staff SET role = 'social_worker' WHERE id = ?", (PSYCHOLOGIST,))
    conn.close()
    assert _rows(path, "SELECT confidential FROM problem WHERE id = 2") == [(1,)]
    assert _rows(path, "SELECT confidential FROM referral WHERE id = 1") == [(1,)]


def test_0013_goes_back_to_0010_and_up_again(at_0010):
    db, path = at_0010
    _migrate(db, "0013")
    _migrate(db, "0010", down=True)
    columns = [row[1] for row in _rows(path, "PRAGMA table_info(referral)")]
    assert "confidential" not in columns and "outcome_confidential" not in columns
    _migrate(db, "0013")
    assert _rows(path, "SELECT count(*) FROM problem WHERE confidential") == [(1,)]
    assert _rows(path, "SELECT version_num FROM alembic_version") == [("0013",)]


def test_0008_keeps_the_abuse_acknowledgements_0012_made(tmp_path):
    """0008 once rebuilt `service` (an Alembic batch): on SQLite, dropping the old table cascaded to
    every acknowledgement of an abuse concern. A database at 0007 with one keeps it through 0008."""
    path = tmp_path / DB_FILENAME
    shutil.copyfile(FIXTURE, path)
    db = Database(sqlite_url(path))
    try:
        _migrate(db, "0007")
        conn = sqlite3.connect(path)
        with conn:
            service_id = conn.execute("SELECT min(id) FROM service").fetchone()[0]
            conn.execute("INSERT INTO abuse_acknowledgement (service_id, staff_id, at, note) "
                         "VALUES (?, 1, '2026-11-01 10:00:00', 'دیده شد')", (service_id,))
        conn.close()
        _migrate(db, "0008")
        assert _rows(path, "SELECT service_id, note FROM abuse_acknowledgement") == [(service_id, "دیده شد")]
        assert integrity_problems(db) == []
    finally:
        db.dispose()
