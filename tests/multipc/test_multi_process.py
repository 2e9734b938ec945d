"""Several PCs on one database, as separate processes on the real engines (SQLite file, and the
PostgreSQL that .ci/run starts): no lost update, no lost save around a restore."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.errors import StaleEdit, StorageError
from app.models import Service
from app.services.accounts import StaffInput
from app.services.cases import CaseInput, case_detail, create_case
from app.services.clinic import ClinicInput, set_up_clinic
from app.services.context import ServiceContext
from app.storage.backup import create_backup, restore_backup
from app.storage.database import DB_FILENAME, Database, sqlite_url
from app.storage.migrate import known_revisions, upgrade
from tests.conftest import NOW, empty_pg

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PARVANDEH_TEST_PG_URL")


def run_worker(*args: str, wait: bool = True):
    cmd = [sys.executable, "-m", "tests.multipc.worker", *args]
    if wait:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def fresh_pg() -> Database:
    db = empty_pg()
    upgrade(db)
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_db(request, db):
    if request.param == "sqlite":
        yield db
        return
    pg = fresh_pg()
    yield pg
    pg.dispose()


def one_case(db: Database) -> tuple[ServiceContext, int]:
    manager = set_up_clinic(db, ClinicInput("کلینیک", "1", "مدیر"),
                            StaffInput("مینا", "مدیری", "manager", username="boss", password="password-1"), now=NOW)
    ctx = ServiceContext(db, manager, clock=lambda: NOW)
    case = create_case(ctx, CaseInput(behzisti_file_number="77", first_name="علی", last_name="احمدی", sex="male",
                                      living_arrangement="own_family", received_on=dt.date(2026, 1, 1)))
    return ctx, case.id


def test_lost_update_is_refused_between_two_processes(engine_db):
    ctx, case_id = one_case(engine_db)
    read = case_detail(ctx, case_id).version  # both PCs opened the file at this version
    first = run_worker("update-case", engine_db.url, str(case_id), str(read), "priority", "1")
    assert first.stdout.startswith("saved"), first.stderr
    second = run_worker("update-case", engine_db.url, str(case_id), str(read), "address", "خیابان آزادی")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("stale"), second.stdout
    changes = json.loads(second.stdout[len("stale "):])
    assert changes[-1][2]["اولویت"] == [False, True]
    now = case_detail(ctx, case_id)
    assert now.priority and now.address == ""


def test_postgresql_race_between_read_and_write_is_refused_by_the_version_check():
    """Two connections: both read version 1; the first commits; the second's UPDATE names version 1
    and finds nothing (READ COMMITTED would otherwise let it overwrite)."""
    pg = fresh_pg()
    try:
        ctx, case_id = one_case(pg)
        from app.models import CaseFile
        with pytest.raises(StaleEdit):
            with pg.transaction() as slow:
                case = slow.get(CaseFile, case_id)
                assert case.version == 1
                with pg.transaction() as fast:
                    fast.get(CaseFile, case_id).address = "نشانی تازه"
                case.phones = "0211234"
        assert case_detail(ctx, case_id).address == "نشانی تازه"
    finally:
        pg.dispose()


def acked(log: Path) -> tuple[set[int], list[str]]:
    ids, other = set(), []
    for line in log.read_text(encoding="utf-8").splitlines():
        (ids.add(int(line)) if line.isdigit() else other.append(line))
    return ids, other


def service_ids(db_path: Path) -> set[int]:
    db = Database(sqlite_url(db_path))
    try:
        with db.read() as s:
            return set(s.scalars(select(Service.id)))
    finally:
        db.dispose()


def wait_for(condition, timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.2)


def start_writers(db: Database, case_id: int, tmp_path: Path, register: bool, n: int = 2):
    logs = [tmp_path / f"ack-{i}.log" for i in range(n)]
    procs = [run_worker("writer", db.url, str(case_id), str(log), "1" if register else "0", wait=False)
             for log in logs]
    wait_for(lambda: all(log.exists() and len(acked(log)[0]) >= 3 for log in logs))
    return procs, logs


def test_restore_is_refused_while_other_programs_are_connected(db, data_dir, tmp_path):
    ctx, case_id = one_case(db)
    backup = tmp_path / "before.pvbak"
    create_backup(data_dir / DB_FILENAME, data_dir / "attachments", backup)
    procs, logs = start_writers(db, case_id, tmp_path, register=True)
    try:
        with pytest.raises(StorageError) as err:
            restore_backup(backup, data_dir / DB_FILENAME, data_dir / "attachments",
                           known_revisions=known_revisions(), keep_dir=data_dir / "backups")
        for proc in procs:
            assert f"شناسه فرایند {proc.pid}" in err.value.message.replace("۰", "0")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    saved = service_ids(data_dir / DB_FILENAME)
    for log in logs:
        ids, other = acked(log)
        assert ids <= saved
        assert not [line for line in other if line.startswith("raw")]


def test_restore_beside_unseen_writers_loses_no_acknowledged_save(db, data_dir, tmp_path):
    """Writers that never registered (say, an older program): restore goes ahead, and every save
    they were told succeeded is in the restored data or in the copy kept before it; after the
    restore each writer is refused, in Persian, and writes nothing more anywhere."""
    ctx, case_id = one_case(db)
    backup = tmp_path / "before.pvbak"
    create_backup(data_dir / DB_FILENAME, data_dir / "attachments", backup)
    procs, logs = start_writers(db, case_id, tmp_path, register=False)
    db.dispose()
    try:
        result = restore_backup(backup, data_dir / DB_FILENAME, data_dir / "attachments",
                                known_revisions=known_revisions(), keep_dir=data_dir / "backups")
        wait_for(lambda: all("refused" in acked(log)[1] for log in logs))
        for proc in procs:
            assert proc.wait(timeout=60) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
    kept_dir = tmp_path / "kept"
    (kept_dir / "attachments").mkdir(parents=True)
    restore_backup(result.kept_copy, kept_dir / DB_FILENAME, kept_dir / "attachments",
                   known_revisions=known_revisions(), keep_dir=kept_dir / "backups")
    restored, kept = service_ids(data_dir / DB_FILENAME), service_ids(kept_dir / DB_FILENAME)
    assert restored == set()  # the backup was taken before any visit
    for log in logs:
        ids, other = acked(log)
        assert ids and ids <= kept | restored
        assert not [line for line in other if line.startswith(("raw", "domain"))]


def test_demo_on_postgresql_leaves_the_sequences_right():
    from app.services.demo import build_demo
    pg = fresh_pg()
    try:
        demo = build_demo(pg, 5, seed=3, today=dt.date(2026, 11, 23))
        from app.services.accounts import sign_in
        from app.services.demo import DEMO_MANAGER, DEMO_PASSWORD
        ctx = ServiceContext(pg, sign_in(pg, DEMO_MANAGER, DEMO_PASSWORD, now=NOW), clock=lambda: NOW)
        case = create_case(ctx, CaseInput(behzisti_file_number="X-1", first_name="نو", last_name="تازه", sex="male",
                                          living_arrangement="own_family", received_on=dt.date(2026, 1, 1)))
        assert case.id > 5
        assert demo is not None
    finally:
        pg.dispose()


def test_postgresql_backup_and_restore_use_pg_dump_and_stop_old_writers(tmp_path):
    from app.errors import Restored
    from app.storage import pgdump, presence
    pg = fresh_pg()
    try:
        ctx, case_id = one_case(pg)
        dump = pgdump.dump(pg.url, tmp_path / "clinic.pgdump")
        assert dump.read_bytes()[:5] == b"PGDMP"
        later = create_case(ctx, CaseInput(behzisti_file_number="78", first_name="زهرا", last_name="آقایی",
                                           sex="female", living_arrangement="own_family",
                                           received_on=dt.date(2026, 1, 1))).id
        other = presence.register(pg, "سارا کارگر", "gui")
        with pytest.raises(StorageError) as err:
            pgdump.restore(pg.url, dump)
        assert "سارا کارگر" in err.value.message
        presence.unregister(pg, other)
        pgdump.restore(pg.url, dump)
        with pytest.raises(Restored):  # this process opened the database before the restore
            create_case(ctx, CaseInput(behzisti_file_number="79", first_name="نو", last_name="تازه", sex="male",
                                       living_arrangement="own_family", received_on=dt.date(2026, 1, 1)))
    finally:
        pg.dispose()
    fresh = Database(PG_URL)
    try:
        ctx2 = ServiceContext(fresh, ctx.actor, clock=lambda: NOW)
        case_detail(ctx2, case_id)
        from app.errors import NotFound
        with pytest.raises(NotFound):
            case_detail(ctx2, later)
        create_case(ctx2, CaseInput(behzisti_file_number="80", first_name="نو", last_name="تازه", sex="male",
                                    living_arrangement="own_family", received_on=dt.date(2026, 1, 1)))
    finally:
        fresh.dispose()


def test_connect_tests_the_server_then_points_the_folder_at_it(tmp_path, capsys):
    from app.cli import main
    from app.storage.database import database_url_for
    folder = tmp_path / "pc2"
    assert main(["connect", "--url", "postgresql://nobody@/nowhere?host=/nonexistent&port=1",
                 "--data-dir", str(folder)]) != 0
    assert database_url_for(folder).startswith("sqlite")  # a failed test writes nothing
    pg = fresh_pg()
    pg.dispose()
    assert main(["connect", "--url", PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                 "--data-dir", str(folder)]) == 0
    assert "اتصال برقرار شد" in capsys.readouterr().out
    assert database_url_for(folder) == PG_URL


def import_rows(n: int, first_line: int = 2):
    from app.services.importing import ImportRow
    return [ImportRow(first_line + i, {"behzisti_file_number": f"IMP-{i:05d}", "first_name": "مریم",
                                       "last_name": f"رضایی{i}", "sex": "دختر", "living_arrangement": "مستقل",
                                       "received_on": "1405/01/15"}) for i in range(n)]


def test_a_big_import_beside_a_writer_stalls_nobody_and_is_all_or_nothing(db, data_dir, tmp_path):
    from app.services.importing import import_cases
    ctx, case_id = one_case(db)
    log = tmp_path / "ack.log"
    proc = run_worker("writer", db.url, str(case_id), str(log), "0", wait=False)
    try:
        wait_for(lambda: log.exists() and len(acked(log)[0]) >= 3)
        before = len(acked(log)[0])
        halfway = {}

        def progress(done, total):
            if done == total // 2 and not halfway:
                halfway["acks"] = len(acked(log)[0])
        result = import_cases(ctx, import_rows(3000), contract_id=None, progress=progress)
        assert result.created == 3000 and result.ok
        # the other PC went on saving while the rows were being checked
        assert halfway["acks"] > before
        # a second list with one bad row: nothing of it is saved, the writer still unharmed
        rows = import_rows(50, first_line=2)
        rows = [type(r)(r.line, dict(r.values, behzisti_file_number=f"NEW-{i}")) for i, r in enumerate(rows)]
        rows[-1].values["sex"] = "نامعلوم"
        bad = import_cases(ctx, rows, contract_id=None)
        assert bad.created == 0 and bad.problems[0].line == rows[-1].line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    ids, other = acked(log)
    assert not other  # no raw error, no Persian error either
    assert ids <= service_ids(data_dir / DB_FILENAME)
    from app.models import CaseFile
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CaseFile).where(
            CaseFile.behzisti_file_number.like("NEW-%"))) == 0
        numbers = s.scalars(select(CaseFile.clinic_file_number)).all()
    assert len(numbers) == len(set(numbers)) == 3001


def test_migrate_moves_a_sqlite_clinic_to_postgresql_with_counts_and_chain_verified(db, data_dir, capsys,
                                                                                    monkeypatch):
    import io

    from app.cli import main
    # The move copies the whole clinic: the manager signs in (--user, password on stdin).
    monkeypatch.setattr("sys.stdin", io.StringIO("password-1\npassword-1\n"))
    from app.services.visits import ServiceInput, add_service
    from app.storage.database import database_url_for
    ctx, case_id = one_case(db)
    for day in range(1, 4):
        add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note=f"تماس {day}", domains=["health"],
                                               date=dt.date(2026, 11, day), staff_id=ctx.actor.staff_id))
    db.dispose()
    pg = fresh_pg()
    with pg.write_engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    pg.dispose()
    assert main(["migrate", "--to", PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                 "--data-dir", str(data_dir), "--user", "boss"]) == 0
    out = capsys.readouterr().out
    assert "نادرست" not in out and "case_file" in out and "زنجیره رویدادها" in out
    assert database_url_for(data_dir) == PG_URL
    if os.name == "posix":  # the address carries the server's password: the owner's alone
        assert (data_dir / "database-url.txt").stat().st_mode & 0o777 == 0o600
    server = Database(PG_URL)
    try:
        ctx2 = ServiceContext(server, ctx.actor, clock=lambda: NOW)
        saved = add_service(ctx2, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note="پس از انتقال",
                                                        domains=["health"], date=dt.date(2026, 11, 5),
                                                        staff_id=ctx.actor.staff_id))
        assert saved.id == 4  # the sequence continues after the copied rows
        assert len(__import__("app.services.visits", fromlist=["x"]).list_services(ctx2, case_id)) == 4
    finally:
        server.dispose()
    # a second move onto a server that already holds a clinic is refused
    (data_dir / "database-url.txt").unlink()
    assert main(["migrate", "--to", PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                 "--data-dir", str(data_dir), "--user", "boss"]) != 0


def test_server_setup_prints_the_role_and_database_sql(capsys):
    from app.cli import main
    assert main(["server", "setup", "--role", "clinic_user", "--database", "clinic_db"]) == 0
    out = capsys.readouterr().out
    assert "CREATE ROLE clinic_user LOGIN" in out and "CREATE DATABASE clinic_db OWNER clinic_user" in out
    assert main(["server", "setup", "--role", "x; DROP TABLE y"]) != 0


PERSIAN_ORDER = ["آبادی", "احمدی", "بهرامی", "پاکزاد", "تهرانی", "ثابتی", "جعفری", "چگینی", "حسینی", "خسروی",
                 "زارعی", "ژیان", "سلیمانی", "شریفی", "کاظمی", "گودرزی", "لطفی", "نوری", "وحیدی", "هاشمی", "یزدانی"]


def test_the_same_persian_sort_order_on_both_engines(engine_db):
    from app.services.caselist import CaseQuery, list_cases
    ctx, _ = one_case(engine_db)  # احمدی, علی
    shuffled = sorted(set(PERSIAN_ORDER) - {"احمدی"}, key=lambda s: s[::-1])
    for i, last in enumerate(shuffled):
        typed = last.replace("ی", "ي").replace("ک", "ك")  # as an Arabic keyboard types them
        create_case(ctx, CaseInput(behzisti_file_number=f"S{i}", first_name="علی", last_name=typed, sex="male",
                                   living_arrangement="own_family", received_on=dt.date(2026, 1, 1)))
    rows = list_cases(ctx, CaseQuery(), 0, 100)
    assert [r.last_name for r in rows] == PERSIAN_ORDER


def test_postgresql_notify_reaches_another_connection_only_for_committed_saves():
    from app.errors import ValidationError
    from app.services.changes import changes_since, latest_change
    from app.storage.notify import ChangeWaiter
    pg = fresh_pg()
    try:
        ctx, case_id = one_case(pg)
        waiter = ChangeWaiter(pg.url)
        try:
            last = latest_change(ctx)
            assert not waiter.wait(0.3)
            with pytest.raises(ValidationError):  # refused, rolled back: nobody is told
                create_case(ctx, CaseInput(behzisti_file_number="", first_name="", last_name="", sex="male",
                                           living_arrangement="own_family"))
            assert not waiter.wait(0.5)
            other = run_worker("update-case", pg.url, str(case_id), str(case_detail(ctx, case_id).version),
                               "address", "خیابان آزادی")
            assert other.stdout.startswith("saved"), other.stderr
            assert waiter.wait(5)
            _, changes = changes_since(ctx, last)
            assert [(c.entity, c.entity_id) for c in changes] == [("case_file", case_id)]
        finally:
            waiter.close()
    finally:
        pg.dispose()


def test_postgresql_a_visit_saved_while_the_file_is_edited_elsewhere_is_not_refused():
    """READ COMMITTED: the note's transaction read the file before another PC's edit committed; the
    file's derived dates are written on its newest version, not refused as a stale edit."""
    import dataclasses

    from app.models import CaseFile, Service
    from app.services.cases import update_case
    from app.services.visits import refresh_case_dates
    pg = fresh_pg()
    try:
        ctx, case_id = one_case(pg)
        with pg.transaction() as note_tx:
            case = note_tx.get(CaseFile, case_id)
            note_tx.add(Service(case_id=case_id, date=dt.date(2026, 11, 20), kind="care", mode="phone",
                                staff_id=ctx.actor.staff_id, note="تماس"))
            read = case_detail(ctx, case_id)
            names = {f.name for f in dataclasses.fields(CaseInput)} - {"family", "version", "address"}
            update_case(ctx, case_id, CaseInput(**{n: getattr(read, n) for n in names}, address="تازه",
                                                version=read.version))
            refresh_case_dates(note_tx, case)
        after = case_detail(ctx, case_id)
        assert after.address == "تازه" and after.version == read.version + 1
    finally:
        pg.dispose()


