"""The case list: one search box and filters, paged, in Persian order, priority files first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Optional

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.models import CaseFile, Staff
from app.models.enums import CaseStatus, LivingArrangement
from app.persian import half_year_bounds, half_year_of, normalize_identifier, normalize_text, search_key
from app.services.context import ServiceContext
from app.services.permissions import case_scope
from app.services.views import CaseRow
from app.storage.search import MIN_INDEXED, name_fragments_clause, name_match_ids

SORTS = ("name", "behzisti_file_number", "clinic_file_number", "received_on", "next_follow_up")
_IDENTIFIER_CHARS = set("0123456789-/")
MAX_SEARCH_CHARS = 200
# Name matches past which a count reads the status index instead of each match (a scan of the few
# thousand closed and returned files), and a page walks the list's own order until it is full
# (matches of a common first name are spread along it; those of one last name sit together).
COUNT_BY_STATUS_FROM = 1000
WALK_FROM = 5000
COUNT_NUMBERS_UP_TO = 20000  # number matches past which a count walks the status index instead


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
    # No name is longer; a pasted page of text would otherwise become thousands of LIKE clauses,
    # past SQLite's limits on expression depth and pattern length.
    text = (text or "")[:MAX_SEARCH_CHARS]
    ident = normalize_identifier(text)
    if not ident:
        return None
    numbers = _identifier_ids(text)
    if numbers is not None:
        return CaseFile.id.in_(numbers)
    tokens = [search_key(t) for t in normalize_text(text).split()]
    tokens = [t for t in tokens if t]
    if not tokens:
        return None
    # All fragments in one question to the name index (see app.storage.search).
    return name_fragments_clause(dialect, tokens, fts_available=fts)


def _identifier_selects(text: str) -> Optional[list]:
    """One SELECT per column (national code, Behzisti and clinic file numbers) of the ids whose
    value begins with text, when it is a number (digits, - and /); otherwise None."""
    ident = normalize_identifier((text or "")[:MAX_SEARCH_CHARS])
    if not _is_number(ident):
        return None
    return [select(CaseFile.id).where(_prefix(col, ident)) for col in (
        CaseFile.national_code, CaseFile.behzisti_file_number, CaseFile.clinic_file_number)]


def _is_number(ident: str) -> bool:
    """Digits (with - or /): a national code or a file number, not a name."""
    return bool(ident) and set(ident) <= _IDENTIFIER_CHARS and any(ch.isdigit() for ch in ident)


def _identifier_ids(text: str):
    """The SELECT of the ids whose national code or a file number begins with text; None when
    text is not a number."""
    selects = _identifier_selects(text)
    # Ids from each column's own unique index; a plain OR makes the planner walk the list order instead.
    return None if selects is None else union(*selects)


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
    clauses = _filters(ctx, q)
    text = text_clause(q.text, ctx.db.dialect, ctx.db.has_name_index)
    if text is not None:
        clauses.append(text)
    return clauses


def _filters(ctx: ServiceContext, q: CaseQuery, *, status_index: bool = True) -> list:
    """Every condition but the search text.

    status_index=False keeps SQLite off the status index (see _page_where)."""
    clauses = []
    scope = case_scope(ctx.actor)
    if scope is not None:
        clauses.append(scope)
    if q.status:
        status = CaseFile.status if status_index else _no_index(CaseFile.status)
        clauses.append(status == CaseStatus(q.status).value)
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
    return clauses


def _name_tokens(ctx: ServiceContext, q: CaseQuery) -> Optional[list[str]]:
    """The search text's name fragments (search keys) when it is a name search the SQLite name
    index can be asked about; otherwise None."""
    if ctx.db.dialect != "sqlite" or not ctx.db.has_name_index:
        return None
    text = (q.text or "")[:MAX_SEARCH_CHARS]
    ident = normalize_identifier(text)
    if not ident or _is_number(ident):
        return None
    return [key for key in (search_key(t) for t in normalize_text(text).split()) if key]


def _name_parts(ctx: ServiceContext, q: CaseQuery) -> Optional[tuple[Any, list]]:
    """A name search split for the SQLite name index: (the SELECT of the ids matching the
    fragments it holds, or None when every fragment is a single letter; the conditions for the
    single letters). None: not a name search, or no name index to ask."""
    tokens = _name_tokens(ctx, q)
    if not tokens:
        return None
    indexed = [t for t in tokens if len(t) >= MIN_INDEXED]
    letters = [CaseFile.name_key.contains(t, autoescape=True) for t in tokens if len(t) < MIN_INDEXED]
    return (name_match_ids(indexed) if indexed else None), letters


def _text_parts(ctx: ServiceContext, q: CaseQuery) -> Optional[tuple[Any, list]]:
    """The search text as (ids, conditions) for SQLite: a number's ids from the three number
    indexes, or a name's from the name index (see _name_parts). None: no text, or PostgreSQL,
    whose planner needs no such help."""
    if ctx.db.dialect != "sqlite":
        return None
    numbers = _identifier_ids(q.text)
    return (numbers, []) if numbers is not None else _name_parts(ctx, q)


def _count_by_index(session, ctx: ServiceContext, q: CaseQuery) -> Optional[int]:
    """A search with no filter but the status, counted without reading each matching file.

    The indexes count their matches themselves; for a common name or a short number the statuses
    then come from an index on status, which holds far fewer closed and returned files than the
    text has matches. A few matches are looked up one by one. None: not such a search."""
    parts = _text_parts(ctx, q)
    if parts is None or case_scope(ctx.actor) is not None or any((
            q.social_worker_id, q.contract_id, q.living_arrangement, q.priority_only, q.review_overdue)):
        return None
    selects = _identifier_selects(q.text)
    if selects and sum(_at_most(session, each, COUNT_NUMBERS_UP_TO + 1) for each in selects) > COUNT_NUMBERS_UP_TO:
        return None  # «1» or «139»: reading the union twice costs more than walking the status index
    ids, letters = parts
    if ids is not None and not letters:
        total = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    else:  # a single letter reads the narrow name-key index, or the files the other fragments found
        total = _count(session, ([CaseFile.id.in_(ids)] if ids is not None else []) + letters)
    if not q.status:
        return total
    if total <= COUNT_BY_STATUS_FROM:
        return _count(session, [_no_index(CaseFile.status) == q.status]
                      + ([CaseFile.id.in_(ids)] if ids is not None else []) + letters)
    # id + 0: the ids are probed while the status range is read, rather than each file looked up.
    probe = ([(CaseFile.id + 0).in_(ids)] if ids is not None else []) + letters
    if q.status == CaseStatus.ACTIVE.value:
        others = [s.value for s in CaseStatus if s.value != q.status]
        return total - _count(session, [CaseFile.status.in_(others), *probe])
    return _count(session, [CaseFile.status == CaseStatus(q.status).value, *probe])


def _count(session, clauses: list) -> int:
    return session.scalar(select(func.count()).select_from(CaseFile).where(*clauses)) or 0


def _page_where(session, ctx: ServiceContext, q: CaseQuery) -> list:
    """The page's conditions. When a name or number matches more files than WALK_FROM, the page
    is read walking the list's own order and stops at the page's last row; fewer matches are
    looked up one by one and sorted (cheaper then than walking far for the few).

    Left to itself SQLite walks the status index (it gives the list's order) for few matches
    too: 20-30 ms for one national code or a first and last name instead of 1 ms. The status
    is then kept off it. A one-letter fragment («مهسا ع», half way through typing a last
    name) is not in the name index: the index narrows by the others and the letter is tested
    on what they found."""
    parts = _text_parts(ctx, q)
    if parts is None or parts[0] is None:
        return _where(ctx, q)
    ids, letters = parts
    # Counted only as far as the choice needs (a short number matches tens of thousands), and a
    # number per column: a UNION is read whole before a LIMIT on it stops anything.
    selects = _identifier_selects(q.text) or [ids]
    matches = sum(_at_most(session, each, WALK_FROM + 1) for each in selects)
    if matches <= WALK_FROM:
        return _filters(ctx, q, status_index=False) + [CaseFile.id.in_(ids), *letters]
    if q.status and q.sort == "name" and not q.descending:
        return _filters(ctx, q) + [(CaseFile.id + 0).in_(ids), *letters]
    return _where(ctx, q)


def _at_most(session, ids, limit: int) -> int:
    return session.scalar(select(func.count()).select_from(ids.limit(limit).subquery())) or 0


def _no_index(column):
    """`+column`: the same value, but SQLite will not read an index on the column for it."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


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
        fast = _count_by_index(session, ctx, q)
        if fast is not None:
            return fast
        return session.scalar(select(func.count()).select_from(CaseFile).where(*_where(ctx, q))) or 0


# What a row of the list shows, read as plain columns: no ORM objects for a page of 100.
_WORKER = aliased(Staff, name="worker")
_ROW_COLUMNS = (CaseFile.id, CaseFile.behzisti_file_number, CaseFile.clinic_file_number, CaseFile.first_name,
                CaseFile.last_name, CaseFile.father_name, CaseFile.national_code, CaseFile.status,
                CaseFile.living_arrangement, CaseFile.priority, CaseFile.received_on, CaseFile.last_service_on,
                CaseFile.next_follow_up, CaseFile.last_review_on, _WORKER.first_name, _WORKER.last_name)
_STATUS_LABELS = {s.value: s.label for s in CaseStatus}
_LIVING_LABELS = {a.value: a.label for a in LivingArrangement}


MAX_PAGE = 1000  # rows one list_cases call returns at most (a screen shows 100)


def list_cases(ctx: ServiceContext, q: CaseQuery, offset: int = 0, limit: int = 20) -> list[CaseRow]:
    """One page of the list: at most MAX_PAGE rows (see list_all_cases for more)."""
    with ctx.db.read() as session:
        return _list_page(session, ctx, q, offset, limit)


def list_all_cases(ctx: ServiceContext, q: CaseQuery, limit: int) -> list[CaseRow]:
    """The first `limit` rows of the list, however many: read page by page inside one read
    transaction, so the pages are of the same moment (no row missed or repeated when another
    PC saves a file meanwhile)."""
    rows: list[CaseRow] = []
    with ctx.db.read() as session:
        while len(rows) < limit:
            wanted = min(MAX_PAGE, limit - len(rows))
            page = _list_page(session, ctx, q, len(rows), wanted)
            rows += page
            if len(page) < wanted:  # the list ended
                break
    return rows


def _list_page(session, ctx: ServiceContext, q: CaseQuery, offset: int, limit: int) -> list[CaseRow]:
    # Page the ids first on the narrow indexes, then fetch the wide columns of just those rows.
    page = (select(CaseFile.id).where(*_page_where(session, ctx, q)).order_by(*_order(q))
            .offset(max(0, offset)).limit(max(0, min(limit, MAX_PAGE))).subquery())
    query = (select(*_ROW_COLUMNS)
             .join(page, page.c.id == CaseFile.id)
             .outerjoin(_WORKER, _WORKER.id == CaseFile.social_worker_id)
             .order_by(*_order(q)))
    return [_row_of(*columns) for columns in session.execute(query)]


def _row_of(id, behzisti_file_number, clinic_file_number, first_name, last_name, father_name, national_code,
            status, living_arrangement, priority, received_on, last_service_on, next_follow_up, last_review_on,
            worker_first, worker_last) -> CaseRow:
    return CaseRow(
        id=id, behzisti_file_number=behzisti_file_number, clinic_file_number=clinic_file_number,
        first_name=first_name, last_name=last_name, full_name=f"{first_name} {last_name}",
        father_name=father_name, national_code=national_code, status=status,
        status_label=_STATUS_LABELS[status], living_arrangement_label=_LIVING_LABELS[living_arrangement],
        priority=priority, social_worker_name=f"{worker_first} {worker_last}" if worker_first else "",
        received_on=received_on, last_service_on=last_service_on, next_follow_up=next_follow_up,
        last_review_on=last_review_on,
    )


def _row(c: CaseFile, worker_first: Optional[str], worker_last: Optional[str]) -> CaseRow:
    return _row_of(c.id, c.behzisti_file_number, c.clinic_file_number, c.first_name, c.last_name, c.father_name,
                   c.national_code, c.status, c.living_arrangement, c.priority, c.received_on, c.last_service_on,
                   c.next_follow_up, c.last_review_on, worker_first, worker_last)
