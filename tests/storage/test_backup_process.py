"""Backups in a child process (app.storage.backup_process): the work is really elsewhere, a dead
child leaves nothing behind, the password never shows on the child's command line or in its
environment, and its outcome (and errors) come back as if it had been done here."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.errors import StorageError, ValidationError
from app.storage import backup, backup_process
from app.storage.backup import BackupCancelled, read_backup_info, verify_backup
from app.storage.backup_process import auto_backup_in_child, create_backup_in_child
from tests.storage.test_backup import Data, make_db, rows

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc and sends POSIX signals")

NOW = datetime(2026, 11, 22, 8, 30, tzinfo=timezone.utc)
SECRET = "Kelid-e-Sirri-۱۴۰۵-backup-7f3a"


@pytest.fixture
def big(tmp_path: Path) -> Data:
    """A data folder whose backup takes long enough to be caught half-way (~25 MB)."""
    d = Data(tmp_path / "data")
    d.dir.mkdir()
    make_db(d.db, rows=100_000)
    (d.att / "ab").mkdir(parents=True)
    (d.att / "ab" / "photo").write_bytes(os.urandom(200_000))
    d.backups.mkdir()
    (d.backups / "parvandeh-1405-08-30-083000.pvbak").write_bytes(b"an older backup, kept as it is")
    return d


def leftovers(d: Data) -> list[str]:
    found = [p.name for p in d.dir.glob(".parvandeh-backup-*")]
    found += [p.name for p in d.backups.glob("*.partial")]
    return found


def older(d: Data) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in d.backups.iterdir()}


def only_child() -> multiprocessing.Process:
    children = multiprocessing.active_children()
    assert len(children) == 1, children
    return children[0]


def test_the_backup_is_made_by_another_process(big: Data, monkeypatch):
    done_here = []
    # If the work were done in this process, these would be called here.
    monkeypatch.setattr(backup, "create_backup", lambda *a, **k: done_here.append(a))
    monkeypatch.setattr(backup, "auto_backup", lambda *a, **k: done_here.append(a))
    pids = set()

    def progress(_done, _total):
        pids.add(only_child().pid)

    out = auto_backup_in_child(big.dir, reason="start", now=NOW, progress=progress)
    assert done_here == []
    assert pids and os.getpid() not in pids
    assert out is not None and out.parent == big.backups and out.is_file()
    info = verify_backup(out, tmp_dir=big.dir)
    assert info.attachment_count == 1
    assert multiprocessing.active_children() == []  # the child has ended


def test_a_child_killed_half_way_leaves_nothing_and_the_older_backups_as_they_were(big: Data):
    before = older(big)
    seen = []

    def progress(done, total):
        if not seen:
            seen.append(leftovers(big))  # its scratch copy of the database is there now
            os.kill(only_child().pid, signal.SIGKILL)

    with pytest.raises(StorageError) as caught:
        auto_backup_in_child(big.dir, reason="start", now=NOW, progress=progress)
    assert caught.value.message == backup_process.MSG_CHILD_DIED
    assert seen and seen[0], "the child was killed before it had made anything"
    assert leftovers(big) == []
    assert older(big) == before
    assert multiprocessing.active_children() == []


def test_a_child_stopped_and_not_answering_a_cancel_is_killed_and_cleaned_up(big: Data, monkeypatch):
    monkeypatch.setattr(backup_process, "CANCEL_GRACE_S", 0.5)
    before = older(big)
    stopped = []

    def progress(_done, _total):
        if not stopped:
            pid = only_child().pid
            os.kill(pid, signal.SIGSTOP)  # it can no longer clean up by itself
            stopped.append(pid)

    with pytest.raises(BackupCancelled):
        auto_backup_in_child(big.dir, reason="exit", now=NOW, progress=progress, cancel=lambda: bool(stopped))
    assert leftovers(big) == []
    assert older(big) == before
    with pytest.raises(ProcessLookupError):
        os.kill(stopped[0], 0)  # killed and reaped


def test_cancel_stops_the_child_which_cleans_up_after_itself(big: Data):
    before = older(big)
    asked = []

    def progress(_done, _total):
        asked.append(True)

    with pytest.raises(BackupCancelled):
        auto_backup_in_child(big.dir, reason="exit", now=NOW, progress=progress, cancel=lambda: bool(asked))
    assert leftovers(big) == []
    assert older(big) == before


def test_the_program_dying_stops_its_backup_child_and_nothing_is_left(big: Data, tmp_path: Path):
    """The desktop program killed mid-backup (power button, task manager): its child notices the
    pipe closing, stops and removes its files."""
    script = textwrap.dedent(f"""
        import multiprocessing, os, sys
        from datetime import datetime, timezone
        from pathlib import Path
        from app.storage.backup_process import auto_backup_in_child

        def progress(done, total):
            print(multiprocessing.active_children()[0].pid, flush=True)
            os._exit(3)  # the program dies without a word

        if __name__ == "__main__":
            auto_backup_in_child(Path({str(big.dir)!r}), reason="exit",
                                 now=datetime(2026, 11, 22, tzinfo=timezone.utc), progress=progress)
    """)
    (tmp_path / "dying.py").write_text(script)
    before = older(big)
    result = subprocess.run([sys.executable, str(tmp_path / "dying.py")], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).parents[2])
    assert result.returncode == 3, result.stderr
    child = int(result.stdout.split()[0])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the backup child outlived its program by a minute")
    assert leftovers(big) == []
    assert older(big) == before


def _read_proc(pid: int, name: str) -> bytes:
    return Path(f"/proc/{pid}/{name}").read_bytes()


def test_the_password_is_never_on_the_childs_command_line_or_in_its_environment(big: Data, tmp_path: Path):
    seen: list[tuple[bytes, bytes]] = []

    def progress(_done, _total):
        if not seen:
            pid = only_child().pid
            seen.append((_read_proc(pid, "cmdline"), _read_proc(pid, "environ")))

    out = tmp_path / "usb" / "copy.pvbak"
    out.parent.mkdir()
    info = create_backup_in_child(big.db, big.att, out, password=SECRET, progress=progress)
    assert seen, "the child was never looked at"
    cmdline, environ = seen[0]
    assert b"multiprocessing" in cmdline  # it is the child we think it is
    for text in (cmdline, environ):
        assert SECRET.encode() not in text
        assert SECRET.encode("utf-16-le") not in text
    assert info.encrypted
    assert read_backup_info(out, SECRET).members == info.members
    assert rows(big.db)  # the live database untouched and readable


def test_errors_come_back_with_their_class_message_and_field(big: Data, tmp_path: Path):
    with pytest.raises(ValidationError) as caught:
        create_backup_in_child(big.db, big.att, tmp_path / "x.pvbak", password="")
    assert caught.value.field == "password" and caught.value.message == backup.MSG_EMPTY_PASSWORD
    with pytest.raises(StorageError) as caught:
        create_backup_in_child(tmp_path / "nothing.sqlite3", big.att, tmp_path / "x.pvbak")
    assert caught.value.message == backup.MSG_NO_DATABASE
    with pytest.raises(ValueError):
        auto_backup_in_child(big.dir, reason="lunch", now=NOW)
    assert not (tmp_path / "x.pvbak").exists()


def test_nothing_to_do_comes_back_as_none(tmp_path: Path):
    assert auto_backup_in_child(tmp_path, reason="start", now=NOW) is None


def test_the_start_backup_runs_below_the_programs_priority_and_the_others_do_not(big: Data):
    """Beside the window the person works in, the day's start backup yields a busy core to it."""
    niceness = {}

    def progress(_done, _total):
        pid = only_child().pid
        niceness.setdefault(reason, int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16]))

    for reason in ("start", "exit"):
        auto_backup_in_child(big.dir, reason=reason, now=NOW, progress=progress)
    own = os.nice(0)
    assert niceness == {"start": min(own + 10, 19), "exit": own}