def test_soak_smoke_two_clients_lose_nothing(tmp_path):
    from benchmarks.soak_multipc import soak
    result = soak(sqlite_url(tmp_path / "soak.sqlite3"), clients=2, seconds=3, cases=5)
    assert result["clients_finished"] == 2 and result["saves"] > 0
    assert result["lost"] == 0 and result["raw_errors"] == 0, result["raw_samples"]


def test_in_postgresql_mode_no_backup_touches_the_stray_sqlite_file(db, data_dir, tmp_path, capsys, monkeypatch):
    import io

    from app.cli import main
    monkeypatch.setattr("sys.stdin", io.StringIO("password-1\n"))  # the manager signs in for a backup
    from app.storage.backup import auto_backup
    from app.storage.connect import save_url
    one_case(db)  # the folder's SQLite file has a clinic in it: the stray file
    db.dispose()
    pg = fresh_pg()
    one_case(pg)  # the clinic on the server, whose manager signs in for the backup
    pg.dispose()
    save_url(data_dir, PG_URL)
    assert auto_backup(data_dir, reason="exit", now=NOW) is None
    assert list((data_dir / "backups").iterdir()) == []
    out = tmp_path / "clinic.backup"
    assert main(["backup", "--out", str(out), "--data-dir", str(data_dir), "--user", "boss"]) == 0
    assert out.read_bytes()[:5] == b"PGDMP"
    stray = tmp_path / "stray.pvbak"
    from app.storage.backup import create_backup
    create_backup(data_dir / DB_FILENAME, data_dir / "attachments", stray)
    before = (data_dir / DB_FILENAME).read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO("password-1\n"))
    assert main(["restore", str(stray), "--data-dir", str(data_dir), "--user", "boss"]) != 0  # not pg_dump: refused
    assert "pg_dump" in capsys.readouterr().err
    assert (data_dir / DB_FILENAME).read_bytes() == before


def test_a_killed_program_of_this_pc_does_not_block_a_restore(db, data_dir, tmp_path):
    from app.storage import presence
    one_case(db)
    backup = tmp_path / "before.pvbak"
    create_backup(data_dir / DB_FILENAME, data_dir / "attachments", backup)
    log = tmp_path / "ack.log"
    proc = run_worker("writer", db.url, "1", str(log), "1", wait=False)
    wait_for(lambda: log.exists() and len(acked(log)[0]) >= 1)
    assert [p.pid for p in presence.others(db)] == [proc.pid]
    proc.send_signal(signal.SIGKILL)  # its row stays, with a fresh heartbeat
    proc.wait()
    assert presence.others(db) == []
    db.dispose()
    restore_backup(backup, data_dir / DB_FILENAME, data_dir / "attachments",
                   known_revisions=known_revisions(), keep_dir=data_dir / "backups")
