"""The command line's read commands (`cases list`, with or without --search, `contracts list`, `check`)
without SQLAlchemy.

Importing SQLAlchemy, the models and the services costs most of a second on a clinic's PC; the
answer itself is a few milliseconds of SQLite. For the common case — this PC's own SQLite file,
its schema current, an account in good standing — these commands are answered here with the
standard library's sqlite3, sending the same statements the services send and writing the same
sign-in entry to the audit chain. Anything else raises `Fallback` BEFORE anything is written, and
the command runs through the services as before (which migrate, count a wrong password toward the
lockout, translate a restored or damaged database, ...). tests/test_cli_quick.py runs every
command both ways, for every role, and compares the output byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any, Optional

from app.errors import StorageError
from app.persian.iran_time import iran_date

# Must match the services (tests/test_cli_quick.py checks each against its source).
APPLICATION_ID = 0x50525644
URL_FILENAME = "database-url.txt"
GENERATION_KEY, RETIRED_PREFIX = "generation", "retired:"
ACTOR_NAME_LENGTH = 200
MAX_PAGE = 1000
BUSY_MS = 30000
SWITCH = "PARVANDEH_CLI_QUICK"  # "0": every command through the services (tests compare the two; troubleshooting)
MSG_UNAVAILABLE = "پایگاه داده اکنون در دسترس نیست ({}); دوباره تلاش کنید."

# Which case files a role reads (app.services.policy: Kind.CASE, Action.READ; app.services.permissions).
# A role missing here is answered by the services.
CASE_SCOPE = {"manager": "", "clerk": "", "social_worker": "case_file.social_worker_id = :me",
              "psychologist": "(case_file.psychologist_id = :me OR case_file.social_worker_id = :me)"}
# Every role reads every contract (Kind.CONTRACT, Action.READ is "r*" for all four).
CONTRACT_READERS = frozenset(CASE_SCOPE)

# argon2id at the sign-in's parameters (app.services.accounts._hasher) of a password nobody has:
# an unknown name costs the same verification as a wrong password, so timing does not tell them apart.
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$k4oRKsBAjnvgBWEcpLx87g$bXTg3eQ8Yz3IxdSqdN+I0to+VMdUaMQcwLktGueKXG8"


class Fallback(Exception):
    """This run needs the services (nothing has been written)."""


# -- opening ----------------------------------------------------------------------------------------

def open_folder(args) -> tuple[Path, sqlite3.Connection]:
    """The data folder and its SQLite database opened as app.storage.database opens it; Fallback
    for a server database, a missing or foreign file, or a schema that needs migrating."""
    from app.cli import _data_dir
    from app.storage.datadir import database_file, make_private, remove_stale_temp_files
    from app.storage.migrate import head_revision
    if os.environ.get(SWITCH) == "0":
        raise Fallback("switched off")
    folder = _data_dir(args)
    if os.environ.get("PARVANDEH_DATABASE_URL") or (folder / URL_FILENAME).is_file():
        raise Fallback("server database")
    path = database_file(folder)
    if not path.is_file():
        raise Fallback("no database")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_MS / 1000)
    except sqlite3.Error as exc:
        raise Fallback(str(exc)) from None
    try:
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL", f"busy_timeout={BUSY_MS}"):
            conn.execute(f"PRAGMA {pragma}")
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise Fallback("not ours")
        if not _has_table(conn, "alembic_version") or _scalar(conn, "SELECT version_num FROM alembic_version") \
                != head_revision():
            raise Fallback("migration needed")
    except (sqlite3.Error, Fallback) as exc:
        conn.close()
        raise exc if isinstance(exc, Fallback) else Fallback(str(exc)) from None
    for sub in ("attachments", "backups"):
        (folder / sub).mkdir(exist_ok=True)
    remove_stale_temp_files(folder)
    make_private(folder)
    return folder, conn


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _scalar(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def _stored(at: dt.datetime) -> str:
    """A UTC time as SQLAlchemy's SQLite DateTime stores it (naive wall time, six decimals)."""
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _date(value: Optional[str]) -> Optional[dt.date]:
    return None if value is None else dt.date.fromisoformat(value)


# -- signing in -------------------------------------------------------------------------------------

class Actor:
    def __init__(self, staff_id: int, role: str):
        self.staff_id, self.role = staff_id, role


