"""Backups of the data folder: one file with the database, every attachment and a manifest.

A plain backup is a zip (deflate, zip64). Its first member is `parvandeh-backup`, stored
uncompressed, so the file announces itself at a fixed offset (as ODF's `mimetype` does) and a
truncated backup is told apart from someone else's file. Then `database/parvandeh.sqlite3`,
`attachments/<path>` for each attachment, and last `manifest.json` (it needs every member's
SHA-256, which is known only after writing). An encrypted backup is the same zip streamed through
app.storage.crypto. Backup files end in `.pvbak` whichever the kind.

Everything is streamed in 1 MiB pieces, so a database of several GB never sits in memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import struct
import sys
import tempfile
import threading
import zipfile
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Sequence

import jdatetime

import app
from app.atomic import fsync_directory
# app.constants, not app.storage.database: backups need no SQLAlchemy import.
from app.constants import APPLICATION_ID, ATTACHMENTS_DIRNAME, BACKUPS_DIRNAME, DB_FILENAME, ENV_DATABASE_URL
from app.domain.settings import AUDIT_HEAD
from app.errors import DomainError, StorageError, ValidationError
from app.storage import crypto

try:  # zlib-ng: the same deflate format, about twice as fast both ways (a declared dependency)
    from zlib_ng import zlib_ng as fast_zlib
except ImportError:  # pragma: no cover — a source checkout without it still works, slower
    fast_zlib = zlib
else:
    # zipfile computes each member's CRC-32 with its module's `crc32` on the writing thread:
    # zlib's takes 0.44 s for 1.5 GB, zlib-ng's (the same function, bit for bit) 0.07 s.
    zipfile.crc32 = fast_zlib.crc32

FORMAT_NAME = "parvandeh-backup"
FORMAT_VERSION = 1
MARKER_NAME = "parvandeh-backup"
MARKER_DATA = b"parvandeh-backup 1\n"
MANIFEST_NAME = "manifest.json"
DB_MEMBER = "database/" + DB_FILENAME
ATTACHMENT_PREFIX = "attachments/"
EXTENSION = ".pvbak"

COPY_BLOCK = 1024 * 1024
# zipfile's own level, used only for the small members it compresses itself (the manifest);
# the rest goes through _ParallelDeflate at DEFLATE_LEVEL.
COMPRESS_LEVEL = 1
# zlib-ng's level 2 deflates a database 1.6x faster than zlib's level 1 and smaller (13.8% of the
# input against 14.4%; its level 1 is faster still but 17%); a backup runs on every exit, so the
# person closing the program is waiting for it. Without zlib-ng, zlib's level 1 as before.
DEFLATE_LEVEL = 2 if fast_zlib is not zlib else 1
DEFLATE_WINDOW = 32 * 1024  # deflate's back-reference window: each piece is primed with the last 32 KiB before it
DEFLATE_THREADS = max(1, min(4, os.cpu_count() or 1))
BACKUP_STEP_PAGES = 1024  # 4 MiB per online-backup step at SQLite's default page size
COPY_CACHE_KIB = 2048  # the copy's page cache: pages further back than this are in the file
EARLY_DEFLATE = True  # tests turn it off to compare the archives written with and without it
EARLY_PIECES = 512  # pieces deflated while the copy is written: ~70 MB of deflated bytes held at most
REASONS = ("start", "exit", "manual")
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12
KEEP_NEWEST = 3  # whatever the clock says, the newest few automatic backups stay
# parvandeh-<Jalali yyyy-mm-dd>-<hhmmss>[-n].pvbak; "-n" only when two fall in the same second.
AUTO_NAME = re.compile(
    r"^parvandeh-(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d+))?(\.pvbak|\.partial)$"
)
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                     *(f"LPT{i}" for i in range(10))}

MSG_NOT_BACKUP = "این فایل پشتیبان پرونده نیست"
MSG_DAMAGED = crypto.MSG_DAMAGED
MSG_NEWER = crypto.MSG_NEWER
MSG_UNSAFE_NAME = "فایل پشتیبان آسیب دیده است: نام ناامن {name} در آن هست"
MSG_FOREIGN = "این پایگاه داده مال برنامه پرونده نیست"
MSG_INTEGRITY = "پایگاه داده آسیب دیده است (بررسی یکپارچگی ناموفق بود)"
MSG_NO_REVISION = "نسخه ساختار پایگاه داده معلوم نیست"
MSG_NO_DATABASE = "فایل پایگاه داده پیدا نشد"
MSG_NO_BACKUP_FILE = "فایل پشتیبان پیدا نشد"
MSG_FILE_ERROR = "خواندن یا نوشتن فایل ممکن نشد"
MSG_CANCELLED = "پشتیبان‌گیری لغو شد"
MSG_EMPTY_PASSWORD = "رمز پشتیبان نمی‌تواند خالی باشد"

Progress = Callable[[int, int], None]


class BackupCancelled(StorageError):
    """The person pressed Cancel; nothing was left behind."""


@dataclass(frozen=True)
class BackupMember:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    encrypted: bool
    format_version: int
    created_at: datetime  # UTC, timezone-aware
    app_version: str
    schema_revision: str
    members: tuple[BackupMember, ...]
    # The audit chain's head in the copied database ({"count", "last_id", "last_hash"}), written in
    # the manifest too: a backup on a USB stick then anchors the chain (`parvandeh check --against`).
    audit_head: dict | None = None

    @property
    def database_size(self) -> int:
        return sum(m.size for m in self.members if m.name == DB_MEMBER)

    @property
    def attachment_count(self) -> int:
        return sum(1 for m in self.members if m.name.startswith(ATTACHMENT_PREFIX))

    @property
    def attachments_size(self) -> int:
        return sum(m.size for m in self.members if m.name.startswith(ATTACHMENT_PREFIX))


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    kept_copy: Path | None  # the data as it was before the restore; None if there was none
    attachments_restored: int


# ---------------------------------------------------------------- progress and cancel


class _Tracker:
    def __init__(self, callback: Progress | None, cancel: Callable[[], bool] | None):
        self.callback, self.cancel = callback, cancel
        self.total = self.done = self.shown = 0

    def cancelled(self) -> bool:
        return bool(self.cancel and self.cancel())

    def check(self) -> None:
        if self.cancelled():
            raise BackupCancelled(MSG_CANCELLED)

    def _report(self, value: int) -> None:
        # Totals are estimates refined on the way; the bar must still never move backwards.
        self.shown = max(self.shown, min(value, self.total))
        if self.callback:
            self.callback(self.shown, self.total)

    def add(self, n: int) -> None:
        self.done += max(n, 0)
        self._report(self.done)
        self.check()

    def nested(self, base: int, share: int) -> Progress:
        """A callback for a step that fills `share` of our total, starting at `base`."""
        return lambda done, total: self._report(base + share * done // max(total, 1))

    def finish(self) -> None:
        self._report(self.total)


# ---------------------------------------------------------------- the process that backs up


def keep_freed_memory() -> bool:
    """For a process whose work is a backup (the desktop's backup child, the command line): glibc's
    allocator keeps the memory the backup frees for its next piece instead of handing it back.

    A backup allocates and frees a megabyte or two for each piece of the database it reads,
    deflates and proves; by default glibc returns such blocks to the system and takes fresh,
    zeroed pages for the next, ~520,000 page faults and ~1.1 s of system time for a 1.5 GB
    database (of ~17 s of CPU). Blocks up to 64 MiB now come from the allocator's own heap and
    freed memory is kept (up to 1 GiB, the process ends soon after). True if it was applied:
    glibc on Linux only; elsewhere (Windows, musl) nothing changes."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, 64 << 20)) and bool(mallopt(m_trim_threshold, 1 << 30))


# ---------------------------------------------------------------- small file helpers


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{path.resolve().as_uri()}?{query}"


def _local(now: datetime) -> datetime:
    """Naive local wall time: names and day boundaries follow the clinic's clock."""
    return now.astimezone().replace(tzinfo=None) if now.tzinfo else now


def _stamp(now: datetime) -> str:
    # Jalali, zero padded, biggest unit first: sorts by name the way it sorts by time.
    return jdatetime.datetime.fromgregorian(datetime=_local(now)).strftime("%Y-%m-%d-%H%M%S")


def _unique_path(folder: Path, stem: str) -> Path:
    path, n = folder / (stem + EXTENSION), 2
    while path.exists() or path.with_suffix(".partial").exists():
        path, n = folder / f"{stem}-{n}{EXTENSION}", n + 1
    return path


@contextmanager
def _file_errors() -> Iterator[None]:
    """Turns low-level read failures into the project's Persian errors."""
    try:
        yield
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error) as exc:
        raise StorageError(MSG_DAMAGED) from exc
    except OSError as exc:
        raise StorageError(f"{MSG_FILE_ERROR}: {exc.strerror or exc}") from exc


