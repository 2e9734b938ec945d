"""Backups in a child process, so the desktop program's own interpreter never does the work.

The backup is minutes of CPU (copying, checking and deflating a database of a GB or more). In a
thread of the GUI process it competes with the GUI thread for Python's interpreter lock, and the
window stutters; in a process of its own it competes only for a core.

    auto_backup_in_child(data_dir, reason=..., now=...)       -> app.storage.backup.auto_backup
    create_backup_in_child(db_path, attachments_dir, out_path, password=...) -> create_backup

Both take progress(done, total) and cancel() like the functions they stand for, and return or
raise what those return or raise. The child is started with multiprocessing's "spawn" method
(the same on Windows and Linux, and in the PyInstaller bundle once app/__main__.py has called
multiprocessing.freeze_support()). Everything it needs, the backup password included, goes to it
through a pipe after it has started: never on its command line or in its environment, where
other programs of the same PC can read them.

Nothing half-made is left behind, whichever way the backup ends:
- cancelled (or the parent asks it to stop with SIGTERM): the child stops at its next check and
  removes its scratch files itself, as create_backup always has;
- the parent dies or closes the pipe: the child treats it as a cancel;
- the child dies (killed, crashed, out of memory): before creating each scratch file (the copy of
  the database, the `.partial` backup) it names it to the parent, which removes what is left.
The finished backup appears only by a rename of a file already checked, so a backup either is in
place whole or not at all, and older backups are never touched (apart from the rotation, which
runs only after a new backup is in place).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from app.errors import DomainError, StorageError
from app.storage import backup

Progress = Callable[[int, int], None]

PROGRESS_INTERVAL_S = 0.05  # the parent shows at most ~20 updates a second anyway
POLL_S = 0.1  # how often the waiting thread looks at cancel() while the child is quiet
CANCEL_GRACE_S = 10.0  # after a cancel, how long the child may take to clean up before it is killed
MSG_CHILD_DIED = "پشتیبان‌گیری ناتمام ماند: کار پشتیبان‌گیری ناگهان متوقف شد. پشتیبان‌های قبلی دست نخورده است."
_CANCEL = "cancel"


def auto_backup_in_child(data_dir: Path, *, reason: str, now: datetime, progress: Progress | None = None,
                         cancel: Callable[[], bool] | None = None) -> Path | None:
    """app.storage.backup.auto_backup, done in a child process."""
    return _run("auto", {"data_dir": Path(data_dir), "reason": reason, "now": now}, None, progress, cancel)


def create_backup_in_child(db_path: Path, attachments_dir: Path, out_path: Path, *, password: str | None = None,
                           progress: Progress | None = None,
                           cancel: Callable[[], bool] | None = None) -> backup.BackupInfo:
    """app.storage.backup.create_backup, done in a child process; the password goes through a pipe."""
    kwargs = {"db_path": Path(db_path), "attachments_dir": Path(attachments_dir), "out_path": Path(out_path)}
    return _run("create", kwargs, password, progress, cancel)


# ---------------------------------------------------------------- the parent's side


class _Child:
    """One child process and the two one-way pipes to and from it."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        requests_in, self.requests = ctx.Pipe(duplex=False)
        self.replies, replies_out = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=child_main, args=(requests_in, replies_out),
                                   name="parvandeh-backup", daemon=True)
        self.process.start()
        # Our copies of the child's ends closed: its death is then an EOF on `replies`.
        requests_in.close()
        replies_out.close()
        self.scratch: list[Path] = []

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def ask_to_stop(self) -> None:
        try:
            self.requests.send(_CANCEL)
        except (OSError, ValueError):
            pass  # gone already

    def end(self) -> None:
        """Kill the child if it still runs, then remove whatever scratch files it left."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        for conn in (self.requests, self.replies):
            conn.close()
        for path in self.scratch:
            backup.remove_scratch(path)
        self.process.close()


def _run(job: str, kwargs: dict, password: str | None, progress: Progress | None,
         cancel: Callable[[], bool] | None) -> Any:
    child = _Child()
    try:
        child.requests.send((job, kwargs, password))
        return _wait(child, progress, cancel)
    finally:
        child.end()


def _wait(child: _Child, progress: Progress | None, cancel: Callable[[], bool] | None) -> Any:
    stop_asked_at: float | None = None
    while True:
        if stop_asked_at is None and cancel is not None and cancel():
            child.ask_to_stop()
            stop_asked_at = time.monotonic()
        if stop_asked_at is not None and time.monotonic() - stop_asked_at > CANCEL_GRACE_S:
            child.process.kill()  # `end` removes its scratch files
            raise backup.BackupCancelled(backup.MSG_CANCELLED)
        try:
            if not child.replies.poll(POLL_S):
                continue
            message = child.replies.recv()
        except (EOFError, OSError):
            # The child is gone without a word (killed, crashed): its files are cleaned up by `end`.
            if stop_asked_at is not None:
                raise backup.BackupCancelled(backup.MSG_CANCELLED) from None
            raise StorageError(MSG_CHILD_DIED) from None
        kind = message[0]
        if kind == "progress":
            if progress is not None:
                progress(message[1], message[2])
        elif kind == "scratch":
            child.scratch.append(Path(message[1]))
        elif kind == "done":
            return message[1]
        elif kind == "error":
            raise message[1]


# ---------------------------------------------------------------- the child's side


def _portable(exc: BaseException) -> BaseException:
    """The exception as it can cross the pipe: the project's own errors keep class, message and field."""
    if isinstance(exc, DomainError):
        try:
            copy = type(exc)(exc.message)
            copy.field = exc.field
            return copy
        except TypeError:
            return StorageError(exc.message)
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 — an exception that cannot cross: its text still does
        return StorageError(f"{backup.MSG_FILE_ERROR}: {type(exc).__name__}: {exc}")


