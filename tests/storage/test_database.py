import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.errors import StorageError
from app.models import Base
from app.storage.database import APPLICATION_ID, DB_FILENAME
from app.storage.datadir import open_database, resolve_data_dir
from app.storage.search import is_index_table
from app.storage.migrate import current_revision, head_revision, integrity_problems


def test_new_folder_gets_a_migrated_database_with_safe_pragmas(tmp_path):
    db = open_database(tmp_path / "d")
    try:
        assert current_revision(db) == head_revision()
        with db.write_engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 2  # FULL
            assert pragma("application_id") == APPLICATION_ID
        assert integrity_problems(db) == []
    finally:
        db.dispose()
    assert (tmp_path / "d" / "attachments").is_dir() and (tmp_path / "d" / "backups").is_dir()


def test_migrations_match_the_models(tmp_path):
    db = open_database(tmp_path / "d")
    try:
        with db.write_engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": lambda name, type_, _p: not (
                type_ == "table" and is_index_table(name))})
            diffs = compare_metadata(context, Base.metadata)
        assert diffs == []
    finally:
        db.dispose()


def test_foreign_sqlite_file_is_refused(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_FILENAME)
    conn.execute("CREATE TABLE other(x)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError) as err:
        open_database(folder)
    assert "متعلق به برنامه پرونده نیست" in err.value.message


def test_damaged_file_is_reported_with_the_way_back_not_recreated(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / DB_FILENAME).write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StorageError) as err:
        open_database(folder)
    assert "آسیب دیده" in err.value.message and "پشتیبان" in err.value.message
    assert (folder / DB_FILENAME).read_bytes().startswith(b"this is not a database")


def test_data_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("PARVANDEH_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(None) == (tmp_path / "env").resolve()
    assert resolve_data_dir(tmp_path / "arg") == (tmp_path / "arg").resolve()
    monkeypatch.delenv("PARVANDEH_DATA_DIR")
    assert "Parvandeh" in str(resolve_data_dir(None)) or "parvandeh" in str(resolve_data_dir(None)).lower()


def test_working_files_left_by_a_killed_program_are_removed_after_a_day(tmp_path):
    import os
    import time
    folder = tmp_path / "d"
    open_database(folder).dispose()
    (folder / "drafts").mkdir()
    old = [folder / ".parvandeh-backup-abc123.tmp", folder / ".parvandeh-backup-abc123.tmp-wal",
           folder / "drafts" / ".visit-1-2-x1y2.tmp"]
    fresh = folder / ".parvandeh-backup-def456.tmp"  # perhaps another program's backup, running now
    kept = [folder / "drafts" / "visit-1-2-abcdef.json", folder / "backups" / "notes.tmp", fresh]
    now = time.time()
    two_days_ago = now - 2 * 86400
    for path in old + kept:
        path.write_bytes(b"x")
        # Every time set from the program's own clock, so that the test means the same with the clock moved.
        stamp = now if path is fresh else two_days_ago
        os.utime(path, (stamp, stamp))
    open_database(folder).dispose()
    assert [p for p in old if p.exists()] == []
    assert all(p.exists() for p in kept)
    assert (folder / DB_FILENAME).is_file()