# ---------------------------------------------------------------- the database itself


def _inspect(conn: sqlite3.Connection, tracker: _Tracker | None = None, *, integrity: bool = True) -> str:
    """Checks ownership and integrity of an open database; returns its schema revision.

    integrity=False skips PRAGMA integrity_check (half a minute on a 1.5 GB database)."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _sqlite_error(exc) from exc
    if app_id != APPLICATION_ID:
        raise StorageError(MSG_FOREIGN)
    if tracker is not None:  # integrity_check on GB-sized files is slow: let Cancel stop it
        conn.set_progress_handler(tracker.cancelled, 10_000)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall() if integrity else [("ok",)]
    except sqlite3.DatabaseError as exc:
        if tracker is not None:
            tracker.check()
        raise StorageError(MSG_INTEGRITY) from exc
    finally:
        conn.set_progress_handler(None, 0)
    if rows != [("ok",)]:
        raise StorageError(MSG_INTEGRITY)
    try:
        revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as exc:
        raise StorageError(MSG_NO_REVISION) from exc
    if not revisions:
        raise StorageError(MSG_NO_REVISION)
    return ",".join(sorted(revisions))


def _inspect_file(path: Path) -> str:
    # immutable=1: a private copy nobody else touches; SQLite then makes no -wal/-shm files.
    conn = sqlite3.connect(_uri(path, immutable="1"), uri=True)
    try:
        return _inspect(conn)
    finally:
        conn.close()


def _snapshot(db_path: Path, copy_path: Path, tracker: _Tracker,
              on_copied: Callable[[int], None] | None = None) -> tuple[str, int]:
    """Copies the live database with SQLite's online backup API; returns the copy's revision and
    how many pages the snapshot had. on_copied(n) hears, after each step, how many bytes of the
    copy have been copied so far.

    Our connection holds one read transaction for the whole copy, so every step reads the same
    snapshot: the copy is consistent, writers from the running program are never blocked (WAL),
    and their commits do not force the copy to restart.
    """
    src = sqlite3.connect(_uri(db_path, mode="rw"), uri=True, isolation_level=None)
    try:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # starts the snapshot
        page_size = src.execute("PRAGMA page_size").fetchone()[0]
        pages = src.execute("PRAGMA page_count").fetchone()[0]
        dst = sqlite3.connect(copy_path, isolation_level=None)
        try:
            # The copy is scratch, read once and deleted: a rollback journal and an fsync for each
            # of its ~400 steps (1.5 GB) only cost time (0.8 s of 2.9). Its bytes are proven by the
            # check and the archive's read-back, never by surviving a power cut.
            dst.execute("PRAGMA journal_mode=OFF")
            dst.execute("PRAGMA synchronous=OFF")
            dst.execute(f"PRAGMA cache_size=-{COPY_CACHE_KIB}")  # _EarlyDeflate counts on it
            copied = 0

            def step(_status: int, remaining: int, total: int) -> None:
                nonlocal copied
                tracker.add((total - remaining) * page_size - copied)
                copied = (total - remaining) * page_size
                if on_copied is not None:
                    on_copied(copied)

            src.backup(dst, pages=BACKUP_STEP_PAGES, progress=step)
            return _inspect(dst, tracker, integrity=False), pages
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        tracker.check()
        raise _sqlite_error(exc) from exc
    finally:
        src.close()


class _CopyCheck(threading.Thread):
    """Proves the snapshot readable and complete while the archive is being written.

    The copy is SQLite's page-by-page copy of a database SQLite itself keeps; what could still go
    wrong is a page that did not reach the copy whole, or a page already damaged in the live file.
    `PRAGMA quick_check` reads every page of every table and index and checks each b-tree's
    structure, the free list and every record's format (what a restore needs to open and read
    it); with the page count equal to the snapshot's and the file exactly that many pages long,
    the copy is complete. It leaves out integrity_check's comparison of each index with its table,
    which a page copy cannot change: such a fault would be in the live database already, where
    `parvandeh check` finds it — and a restore still runs the full integrity_check on the backup
    before anything is replaced. quick_check is about a tenth of integrity_check's work
    (1.5 GB: 3 s of CPU against 33 s), and sqlite3 lets the archive be written meanwhile.
    """

    def __init__(self, copy_path: Path, pages: int, tracker: _Tracker):
        super().__init__(name="parvandeh-backup-check", daemon=True)
        self.copy_path, self.pages, self.tracker = copy_path, pages, tracker
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            conn = sqlite3.connect(_uri(self.copy_path, immutable="1"), uri=True, check_same_thread=False)
            try:
                # Asked every million SQLite instructions (a few ms), not every 10,000: each call takes
                # the interpreter lock from the GUI thread, ~100,000 times for a 1.5 GB quick_check.
                conn.set_progress_handler(self.tracker.cancelled, 1_000_000)
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                page_size = conn.execute("PRAGMA page_size").fetchone()[0]
                if pages != self.pages or pages * page_size != self.copy_path.stat().st_size:
                    raise StorageError(MSG_INTEGRITY)
                if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                    raise StorageError(MSG_INTEGRITY)
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            self.error = StorageError(MSG_INTEGRITY)
        except BaseException as exc:  # noqa: BLE001 — handed to the writing thread by result()
            self.error = exc

    def result(self) -> None:
        self.join()
        if self.error is not None:
            self.tracker.check()  # a cancel interrupts quick_check: say cancelled, not damaged
            raise self.error


def _sqlite_error(exc: sqlite3.DatabaseError) -> StorageError:
    text = str(exc)
    if "not a database" in text:
        return StorageError(MSG_FOREIGN)
    if isinstance(exc, sqlite3.OperationalError) and "malformed" not in text:
        return StorageError(f"{MSG_FILE_ERROR}: {text}")  # locked, cannot open, disk full
    return StorageError(MSG_INTEGRITY)


# ---------------------------------------------------------------- writing a backup


def _list_attachments(root: Path) -> list[tuple[str, Path]]:
    """(member name, path) for every file under root, sorted so backups are reproducible."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            found.append((ATTACHMENT_PREFIX + path.relative_to(root).as_posix(), path))
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _zip_info(name: str, when: datetime, *, stored: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info._compresslevel = COMPRESS_LEVEL  # zipfile has no public way for a ZipInfo before 3.13
    info.external_attr = 0o100644 << 16  # a regular file, never a link
    return info


def _deflate_piece(data: bytes, primer: bytes, level: int) -> bytes:
    """One piece of a deflate stream that goes on after `primer` (the input just before it),
    proven to inflate back to `data`.

    Ends with a sync flush (an empty stored block): byte-aligned and not final, so pieces
    concatenate into one valid stream, as pigz does."""
    piece = _deflate_raw(data, primer, level)
    _prove_piece(piece, primer, data)
    return piece


def _deflate_raw(data: bytes, primer: bytes, level: int) -> bytes:
    if primer:
        compressor = fast_zlib.compressobj(level, zlib.DEFLATED, -15, zdict=primer)
    else:
        compressor = fast_zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _prove_piece(piece: bytes, primer: bytes, data: bytes) -> None:
    """Inflates a piece just deflated and compares it with its input, on the deflate thread.

    This is the read-back's inflate, done while the archive is written (on the other cores)
    instead of after it. An inflater that reaches a piece's start in the joined stream holds the
    output so far, whose last 32 KiB are `primer`, and is at a block boundary (the sync flush):
    exactly this fresh inflater's state. So, by induction over the pieces, the member's stream
    inflates to its input, and the CRC-32 zipfile computes from that input is the stream's."""
    inflater = fast_zlib.decompressobj(-15, zdict=primer) if primer else fast_zlib.decompressobj(-15)
    if inflater.decompress(piece) != data or inflater.unconsumed_tail:
        raise StorageError(MSG_DAMAGED)


class _ParallelDeflate:
    """Stands in for the compressor of a zip member being written (zipfile asks it for
    compress(data) and flush()), deflating the pieces on a pool of threads.

    Each piece may refer back to the 32 KiB before it, like one deflater going through the whole
    member, so the file is as small as a serial deflate's and inflates with any inflater, zlib's
    own included (zipfile, the released program, any zip tool). zlib and zlib-ng release the
    interpreter lock while they deflate, so the threads use every core."""

    def __init__(self, pool: ThreadPoolExecutor, level: int, early: "_EarlyDeflate | None" = None):
        self.pool, self.level, self.early = pool, level, early
        self.primer = b""
        self.offset = 0
        self.pending: deque[Future] = deque()
        self.depth = 2 * getattr(pool, "_max_workers", 2)  # pieces in flight: bounded memory

    def compress(self, data: bytes) -> bytes:
        data = bytes(data)
        found = self.early.take(self.offset, data, self.primer) if self.early is not None else None
        self.pending.append(found or self.pool.submit(_deflate_piece, data, self.primer, self.level))
        self.offset += len(data)
        self.primer = (self.primer + data)[-DEFLATE_WINDOW:] if len(data) < DEFLATE_WINDOW else data[-DEFLATE_WINDOW:]
        out = []
        while self.pending and (len(self.pending) > self.depth or self.pending[0].done()):
            out.append(self.pending.popleft().result())
        return b"".join(out)

    def flush(self) -> bytes:
        out = [future.result() for future in self.pending]
        self.pending.clear()
        out.append(fast_zlib.compressobj(self.level, zlib.DEFLATED, -15).flush())  # the final, empty block
        return b"".join(out)


class _EarlyDeflate:
    """Deflates pieces of the database's copy while SQLite is still writing the rest of it.

    SQLite's online copy is mostly the kernel's work on one core; the other cores deflate (and
    prove, _deflate_piece) what is already in the file, on a thread of their own. A piece is
    taken up there only once the copy has gone a step and the copy's page cache past it (the
    pages behind that were written out); piece 0 never, as the copy's first page (its change
    counter and schema cookie) is written again when the copy ends.

    When the archive is written, a piece deflated early is used only if the bytes it read, and
    the 32 KiB before them it was primed with, have the CRC-32s of the bytes being written now;
    else (or if it had not started, or failed) it is deflated again like any other piece. So
    what was proven of a piece is proven of what the archive holds, and nothing here can make a
    backup differ from one written without it."""

    def __init__(self, path: Path, level: int):
        self.path, self.level = path, level
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="parvandeh-early-deflate")
        self.ready: dict[int, Future] = {}
        self.next = 1
        self.seen = self.step = 0
        self.used = self.redone = 0

    def copied(self, nbytes: int) -> None:
        """The copy has nbytes of the database so far: pieces a step and a page cache behind may be read."""
        self.step, self.seen = max(self.step, nbytes - self.seen), nbytes
        lag = self.step + COPY_CACHE_KIB * 1024
        while (self.next + 1) * COPY_BLOCK + lag <= nbytes and len(self.ready) < EARLY_PIECES:
            self.ready[self.next] = self.pool.submit(_early_piece, self.path, self.next, self.level)
            self.next += 1

    def take(self, offset: int, data: bytes, primer: bytes) -> Future | None:
        """The piece at offset, deflated early from these very bytes; None: deflate it now."""
        found = self.ready.pop(offset // COPY_BLOCK, None) if offset % COPY_BLOCK == 0 else None
        if found is None or found.cancel():
            return None
        early = found.result()
        if early is None or early[1:] != (len(data), fast_zlib.crc32(data), fast_zlib.crc32(primer)):
            self.redone += 1
            return None
        self.used += 1
        done: Future = Future()
        done.set_result(early[0])
        return done

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.ready.clear()


def _early_piece(path: Path, index: int, level: int) -> tuple[bytes, int, int, int] | None:
    """Piece `index` of the file deflated and proven, with its length and the CRC-32s of its
    bytes and of its primer; None if it could not be read whole (deflated again later). A piece
    that does not inflate back to its input raises, as on the writing path: that is a fault of
    the machine, not of timing."""
    try:
        with open(path, "rb") as f:
            f.seek(index * COPY_BLOCK - DEFLATE_WINDOW)
            primer = f.read(DEFLATE_WINDOW)
            data = f.read(COPY_BLOCK)
    except OSError:
        return None
    if len(primer) != DEFLATE_WINDOW or len(data) != COPY_BLOCK:
        return None
    return _deflate_piece(data, primer, level), len(data), fast_zlib.crc32(data), fast_zlib.crc32(primer)


def _add_file(zf: zipfile.ZipFile, name: str, path: Path, when: datetime,
              tracker: _Tracker, pool: ThreadPoolExecutor | None = None,
              early: _EarlyDeflate | None = None) -> tuple[BackupMember, bool] | None:
    """The file as one member; with it, whether its stream was proven while written (every
    deflated piece inflated back to its input, or stored as it is)."""
    digest, size = hashlib.sha256(), 0
    try:
        src = open(path, "rb")
    except FileNotFoundError:
        return None  # an attachment removed while we worked: nothing to keep
    with src:
        block = src.read(COPY_BLOCK)
        info = _zip_info(name, when, stored=_incompressible(block))
        with zf.open(info, "w", force_zip64=True) as dst:
            # zipfile has no public way to give a member's writer another compressor; without
            # the attribute (another Python) the member is deflated by zipfile itself, as before.
            if pool is not None and getattr(dst, "_compressor", None) is not None:
                dst._compressor = _ParallelDeflate(pool, DEFLATE_LEVEL, early)
            proven = isinstance(getattr(dst, "_compressor", None), _ParallelDeflate) or \
                info.compress_type == zipfile.ZIP_STORED
            while block:
                digest.update(block)
                dst.write(block)
                size += len(block)
                tracker.add(len(block))
                block = src.read(COPY_BLOCK)
    return BackupMember(name, size, digest.hexdigest()), proven


def _incompressible(first_block: bytes) -> bool:
    # Scans and photos are already compressed; deflating GBs of them again only costs time.
    sample = first_block[:65536]
    return bool(sample) and len(zlib.compress(sample, 1)) > 0.95 * len(sample)


AUDIT_HEAD_KEY = AUDIT_HEAD.key  # storage reads the copy with sqlite3 only


def _audit_head(db_copy: Path) -> dict | None:
    """The chain's head in the copied database: its head record, or (older databases) the table's end."""
    conn = sqlite3.connect(_uri(db_copy, immutable="1"), uri=True)
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (AUDIT_HEAD_KEY,)).fetchone()
        if row:
            count, last_id, last_hash = str(row[0]).split(":")
            return {"count": int(count), "last_id": int(last_id), "last_hash": last_hash}
        count = conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0]
        last = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
        return {"count": count, "last_id": last[0] if last else 0, "last_hash": last[1] if last else "0" * 64}
    except (sqlite3.DatabaseError, ValueError):
        return None  # not our tables (a test's bare database): the manifest simply has no head
    finally:
        conn.close()