def _watch(requests, stop: threading.Event) -> None:
    """Stop when the parent asks, or when it is gone (the pipe's other end closed)."""
    try:
        while requests.recv() != _CANCEL:
            pass
    except (EOFError, OSError):
        pass
    stop.set()


def _lower_priority() -> None:
    """Below the desktop program's: on a busy two-core PC the GUI thread gets a core first."""
    try:
        if os.name == "nt":
            import ctypes
            below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
            ctypes.windll.kernel32.SetPriorityClass(ctypes.windll.kernel32.GetCurrentProcess(), below_normal)
        else:
            os.nice(10)
    except (OSError, AttributeError):
        pass  # not allowed here: the backup still runs, at the normal priority


def child_main(requests, replies) -> None:
    """The child process's whole life: one backup, its outcome sent back, then exit."""
    stop = threading.Event()
    if hasattr(signal, "SIGTERM"):
        # multiprocessing ends daemon children with SIGTERM when the parent exits: clean up first.
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        job, kwargs, password = requests.recv()
    except (EOFError, OSError):
        return
    threading.Thread(target=_watch, args=(requests, stop), daemon=True, name="parvandeh-backup-watch").start()
    backup.keep_freed_memory()  # this process only backs up, then ends
    if job == "auto" and kwargs.get("reason") == "start":
        _lower_priority()  # the day's start backup runs beside the window the person works in
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            replies.send(("progress", done, total))

    def announce(path: Path) -> None:
        replies.send(("scratch", str(path)))

    common = {"progress": report, "cancel": stop.is_set, "announce": announce}
    try:
        if job == "auto":
            result = backup.auto_backup(**kwargs, **common)
        elif job == "create":
            result = backup.create_backup(**kwargs, password=password, **common)
        else:
            raise ValueError(f"unknown backup job {job!r}")
    except BaseException as exc:  # noqa: BLE001 — every outcome must reach the parent
        outcome = ("error", _portable(exc))
    else:
        outcome = ("done", result)
    try:
        replies.send(outcome)
    except (OSError, ValueError):
        pass  # the parent is gone; there is nobody to tell
    replies.close()
