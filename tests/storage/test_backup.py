"""Backups and restores of the data folder, as a clinic would live through them."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import jdatetime
import pytest

from app.errors import AuthError, StorageError, ValidationError
from app.storage import backup, crypto
from app.storage.backup import (
    BackupCancelled,
    auto_backup,
    create_backup,
    latest_good_backup,
    prune_backups,
    read_backup_info,
    restore_backup,
    verify_backup,
)

APP_ID = 0x50525644
REV = "0001_first"
KNOWN = ["0000_start", REV]


# ---------------------------------------------------------------- helpers


def make_db(path: Path, *, app_id: int | None = APP_ID, revision: str | None = REV,
            rows: int = 50, wal: bool = True) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    if app_id is not None:
        conn.execute(f"PRAGMA application_id={app_id}")
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    if revision is not None:
        conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    conn.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, name TEXT, note BLOB)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO cases (name, note) VALUES (?, ?)",
                     [(f"مددجو {i}", os.urandom(200)) for i in range(rows)])
    conn.execute("COMMIT")
    conn.close()


def db_bytes(**kwargs) -> bytes:
    """A whole database file in one piece (rollback journal, so nothing hides in a WAL)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        make_db(Path(d, "x.sqlite3"), wal=False, **kwargs)
        return Path(d, "x.sqlite3").read_bytes()


def rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, name, note FROM cases ORDER BY id").fetchall()
    finally:
        conn.close()


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Data:
    def __init__(self, root: Path):
        self.dir = root
        self.db = root / "parvandeh.sqlite3"
        self.att = root / "attachments"
        self.backups = root / "backups"

    def restore(self, path: Path, **kwargs):
        kwargs.setdefault("known_revisions", KNOWN)
        return restore_backup(path, self.db, self.att, keep_dir=self.backups, **kwargs)


@pytest.fixture
def data(tmp_path: Path) -> Data:
    d = Data(tmp_path / "data")
    d.dir.mkdir()
    make_db(d.db)
    (d.att / "ab" / "cd").mkdir(parents=True)
    (d.att / "ab" / "cd" / "abcd1234").write_bytes(os.urandom(300_000))  # photo-like, incompressible
    (d.att / "ef5678").write_bytes("گزارش ملاقات\n".encode() * 2000)
    (d.att / "empty").write_bytes(b"")
    return d


@pytest.fixture
def fast_kdf(monkeypatch):
    # The real Argon2id settings cost ~0.4 s a file; most tests are about other things.
    monkeypatch.setitem(crypto.ARGON2_PARAMS, "memory_cost", 1024)
    monkeypatch.setitem(crypto.ARGON2_PARAMS, "time_cost", 1)