def _manifest(created_at: datetime, revision: str, members: list[BackupMember],
              audit_head: dict | None = None) -> bytes:
    data = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "app_version": app.__version__,
        "schema_revision": revision,
        "database": DB_MEMBER,
        "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in members],
    }
    if audit_head is not None:
        data["audit_head"] = audit_head
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def _write_zip(sink: BinaryIO, db_copy: Path, attachments: list[tuple[str, Path]], revision: str,
               created_at: datetime, tracker: _Tracker, unproven: set[str] | None = None,
               early: _EarlyDeflate | None = None) -> list[BackupMember]:
    """Writes the archive; the names of members whose stream was not proven while written
    (zipfile deflated them itself) are added to `unproven`, for the read-back to inflate."""
    members: list[BackupMember] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf, \
            ThreadPoolExecutor(DEFLATE_THREADS, thread_name_prefix="parvandeh-deflate") as pool:
        zf.writestr(_zip_info(MARKER_NAME, created_at, stored=True), MARKER_DATA)
        for name, path in [(DB_MEMBER, db_copy), *attachments]:
            added = _add_file(zf, name, path, created_at, tracker, pool, early if name == DB_MEMBER else None)
            if added is not None:
                members.append(added[0])
                if not added[1] and unproven is not None:
                    unproven.add(name)
        zf.writestr(_zip_info(MANIFEST_NAME, created_at),
                    _manifest(created_at, revision, members, _audit_head(db_copy)))
    return members