def sign_in(conn: sqlite3.Connection, username: str, password: str, *, now: dt.datetime) -> Actor:
    """app.services.accounts.sign_in for an account in good standing: the password verified and
    the `sign_in` entry appended to the audit chain, in one write transaction. Anything else (an
    unknown name, a wrong password, a locked account, failures to reset) is verified here too —
    the same cost as a success — and then answered by the services, which count and refuse it."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    from app.plaintext import printable
    name = printable(username).strip().lower() if isinstance(username, str) else ""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise Fallback(str(exc)) from None
    try:
        _check_generation(conn)
        row = conn.execute("SELECT id, first_name, last_name, role, active, password_hash, failed_logins, "
                           "locked_until FROM staff WHERE username = ?", (name,)).fetchone()
        stored = row[5] if row is not None and row[4] and row[5] else _DUMMY_HASH
        try:
            matches = PasswordHasher().verify(stored, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError, TypeError, UnicodeError):
            matches = False
        if row is None or stored is _DUMMY_HASH or not matches or row[6] or row[7] is not None \
                or row[3] not in CASE_SCOPE:
            raise Fallback("sign-in for the services")
        staff_id, full_name, role = row[0], f"{row[1]} {row[2]}", row[3]
        _append_sign_in(conn, staff_id, full_name[:ACTOR_NAME_LENGTH], now)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return Actor(staff_id, role)


def _check_generation(conn: sqlite3.Connection) -> None:
    """The services refuse a database restored under a running program (app.storage.guard); a
    fresh process only needs the generation to be there and not retired."""
    if _has_table(conn, "db_meta"):
        generation = _scalar(conn, "SELECT value FROM db_meta WHERE key = ?", (GENERATION_KEY,))
        if generation is None or generation.startswith(RETIRED_PREFIX):
            raise Fallback("restored database")


def _append_sign_in(conn: sqlite3.Connection, staff_id: int, name: str, now: dt.datetime) -> None:
    """app.services.audit.record(..., "sign_in", "staff", staff_id) with sqlite3."""
    from app.services.audit_chain import GENESIS, HEAD_KEY, ChainHead, entry_hash
    last = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[1] if last else GENESIS
    head_row = conn.execute("SELECT value, version FROM setting WHERE key = ?", (HEAD_KEY,)).fetchone()
    head = ChainHead.parse(head_row[0]) if head_row else None
    if head is None:
        raise Fallback("no chain head")  # the services count the chain and write its head
    next_id = max(last[0] if last else 0, head.last_id) + 1
    changes = "{}"
    digest = entry_hash(prev, now, staff_id, name, "sign_in", "staff", staff_id, None, changes)
    conn.execute("INSERT INTO audit_entry (id, at, actor_id, actor_name, action, entity, entity_id, case_id, "
                 "changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (next_id, _stored(now), staff_id, name, "sign_in", "staff", staff_id, None, changes, prev, digest))
    updated = conn.execute("UPDATE setting SET value = ?, version = ? WHERE key = ? AND version = ?",
                           (ChainHead(head.count + 1, next_id, digest).text(), head_row[1] + 1, HEAD_KEY,
                            head_row[1])).rowcount
    if updated != 1:
        raise Fallback("chain head changed")


def signed_in(args, conn: sqlite3.Connection) -> Actor:
    """--user and the password (read once; kept on args so the services can use it on Fallback)."""
    from app.cli import USER_ENV, read_password
    if getattr(args, "_signed_in", None) is not None:
        raise Fallback("already signed in by the services")
    user = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if not user:
        raise Fallback("no user")  # the services give the Persian message
    if getattr(args, "_password", None) is None:
        args._password = read_password(f"رمز عبور {user}: ")
    return sign_in(conn, user, args._password, now=dt.datetime.now(dt.timezone.utc))


def _read(conn: sqlite3.Connection, actor: Actor) -> None:
    """A read transaction, with the account re-read in it as the services' policy does."""
    from app.errors import SessionExpired
    conn.execute("BEGIN")
    row = conn.execute("SELECT active, role FROM staff WHERE id = ?", (actor.staff_id,)).fetchone()
    if row is None or not row[0]:
        raise SessionExpired("حساب کاربری شما غیرفعال شده است؛ دوباره وارد شوید.")
    if row[1] != actor.role:
        raise SessionExpired("سمت شما تغییر کرده است؛ دوباره وارد شوید.")


def _unavailable(exc: sqlite3.Error) -> StorageError:
    return StorageError(MSG_UNAVAILABLE.format(exc))


# -- cases list -------------------------------------------------------------------------------------

