"""The append-only, hash-chained audit trail: who did what, when, with old and new values."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain.settings import AUDIT_HEAD
from app.models import AuditEntry
from app.services.context import ServiceContext
from app.services.policy import Action, Kind, rule

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
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last[1] if last else GENESIS
    head = read_head(session)
    # Ids are never reused: after a deleted tail the next entry still takes the number after the
    # highest ever written, so the gap stays visible.
    next_id = max(last[0] if last else 0, head.last_id if head else 0) + 1
    at = ctx.now()
    payload = json.dumps(changes or {}, ensure_ascii=False, sort_keys=True, default=_plain)
    actor = ctx.actor
    # A full name may be 201 letters (two names of 100 and a space); the column holds 200.
    name = actor.name[:AuditEntry.actor_name.type.length]
    entry_digest = entry_hash(prev, at, actor.staff_id, name, action, entity, entity_id, case_id, payload)
    count = (head.count if head else count_entries(session)) + 1
    _write_head(session, ChainHead(count, next_id, entry_digest))
    session.add(AuditEntry(
        id=next_id, at=at, actor_id=actor.staff_id, actor_name=name, action=action, entity=entity,
        entity_id=entity_id, case_id=case_id, changes=payload, prev_hash=prev,
        hash=entry_hash(prev, at, actor.staff_id, name, action, entity, entity_id, case_id, payload),
    ))


# -- the chain's head, kept where an edit of the audit table alone does not reach it -------------------

HEAD_KEY = AUDIT_HEAD.key


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


def read_head(session: Session) -> Optional[ChainHead]:
    from app.models import Setting
    row = session.get(Setting, HEAD_KEY)
    return ChainHead.parse(row.value) if row else None


def _write_head(session: Session, head: ChainHead) -> None:
    from app.models import Setting
    row = session.get(Setting, HEAD_KEY)
    if row is None:
        session.add(Setting(key=HEAD_KEY, value=head.text()))
    else:
        row.value = head.text()


def compare_head(session: Session, chain: "ChainReport") -> str:
    """'' when the chain ends where its head says; otherwise what is missing (for `check`)."""
    head = read_head(session)
    if head is None or not chain.ok:
        return ""
    if chain.entries < head.count or chain.last_id != head.last_id or chain.last_hash != head.last_hash:
        after = chain.last_id
        return (f"رویدادهای پس از ردیف {after} حذف شده‌اند (entries missing after {after}): سر زنجیره "
                f"{head.count} رویداد تا ردیف {head.last_id} را ثبت کرده است، اکنون {chain.entries} رویداد هست.")
    return ""


def record_many(session: Session, ctx: ServiceContext, action: str, entity: str,
                items: Iterable[tuple[Optional[int], Optional[int], Optional[dict]]]) -> None:
    """record() for many rows at once (an import's publish): the same entries and chain, one
    read of the last hash and one flush instead of one each per row."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(5052564)"))
    session.flush()
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last[1] if last else GENESIS
    head = read_head(session)
    next_id = max(last[0] if last else 0, head.last_id if head else 0) + 1  # ids never reused
    count = head.count if head else count_entries(session)
    at, actor = ctx.now(), ctx.actor
    name = actor.name[:AuditEntry.actor_name.type.length]
    entries = []
    for entity_id, case_id, changes in items:
        payload = json.dumps(changes or {}, ensure_ascii=False, sort_keys=True, default=_plain)
        digest = entry_hash(prev, at, actor.staff_id, name, action, entity, entity_id, case_id, payload)
        entries.append(AuditEntry(id=next_id + len(entries), at=at, actor_id=actor.staff_id, actor_name=name, action=action, entity=entity,
                                  entity_id=entity_id, case_id=case_id, changes=payload, prev_hash=prev,
                                  hash=digest))
        prev = digest
    if entries:
        _write_head(session, ChainHead(count + len(entries), entries[-1].id, prev))
    session.add_all(entries)
    session.flush()


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


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    prev, count, last_id = GENESIS, 0, 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            return ChainReport(count, None, last_id=last_id, last_hash=prev)
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


# -- the manager's viewer -------------------------------------------------------------------------

ACTION_LABELS = {
    "create": "ایجاد", "update": "تغییر", "delete": "حذف", "open": "باز کردن", "status": "تغییر وضعیت",
    "sign_in": "ورود", "password": "تغییر رمز", "password_reset": "تعیین رمز", "report": "ساخت گزارش",
    "signing_key": "کلید امضا", "signed_month_change": "تغییر در ماه امضاشده", "demo": "داده نمونه",
    "backup": "پشتیبان‌گیری",
    "abuse_seen": "دیده شدن نگرانی کودک‌آزاری",
}
ENTITY_LABELS = {
    "case_file": "پرونده", "service": "خدمت", "problem": "مشکل", "review": "بررسی", "referral": "ارجاع",
    "attachment": "پیوست", "staff": "کارمند", "contract": "قرارداد", "clinic": "کلینیک", "setting": "تنظیمات",
    "report_record": "گزارش", "backup": "پشتیبان",
}