class _SummingWriter(io.RawIOBase):
    """Passes bytes on to a file, keeping their CRC-32 and count: what the file must hold.

    Without tell()/seek() (like crypto.EncryptingWriter), so zipfile streams into it and never
    goes back to rewrite a header: every byte of the file passes here once, in order."""

    def __init__(self, out: BinaryIO):
        super().__init__()
        self._out = out
        self.crc = self.length = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.crc = fast_zlib.crc32(data, self.crc)
        self.length += len(data)
        self._out.write(data)
        return len(data)


@dataclass
class _Written:
    key: bytes | None  # the encryption key (to re-read without the KDF)
    crc: int  # CRC-32 and length of the file's bytes as they were produced
    length: int
    unproven: set[str]  # members the read-back must still inflate


def _write_backup_file(partial: Path, db_copy: Path, attachments: list[tuple[str, Path]],
                       revision: str, created_at: datetime, password: str | None,
                       tracker: _Tracker, early: _EarlyDeflate | None = None) -> _Written:
    """Writes and fsyncs the backup."""
    unproven: set[str] = set()
    with open(partial, "wb") as raw:
        sink = _SummingWriter(raw)
        if password is None:
            _write_zip(sink, db_copy, attachments, revision, created_at, tracker, unproven, early)
            key = None
        else:
            enc = crypto.EncryptingWriter(sink, password)
            try:
                _write_zip(enc, db_copy, attachments, revision, created_at, tracker, unproven, early)
            except BaseException:
                enc.discard()
                raise
            enc.close()
            key = enc.key
        raw.flush()
        os.fsync(raw.fileno())
    return _Written(key, sink.crc, sink.length, unproven)


