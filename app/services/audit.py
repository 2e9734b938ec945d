"""The append-only, hash-chained audit trail: who did what, when, with old and new values."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.models import AuditEntry
from app.services.context import ServiceContext

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}."""
    return {k: [_plain(before.get(k)), _plain(after.get(k))]
            for k in after if _plain(before.get(k)) != _plain(after.get(k))}


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


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


def record(session: Session, ctx: ServiceContext, action: str, entity: str, entity_id: Optional[int],
           *, case_id: Optional[int] = None, changes: Optional[dict] = None) -> None:
    """Append one entry inside the caller's transaction, so it lands exactly when the change does."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers of the chain across PCs; released at commit.
        session.execute(text("SELECT pg_advisory_xact_lock(5052564)"))
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    at = ctx.now()
    payload = json.dumps(changes or {}, ensure_ascii=False, sort_keys=True, default=_plain)
    actor = ctx.actor
    # A full name may be 201 letters (two names of 100 and a space); the column holds 200.
    name = actor.name[:AuditEntry.actor_name.type.length]
    session.add(AuditEntry(
        at=at, actor_id=actor.staff_id, actor_name=name, action=action, entity=entity,
        entity_id=entity_id, case_id=case_id, changes=payload, prev_hash=prev,
        hash=entry_hash(prev, at, actor.staff_id, name, action, entity, entity_id, case_id, payload),
    ))


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken_id: Optional[int]
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    prev, count, last_id = GENESIS, 0, 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            return ChainReport(count, None)
        for e in rows:
            if e.prev_hash != prev:
                return ChainReport(count, e.id, "پیوند با ردیف قبلی شکسته است (ردیفی حذف یا جابه‌جا شده)")
            expected = entry_hash(prev, e.at, e.actor_id, e.actor_name, e.action, e.entity, e.entity_id,
                                  e.case_id, e.changes)
            if e.hash != expected:
                return ChainReport(count, e.id, "محتوای ردیف پس از ثبت تغییر کرده است")
            prev, count, last_id = e.hash, count + 1, e.id
        session.expunge_all()


def count_entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
