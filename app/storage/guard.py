"""What every write checks before it touches the clinic's database.

- The database's generation: restore changes it (and marks the old file retired), so a program
  that opened the database before a restore can never write into the old file or the new one.
- A busy database (another PC's long write) becomes a Persian `Busy` error the screen can wait on
  and retry, never a raw English `database is locked`.
- A stale UPDATE or DELETE (SQLAlchemy's version check found the row changed meanwhile) becomes
  a Persian `StaleEdit`.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Busy, Restored, StaleEdit

GENERATION_KEY = "generation"
RETIRED_PREFIX = "retired:"

MSG_RESTORED = ("پایگاه داده پس از باز شدن این برنامه از پشتیبان بازگردانی شده است؛ برای جلوگیری از نوشتن در نسخه "
                "قدیمی، چیزی ذخیره نشد. برنامه را ببندید و دوباره باز کنید.")
MSG_BUSY = ("پایگاه داده اکنون در دست کار طولانی رایانه دیگری است (مثلاً ورود از فایل)؛ چیزی ذخیره نشد. "
            "چند لحظه بعد دوباره ذخیره کنید.")
MSG_STALE = ("این مورد هم‌زمان در رایانه دیگری تغییر کرد یا حذف شد؛ ذخیره شما انجام نشد. "
             "آن را دوباره باز کنید و تغییرات خود را دوباره وارد کنید.")

# sqlite: "database is locked"/"database table is locked"; PostgreSQL: lock_not_available (55P03),
# serialization_failure (40001), deadlock_detected (40P01), query_canceled by a timeout (57014).
_PG_BUSY = {"55P03", "40001", "40P01", "57014"}


def read_generation(session: Session) -> Optional[str]:
    return session.execute(text("SELECT value FROM db_meta WHERE key = :k"), {"k": GENERATION_KEY}).scalar()


def has_meta(session: Session) -> bool:
    """Whether the schema has revision 0009's db_meta (asked once per process, in its first transaction)."""
    if session.get_bind().dialect.name == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'db_meta'"
    else:
        sql = "SELECT 1 WHERE to_regclass('db_meta') IS NOT NULL"
    return session.execute(text(sql)).first() is not None


def check_generation(session: Session, known: Optional[str]) -> str:
    """The generation this process may write to; raises Restored when the database is not it any more."""
    try:
        current = read_generation(session)
    except DBAPIError as exc:
        if is_busy(exc):
            raise Busy(MSG_BUSY) from None
        raise Restored(MSG_RESTORED) from None  # the table is gone: an older backup took its place
    if current is None or current.startswith(RETIRED_PREFIX) or (known is not None and current != known):
        raise Restored(MSG_RESTORED)
    return current


def is_busy(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in _PG_BUSY:
        return True
    return isinstance(exc, OperationalError) and "locked" in str(orig).lower()


def translate(exc: BaseException) -> Optional[BaseException]:
    """The Persian error for a database failure a person can act on; None for any other."""
    if isinstance(exc, StaleDataError):
        return StaleEdit(MSG_STALE)
    if isinstance(exc, DBAPIError) and is_busy(exc):
        return Busy(MSG_BUSY)
    return None