_CASE_ORDER = "case_file.priority DESC, case_file.last_name_key, case_file.first_name_key, case_file.id"
_CASE_PAGE = (
    "SELECT case_file.id, case_file.behzisti_file_number, case_file.clinic_file_number, case_file.first_name, "
    "case_file.last_name, case_file.father_name, case_file.national_code, case_file.status, "
    "case_file.living_arrangement, case_file.priority, case_file.received_on, case_file.last_service_on, "
    "case_file.next_follow_up, case_file.last_review_on, worker.first_name AS first_name_1, "
    "worker.last_name AS last_name_1, case_file.birth_date \nFROM case_file JOIN (SELECT case_file.id AS id \nFROM case_file {where}"
    "ORDER BY " + _CASE_ORDER + "\n LIMIT :lim OFFSET :off) AS anon_1 ON anon_1.id = case_file.id "
    "LEFT OUTER JOIN staff AS worker ON worker.id = case_file.social_worker_id ORDER BY " + _CASE_ORDER)


def cases_list(args) -> list[dict]:
    """`cases list`: the rows as dicts of app.services.views.CaseRow's fields."""
    status = None if args.status == "all" else args.status
    _folder, conn = open_folder(args)
    try:
        actor = signed_in(args, conn)
        try:
            return _case_rows(conn, actor, status, args.limit, args.search or "")
        except sqlite3.Error as exc:
            raise _unavailable(exc) from None
    finally:
        conn.close()


def _text_clauses(text: str) -> tuple[list[str], dict]:
    """The search text as conditions: the same files the services find (app.domain.search_text),
    asked plainly. The services' name indexes and their planning pay off when counting and paging
    a screen's list of 150,000 files; one page for a command, in the list's order, is read
    well within a command's time by the list's own index and a LIKE (tests/test_cli_quick.py
    compares the two ways' output for names, fragments and numbers)."""
    from app.domain.search_text import NUMBER_COLUMNS, like_pattern, read_search
    wanted = read_search(text)
    if wanted.number:
        either = " OR ".join(f"(case_file.{c} >= :ident AND case_file.{c} < :ident_end)" for c in NUMBER_COLUMNS)
        return [f"({either})"], {"ident": wanted.number, "ident_end": wanted.number + "\uffff"}
    clauses = [f"case_file.name_key LIKE :l{i} ESCAPE '/'" for i in range(len(wanted.fragments))]
    return clauses, {f"l{i}": like_pattern(f) for i, f in enumerate(wanted.fragments)}


def _case_rows(conn: sqlite3.Connection, actor: Actor, status: Optional[str], limit: int,
               text: str = "") -> list[dict]:
    from app.domain.enums import CaseStatus, LivingArrangement
    statuses = {s.value: s.label for s in CaseStatus}
    living = {a.value: a.label for a in LivingArrangement}
    searched, params = _text_clauses(text)
    clauses = [c for c in (CASE_SCOPE[actor.role], "case_file.status = :status" if status else "", *searched) if c]
    sql = _CASE_PAGE.format(where="\nWHERE " + " AND ".join(clauses) + " " if clauses else "")
    rows: list[dict] = []
    today = iran_date(dt.datetime.now(dt.timezone.utc))  # the clinic's day, as ServiceContext.today
    _read(conn, actor)
    try:
        while len(rows) < limit:
            wanted = min(MAX_PAGE, limit - len(rows))
            page = conn.execute(sql, {"me": actor.staff_id, "status": status, "lim": wanted, "off": len(rows),
                                      **params}).fetchall()
            rows += [_case_row(r, statuses, living, today) for r in page]
            if len(page) < wanted:
                break
    finally:
        conn.execute("COMMIT")
    return rows


def _case_row(r: tuple, statuses: dict, living: dict, today: dt.date) -> dict:
    from app.persian.jalali import age_in_years
    (id_, behzisti, clinic, first, last, father, national_code, status, arrangement, priority, received_on,
     last_service_on, next_follow_up, last_review_on, worker_first, worker_last, birth_date) = r
    birth = _date(birth_date)
    return {
        "id": id_, "behzisti_file_number": behzisti, "clinic_file_number": clinic, "first_name": first,
        "last_name": last, "full_name": f"{first} {last}", "father_name": father, "national_code": national_code,
        "status": status, "status_label": statuses[status], "living_arrangement_label": living[arrangement],
        "priority": bool(priority), "social_worker_name": f"{worker_first} {worker_last}" if worker_first else "",
        "received_on": _date(received_on), "last_service_on": _date(last_service_on),
        "next_follow_up": _date(next_follow_up), "last_review_on": _date(last_review_on),
        "birth_date": birth, "age_years": age_in_years(birth, today),
    }


