"""The audit trail's hash chain without any database code: how an entry is hashed, the chain's
head, and what `check` says when entries are missing. app.services.audit builds on it; the
command line's quick read path (app.cli.quick) writes and checks the same chain with sqlite3."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Optional

from app.domain.settings import AUDIT_HEAD

GENESIS = "0" * 64
HEAD_KEY = AUDIT_HEAD.key  # declared once, with the other settings


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def entry_hash(prev_hash: str, at: dt.datetime, actor_id: Optional[int], actor_name: str, action: str,
               entity: str, entity_id: Optional[int], case_id: Optional[int], changes: str) -> str:
    body = json.dumps([prev_hash, _stamp(at), actor_id, actor_name, action, entity, entity_id, case_id,
                       changes], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _stamp(at: dt.datetime) -> str:
    # SQLite returns stored datetimes without their zone; hash the UTC wall time either way.
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ChainHead:
    """How many entries the chain holds, and the id and hash of the last one."""

    count: int
    last_id: int
    last_hash: str

    def text(self) -> str:
        return f"{self.count}:{self.last_id}:{self.last_hash}"

    @classmethod
    def parse(cls, text: str) -> Optional["ChainHead"]:
        try:
            count, last_id, last_hash = text.split(":")
            return cls(int(count), int(last_id), last_hash)
        except (ValueError, AttributeError):
            return None


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken_id: Optional[int]
    reason: str = ""
    last_id: int = 0
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


MSG_LINK_BROKEN = "پیوند با ردیف قبلی شکسته است (ردیفی حذف یا جابه‌جا شده)"
MSG_CHANGED = "محتوای ردیف پس از ثبت تغییر کرده است"


def check_rows(rows, prev: str, count: int) -> tuple[Optional[ChainReport], str, int, int]:
    """One batch of (id, at, actor_id, actor_name, action, entity, entity_id, case_id, changes,
    prev_hash, hash) in id order: (the broken report or None, last hash, count, last id)."""
    last_id = 0
    for (id_, at, actor_id, actor_name, action, entity, entity_id, case_id, changes, prev_hash, digest) in rows:
        if prev_hash != prev:
            return ChainReport(count, id_, MSG_LINK_BROKEN), prev, count, last_id
        if digest != entry_hash(prev, at, actor_id, actor_name, action, entity, entity_id, case_id, changes):
            return ChainReport(count, id_, MSG_CHANGED), prev, count, last_id
        prev, count, last_id = digest, count + 1, id_
    return None, prev, count, last_id


def head_gap(head: Optional[ChainHead], chain: ChainReport) -> str:
    """'' when the chain ends where its head says; otherwise what is missing (for `check`)."""
    if head is None or not chain.ok:
        return ""
    if chain.entries < head.count or chain.last_id != head.last_id or chain.last_hash != head.last_hash:
        after = chain.last_id
        return (f"رویدادهای پس از ردیف {after} حذف شده‌اند (entries missing after {after}): سر زنجیره "
                f"{head.count} رویداد تا ردیف {head.last_id} را ثبت کرده است، اکنون {chain.entries} رویداد هست.")
    return ""