def craft(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]], *,
          revision: str = REV) -> Path:
    """A plain backup written by hand, to feed restore what create_backup never would."""
    listed = []
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(backup.MARKER_NAME), backup.MARKER_DATA)
        for name, payload in members:
            zf.writestr(name, payload)
            name = name.filename if isinstance(name, zipfile.ZipInfo) else name
            listed.append({"name": name, "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()})
        zf.writestr(backup.MANIFEST_NAME, json.dumps({
            "format": "parvandeh-backup", "format_version": 1, "created_at": "2026-11-22T10:00:00Z",
            "app_version": "0.1.0", "schema_revision": revision, "database": backup.DB_MEMBER,
            "members": listed,
        }))
    return path


def flip(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x40
    path.write_bytes(bytes(raw))


def assert_untouched(data: Data, before_rows, before_files) -> None:
    assert rows(data.db) == before_rows
    assert files(data.att) == before_files
    assert not data.backups.exists() or not any(data.backups.glob("before-restore-*"))
    assert not any(p.name.endswith(".restoring") for p in data.dir.iterdir())


# ---------------------------------------------------------------- create, read, verify


def test_round_trip_restores_identical_rows_and_attachment_bytes(data: Data, tmp_path: Path):
    before_rows, before_files = rows(data.db), files(data.att)
    calls = []
    info = create_backup(data.db, data.att, tmp_path / "b.pvbak", progress=lambda d, t: calls.append((d, t)))

    assert info.path == tmp_path / "b.pvbak" and not info.encrypted
    assert info.schema_revision == REV and info.attachment_count == 3
    assert info.created_at.tzinfo is not None
    assert not (tmp_path / "b.partial").exists()
    assert calls[-1][0] == calls[-1][1] > 0
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))  # never goes backwards

    conn = sqlite3.connect(data.db, isolation_level=None)
    conn.execute("DELETE FROM cases WHERE id > 10")
    conn.close()
    (data.att / "ef5678").write_bytes(b"changed")
    (data.att / "new-file").write_bytes(b"added after the backup")

    result = data.restore(tmp_path / "b.pvbak")
    assert rows(data.db) == before_rows
    assert files(data.att) == before_files
    assert result.attachments_restored == 3 and result.info.schema_revision == REV
    assert sorted(p.name for p in data.dir.iterdir()) == ["attachments", "backups", "parvandeh.sqlite3"]


def test_manifest_describes_every_member(data: Data, tmp_path: Path):
    create_backup(data.db, data.att, tmp_path / "b.pvbak")
    info = read_backup_info(tmp_path / "b.pvbak")
    assert verify_backup(tmp_path / "b.pvbak") == info
    by_name = {m.name: m for m in info.members}
    for rel, payload in files(data.att).items():
        member = by_name["attachments/" + rel]
        assert member.size == len(payload)
        assert member.sha256 == hashlib.sha256(payload).hexdigest()
    with zipfile.ZipFile(tmp_path / "b.pvbak") as zf:
        assert zf.namelist()[0] == "parvandeh-backup"
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["app_version"] == info.app_version
    assert manifest["format_version"] == 1 and manifest["created_at"].endswith("Z")


def test_backup_while_another_connection_holds_a_write_transaction(data: Data, tmp_path: Path):
    committed = rows(data.db)
    writer = sqlite3.connect(data.db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO cases (name) VALUES ('هنوز ثبت نشده')")
    try:
        create_backup(data.db, data.att, tmp_path / "b.pvbak")
    finally:
        writer.execute("COMMIT")
        writer.close()
    data.restore(tmp_path / "b.pvbak")
    assert rows(data.db) == committed  # the snapshot, without the uncommitted row


def test_commits_between_copy_steps_neither_block_nor_tear_the_copy(data: Data, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(backup, "BACKUP_STEP_PAGES", 1)  # many small steps
    at_start = rows(data.db)
    writer = sqlite3.connect(data.db, isolation_level=None, timeout=0)  # would fail if blocked

    def write_each_step(done, total):
        writer.execute("INSERT INTO cases (name, note) VALUES ('در حین پشتیبان', randomblob(3000))")

    create_backup(data.db, data.att, tmp_path / "b.pvbak", progress=write_each_step)
    writer.close()
    grown = rows(data.db)
    assert len(grown) > len(at_start) + 10
    data.restore(tmp_path / "b.pvbak")
    assert rows(data.db) == at_start


def test_backup_with_a_writer_thread_running(data: Data, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(backup, "BACKUP_STEP_PAGES", 2)
    stop = threading.Event()
    errors = []

    def keep_writing():
        conn = sqlite3.connect(data.db, isolation_level=None, timeout=5)
        try:
            while not stop.is_set():
                conn.execute("INSERT INTO cases (name, note) VALUES ('نخ', randomblob(500))")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        for i in range(3):
            create_backup(data.db, data.att, tmp_path / f"b{i}.pvbak")
    finally:
        stop.set()
        thread.join()
    assert not errors
    final = rows(data.db)
    for i in range(3):
        verify_backup(tmp_path / f"b{i}.pvbak")
    data.restore(tmp_path / "b2.pvbak")
    restored = rows(data.db)
    assert restored == final[: len(restored)]  # a prefix: exactly what was committed at some moment


def test_create_refuses_foreign_missing_and_empty_password(tmp_path: Path):
    foreign = tmp_path / "foreign.sqlite3"
    make_db(foreign, app_id=None)
    with pytest.raises(StorageError, match=backup.MSG_FOREIGN):
        create_backup(foreign, tmp_path / "att", tmp_path / "b.pvbak")
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database at all" * 100)
    with pytest.raises(StorageError, match=backup.MSG_FOREIGN):
        create_backup(text, tmp_path / "att", tmp_path / "b.pvbak")
    with pytest.raises(StorageError, match=backup.MSG_NO_DATABASE):
        create_backup(tmp_path / "missing.sqlite3", tmp_path / "att", tmp_path / "b.pvbak")
    assert not (tmp_path / "missing.sqlite3").exists()  # never created by looking at it
    make_db(tmp_path / "ok.sqlite3")
    with pytest.raises(ValidationError):
        create_backup(tmp_path / "ok.sqlite3", tmp_path / "att", tmp_path / "b.pvbak", password="")
    assert not any(p.suffix in (".pvbak", ".partial", ".tmp") for p in tmp_path.iterdir())


def test_create_refuses_a_damaged_database(tmp_path: Path):
    db = tmp_path / "parvandeh.sqlite3"
    make_db(db, rows=2000, wal=False)
    raw = bytearray(db.read_bytes())
    page = 4096
    raw[5 * page + 100 : 5 * page + 400] = os.urandom(300)  # scribble over a table page
    db.write_bytes(bytes(raw))
    with pytest.raises(StorageError, match="آسیب"):
        create_backup(db, tmp_path / "att", tmp_path / "b.pvbak")
    assert not (tmp_path / "b.pvbak").exists() and not (tmp_path / "b.partial").exists()


@pytest.mark.parametrize("password", [None, "رمز"])
def test_cancel_at_any_moment_leaves_no_file(data: Data, tmp_path: Path, monkeypatch, fast_kdf, password):
    monkeypatch.setattr(backup, "BACKUP_STEP_PAGES", 4)
    calls = []
    create_backup(data.db, data.att, tmp_path / "whole.pvbak", password=password,
                  progress=lambda d, t: calls.append(d))
    # Stop before the first step, during the copy, while writing, while reading back, at the end.
    for stop_after in sorted({0, 1, 2, len(calls) // 3, len(calls) // 2, len(calls) - 2, len(calls) - 1}):
        seen = []
        out = tmp_path / "out" / "b.pvbak"
        with pytest.raises(BackupCancelled, match="لغو"):
            create_backup(data.db, data.att, out, password=password, progress=lambda d, t: seen.append(d),
                          cancel=lambda: len(seen) >= stop_after)
        assert not out.parent.exists() or not any(out.parent.iterdir())
        leftovers = {p.name for p in data.dir.iterdir()} - {"parvandeh.sqlite3-wal", "parvandeh.sqlite3-shm"}
        assert leftovers == {"attachments", "parvandeh.sqlite3"}


# ---------------------------------------------------------------- encryption


def test_encrypted_round_trip(data: Data, tmp_path: Path):
    before_rows, before_files = rows(data.db), files(data.att)
    out = tmp_path / "b.pvbak"
    info = create_backup(data.db, data.att, out, password="کلید محرمانه ۱۴۰۵")
    assert info.encrypted
    raw = out.read_bytes()
    assert raw.startswith(b"PRVDBAK\x01")
    assert "گزارش ملاقات".encode() not in raw and b"alembic_version" not in raw
    header = json.loads(raw[12 : 12 + int.from_bytes(raw[8:12], "big")])
    assert header["kdf"]["name"] == "argon2id" and header["kdf"]["memory_cost"] == 65536
    assert header["chunk_size"] == 1024 * 1024 and header["cipher"] == "AES-256-GCM"
    assert backup.backup_is_encrypted(out)

    (data.att / "ef5678").unlink()
    # Typed on an Arabic keyboard layout with Latin digits: the same password.
    result = data.restore(out, password="کلید محرمانه 1405")
    assert result.info.encrypted
    assert rows(data.db) == before_rows and files(data.att) == before_files


def test_encrypted_backup_with_many_chunk_boundaries(data: Data, tmp_path: Path, monkeypatch, fast_kdf):
    # Small chunks put zip headers and members across chunk edges, as in a multi-GB backup.
    monkeypatch.setattr(crypto, "DEFAULT_CHUNK_SIZE", 4096)
    for i in range(40):
        (data.att / "many" / f"{i:02d}").parent.mkdir(exist_ok=True)
        (data.att / "many" / f"{i:02d}").write_bytes(os.urandom(i * 211))
    before_rows, before_files = rows(data.db), files(data.att)
    out = tmp_path / "b.pvbak"
    create_backup(data.db, data.att, out, password="رمز")
    assert out.stat().st_size > 50 * 4096
    verify_backup(out, "رمز")
    shutil.rmtree(data.att)
    data.restore(out, password="رمز")
    assert rows(data.db) == before_rows and files(data.att) == before_files


def test_wrong_or_missing_password(data: Data, tmp_path: Path, fast_kdf):
    out = tmp_path / "b.pvbak"
    create_backup(data.db, data.att, out, password="درست")
    before_rows, before_files = rows(data.db), files(data.att)
    with pytest.raises(AuthError, match="رمز پشتیبان نادرست است"):
        data.restore(out, password="نادرست")
    with pytest.raises(crypto.PasswordRequired) as missing:
        data.restore(out)
    assert isinstance(missing.value, AuthError)
    with pytest.raises(AuthError):
        read_backup_info(out)
    with pytest.raises(AuthError):
        verify_backup(out, password="x")
    assert_untouched(data, before_rows, before_files)
    assert read_backup_info(out, "درست").encrypted


def test_scrypt_files_open_too(tmp_path: Path):
    raw = io.BytesIO()
    writer = crypto.EncryptingWriter(raw, "pw", kdf_name="scrypt", chunk_size=4096)
    payload = os.urandom(10_000)
    writer.write(payload)
    writer.close()
    header = crypto.read_header(raw)
    kdf = dict(header.fields["kdf"])
    assert len(base64.b64decode(kdf.pop("salt"))) == 16
    assert kdf == {"name": "scrypt", "n": 2**15, "r": 8, "p": 1}
    reader = crypto.DecryptingReader(raw, header, crypto.unlock(header, "pw"))
    assert reader.read() == payload


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 3 * 4096])
def test_chunking_detects_every_truncation(size: int, fast_kdf):
    raw = io.BytesIO()
    writer = crypto.EncryptingWriter(raw, "pw", chunk_size=4096)
    payload = os.urandom(size)
    for i in range(0, size, 1000):  # written in odd pieces, as zipfile does
        writer.write(payload[i : i + 1000])
    writer.close()
    whole = raw.getvalue()
    header = crypto.read_header(io.BytesIO(whole))
    key = crypto.unlock(header, "pw")
    assert crypto.DecryptingReader(io.BytesIO(whole), header, key).read() == payload
    record = 4096 + 16
    cuts = {header.data_offset + k * record for k in range(size // 4096 + 1)}  # at chunk edges
    cuts |= {len(whole) - 1, len(whole) - 17}
    for cut in sorted(c for c in cuts if header.data_offset <= c < len(whole)):
        with pytest.raises(StorageError, match=crypto.MSG_DAMAGED):
            crypto.DecryptingReader(io.BytesIO(whole[:cut]), header, key).authenticate_all()


# ---------------------------------------------------------------- damaged and hostile files


def test_truncated_backups_are_refused(data: Data, tmp_path: Path, fast_kdf):
    before_rows, before_files = rows(data.db), files(data.att)
    for password in (None, "رمز"):
        out = tmp_path / f"b-{bool(password)}.pvbak"
        create_backup(data.db, data.att, out, password=password)
        whole = out.read_bytes()
        for keep in (len(whole) - 1, len(whole) - 100, len(whole) // 2, 200):
            cut = tmp_path / "cut.pvbak"
            cut.write_bytes(whole[:keep])
            with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
                verify_backup(cut, password)
            with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
                data.restore(cut, password=password)
    assert_untouched(data, before_rows, before_files)


def test_one_flipped_byte_in_an_encrypted_backup(data: Data, tmp_path: Path, fast_kdf):
    before_rows, before_files = rows(data.db), files(data.att)
    good = tmp_path / "good.pvbak"
    create_backup(data.db, data.att, good, password="رمز")
    size = good.stat().st_size
    # the header (length, kdf, salt), the first chunk, the middle, the tag at the very end
    for offset in (9, 30, 80, 400, size // 3, size // 2, size - 20, size - 1):
        bad = tmp_path / "bad.pvbak"
        bad.write_bytes(good.read_bytes())
        flip(bad, offset)
        with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
            verify_backup(bad, "رمز")
        with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
            data.restore(bad, password="رمز")
    assert_untouched(data, before_rows, before_files)


def test_one_flipped_byte_in_a_plain_backup(data: Data, tmp_path: Path):
    before_rows, before_files = rows(data.db), files(data.att)
    good = tmp_path / "good.pvbak"
    create_backup(data.db, data.att, good)
    with zipfile.ZipFile(good) as zf:
        targets = [zf.getinfo(n) for n in (backup.DB_MEMBER, "attachments/ab/cd/abcd1234",
                                           "attachments/ef5678", backup.MANIFEST_NAME)]
    for info in targets:
        data_start = info.header_offset + 30 + len(info.filename.encode()) + 20  # past name + zip64 extra
        bad = tmp_path / "bad.pvbak"
        bad.write_bytes(good.read_bytes())
        flip(bad, data_start + info.compress_size // 2)
        with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
            verify_backup(bad)
        with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
            data.restore(bad)
    assert_untouched(data, before_rows, before_files)


def test_files_that_are_not_parvandeh_backups(data: Data, tmp_path: Path):
    before_rows, before_files = rows(data.db), files(data.att)
    text = tmp_path / "letter.pvbak"
    text.write_text("نامه به بهزیستی")
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("a.jpg", b"jpeg")
    empty = tmp_path / "empty.pvbak"
    empty.write_bytes(b"")
    for path in (text, other_zip, empty, data.db):
        with pytest.raises(StorageError, match=backup.MSG_NOT_BACKUP):
            data.restore(path)
    with pytest.raises(StorageError, match=backup.MSG_NO_BACKUP_FILE):
        data.restore(tmp_path / "nowhere.pvbak")
    assert_untouched(data, before_rows, before_files)


@pytest.mark.parametrize("db", [
    pytest.param(lambda: db_bytes(app_id=None), id="sqlite-without-application-id"),
    pytest.param(lambda: db_bytes(app_id=0x12345678), id="other-application-id"),
    pytest.param(lambda: b"SQLite format 3\x00" + os.urandom(5000), id="not-really-sqlite"),
])
def test_a_foreign_database_inside_is_refused(data: Data, tmp_path: Path, db):
    before_rows, before_files = rows(data.db), files(data.att)
    path = craft(tmp_path / "foreign.pvbak", [(backup.DB_MEMBER, db())])
    with pytest.raises(StorageError, match=backup.MSG_FOREIGN):
        data.restore(path)
    with pytest.raises(StorageError, match=backup.MSG_FOREIGN):
        verify_backup(path)
    assert_untouched(data, before_rows, before_files)


def test_a_backup_from_a_newer_version_is_refused(data: Data, tmp_path: Path):
    before_rows, before_files = rows(data.db), files(data.att)
    newer = Data(tmp_path / "newer")
    newer.dir.mkdir()
    make_db(newer.db, revision="0099_future")
    create_backup(newer.db, newer.att, tmp_path / "newer.pvbak")
    with pytest.raises(StorageError, match=backup.MSG_NEWER):
        data.restore(tmp_path / "newer.pvbak")
    # The manifest says a known revision but the database inside says otherwise.
    lying = craft(tmp_path / "lying.pvbak", [(backup.DB_MEMBER, db_bytes(revision="0099_future"))])
    with pytest.raises(StorageError, match=backup.MSG_NEWER):
        data.restore(lying)
    # A later backup format.
    later = craft(tmp_path / "later.pvbak", [(backup.DB_MEMBER, db_bytes())])
    with zipfile.ZipFile(later) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["format_version"] = 2
    with zipfile.ZipFile(later, "w") as zf:
        zf.writestr(zipfile.ZipInfo(backup.MARKER_NAME), backup.MARKER_DATA)
        zf.writestr(backup.DB_MEMBER, db_bytes())
        zf.writestr("manifest.json", json.dumps(manifest))
    with pytest.raises(StorageError, match=backup.MSG_NEWER):
        data.restore(later)
    assert_untouched(data, before_rows, before_files)


def test_a_crafted_backup_with_a_good_database_restores(data: Data, tmp_path: Path):
    # Proves the hostile-name tests below fail for the names, not for the crafting.
    path = craft(tmp_path / "ok.pvbak", [(backup.DB_MEMBER, db_bytes(rows=3)),
                                         ("attachments/aa/bb", b"fine")])
    data.restore(path)
    assert len(rows(data.db)) == 3 and files(data.att) == {"aa/bb": b"fine"}


def _symlink_member() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("attachments/link")
    info.external_attr = 0o120777 << 16
    return info


@pytest.mark.parametrize("name", [
    "../evil", "/etc/x", "attachments/../../evil", "attachments/../evil", "attachments/C:/x",
    "C:/x", "C:\\x", "attachments\\..\\..\\evil", "attachments//etc/x", "attachments/a/./b",
    "attachments/", "attachments/CON", "stray.txt", _symlink_member,
])
def test_zip_slip_member_names_are_refused(data: Data, tmp_path: Path, name):
    before_rows, before_files = rows(data.db), files(data.att)
    member = name() if callable(name) else name
    payload = b"/etc/passwd" if callable(name) else b"evil"
    path = craft(tmp_path / "slip.pvbak", [(backup.DB_MEMBER, db_bytes()), (member, payload)])
    for call in (lambda: data.restore(path), lambda: verify_backup(path), lambda: read_backup_info(path)):
        with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
            call()
    assert not list(tmp_path.rglob("evil")) and not (tmp_path / "x").exists()
    assert_untouched(data, before_rows, before_files)


def test_a_member_missing_from_the_manifest_is_refused(data: Data, tmp_path: Path):
    path = craft(tmp_path / "b.pvbak", [(backup.DB_MEMBER, db_bytes())])
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("attachments/smuggled", b"x")
    with pytest.raises(StorageError, match=backup.MSG_DAMAGED):
        data.restore(path)


# ---------------------------------------------------------------- the copy kept before a restore


def test_before_restore_copy_exists_and_itself_restores(data: Data, tmp_path: Path):
    create_backup(data.db, data.att, tmp_path / "old.pvbak")
    conn = sqlite3.connect(data.db, isolation_level=None)
    conn.execute("INSERT INTO cases (name) VALUES ('پس از پشتیبان')")
    conn.close()
    (data.att / "later").write_bytes(b"later attachment")
    current_rows, current_files = rows(data.db), files(data.att)

    calls = []
    result = data.restore(tmp_path / "old.pvbak", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] and all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))
    assert len(calls) > 5  # the kept copy reports too, inside the same bar
    kept = result.kept_copy
    assert kept is not None and kept.parent == data.backups
    assert kept.name.startswith("before-restore-") and kept.suffix == ".pvbak"
    assert rows(data.db) != current_rows

    data.restore(kept)
    assert rows(data.db) == current_rows and files(data.att) == current_files
    # The second restore kept its own copy and left the first one alone.
    assert len(list(data.backups.glob("before-restore-*"))) == 2


def test_restore_into_an_empty_folder_keeps_nothing(data: Data, tmp_path: Path):
    create_backup(data.db, data.att, tmp_path / "b.pvbak")
    fresh = Data(tmp_path / "fresh")
    result = fresh.restore(tmp_path / "b.pvbak")
    assert result.kept_copy is None
    assert rows(fresh.db) == rows(data.db) and files(fresh.att) == files(data.att)


def test_a_damaged_current_database_is_kept_as_raw_files(data: Data, tmp_path: Path):
    create_backup(data.db, data.att, tmp_path / "b.pvbak")
    damaged = b"SQLite format 3\x00" + b"\x00" * 200
    data.db.write_bytes(damaged)
    result = data.restore(tmp_path / "b.pvbak")
    assert result.kept_copy.name.endswith("-raw.zip")
    with zipfile.ZipFile(result.kept_copy) as zf:
        assert zf.read("database/parvandeh.sqlite3") == damaged
    assert len(rows(data.db)) == 50


def test_committed_data_in_a_stale_wal_is_kept_and_not_replayed(data: Data, tmp_path: Path):
    create_backup(data.db, data.att, tmp_path / "b.pvbak")
    # A program that crashed: its last commit is only in the -wal file.
    script = (
        "import sqlite3, os, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute(\"INSERT INTO cases (name) VALUES ('فقط در WAL')\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(data.db)], check=True)
    assert Path(str(data.db) + "-wal").stat().st_size > 0

    result = data.restore(tmp_path / "b.pvbak")
    assert not Path(str(data.db) + "-wal").exists()
    assert "فقط در WAL" not in [r[1] for r in rows(data.db)]
    conn = sqlite3.connect(data.db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    data.restore(result.kept_copy)
    assert "فقط در WAL" in [r[1] for r in rows(data.db)]


def test_a_failed_switch_over_puts_everything_back(data: Data, tmp_path: Path, monkeypatch):
    create_backup(data.db, data.att, tmp_path / "b.pvbak")
    conn = sqlite3.connect(data.db, isolation_level=None)
    conn.execute("DELETE FROM cases WHERE id > 5")
    conn.close()
    (data.att / "only-now").write_bytes(b"x")
    before_rows, before_files = rows(data.db), files(data.att)
    real_replace = os.replace

    def refuse_db(src, dst):
        if Path(dst) == data.db:
            raise PermissionError(13, "in use by another program")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", refuse_db)
    with pytest.raises(StorageError, match=backup.MSG_FILE_ERROR):
        data.restore(tmp_path / "b.pvbak")
    monkeypatch.undo()
    assert rows(data.db) == before_rows and files(data.att) == before_files
    assert sorted(p.name for p in data.dir.iterdir()) == ["attachments", "backups", "parvandeh.sqlite3"]
    assert len(list(data.backups.glob("before-restore-*.pvbak"))) == 1  # the copy stays anyway


def test_leftovers_of_an_interrupted_restore_are_cleared(data: Data, tmp_path: Path):
    create_backup(data.db, data.att, tmp_path / "b.pvbak")
    (data.dir / "parvandeh.sqlite3.restoring").write_bytes(b"half")
    (data.dir / "attachments.restoring" / "x").mkdir(parents=True)
    data.restore(tmp_path / "b.pvbak")
    assert sorted(p.name for p in data.dir.iterdir()) == ["attachments", "backups", "parvandeh.sqlite3"]


# ---------------------------------------------------------------- automatic backups and rotation


def test_names_sort_like_time_across_the_jalali_new_year():
    times = [datetime(2026, 3, 20, 23, 59, 59), datetime(2026, 3, 21, 0, 0, 0),  # Esfand → Farvardin
             datetime(2026, 9, 22, 9, 5, 0), datetime(2027, 1, 1, 12, 0, 0)]
    names = ["parvandeh-" + backup._stamp(t) + ".pvbak" for t in times]
    assert sorted(names) == names
    assert names[1] == "parvandeh-1405-01-01-000000.pvbak"
    assert backup._parse_auto_name(Path(names[2])).when == times[2]


def test_start_backup_only_once_a_day(data: Data):
    day = datetime(2026, 11, 22, 8, 30)  # 1405/09/01
    first = auto_backup(data.dir, reason="start", now=day)
    assert first.name == "parvandeh-1405-09-01-083000.pvbak"
    assert auto_backup(data.dir, reason="start", now=day + timedelta(hours=3)) is None
    on_exit = auto_backup(data.dir, reason="exit", now=day + timedelta(hours=9))
    again = auto_backup(data.dir, reason="exit", now=day + timedelta(hours=9))  # same second
    assert on_exit.name == "parvandeh-1405-09-01-173000.pvbak"
    assert again.name == "parvandeh-1405-09-01-173000-2.pvbak"
    assert auto_backup(data.dir, reason="manual", now=day + timedelta(hours=10)) is not None
    tomorrow = auto_backup(data.dir, reason="start", now=day + timedelta(days=1))
    assert tomorrow.name == "parvandeh-1405-09-02-083000.pvbak"
    # Rotation ran after each: one per day, but never fewer than the newest three.
    assert {p.name for p in data.backups.iterdir()} == {
        tomorrow.name, "parvandeh-1405-09-01-183000.pvbak", again.name}
    verify_backup(tomorrow)
    with pytest.raises(ValueError):
        auto_backup(data.dir, reason="lunch", now=day)


def test_no_database_yet_means_no_backup(tmp_path: Path):
    assert auto_backup(tmp_path, reason="start", now=datetime(2026, 11, 22, 8)) is None


def _expected_kept(made: list[datetime], now: datetime) -> set[str]:
    """The rotation rule, written out a second way: group, take each group's newest."""
    def newest_by(key):
        groups: dict = {}
        for t in made:
            groups.setdefault(key(t), []).append(t)
        return groups

    today = now.date()
    keep = set()
    for day, group in newest_by(lambda t: t.date()).items():
        if 0 <= (today - day).days < 7:
            keep.add(max(group))
    recent_weeks = {(today - timedelta(days=7 * i)).isocalendar()[:2] for i in range(4)}
    for week, group in newest_by(lambda t: t.isocalendar()[:2]).items():
        if week in recent_weeks:
            keep.add(max(group))
    jnow = jdatetime.date.fromgregorian(date=today)
    for month, group in newest_by(lambda t: (jdatetime.date.fromgregorian(date=t.date()).year,
                                             jdatetime.date.fromgregorian(date=t.date()).month)).items():
        if 0 <= (jnow.year - month[0]) * 12 + jnow.month - month[1] < 12:
            keep.add(max(group))
    return {"parvandeh-" + backup._stamp(t) + ".pvbak" for t in keep}


def test_rotation_over_400_days(tmp_path: Path):
    folder = tmp_path / "backups"
    folder.mkdir()
    others = ["before-restore-1404-01-01-100000.pvbak", "my-copy.pvbak", "parvandeh-notes.txt",
              "parvandeh-1404-13-40-990000.pvbak"]  # the last looks like ours but is no date
    for name in others:
        (folder / name).write_bytes(b"not ours")
    start = datetime(2025, 10, 1, 9, 0)
    made: list[datetime] = []
    for i in range(400):
        day = start + timedelta(days=i)
        if day.weekday() == 4 and i % 3:  # closed on most Fridays
            continue
        times = [day, day + timedelta(hours=8, minutes=15)] if i % 5 == 0 else [day]
        for t in times:
            (folder / ("parvandeh-" + backup._stamp(t) + ".pvbak")).write_bytes(b"")
            made.append(t)
            prune_backups(folder, t)
    now = made[-1]
    ours = {p.name for p in folder.iterdir()} - set(others)
    assert ours == _expected_kept(made, now)
    assert set(others) <= {p.name for p in folder.iterdir()}
    assert 15 <= len(ours) <= 23
    # A second pass changes nothing, and a clock set back a year deletes nothing.
    assert prune_backups(folder, now) == []
    assert prune_backups(folder, now - timedelta(days=365)) == []


def test_rotation_keeps_the_newest_even_when_the_clock_jumps_ahead(tmp_path: Path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for i in range(5):
        (folder / ("parvandeh-" + backup._stamp(datetime(2026, 1, 1 + i, 10)) + ".pvbak")).write_bytes(b"")
    deleted = prune_backups(folder, datetime(2031, 1, 1))
    assert len(deleted) == 2 and len(list(folder.iterdir())) == 3


def test_stale_partial_files_are_cleaned_after_a_day(tmp_path: Path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / ("parvandeh-" + backup._stamp(datetime(2026, 1, 1, 10)) + ".partial")
    fresh = folder / ("parvandeh-" + backup._stamp(datetime(2026, 1, 5, 10)) + ".partial")
    old.write_bytes(b"")
    fresh.write_bytes(b"")
    assert prune_backups(folder, datetime(2026, 1, 5, 12)) == [old]
    assert fresh.exists()


def test_latest_good_backup_skips_damaged_ones(data: Data):
    assert latest_good_backup(data.backups) is None
    day = datetime(2026, 11, 22, 8, 0)
    good = auto_backup(data.dir, reason="start", now=day)
    newest = auto_backup(data.dir, reason="exit", now=day + timedelta(hours=8))
    assert latest_good_backup(data.backups) == newest
    newest.write_bytes(newest.read_bytes()[:-300])
    # A newer before-restore copy is not "the way back" after damage.
    create_backup(data.db, data.att, data.backups / "before-restore-1405-09-01-200000.pvbak")
    assert latest_good_backup(data.backups) == good


# ---------------------------------------------------------------- the cheaper proof of a new backup (issue 17)


def test_a_copy_shorter_than_its_snapshot_is_refused(data: Data, tmp_path: Path, monkeypatch):
    real = backup._snapshot

    def one_page_missing(db_path, copy_path, tracker, *rest):
        revision, pages = real(db_path, copy_path, tracker, *rest)
        return revision, pages + 1  # the snapshot had a page the copy does not
    monkeypatch.setattr(backup, "_snapshot", one_page_missing)
    with pytest.raises(StorageError, match="آسیب"):
        create_backup(data.db, data.att, tmp_path / "b.pvbak")
    assert not (tmp_path / "b.pvbak").exists() and not (tmp_path / "b.partial").exists()
    assert not list(data.dir.glob(".parvandeh-backup-*"))


def test_a_damaged_index_page_is_found_by_the_copy_check(tmp_path: Path):
    db = tmp_path / "parvandeh.sqlite3"
    make_db(db, rows=2000, wal=False)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE INDEX cases_name ON cases(name)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases_name'").fetchone()
    conn.close()
    assert root is not None
    raw = bytearray(db.read_bytes())
    page = 4096
    start = (root[0] - 1) * page
    raw[start: start + 8] = b"\xff" * 8  # the index's b-tree page header: not a b-tree page any more
    db.write_bytes(bytes(raw))
    with pytest.raises(StorageError, match="آسیب"):
        create_backup(db, tmp_path / "att", tmp_path / "b.pvbak")
    assert not (tmp_path / "b.pvbak").exists()


@pytest.mark.parametrize("password", [None, "رمز"])
def test_a_byte_spoiled_after_writing_is_caught_by_the_read_back(data: Data, tmp_path: Path, monkeypatch, fast_kdf,
                                                                 password):
    real = backup._write_backup_file

    def spoiled(partial, *args, **kwargs):
        key = real(partial, *args, **kwargs)
        raw = bytearray(partial.read_bytes())
        raw[len(raw) // 2] ^= 0x01  # inside the database member's deflated bytes
        partial.write_bytes(bytes(raw))
        return key
    monkeypatch.setattr(backup, "_write_backup_file", spoiled)
    with pytest.raises(StorageError):
        create_backup(data.db, data.att, tmp_path / "b.pvbak", password=password)
    assert not (tmp_path / "b.pvbak").exists() and not (tmp_path / "b.partial").exists()


# ---------------------------------------------------------------- deflate on every core (issue 17)


def test_the_database_is_deflated_in_pieces_that_make_one_stream_any_zip_reader_inflates(tmp_path: Path, monkeypatch):
    """The pieces are deflated on a pool of threads and joined pigz-style; the released program
    (zipfile and zlib of the standard library) and verify_backup read the file as ever."""
    import zlib

    db = tmp_path / "parvandeh.sqlite3"
    make_db(db, rows=40_000, wal=False)  # ~10 MB: ten pieces at least
    pieces = []
    real_piece = backup._deflate_piece
    monkeypatch.setattr(backup, "_deflate_piece",
                        lambda data, primer, level: pieces.append(len(primer)) or real_piece(data, primer, level))
    out = tmp_path / "b.pvbak"
    info = create_backup(db, tmp_path / "attachments", out)
    # Only the first piece has no primer (pieces deflated while the copy was written come first).
    assert len(pieces) >= 10 and pieces.count(0) == 1 and set(pieces) == {0, backup.DEFLATE_WINDOW}
    with zipfile.ZipFile(out) as zf:  # the standard library's zipfile and zlib, nothing of ours
        entry = zf.getinfo(backup.DB_MEMBER)
        assert entry.compress_type == zipfile.ZIP_DEFLATED
        content = zf.read(backup.DB_MEMBER)  # the copy: the same pages, its own change counter
        assert zf.testzip() is None
        raw = _raw_member(out, entry)
    digest = next(m.sha256 for m in info.members if m.name == backup.DB_MEMBER)
    assert hashlib.sha256(content).hexdigest() == digest and len(content) == db.stat().st_size
    assert zlib.decompressobj(-15).decompress(raw) == content
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(content)
    assert rows(copy) == rows(db)
    assert verify_backup(out).members == info.members
    # Each piece refers back to the one before it: as small as one deflater's stream (within 1%).
    serial = backup.fast_zlib.compressobj(backup.DEFLATE_LEVEL, zlib.DEFLATED, -15)
    serial_size = len(serial.compress(content) + serial.flush())
    assert len(raw) <= serial_size * 1.01


def _early_counts(monkeypatch) -> list[tuple[int, int]]:
    """(pieces used, pieces deflated again) of each backup's early deflater, as it closes."""
    seen: list[tuple[int, int]] = []
    real_close = backup._EarlyDeflate.close

    def close(self):
        seen.append((self.used, self.redone))
        real_close(self)
    monkeypatch.setattr(backup._EarlyDeflate, "close", close)
    return seen


def test_pieces_deflated_while_the_copy_is_written_give_the_very_same_archive(tmp_path: Path, monkeypatch):
    """The early deflater only moves work earlier: the database member's deflated bytes are
    byte for byte those of a backup written without it, and any zip reader inflates them."""
    db = tmp_path / "parvandeh.sqlite3"
    make_db(db, rows=60_000, wal=True)  # ~15 MB: pieces behind the copy's step and page cache
    seen = _early_counts(monkeypatch)
    raws = []
    for early in (True, False):
        monkeypatch.setattr(backup, "EARLY_DEFLATE", early)
        out = tmp_path / f"b-{early}.pvbak"
        create_backup(db, tmp_path / "attachments", out)
        with zipfile.ZipFile(out) as zf:
            entry = zf.getinfo(backup.DB_MEMBER)
            assert zf.testzip() is None
            content = zf.read(backup.DB_MEMBER)
        raws.append(_raw_member(out, entry))
    assert len(seen) == 1 and seen[0][0] >= 5 and seen[0][1] == 0  # used, none redone
    assert raws[0] == raws[1]
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(content)
    assert rows(copy) == rows(db)


def test_a_piece_that_changed_after_it_was_deflated_early_is_deflated_again(tmp_path: Path, monkeypatch):
    """Were the copy's bytes ever to differ from what the early deflater read (here a byte of it
    is changed once the copy is made), that piece is deflated again from what is archived: the
    member inflates to the copy as it is, with the SHA-256 of the manifest."""
    db = tmp_path / "parvandeh.sqlite3"
    make_db(db, rows=60_000, wal=False)
    seen = _early_counts(monkeypatch)
    real_write = backup._write_backup_file
    copies = []

    def spoil_then_write(partial, db_copy, *args, **kwargs):
        early = args[-1]
        for piece in list(early.ready.values()):
            piece.result()  # every early piece deflated before the copy changes under them
        with open(db_copy, "r+b") as f:
            f.seek(3 * backup.COPY_BLOCK + 100)  # inside a piece deflated early
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
        copies.append(db_copy.read_bytes())
        return real_write(partial, db_copy, *args, **kwargs)
    monkeypatch.setattr(backup, "_write_backup_file", spoil_then_write)
    out = tmp_path / "b.pvbak"
    # Without the check of the copy, which would (rightly) refuse a copy changed under it.
    info = backup._create_backup(db, tmp_path / "attachments", out, integrity=False)
    assert seen[0][1] == 1 and seen[0][0] >= 4
    with zipfile.ZipFile(out) as zf:
        content = zf.read(backup.DB_MEMBER)
    assert content == copies[0]
    digest = next(m.sha256 for m in info.members if m.name == backup.DB_MEMBER)
    assert hashlib.sha256(content).hexdigest() == digest


def test_the_backup_process_keeps_freed_memory_for_its_next_piece():
    """glibc's allocator on Linux (the child process and `parvandeh backup` call it); no-op elsewhere."""
    import sys

    assert backup.keep_freed_memory() is sys.platform.startswith("linux")


def _raw_member(path: Path, entry: zipfile.ZipInfo) -> bytes:
    with open(path, "rb") as f:
        f.seek(entry.header_offset)
        header = f.read(30)
        name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
        f.seek(entry.header_offset + 30 + name_len + extra_len)
        return f.read(entry.compress_size)


def test_zlib_ng_is_what_backups_deflate_with():
    from zlib_ng import zlib_ng

    assert backup.fast_zlib is zlib_ng and backup.DEFLATE_LEVEL == 2


def test_a_backup_written_before_the_change_still_verifies_and_restores(data: Data, tmp_path: Path):
    """Old backups were deflated in one piece by zipfile's zlib: read with zlib-ng's inflater now."""
    old = tmp_path / "old.pvbak"
    with zipfile.ZipFile(old, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        zf.writestr(backup._zip_info(backup.MARKER_NAME, datetime(2026, 1, 1), stored=True), backup.MARKER_DATA)
        members = []
        for name, path in [(backup.DB_MEMBER, data.db), *backup._list_attachments(data.att)]:
            content = path.read_bytes()
            zf.writestr(backup._zip_info(name, datetime(2026, 1, 1)), content)
            members.append(backup.BackupMember(name, len(content), hashlib.sha256(content).hexdigest()))
        zf.writestr(backup._zip_info(backup.MANIFEST_NAME, datetime(2026, 1, 1)),
                    backup._manifest(datetime(2026, 1, 1), REV, members))
    expected = rows(data.db)
    assert verify_backup(old, tmp_dir=tmp_path).members == tuple(members)
    make_db(data.db.with_name("other.sqlite3"))
    data.restore(old)
    assert rows(data.db) == expected


# ---------------------------------------------------------------- the proof made while writing (issue 17, round 3)


@pytest.mark.parametrize("password", [None, "رمز"])
def test_a_corrupt_deflated_piece_is_caught_while_writing(tmp_path: Path, monkeypatch, fast_kdf, password):
    """Each piece is inflated back and compared with its input on the deflate thread; a piece
    the deflater got wrong (one bit of it flipped here) stops the backup, and nothing is left."""
    db = tmp_path / "parvandeh.sqlite3"
    make_db(db, rows=40_000, wal=False)
    real = backup._deflate_raw
    calls = []

    def corrupt(data, primer, level):
        piece = bytearray(real(data, primer, level))
        calls.append(len(piece))
        if len(calls) == 3:
            piece[len(piece) // 2] ^= 0x10
        return bytes(piece)
    monkeypatch.setattr(backup, "_deflate_raw", corrupt)
    with pytest.raises(StorageError, match="آسیب"):
        create_backup(db, tmp_path / "attachments", tmp_path / "b.pvbak", password=password)
    assert len(calls) >= 3
    assert not (tmp_path / "b.pvbak").exists() and not (tmp_path / "b.partial").exists()
    assert not list(tmp_path.glob(".parvandeh-backup-*"))


def test_a_piece_that_inflates_to_other_bytes_is_caught(tmp_path: Path):
    """The piece's proof compares the inflated bytes themselves, not only their length."""
    data = bytes(range(256)) * 4096
    primer = b"p" * backup.DEFLATE_WINDOW
    good = backup._deflate_raw(data, primer, backup.DEFLATE_LEVEL)
    backup._prove_piece(good, primer, data)  # the real thing passes
    other = backup._deflate_raw(data[:-1] + b"\x00", primer, backup.DEFLATE_LEVEL)
    with pytest.raises(StorageError):
        backup._prove_piece(other, primer, data)
    with pytest.raises(StorageError):
        backup._prove_piece(good, b"q" * backup.DEFLATE_WINDOW, data[:-1] + b"\x00")


@pytest.mark.parametrize("password", [None, "رمز"])
def test_a_byte_spoiled_in_the_stored_bytes_after_writing_is_caught(data: Data, tmp_path: Path, monkeypatch, fast_kdf,
                                                                    password):
    """The read-back re-reads the raw file against the CRC-32 of the bytes produced: a byte
    changed anywhere on disk after writing (here the first and the last) stops the backup."""
    real = backup._write_backup_file
    for where in (0, -1):
        def spoiled(partial, *args, _where=where, **kwargs):
            written = real(partial, *args, **kwargs)
            raw = bytearray(partial.read_bytes())
            raw[_where] ^= 0x01
            partial.write_bytes(bytes(raw))
            return written
        monkeypatch.setattr(backup, "_write_backup_file", spoiled)
        with pytest.raises(StorageError):
            create_backup(data.db, data.att, tmp_path / "b.pvbak", password=password)
        assert not (tmp_path / "b.pvbak").exists() and not (tmp_path / "b.partial").exists()


def test_a_file_cut_short_after_writing_is_caught(data: Data, tmp_path: Path, monkeypatch):
    real = backup._write_backup_file

    def cut(partial, *args, **kwargs):
        written = real(partial, *args, **kwargs)
        with open(partial, "r+b") as f:
            f.truncate(written.length - 1)
        return written
    monkeypatch.setattr(backup, "_write_backup_file", cut)
    with pytest.raises(StorageError):
        create_backup(data.db, data.att, tmp_path / "b.pvbak")
    assert not (tmp_path / "b.pvbak").exists()