FIELD_LABELS = {
    "behzisti_file_number": "شماره پرونده بهزیستی", "clinic_file_number": "شماره پرونده کلینیک",
    "first_name": "نام", "last_name": "نام خانوادگی", "father_name": "نام پدر", "national_code": "کد ملی",
    "sex": "جنسیت", "birth_date": "تاریخ تولد", "living_arrangement": "وضعیت زندگی", "discharge_date": "تاریخ ترخیص",
    "received_on": "تاریخ دریافت", "early_transfer_reason": "دلیل پذیرش زودهنگام", "contract_id": "قرارداد",
    "priority": "اولویت", "priority_reason": "دلیل اولویت", "social_worker_id": "مددکار",
    "psychologist_id": "روانشناس", "behzisti_summary": "خلاصه پرونده", "address": "نشانی", "phones": "تلفن",
    "abuse_seen_note": "یادداشت مدیر",
    "status": "وضعیت", "status_on": "تاریخ وضعیت", "status_reason": "دلیل", "family": "اعضای خانواده",
    "date": "تاریخ", "kind": "نوع خدمت", "domains": "حوزه‌ها", "mode": "شیوه", "staff_id": "کارمند",
    "minutes": "دقیقه", "note": "شرح", "abuse_concern": "نگرانی کودک‌آزاری", "abuse_action": "اقدام",
    "next_follow_up": "پیگیری بعدی", "problem_id": "مشکل", "amend_reason": "دلیل اصلاح", "title": "عنوان",
    "stage": "مرحله", "name": "نام", "role": "سمت", "username": "نام کاربری", "active": "فعال",
    "number": "شماره", "office_name": "اداره", "licence_number": "شماره پروانه", "manager_name": "مدیر",
    "cases": "تعداد پرونده", "fingerprint": "اثر انگشت کلید", "signed": "امضاشده", "digest": "چکیده",
    "to_body": "مرجع", "outcome": "نتیجه", "sha256": "چکیده فایل", "size": "اندازه",
    "licence_expiry": "اعتبار پروانه", "licence_province": "استان پروانه", "logo_path": "نشان کلینیک",
    "programme": "برنامه", "capacity": "ظرفیت", "fee_per_case_month_rials": "مبلغ هر پرونده در ماه",
}


@dataclass(frozen=True)
class AuditQuery:
    actor_id: Optional[int] = None
    action: Optional[str] = None
    entity: Optional[str] = None
    file_number: str = ""
    since: Optional[dt.date] = None
    until: Optional[dt.date] = None
    sort: str = "at"
    descending: bool = True


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor_name: str
    action: str
    action_label: str
    entity: str
    entity_label: str
    entity_id: Optional[int]
    case_id: Optional[int]
    file_number: str
    changes: str


def _audit_where(ctx: ServiceContext, session: Session, q: AuditQuery) -> list:
    from app.persian import normalize_identifier
    from app.services.permissions import require_manager
    from app.models import CaseFile
    require_manager(ctx.actor)
    where = []
    if q.actor_id:
        where.append(AuditEntry.actor_id == q.actor_id)
    if q.action:
        where.append(AuditEntry.action == q.action)
    if q.entity:
        where.append(AuditEntry.entity == q.entity)
    number = normalize_identifier(q.file_number)
    if number:
        ids = session.scalars(select(CaseFile.id).where(
            (CaseFile.behzisti_file_number == number) | (CaseFile.clinic_file_number == number))).all()
        where.append(AuditEntry.case_id.in_(ids or [-1]))
    if q.since:
        where.append(AuditEntry.at >= dt.datetime.combine(q.since, dt.time.min).astimezone(dt.timezone.utc))
    if q.until:
        where.append(AuditEntry.at < dt.datetime.combine(q.until + dt.timedelta(days=1), dt.time.min)
                     .astimezone(dt.timezone.utc))
    return where


@rule(Kind.AUDIT, Action.READ)
def count_audit(ctx: ServiceContext, q: AuditQuery) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(*_audit_where(ctx, session, q))) or 0


@rule(Kind.AUDIT, Action.READ)
def list_audit(ctx: ServiceContext, q: AuditQuery, offset: int = 0, limit: int = 100) -> list[AuditRow]:
    """The trail, newest first, for the manager's viewer; every read of it is itself not recorded."""
    from app.models import CaseFile
    with ctx.db.read() as session:
        order = AuditEntry.id.desc() if q.descending else AuditEntry.id
        rows = session.execute(
            select(AuditEntry, CaseFile.behzisti_file_number).outerjoin(CaseFile, CaseFile.id == AuditEntry.case_id)
            .where(*_audit_where(ctx, session, q)).order_by(order).offset(max(0, offset)).limit(min(limit, 1000)))
        return [AuditRow(e.id, e.at, e.actor_name, e.action, ACTION_LABELS.get(e.action, e.action), e.entity,
                         ENTITY_LABELS.get(e.entity, e.entity), e.entity_id, e.case_id, number or "", e.changes)
                for e, number in rows]


@rule(Kind.AUDIT, Action.READ)
def check_chain(ctx: ServiceContext) -> ChainReport:
    from app.services.permissions import require_manager
    require_manager(ctx.actor)
    with ctx.db.read() as session:
        return verify_chain(session)
