"""Who else is using the clinic's database, and the claim a restore makes on it.

Every running program registers a row in db_session and refreshes its heartbeat; a row whose
heartbeat is older than LIVE_SECONDS belongs to a program that stopped (or a PC that lost power).
Restore refuses while anyone else is live, naming them. When it goes ahead, it first marks the
old database's generation retired inside the write lock, so a program that was not seen (or that
starts meanwhile) cannot write into the old file or the restored one (app.storage.guard)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import text

from app.errors import StorageError
from app.storage.database import Database
from app.storage.guard import GENERATION_KEY, RETIRED_PREFIX

LIVE_SECONDS = 60
HEARTBEAT_SECONDS = 20


@dataclass(frozen=True)
class Presence:
    id: str
    host: str
    pid: int
    user_name: str
    program: str
    heartbeat_at: dt.datetime

    def describe(self) -> str:
        who = self.user_name or "کاربری"
        where = "همین رایانه" if self.host == socket.gethostname() else f"رایانه {self.host}"
        what = "برنامه" if self.program == "gui" else "فرمان"
        return f"{who} در {where} ({what}، شناسه فرایند {self.pid})"


def pid_alive(pid: int) -> bool:
    """Whether a process of this PC is still running (a killed program's row must not block a restore)."""
    if os.name == "nt":
        import ctypes
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _gone(host: str, pid: int) -> bool:
    return host == socket.gethostname() and not pid_alive(int(pid))


def _utc(now: Optional[dt.datetime]) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)


def register(db: Database, user_name: str, program: str, now: Optional[dt.datetime] = None) -> str:
    """This program's row; its id is passed to heartbeat() and unregister()."""
    session_id = uuid.uuid4().hex
    at = _utc(now)
    with db.transaction() as s:
        s.execute(text("INSERT INTO db_session (id, host, pid, user_name, program, started_at, heartbeat_at) "
                       "VALUES (:id, :host, :pid, :user, :program, :at, :at)"),
                  {"id": session_id, "host": socket.gethostname()[:200], "pid": os.getpid(),
                   "user": user_name[:200], "program": program[:20], "at": at})
    return session_id


def heartbeat(db: Database, session_id: str, now: Optional[dt.datetime] = None) -> None:
    with db.transaction() as s:
        s.execute(text("UPDATE db_session SET heartbeat_at = :at WHERE id = :id"), {"at": _utc(now), "id": session_id})


def unregister(db: Database, session_id: str) -> None:
    with db.transaction() as s:
        s.execute(text("DELETE FROM db_session WHERE id = :id"), {"id": session_id})


def others(db: Database, own_id: Optional[str] = None, now: Optional[dt.datetime] = None) -> list[Presence]:
    """Live programs other than own_id."""
    since = _utc(now) - dt.timedelta(seconds=LIVE_SECONDS)
    with db.read() as s:
        rows = s.execute(text("SELECT id, host, pid, user_name, program, heartbeat_at FROM db_session "
                              "WHERE heartbeat_at >= :since ORDER BY started_at"), {"since": since}).all()
    return [Presence(*row) for row in rows if row[0] != own_id and not _gone(row[1], row[2])]


def refusal(people: list[Presence]) -> StorageError:
    names = "؛ ".join(p.describe() for p in people)
    return StorageError("تا کسی دیگر به این پایگاه داده وصل است، بازگردانی انجام نمی‌شود تا ذخیره‌های او از "
                        f"بین نرود. اینها وصل هستند: {names}. از آنها بخواهید برنامه را ببندند و دوباره بکوشید.")


# ---- SQLite files, used by restore (the engine of this process is already closed) -------------------


def _connect(db_path: Path) -> Optional[sqlite3.Connection]:
    if not db_path.is_file():
        return None
    conn = sqlite3.connect(str(db_path), timeout=30, isolation_level=None)
    try:
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'db_meta'").fetchone()
    except sqlite3.DatabaseError:
        found = None  # damaged or not a database: restore keeps it as raw files
    if found is None:
        conn.close()
        return None  # (or a database older than revision 0009: nothing registers in it)
    return conn


def _live(conn: sqlite3.Connection, own_id: Optional[str], now: Optional[dt.datetime]) -> list[Presence]:
    since = _utc(now) - dt.timedelta(seconds=LIVE_SECONDS)
    out = []
    for row in conn.execute("SELECT id, host, pid, user_name, program, heartbeat_at FROM db_session"):
        beat = dt.datetime.fromisoformat(str(row[5]))
        beat = beat if beat.tzinfo else beat.replace(tzinfo=dt.timezone.utc)
        if row[0] != own_id and beat >= since and not _gone(row[1], row[2]):
            out.append(Presence(row[0], row[1], row[2], row[3], row[4], beat))
    return out


def refuse_if_others(db_path: Path, own_id: Optional[str] = None, now: Optional[dt.datetime] = None) -> None:
    conn = _connect(Path(db_path))
    if conn is None:
        return
    try:
        people = _live(conn, own_id, now)
    finally:
        conn.close()
    if people:
        raise refusal(people)


def claim(db_path: Path, own_id: Optional[str] = None, now: Optional[dt.datetime] = None) -> Optional[str]:
    """Inside the write lock: refuse if anyone is live, else retire the old generation.

    Returns the old generation for release() if the restore fails before the swap; None when
    the file has no generation (nothing to claim)."""
    conn = _connect(Path(db_path))
    if conn is None:
        return None
    try:
        conn.execute("BEGIN IMMEDIATE")  # waits for a running write to end; none can start after
        people = _live(conn, own_id, now)
        if people:
            conn.execute("ROLLBACK")
            raise refusal(people)
        old = conn.execute("SELECT value FROM db_meta WHERE key = ?", (GENERATION_KEY,)).fetchone()
        old_value = old[0] if old else ""
        conn.execute("INSERT OR REPLACE INTO db_meta (key, value) VALUES (?, ?)",
                     (GENERATION_KEY, RETIRED_PREFIX + uuid.uuid4().hex))
        conn.execute("COMMIT")
        return old_value
    finally:
        conn.close()


def release(db_path: Path, old_generation: Optional[str]) -> None:
    """The restore failed before the swap: the old database is the live one again."""
    if old_generation is None:
        return
    conn = _connect(Path(db_path))
    if conn is not None:
        try:
            conn.execute("UPDATE db_meta SET value = ? WHERE key = ?", (old_generation, GENERATION_KEY))
        finally:
            conn.close()


def fresh_generation(db_path: Path) -> None:
    """The restored file gets a generation of its own and no sessions of the past."""
    conn = _connect(Path(db_path))
    if conn is None:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR REPLACE INTO db_meta (key, value) VALUES (?, ?)", (GENERATION_KEY, uuid.uuid4().hex))
        conn.execute("DELETE FROM db_session")
        conn.execute("COMMIT")
    finally:
        conn.close()