def _check_written(partial: Path, written: _Written, password: str | None, tracker: _Tracker) -> BackupInfo:
    """The read-back after writing: proves the file on disk holds the bytes produced, and reads
    its directory and manifest (and, encrypted, authenticates every chunk).

    Each deflated member's stream was proven while written (_prove_piece: it inflates to the
    very input whose CRC-32, size and SHA-256 went into the zip and the manifest), so what is left
    to prove is that the disk kept those bytes: a re-read of the file's raw bytes against the
    CRC-32 computed as they were produced. Members zipfile deflated itself are inflated here, as before."""
    with _file_errors(), open(partial, "rb") as raw:
        plain = max(tracker.total - tracker.done, 0)
        crc = length = 0
        while block := raw.read(COPY_BLOCK):
            crc = fast_zlib.crc32(block, crc)
            length += len(block)
            tracker.add(plain * len(block) // max(written.length, 1))
    if crc != written.crc or length != written.length:
        raise StorageError(MSG_DAMAGED)
    with _open_archive(partial, password, key=written.key) as archive:
        info = _read_info(archive, partial)
        if archive.reader is not None:
            archive.reader.authenticate_all()
        for member in info.members:
            if member.name in written.unproven:
                _copy_member(archive.zf, member, None, tracker, digests=False)
    return info


def create_backup(db_path: Path, attachments_dir: Path, out_path: Path, *,
                  password: str | None = None, progress: Progress | None = None,
                  cancel: Callable[[], bool] | None = None,
                  announce: Callable[[Path], None] | None = None) -> BackupInfo:
    """Backs up the live database and every attachment into out_path (atomically).

    Progress counts bytes over four passes: copying the database, writing it, writing the
    attachments, and reading the finished file back to prove it. Cancel leaves nothing behind.
    announce(path) is told each scratch file's name before it is created (app.storage.backup_process:
    if this process is killed, whoever started it removes them with remove_scratch).
    """
    return _create_backup(db_path, attachments_dir, out_path, password=password, progress=progress,
                          cancel=cancel, announce=announce)


def remove_scratch(path: Path) -> None:
    """Removes a scratch file named by `announce` (and the journal files SQLite may have made beside it)."""
    _remove_db_files(Path(path))


def _new_copy_path(folder: Path, announce: Callable[[Path], None] | None) -> Path:
    """A new, empty file for the copy of the database, named to `announce` before it exists."""
    while True:
        path = folder / f".parvandeh-backup-{secrets.token_hex(8)}.tmp"
        if announce is not None:
            announce(path)
        try:
            with open(path, "xb"):
                return path
        except FileExistsError:
            continue


def _create_backup(db_path: Path, attachments_dir: Path, out_path: Path, *,
                   password: str | None = None, progress: Progress | None = None,
                   cancel: Callable[[], bool] | None = None, integrity: bool = True,
                   announce: Callable[[Path], None] | None = None) -> BackupInfo:
    """create_backup; integrity=False leaves out the check of the copy (_CopyCheck; see _keep_current)."""
    db_path, attachments_dir, out_path = Path(db_path), Path(attachments_dir), Path(out_path)
    if password == "":
        raise ValidationError(MSG_EMPTY_PASSWORD, field="password")
    if not db_path.is_file():
        raise StorageError(MSG_NO_DATABASE)
    tracker = _Tracker(progress, cancel)
    tracker.total = 3 * db_path.stat().st_size
    partial = out_path.with_suffix(".partial")
    if announce is not None:
        announce(partial)
    db_copy = _new_copy_path(db_path.parent, announce)
    try:
        with _file_errors():
            tracker.check()
            early = _EarlyDeflate(db_copy, DEFLATE_LEVEL) if EARLY_DEFLATE else None
            check = None
            try:
                revision, pages = _snapshot(db_path, db_copy, tracker, early.copied if early else None)
                check = _CopyCheck(db_copy, pages, tracker) if integrity else None
                # Listed after the snapshot: an attachment is saved before the row that names it,
                # so every file the copied database refers to is already on disk.
                attachments = _list_attachments(attachments_dir)
                tracker.total = 3 * _size(db_copy) + 2 * sum(_size(p) for _, p in attachments)
                out_path.parent.mkdir(parents=True, exist_ok=True)
                created_at = datetime.now(timezone.utc).replace(microsecond=0)
                written = _write_backup_file(partial, db_copy, attachments, revision, created_at, password, tracker,
                                             early)
            finally:
                if early is not None:
                    early.close()  # its thread reads the copy, removed below
                if check is not None:
                    check.join()  # the copy is removed below: its check must be done with it
            if check is not None:
                check.result()
            info = _check_written(partial, written, password, tracker)
            os.replace(partial, out_path)
            fsync_directory(out_path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        _remove_db_files(db_copy)
    tracker.finish()
    return replace(info, path=out_path)


# ---------------------------------------------------------------- reading a backup


@dataclass
class _Archive:
    zf: zipfile.ZipFile
    encrypted: bool
    reader: crypto.DecryptingReader | None


@contextmanager
def _open_archive(path: Path, password: str | None, *, key: bytes | None = None) -> Iterator[_Archive]:
    path = Path(path)
    if not path.is_file():
        raise StorageError(MSG_NO_BACKUP_FILE)
    with _file_errors(), open(path, "rb") as f:
        head = f.read(64)
        if head.startswith(crypto.MAGIC_FAMILY):
            header = crypto.read_header(f)
            reader = crypto.DecryptingReader(f, header, key or crypto.unlock(header, password))
            with zipfile.ZipFile(reader) as zf:
                yield _Archive(zf, True, reader)
        elif head[:4] == b"PK\x03\x04" and head[30 : 30 + len(MARKER_NAME)] == MARKER_NAME.encode():
            with zipfile.ZipFile(f) as zf:
                yield _Archive(zf, False, None)
        else:
            raise StorageError(MSG_NOT_BACKUP)


def _safe_parts(name: str) -> list[str] | None:
    """Path parts of an attachment member, or None if writing it could escape the folder."""
    if not name.startswith(ATTACHMENT_PREFIX):
        return None
    rel = name[len(ATTACHMENT_PREFIX):]
    if any(c in rel for c in "\\:\x00") or rel.startswith("/"):
        return None  # backslashes and drive letters mean other paths on Windows
    parts = rel.split("/")
    for part in parts:
        if part in ("", ".", "..") or part[-1] in ". " or part.split(".")[0].upper() in _WINDOWS_RESERVED:
            return None
    return parts


def _unsafe(name: str) -> StorageError:
    # repr() shows control and bidi characters as escapes instead of letting them act.
    return StorageError(MSG_UNSAFE_NAME.format(name=repr(name)[:120]))


def _check_names(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if not names or names[0] != MARKER_NAME or len(set(names)) != len(names):
        raise StorageError(MSG_DAMAGED)
    for info in infos:
        is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
        fixed = info.filename in (MARKER_NAME, MANIFEST_NAME, DB_MEMBER)
        if is_link or info.is_dir() or not (fixed or _safe_parts(info.filename)):
            raise _unsafe(info.filename)


def _parse_manifest(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise StorageError(MSG_DAMAGED) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise StorageError(MSG_NOT_BACKUP)
    version = data.get("format_version")
    if not isinstance(version, int):
        raise StorageError(MSG_DAMAGED)
    if version > FORMAT_VERSION:
        raise StorageError(MSG_NEWER)
    return data


def _read_info(archive: _Archive, path: Path) -> BackupInfo:
    zf = archive.zf
    _check_names(zf)
    if MANIFEST_NAME not in zf.NameToInfo:
        raise StorageError(MSG_DAMAGED)
    data = _parse_manifest(zf.read(MANIFEST_NAME))
    try:
        members = tuple(BackupMember(str(m["name"]), int(m["size"]), str(m["sha256"]))
                        for m in data["members"])
        created_at = datetime.fromisoformat(data["created_at"].replace("Z", "+00:00"))
        revision, app_version = str(data["schema_revision"]), str(data["app_version"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StorageError(MSG_DAMAGED) from exc
    listed = {m.name for m in members}
    present = set(zf.NameToInfo) - {MARKER_NAME, MANIFEST_NAME}
    if listed != present or len(listed) != len(members) or DB_MEMBER not in listed:
        raise StorageError(MSG_DAMAGED)
    for m in members:
        if m.name != DB_MEMBER and _safe_parts(m.name) is None:
            raise _unsafe(m.name)
        if zf.getinfo(m.name).file_size != m.size:
            raise StorageError(MSG_DAMAGED)
    head = data.get("audit_head")
    return BackupInfo(path, archive.encrypted, data["format_version"], created_at, app_version,
                      revision, members, head if isinstance(head, dict) else None)


def _fast_inflate(src: zipfile.ZipExtFile) -> None:
    """zlib-ng's inflater (the same format, about twice as fast) for a deflated member just opened.

    zipfile has no public way to choose it; without the attribute (another Python) zipfile's own
    inflater does the work, as before."""
    if fast_zlib is not zlib and src._compress_type == zipfile.ZIP_DEFLATED and hasattr(src, "_decompressor"):
        src._decompressor = fast_zlib.decompressobj(-15)


def _copy_member(zf: zipfile.ZipFile, member: BackupMember, dest: BinaryIO | None,
                 tracker: _Tracker, *, digests: bool = True) -> None:
    """Streams a member (into dest, if given) and checks it against the manifest.

    digests=False leaves out the SHA-256 (the size and zipfile's CRC-32 are still checked): for
    the read-back right after writing, where the manifest's digest and the CRC were computed from
    the very same bytes, so a CRC that holds means the digest does too."""
    digest, size = hashlib.sha256(), 0
    with zf.open(member.name) as src:  # zipfile also checks the CRC at the end
        _fast_inflate(src)
        while block := src.read(COPY_BLOCK):
            if digests:
                digest.update(block)
            size += len(block)
            if dest is not None:
                dest.write(block)
            tracker.add(len(block))
    if size != member.size or (digests and digest.hexdigest() != member.sha256):
        raise StorageError(MSG_DAMAGED)


def _extract_file(zf: zipfile.ZipFile, member: BackupMember, target: Path, tracker: _Tracker) -> None:
    with open(target, "wb") as out:
        _copy_member(zf, member, out, tracker)
        out.flush()
        os.fsync(out.fileno())


def _verify_file(path: Path, password: str | None, *, key: bytes | None = None, check_db: bool,
                 tracker: _Tracker, tmp_dir: Path | None = None, digests: bool = True) -> BackupInfo:
    with _open_archive(path, password, key=key) as archive:
        info = _read_info(archive, path)
        if tracker.total == 0:  # verify_backup learns the size only now
            tracker.total = sum(m.size for m in info.members)
        if archive.reader is not None:
            archive.reader.authenticate_all()
        for member in info.members:
            if member.name != DB_MEMBER or not check_db:
                _copy_member(archive.zf, member, None, tracker, digests=digests)
                continue
            fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=".parvandeh-verify-", suffix=".tmp")
            os.close(fd)
            try:
                _extract_file(archive.zf, member, Path(name), tracker)
                if _inspect_file(Path(name)) != info.schema_revision:
                    raise StorageError(MSG_DAMAGED)
            finally:
                _remove_db_files(Path(name))
    return info


def backup_is_encrypted(path: Path) -> bool:
    """True if the file starts like an encrypted Parvandeh backup (so the UI asks for a password)."""
    with _file_errors(), open(path, "rb") as f:
        return f.read(len(crypto.MAGIC_FAMILY)) == crypto.MAGIC_FAMILY


def read_backup_info(path: Path, password: str | None = None) -> BackupInfo:
    """The manifest of a backup. Raises PasswordRequired (an AuthError) for an encrypted one
    without a password, AuthError for a wrong password, StorageError if it is not ours or damaged."""
    with _open_archive(Path(path), password) as archive, _file_errors():
        return _read_info(archive, Path(path))


def verify_backup(path: Path, password: str | None = None, *, tmp_dir: Path | None = None,
                  progress: Progress | None = None) -> BackupInfo:
    """Reads every byte: each member's SHA-256, every encrypted chunk, and the database's
    ownership, integrity_check and revision. tmp_dir receives a temporary copy of the database."""
    tracker = _Tracker(progress, None)
    with _file_errors():
        info = _verify_file(Path(path), password, check_db=True, tracker=tracker, tmp_dir=tmp_dir)
    tracker.finish()
    return info


# ---------------------------------------------------------------- restoring


def _check_known(revision: str, known_revisions: Sequence[str]) -> None:
    if revision not in known_revisions:
        raise StorageError(MSG_NEWER)


def _raw_copy(db_path: Path, attachments_dir: Path, out_path: Path) -> None:
    """Zips the files exactly as they are, for a current database too damaged to back up."""
    partial = out_path.with_suffix(".partial")
    try:
        with open(partial, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    source = Path(str(db_path) + suffix)
                    if source.is_file():
                        zf.write(source, "database/" + source.name)
                for name, path in _list_attachments(attachments_dir):
                    zf.write(path, name)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out_path)
        fsync_directory(out_path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _keep_estimate(db_path: Path, attachments_dir: Path) -> int:
    # The same byte count create_backup reports for these files.
    return 3 * _size(db_path) + 2 * sum(_size(p) for _, p in _list_attachments(attachments_dir))


def _keep_current(db_path: Path, attachments_dir: Path, keep_dir: Path,
                  progress: Progress | None = None) -> Path | None:
    """Saves the data about to be replaced. A restore never destroys the only copy of anything."""
    has_attachments = bool(_list_attachments(attachments_dir))
    if not db_path.exists() and not has_attachments:
        return None
    keep_dir.mkdir(parents=True, exist_ok=True)
    target = _unique_path(keep_dir, "before-restore-" + _stamp(datetime.now()))
    if db_path.exists():
        try:
            # Kept as it is, sound or not: only the backup being restored must pass the
            # integrity check (done on it already), and checking this copy too was a third of
            # a restore's time at province scale.
            _create_backup(db_path, attachments_dir, target, progress=progress, integrity=False)
            return target
        except StorageError:
            pass  # damaged or foreign: fall back to copying the files as they are
    raw_target = target.with_name(target.stem + "-raw.zip")
    _raw_copy(db_path, attachments_dir, raw_target)
    return raw_target


def _retire_old_journal(db_path: Path) -> None:
    """Removes the old database's -wal/-shm/-journal before the new file takes its name.

    A leftover WAL would be replayed into the restored database and corrupt it. We checkpoint
    first so its content reaches the old file; it is in the kept copy either way.
    """
    wal = Path(str(db_path) + "-wal")
    if db_path.exists() and wal.exists():
        try:
            conn = sqlite3.connect(_uri(db_path, mode="rw"), uri=True)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # a damaged database cannot checkpoint; the kept copy holds its WAL
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)


def _swap_in(db_tmp: Path, db_path: Path, att_tmp: Path, attachments_dir: Path) -> None:
    """Puts the restored files in place with renames only; on failure, puts the old
    attachments back. The database goes last because, once replaced, it cannot be undone."""
    old_att = attachments_dir.with_name(f"{attachments_dir.name}.before-restore-{_stamp(datetime.now())}")
    had_old = attachments_dir.exists()
    if had_old:
        os.replace(attachments_dir, old_att)
    try:
        os.replace(att_tmp, attachments_dir)
        try:
            os.replace(db_tmp, db_path)
        except BaseException:
            os.replace(attachments_dir, att_tmp)
            raise
    except BaseException:
        if had_old:
            os.replace(old_att, attachments_dir)
        raise
    fsync_directory(db_path.parent)
    fsync_directory(attachments_dir.parent)
    if had_old:
        shutil.rmtree(old_att, ignore_errors=True)  # its files are in the kept copy


def _extract_all(archive: _Archive, info: BackupInfo, db_tmp: Path, att_tmp: Path,
                 tracker: _Tracker) -> int:
    if archive.reader is not None:
        archive.reader.authenticate_all()
    att_tmp.mkdir(parents=True)
    root = att_tmp.resolve()
    count = 0
    for member in info.members:
        if member.name == DB_MEMBER:
            _extract_file(archive.zf, member, db_tmp, tracker)
            continue
        target = root.joinpath(*_safe_parts(member.name))
        if not target.resolve().is_relative_to(root):  # belt and braces after _safe_parts
            raise _unsafe(member.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        _extract_file(archive.zf, member, target, tracker)
        count += 1
    return count


def restore_backup(backup_path: Path, db_path: Path, attachments_dir: Path, *,
                   password: str | None = None, known_revisions: Sequence[str], keep_dir: Path,
                   progress: Progress | None = None, own_session: str | None = None) -> RestoreResult:
    """Replaces the database and attachments with a backup's, after every check has passed.

    The caller must have closed the program's engine. The current data is first saved in
    keep_dir as before-restore-<Jalali date and time>.pvbak.

    Refused while another program is connected (app.storage.presence, except own_session); once
    it goes ahead, no program that opened the old database can write into either file again.
    """
    from app.storage import presence
    backup_path, db_path = Path(backup_path), Path(db_path)
    attachments_dir, keep_dir = Path(attachments_dir), Path(keep_dir)
    db_tmp = db_path.with_name(db_path.name + ".restoring")
    att_tmp = attachments_dir.with_name(attachments_dir.name + ".restoring")
    tracker = _Tracker(progress, None)
    presence.refuse_if_others(db_path, own_session)  # before minutes of extracting, not after
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_db_files(db_tmp)  # ours, left by an interrupted restore
    shutil.rmtree(att_tmp, ignore_errors=True)
    try:
        with _open_archive(backup_path, password) as archive, _file_errors():
            info = _read_info(archive, backup_path)
            _check_known(info.schema_revision, known_revisions)
            extract_share = sum(m.size for m in info.members)
            keep_share = _keep_estimate(db_path, attachments_dir)
            tracker.total = extract_share + keep_share
            count = _extract_all(archive, info, db_tmp, att_tmp, tracker)
        revision = _inspect_file(db_tmp)
        _check_known(revision, known_revisions)
        if revision != info.schema_revision:
            raise StorageError(MSG_DAMAGED)
        presence.fresh_generation(db_tmp)
        old_generation = presence.claim(db_path, own_session)
        try:
            with _file_errors():
                # After the claim no write lands in the old file, so the kept copy has every saved record.
                kept = _keep_current(db_path, attachments_dir, keep_dir,
                                     tracker.nested(extract_share, keep_share))
                _retire_old_journal(db_path)  # before the swap: keeps the switch-over a few renames
                _swap_in(db_tmp, db_path, att_tmp, attachments_dir)
        except BaseException:
            if db_path.exists() and not db_tmp.exists():
                pass  # swapped already: the restored file is the live one
            else:
                presence.release(db_path, old_generation)
            raise
    finally:
        _remove_db_files(db_tmp)
        shutil.rmtree(att_tmp, ignore_errors=True)
    tracker.finish()
    return RestoreResult(info, kept, count)


# ---------------------------------------------------------------- automatic backups


@dataclass(frozen=True)
class _AutoFile:
    path: Path
    when: datetime  # Gregorian, local wall time
    seq: int
    jalali_month: tuple[int, int]
    partial: bool


def _parse_auto_name(path: Path) -> _AutoFile | None:
    m = AUTO_NAME.match(path.name)
    if not m:
        return None
    jy, jm, jd, hh, mi, ss = (int(g) for g in m.groups()[:6])
    try:
        when = jdatetime.datetime(jy, jm, jd, hh, mi, ss).togregorian()
    except ValueError:
        return None  # looks like ours but is not a real date: not ours to delete
    return _AutoFile(path, when, int(m.group(7) or 1), (jy, jm), m.group(8) == ".partial")


def _auto_files(backup_dir: Path) -> list[_AutoFile]:
    """Automatic backups (and their leftover .partial files), newest first."""
    if not backup_dir.is_dir():
        return []
    found = [f for p in backup_dir.iterdir() if p.is_file() and (f := _parse_auto_name(p))]
    return sorted(found, key=lambda f: (f.when, f.seq), reverse=True)


def _recent_jalali_months(today: date, count: int) -> set[tuple[int, int]]:
    j = jdatetime.date.fromgregorian(date=today)
    y, m, months = j.year, j.month, set()
    for _ in range(count):
        months.add((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months


def _to_keep(backups: list[_AutoFile], now: datetime) -> set[Path]:
    """Grandfather-father-son: the newest backup of each of the last 7 days, 4 ISO weeks and
    12 Jalali months, plus the newest few and anything dated after now (a clock set back)."""
    today = now.date()
    days = {today - timedelta(days=i) for i in range(KEEP_DAYS)}
    weeks = {(today - timedelta(weeks=i)).isocalendar()[:2] for i in range(KEEP_WEEKS)}
    months = _recent_jalali_months(today, KEEP_MONTHS)
    keep = {b.path for b in backups[:KEEP_NEWEST]} | {b.path for b in backups if b.when > now}
    seen: set = set()
    for b in backups:  # newest first, so the first one met in each bucket is its newest
        for bucket, window in (
            (("day", b.when.date()), days),
            (("week", b.when.date().isocalendar()[:2]), weeks),
            (("month", b.jalali_month), months),
        ):
            if bucket[1] in window and bucket not in seen:
                seen.add(bucket)
                keep.add(b.path)
    return keep


def prune_backups(backup_dir: Path, now: datetime) -> list[Path]:
    """Deletes automatic backups the rotation no longer needs; returns what it deleted.

    Only files named like parvandeh-1405-09-02-143000.pvbak are touched (and their .partial
    leftovers once a day old); before-restore copies and other files are never deleted.
    """
    now = _local(now)
    files = _auto_files(Path(backup_dir))
    backups = [f for f in files if not f.partial]
    keep = _to_keep(backups, now)
    stale = [f for f in files if f.partial and f.when < now - timedelta(days=1)]
    deleted = []
    for f in [b for b in backups if b.path not in keep] + stale:
        f.path.unlink(missing_ok=True)
        deleted.append(f.path)
    return deleted


def _uses_server(data_dir: Path) -> bool:
    """Whether this folder's program uses the clinic's PostgreSQL server (app.storage.database.database_url_for):
    then the folder's SQLite file, if any, is a stray one and must not be backed up as if it were the data."""
    url_file = Path(data_dir) / "database-url.txt"
    url = os.environ.get(ENV_DATABASE_URL) or (
        url_file.read_text(encoding="utf-8").strip() if url_file.is_file() else "")
    return bool(url) and not url.startswith("sqlite")


def auto_backup(data_dir: Path, *, reason: str, now: datetime, progress: Progress | None = None,
                cancel: Callable[[], bool] | None = None,
                announce: Callable[[Path], None] | None = None) -> Path | None:
    """The automatic backup at start (once a day) and at every exit, then rotation.

    Returns the new backup, or None when there was nothing to do (no database yet, or a
    backup already exists for today at start). Cancelled, it raises BackupCancelled and
    leaves nothing behind; the older backups are kept as they were.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    data_dir, now = Path(data_dir), _local(now)
    db_path = data_dir / DB_FILENAME
    backup_dir = data_dir / BACKUPS_DIRNAME
    if not db_path.is_file() or _uses_server(data_dir):
        return None  # on the clinic's server, backups are pg_dump's (README: One PC or several)
    if reason == "start" and any(
        b.when.date() == now.date() for b in _auto_files(backup_dir) if not b.partial
    ):
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    out = _unique_path(backup_dir, "parvandeh-" + _stamp(now))
    create_backup(db_path, data_dir / ATTACHMENTS_DIRNAME, out, progress=progress, cancel=cancel,
                  announce=announce)
    if os.name == "posix":
        os.chmod(out, 0o600)  # a copy of every file of the clinic: private like the database
    prune_backups(backup_dir, now)
    return out


def latest_good_backup(backup_dir: Path) -> Path | None:
    """The newest automatic backup that passes verify_backup, or None.

    before-restore copies are left out on purpose: they hold data the person chose to undo.
    """
    backup_dir = Path(backup_dir)
    for f in _auto_files(backup_dir):
        if f.partial:
            continue
        try:
            verify_backup(f.path, tmp_dir=backup_dir)
        except DomainError:
            continue
        return f.path
    return None