# -- contracts list ---------------------------------------------------------------------------------

_CONTRACT_FIELDS = ("office_name", "programme", "number", "start_date", "end_date", "fee_per_case_month_rials",
                    "capacity", "supervisor_name", "supervisor_contact", "notes", "active_cases",
                    "cheque_return_days", "version")
_CONTRACT_DATES = {"start_date", "end_date"}


def contracts_list(args) -> list[dict]:
    """`contracts list`: dicts of app.services.views.ContractView's fields, newest first."""
    _folder, conn = open_folder(args)
    try:
        actor = signed_in(args, conn)
        try:
            return _contract_rows(conn, actor)
        except sqlite3.Error as exc:
            raise _unavailable(exc) from None
    finally:
        conn.close()


def _contract_rows(conn: sqlite3.Connection, actor: Actor) -> list[dict]:
    _read(conn, actor)
    try:
        totals = dict(conn.execute("SELECT case_file.contract_id, count(*) AS count_1 \nFROM case_file \n"
                                   "WHERE case_file.contract_id IS NOT NULL GROUP BY case_file.contract_id"))
        ended = dict(conn.execute("SELECT case_file.contract_id, count(*) AS count_1 \nFROM case_file \n"
                                  "WHERE case_file.status IN (?, ?) AND case_file.contract_id IS NOT NULL "
                                  "GROUP BY case_file.contract_id", ("closed", "returned")))
        columns = [f for f in _CONTRACT_FIELDS if f != "active_cases"]
        found = conn.execute("SELECT contract.id, " + ", ".join(f"contract.{c}" for c in columns)
                             + " \nFROM contract ORDER BY contract.start_date DESC, contract.number").fetchall()
    finally:
        conn.execute("COMMIT")
    out = []
    for row in found:
        values = {c: (_date(v) if c in _CONTRACT_DATES else v) for c, v in zip(columns, row[1:])}
        values["active_cases"] = totals.get(row[0], 0) - ended.get(row[0], 0)
        out.append({"id": row[0], **{f: values[f] for f in _CONTRACT_FIELDS}})
    return out


# -- check ------------------------------------------------------------------------------------------

def check(args) -> tuple[list[str], str, Any]:
    """`check`'s findings: (problems, schema revision, chain report), as app.cli.cmd_check finds them."""
    from app.services.audit_chain import GENESIS, HEAD_KEY, ChainHead, ChainReport, check_rows, head_gap
    from app.storage.migrate import head_revision
    _folder, conn = open_folder(args)
    try:
        problems: list[str] = []
        for (row,) in conn.execute("PRAGMA integrity_check").fetchall():
            if row != "ok":
                problems.append(f"integrity_check: {row}")
        for row in conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign_key_check: table {row[0]} rowid {row[1]} -> {row[2]}")
        if not _scalar(conn, "SELECT count(*) FROM clinic"):
            problems.append("در این پوشه کلینیکی راه‌اندازی نشده است (نه مشخصات کلینیک هست، نه مدیری).")
        conn.execute("BEGIN")
        try:
            prev, count, last_id, chain = GENESIS, 0, 0, None
            while chain is None:
                batch = [(r[0], dt.datetime.fromisoformat(r[1]), *r[2:]) for r in conn.execute(
                    "SELECT id, at, actor_id, actor_name, action, entity, entity_id, case_id, changes, prev_hash, "
                    "hash FROM audit_entry WHERE id > ? ORDER BY id LIMIT 5000", (last_id,))]
                if not batch:
                    chain = ChainReport(count, None, last_id=last_id, last_hash=prev)
                    break
                chain, prev, count, last_id = check_rows(batch, prev, count)
            head_text = _scalar(conn, "SELECT value FROM setting WHERE key = ?", (HEAD_KEY,))
            missing = head_gap(ChainHead.parse(head_text) if head_text is not None else None, chain)
        finally:
            conn.execute("COMMIT")
        if missing:
            problems.append(missing)
        return problems, head_revision(), chain
    except sqlite3.DatabaseError as exc:
        raise Fallback(str(exc)) from None  # a damaged file: the services say so with the way back
    finally:
        conn.close()
