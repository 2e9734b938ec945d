"""The case list: one search box and filters, paged, in Persian order, priority files first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Optional

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.orm import aliased

from app.models import CaseFile, Staff
from app.models.enums import CaseStatus, LivingArrangement
from app.persian import half_year_bounds, half_year_of, normalize_identifier, normalize_text, search_key
from app.services.context import ServiceContext
from app.services.permissions import case_scope
from app.services.views import CaseRow
from app.storage.search import name_fragment_clause

SORTS = ("name", "behzisti_file_number", "clinic_file_number", "received_on", "next_follow_up")
_IDENTIFIER_CHARS = set("0123456789-/")


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    status: Optional[str] = CaseStatus.ACTIVE.value  # None: every status
    social_worker_id: Optional[int] = None
    contract_id: Optional[int] = None
    living_arrangement: Optional[str] = None
    priority_only: bool = False
    review_overdue: bool = False
    sort: str = "name"
    descending: bool = False

    def with_text(self, text: str) -> "CaseQuery":
        return replace(self, text=text)


def text_clause(text: str, dialect: str = "sqlite", fts: bool = False):
    """A file number or national code when the box holds only digits; otherwise name fragments."""
    ident = normalize_identifier(text)
    if not ident:
        return None
    if set(ident) <= _IDENTIFIER_CHARS and any(ch.isdigit() for ch in ident):
        # Ids from each column's own unique index; a plain OR makes the planner walk the list order instead.
        return CaseFile.id.in_(union(*(select(CaseFile.id).where(_prefix(col, ident)) for col in (
            CaseFile.national_code, CaseFile.behzisti_file_number, CaseFile.clinic_file_number))))
    tokens = [search_key(t) for t in normalize_text(text).split()]
    tokens = [t for t in tokens if t]
    if not tokens:
        return None
    return and_(*(name_fragment_clause(dialect, t, fts_available=fts) for t in tokens))


def _prefix(column, value: str):
    # A range on the column uses its index in SQLite and PostgreSQL alike, unlike LIKE 'x%'.
    return and_(column >= value, column < value + "\uffff")


def review_overdue_clause(today: dt.date):
    year, half = half_year_of(today)
    current_start, _ = half_year_bounds(year, half)
    prev_start, _ = half_year_bounds(year - 1, 2) if half == 1 else half_year_bounds(year, 1)
    return and_(CaseFile.received_on < current_start,
                or_(CaseFile.last_review_on.is_(None), CaseFile.last_review_on < prev_start))


def _where(ctx: ServiceContext, q: CaseQuery) -> list:
    clauses = []
    scope = case_scope(ctx.actor)
    if scope is not None:
        clauses.append(scope)
    if q.status:
        clauses.append(CaseFile.status == CaseStatus(q.status).value)
    if q.social_worker_id:
        clauses.append(CaseFile.social_worker_id == q.social_worker_id)
    if q.contract_id:
        clauses.append(CaseFile.contract_id == q.contract_id)
    if q.living_arrangement:
        clauses.append(CaseFile.living_arrangement == LivingArrangement(q.living_arrangement).value)
    if q.priority_only:
        clauses.append(CaseFile.priority.is_(True))
    if q.review_overdue:
        clauses.append(review_overdue_clause(ctx.today()))
    text = text_clause(q.text, ctx.db.dialect, ctx.db.has_name_index)
    if text is not None:
        clauses.append(text)
    return clauses


def _order(q: CaseQuery) -> list:
    name_order = [CaseFile.last_name_key, CaseFile.first_name_key]
    if q.sort == "name" or q.sort not in SORTS:
        keys = name_order
    else:
        keys = [getattr(CaseFile, q.sort)] + name_order
    keys = [k.desc() for k in keys] if q.descending else keys
    return [CaseFile.priority.desc(), *keys, CaseFile.id]


def count_cases(ctx: ServiceContext, q: CaseQuery) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(CaseFile).where(*_where(ctx, q))) or 0


def list_cases(ctx: ServiceContext, q: CaseQuery, offset: int = 0, limit: int = 20) -> list[CaseRow]:
    worker = aliased(Staff)
    # Page the ids first on the narrow indexes, then fetch the wide columns of just those rows.
    page = (select(CaseFile.id).where(*_where(ctx, q)).order_by(*_order(q))
            .offset(max(0, offset)).limit(max(0, min(limit, 1000))).subquery())
    query = (select(CaseFile, worker.first_name, worker.last_name)
             .join(page, page.c.id == CaseFile.id)
             .outerjoin(worker, worker.id == CaseFile.social_worker_id)
             .order_by(*_order(q)))
    with ctx.db.read() as session:
        return [_row(case, first, last) for case, first, last in session.execute(query)]


def _row(c: CaseFile, worker_first: Optional[str], worker_last: Optional[str]) -> CaseRow:
    return CaseRow(
        id=c.id, behzisti_file_number=c.behzisti_file_number, clinic_file_number=c.clinic_file_number,
        first_name=c.first_name, last_name=c.last_name, full_name=f"{c.first_name} {c.last_name}",
        father_name=c.father_name, national_code=c.national_code, status=c.status,
        status_label=CaseStatus(c.status).label,
        living_arrangement_label=LivingArrangement(c.living_arrangement).label, priority=c.priority,
        social_worker_name=f"{worker_first} {worker_last}" if worker_first else "",
        received_on=c.received_on, last_service_on=c.last_service_on, next_follow_up=c.next_follow_up,
        last_review_on=c.last_review_on,
    )
