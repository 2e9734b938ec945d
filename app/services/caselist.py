"""The case list: one search box and filters, paged, in Persian order, priority files first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Optional

from sqlalchemy import Date, Integer, String, and_, any_, bindparam, func, or_, select, union
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.models import CaseFile, Staff
from app.domain.enums import CaseStatus, LivingArrangement
from app.domain.search_text import like_pattern, read_search
from app.persian import age_in_years, half_year_bounds, half_year_of
from app.services.context import ServiceContext
from app.services.permissions import case_scope
from app.services.views import CaseRow
from app.storage.search import keyed_piece, list_key, max_piece, name_match_statement, phrase
from app.services.policy import Action, Kind, rule

SORTS = ("name", "behzisti_file_number", "clinic_file_number", "received_on", "next_follow_up")
MIN_TRIGRAM = 3  # pg_trgm's bitmap narrows by a fragment this long
# Name matches past which a count reads the status index instead of each match (a scan of the few
# thousand closed and returned files), and a page walks the list's own order until it is full
# (matches of a common first name are spread along it; those of one last name sit together).
COUNT_BY_STATUS_FROM = 1000
WALK_FROM = 5000
STREAM_MATCHES_FROM = 20000  # SQLite: matches past which a count streams them past the statuses' ids (_matches_among)
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


def review_overdue_clause(today: dt.date):
    current_start, prev_start = _overdue_bounds(today)
    return and_(CaseFile.received_on < current_start,
                or_(CaseFile.last_review_on.is_(None), CaseFile.last_review_on < prev_start))


# -- statements kept by shape ------------------------------------------------------------------------
#
# A search sends 2-9 small SELECTs that SQLite answers in well under a millisecond each on a small
# folder; building them afresh (SQLAlchemy expression objects, their cache keys) cost ~5 ms of
# CPU a search, more than the database's work. The statements depend on the *shape* of the search
# (number or name; how many fragments of each length; which filters; the sort; who asks), not on
# its values: each shape's statements are built once with bound parameters and kept, and a search
# only works out its values (issue 17).

_STATEMENTS: dict[tuple, Any] = {}
_MAX_STATEMENTS = 2048


@dataclass
class _Search:
    """A CaseQuery worked out for the statements: `key` is its shape, `params` its values."""

    q: CaseQuery
    ctx: ServiceContext
    key: tuple
    params: dict
    kind: str  # "" (no text), "number", "name" (name indexes), "scan" (LIKE on every file)
    n_short: int = 0
    n_letters: int = 0
    has_long: bool = False
    n_tokens: int = 0  # PostgreSQL: every fragment bound as a LIKE pattern too (k0...), for case_list_key

    def stmt(self, role: str, build):
        """The statement for this role and shape, built on first use."""
        key = (role, self.key)
        found = _STATEMENTS.get(key)
        if found is None:
            if len(_STATEMENTS) >= _MAX_STATEMENTS:
                _STATEMENTS.clear()
            found = _STATEMENTS[key] = build()
        return found

    def run_scalar(self, conn, role: str, build, **extra) -> int:
        return conn.scalar(self.stmt(role, build), {**self.params, **extra} if extra else self.params) or 0

    # -- pieces of statements (built once per shape) --------------------------------------------
    def number_selects(self) -> list:
        return [select(CaseFile.id).where(col >= bindparam("ident", type_=String),
                                          col < bindparam("ident_end", type_=String))
                for col in (CaseFile.national_code, CaseFile.behzisti_file_number, CaseFile.clinic_file_number)]

    @property
    def has_ids(self) -> bool:
        return self.kind in ("number", "name")

    def ids(self):
        """The SELECT of the ids the text names (numbers, or the name index); None: no such
        SELECT (no text, single letters only, or a scan)."""
        if self.kind == "number":
            # Ids from each column's own unique index; a plain OR makes the planner walk the list order instead.
            return union(*self.number_selects())
        if self.kind == "name":
            return name_match_statement(self.has_long, [f"p{i}" for i in range(self.n_short)])
        return None

    def letters(self) -> list:
        return [CaseFile.name_key.like(bindparam(f"l{i}", type_=String), escape="/") for i in range(self.n_letters)]

    def text_clauses(self) -> list:
        return ([CaseFile.id.in_(self.ids())] if self.has_ids else []) + self.letters()

    def filters(self, *, status_index: bool = True) -> list:
        """Every condition but the search text. status_index=False keeps SQLite off the status
        index (see _page_where)."""
        q, clauses = self.q, []
        scope = case_scope(self.ctx.actor)
        if scope is not None:
            clauses.append(scope)
        if q.status:
            status = CaseFile.status if status_index else _no_index(CaseFile.status)
            clauses.append(status == CaseStatus(q.status).value)
        if q.social_worker_id:
            clauses.append(CaseFile.social_worker_id == bindparam("worker", type_=Integer))
        if q.contract_id:
            clauses.append(CaseFile.contract_id == bindparam("contract", type_=Integer))
        if q.living_arrangement:
            clauses.append(CaseFile.living_arrangement == bindparam("living", type_=String))
        if q.priority_only:
            clauses.append(CaseFile.priority.is_(True))
        if q.review_overdue:
            clauses.append(and_(CaseFile.received_on < bindparam("current_start", type_=Date),
                                or_(CaseFile.last_review_on.is_(None),
                                    CaseFile.last_review_on < bindparam("prev_start", type_=Date))))
        return clauses


def _search(ctx: ServiceContext, q: CaseQuery) -> _Search:
    """The query's shape and values."""
    params: dict[str, Any] = {}
    if q.social_worker_id:
        params["worker"] = q.social_worker_id
    if q.contract_id:
        params["contract"] = q.contract_id
    if q.living_arrangement:
        params["living"] = LivingArrangement(q.living_arrangement).value
    if q.review_overdue:
        params["current_start"], params["prev_start"] = _overdue_bounds(ctx.today())
    scope = case_scope(ctx.actor)
    who = None if scope is None else (str(ctx.actor.role), ctx.actor.staff_id)
    filters = (who, q.status and CaseStatus(q.status).value, bool(q.social_worker_id), bool(q.contract_id),
               bool(q.living_arrangement), q.priority_only, q.review_overdue, q.sort, q.descending)
    dialect = ctx.db.dialect
    wanted = read_search(q.text)
    if wanted.number:
        params.update(ident=wanted.number, ident_end=wanted.number + "\uffff")
        return _Search(q, ctx, (dialect, "number", filters), params, "number")
    tokens = list(wanted.fragments)
    if not tokens:
        return _Search(q, ctx, (dialect, "", filters), params, "")
    # Up to max_piece letters: the piece table (revision 0014), else a LIKE; longer: SQLite's
    # trigram index (a phrase), else a LIKE (pg_trgm serves it).
    fts = dialect == "sqlite" and ctx.db.has_name_index
    pieces = ctx.db.has_piece_index
    longest_piece = max_piece(dialect)
    long = [t for t in tokens if len(t) > longest_piece]
    short = [t for t in tokens if len(t) <= longest_piece]
    if not fts and (long or (len(short) > 1 and min(map(len, short)) >= MIN_TRIGRAM)):
        # pg_trgm's bitmaps of the long fragments (or of two three-letter ones) narrow the files
        # to a few; a short one is then tested on those, as before 0014: joined to its pieces
        # the planner read thousands more rows.
        pieces = False
    indexed_long, short_pieces = (long if fts else []), (short if pieces else [])
    letters = ([] if fts else long) + ([] if pieces else short)
    if indexed_long:
        params["m"] = " ".join(phrase(f) for f in indexed_long)
    params.update({f"p{i}": fragment for i, fragment in enumerate(short_pieces)})
    params.update({f"l{i}": like_pattern(t) for i, t in enumerate(letters)})
    kind = "name" if (indexed_long or short_pieces) else "scan"
    n_tokens = 0
    if dialect != "sqlite" and ctx.db.has_list_keys:
        n_tokens = len(tokens)
        params.update({f"k{i}": like_pattern(t) for i, t in enumerate(tokens)})
    return _Search(q, ctx, (dialect, kind, bool(indexed_long), len(short_pieces), len(letters), n_tokens, filters),
                   params, kind, n_short=len(short_pieces), n_letters=len(letters), has_long=bool(indexed_long),
                   n_tokens=n_tokens)


def _status_only(s: _Search) -> bool:
    """No condition but the status (and the text): what case_list_key can answer (revision 0015)."""
    q = s.q
    return s.ctx.db.has_list_keys and case_scope(s.ctx.actor) is None and not any((
        q.social_worker_id, q.contract_id, q.living_arrangement, q.priority_only, q.review_overdue))


def _keyed_page(s: _Search) -> bool:
    """A page case_list_key can give: no filter but the status, in the list's own order."""
    return _status_only(s) and s.q.sort == "name" and not s.q.descending


def _one_piece(s: _Search) -> bool:
    """One fragment of one or two letters (PostgreSQL: up to three), a status asked: a single
    range of the piece table's key (revision 0015) answers its count and its pages."""
    return (s.kind == "name" and s.n_short == 1 and not s.has_long and not s.n_letters and bool(s.q.status)
            and _status_only(s))


def _piece_range() -> list:
    return [keyed_piece.c.piece == bindparam("p0", type_=String)]


def _key_status(s: _Search) -> list:
    return [list_key.c.status == CaseStatus(s.q.status).value] if s.q.status else []


def _key_likes(s: _Search) -> list:
    """PostgreSQL: every fragment as a LIKE on case_list_key's name_key (its trigram index, or
    its index in the list's order, walked)."""
    return [list_key.c.name_key.like(bindparam(f"k{i}", type_=String), escape="/") for i in range(s.n_tokens)]


def _key_page(clauses: list):
    """The ids of a page, in the list's order, from case_list_key alone."""
    return select(list_key.c.id).where(*clauses).order_by(
        list_key.c.priority.desc(), list_key.c.last_name_key, list_key.c.first_name_key, list_key.c.id)


def _overdue_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    year, half = half_year_of(today)
    current_start, _ = half_year_bounds(year, half)
    prev_start, _ = half_year_bounds(year - 1, 2) if half == 1 else half_year_bounds(year, 1)
    return current_start, prev_start


def _where(s: _Search) -> list:
    return s.filters() + s.text_clauses()


def _index_parts(s: _Search) -> bool:
    """Whether the text's ids come from indexes SQLite should be steered to (see _count_by_index
    and _page_where); PostgreSQL's planner needs no such help."""
    return s.ctx.db.dialect == "sqlite" and s.kind in ("number", "name")


def _counted_by_index(s: _Search) -> bool:
    """Whether _count_by_index may answer: SQLite's indexes, or on PostgreSQL a name wholly
    answered by the piece table (joined to the active files for the count, the planner hashed
    all 137,960 of them: ~110 ms for «نی» at load 8; the piece table's own count and the
    subtraction of its closed and returned files, ~10 ms)."""
    return _index_parts(s) or (s.kind == "name" and not s.n_letters)


def _count_by_index(conn, s: _Search) -> Optional[int]:
    """A search with no filter but the status, counted without reading each matching file.

    The indexes count their matches themselves; for a common name or a short number the statuses
    then come from an index on status, which holds far fewer closed and returned files than the
    text has matches. A few matches are looked up one by one. None: not such a search."""
    q = s.q
    if not _counted_by_index(s) or case_scope(s.ctx.actor) is not None or any((
            q.social_worker_id, q.contract_id, q.living_arrangement, q.priority_only, q.review_overdue)):
        return None
    if _one_piece(s):
        return s.run_scalar(conn, "count piece", lambda: select(func.count()).select_from(keyed_piece).where(
            *_piece_range(), keyed_piece.c.status == CaseStatus(q.status).value))
    if s.ctx.db.dialect != "sqlite" and q.status:
        return _postgres_count(conn, s)
    if s.kind == "number" and _number_matches(conn, s, COUNT_NUMBERS_UP_TO + 1) > COUNT_NUMBERS_UP_TO:
        return None  # «1» or «139»: reading the union twice costs more than walking the status index
    if s.has_ids and not s.n_letters:
        total = s.run_scalar(conn, "count ids", lambda: select(func.count()).select_from(s.ids().subquery()))
    else:  # a single letter reads the narrow name-key index, or the files the other fragments found
        total = s.run_scalar(conn, "count text", lambda: _count_stmt(s.text_clauses()))
    if not q.status:
        return total
    if total <= STREAM_MATCHES_FROM and s.has_ids and not s.n_letters and s.ctx.db.has_list_keys:
        # Each match's status from the narrow table (revision 0015): one look-up a match, where the
        # subtraction below read 12,040 closed and returned ids and probed each into the matches.
        def keyed():
            matches = s.ids().subquery()
            return (select(func.count()).select_from(matches.join(list_key, list_key.c.id == matches.c[0]))
                    .where(*_key_status(s)))
        return s.run_scalar(conn, "count keyed", keyed)
    if total <= COUNT_BY_STATUS_FROM:
        def few():
            status = _no_index(CaseFile.status) if s.ctx.db.dialect == "sqlite" else CaseFile.status
            return _count_stmt([status == q.status] + s.text_clauses())
        return s.run_scalar(conn, "count few", few)
    active = q.status == CaseStatus.ACTIVE.value
    if total > STREAM_MATCHES_FROM and s.has_ids and not s.n_letters:
        in_status = s.run_scalar(conn, "count streamed", lambda: _matches_among(s, _status_side(q.status)))
        return total - in_status if active else in_status
    if active:
        return total - s.run_scalar(conn, "count others", lambda: _count_stmt(
            [CaseFile.status.in_(_status_side(q.status)), *_probe(s)]))
    return s.run_scalar(conn, "count status", lambda: _count_stmt(
        [CaseFile.status == CaseStatus(q.status).value, *_probe(s)]))


def _status_side(status: str) -> list[str]:
    """The statuses whose files a count reads: the active list is counted as its matches less
    those closed or returned (12,040 of 150,000 files), any other status as itself."""
    if status == CaseStatus.ACTIVE.value:
        return [st.value for st in CaseStatus if st.value != status]
    return [CaseStatus(status).value]


def _matches_among(s: _Search, statuses: list[str]):
    """The text's matches among the files of `statuses`, the matches streamed past the ids of
    those files (read once off the status index). For a fragment matching most files («ا»,
    133,587) SQLite otherwise probed each of those ids into the matches gathered first (28 ms
    CPU idle, now 12; «می», 31,742: 12.8 → 10 ms); for a few thousand that way round is cheaper
    (4.8 against 12.5 ms for «حد»), hence STREAM_MATCHES_FROM. The ids are distinct (a primary
    key, an INTERSECT or a UNION)."""
    matches = s.ids().subquery()
    return select(func.count()).select_from(matches).where(
        matches.c[0].in_(select(CaseFile.id).where(CaseFile.status.in_(statuses))))


def _postgres_count(conn, s: _Search) -> int:
    """A name wholly answered by the piece table, counted for one status in one statement: the
    matches (index only) left-joined to the files of the status, or for the active list to the
    few closed and returned ones (12,040 of 150,000) and subtracted. It reads the matches once
    where the count of all of them and then of those among the others read them twice, and
    each reading of an intersection («علی پور»: two pieces, ~8 ms idle) is paid once; PostgreSQL
    hashes the smaller side (w37: «ری», 43,137 matches, 3.2 + 10-13 ms → 8-11 ms idle). The ids
    are distinct (a primary key, or an INTERSECT), so no match is counted twice."""
    q = s.q
    active = q.status == CaseStatus.ACTIVE.value
    wanted = _status_side(q.status)

    def build():
        matches = s.ids().subquery()
        among = select(CaseFile.id).where(CaseFile.status.in_(wanted)).subquery()
        return (select(func.count(), func.count(among.c.id))
                .select_from(matches.outerjoin(among, among.c.id == matches.c[0])))
    total, in_status = conn.execute(s.stmt("count by status", build), s.params).one()
    return total - in_status if active else in_status


def _probe(s: _Search) -> list:
    # id + 0: the ids are probed while the status range is read, rather than each file looked up.
    return ([(CaseFile.id + 0).in_(s.ids())] if s.has_ids else []) + s.letters()


def _count_stmt(clauses: list):
    return select(func.count()).select_from(CaseFile).where(*clauses)


def _number_matches(conn, s: _Search, limit: int) -> int:
    """Matches of a number, counted per column only as far as `limit` (a UNION is read whole
    before a LIMIT on it stops anything); the three counts in one statement."""
    def build():
        counts = [_at_most_stmt(each).scalar_subquery() for each in s.number_selects()]
        return select(counts[0] + counts[1] + counts[2])
    return s.run_scalar(conn, "at most number", build, lim=limit)


def _at_most_stmt(ids):
    return select(func.count()).select_from(ids.limit(bindparam("lim", type_=Integer)).subquery())


def _page_where(conn, s: _Search) -> tuple[str, Any]:
    """The page's conditions, as (variant, builder). When a name or number matches more files
    than WALK_FROM, the page is read walking the list's own order and stops at the page's last
    row; fewer matches are looked up one by one and sorted (cheaper then than walking far for
    the few).

    Left to itself SQLite walks the status index (it gives the list's order) for few matches
    too: 20-30 ms for one national code or a first and last name instead of 1 ms. The status
    is then kept off it. A one-letter fragment («مهسا ع», half way through typing a last
    name) is not in the name index: the index narrows by the others and the letter is tested
    on what they found."""
    q = s.q
    if _one_piece(s) and _keyed_page(s):
        return "keys piece", lambda: select(keyed_piece.c.case_id.label("id")).where(
            *_piece_range(), keyed_piece.c.status == CaseStatus(q.status).value).order_by(
            keyed_piece.c.priority.desc(), keyed_piece.c.last_name_key, keyed_piece.c.first_name_key,
            keyed_piece.c.case_id)
    if s.ctx.db.dialect != "sqlite" and s.n_tokens and not (s.kind == "name" and s.n_letters) and _keyed_page(s):
        return _postgres_keyed_page(conn, s)
    if s.ctx.db.dialect != "sqlite" and s.kind == "name":
        return _postgres_page_where(conn, s)
    if not _index_parts(s) or not s.has_ids:
        return "all", lambda: _where(s)
    # Counted only as far as the choice needs (a short number matches tens of thousands).
    if s.kind == "number":
        matches = _number_matches(conn, s, WALK_FROM + 1)
    else:
        matches = s.run_scalar(conn, "at most ids", lambda: _at_most_stmt(s.ids()), lim=WALK_FROM + 1)
    if matches <= WALK_FROM and not s.n_letters and _keyed_page(s):
        # The matches' status and sort keys from the narrow table (revision 0015), not their wide rows.
        return "keys few", lambda: _key_page(_key_status(s) + [list_key.c.id.in_(s.ids())])
    if matches <= WALK_FROM:
        return "few", lambda: s.filters(status_index=False) + s.text_clauses()
    if q.status and q.sort == "name" and not q.descending:
        return "walk", lambda: s.filters() + _probe(s)
    return "all", lambda: _where(s)


def _postgres_page_where(conn, s: _Search) -> tuple[str, Any]:
    """PostgreSQL's planner walks the list's order for a common fragment by itself, but for a
    few thousand matches of two fragments it read the whole status index into a hash join (136
    ms for «علی پور» at load 8; looked up by id, ~16 ms). A few matches are therefore handed over
    as an array of ids and looked up one by one, then sorted."""
    matches = s.run_scalar(conn, "at most ids", lambda: _at_most_stmt(s.ids()), lim=WALK_FROM + 1)
    if matches <= WALK_FROM:
        return "few", lambda: s.filters() + [CaseFile.id == any_(func.array(s.ids().scalar_subquery()))] + s.letters()
    return "all", lambda: _where(s)


def _postgres_keyed_page(conn, s: _Search) -> tuple[str, Any]:
    """PostgreSQL, no filter but the status, the list's order: the page from case_list_key. A
    fragment pg_trgm narrows is rechecked on its narrow rows; a common one («نی», «محمد»)
    walks its index in the list's order and stops at the page's last row. Only a name of one-
    to three-letter pieces with few matches (a rare pair has no trigram to narrow it, and the
    walk would read every file) is handed over as the pieces' array of ids."""
    if s.kind == "name" and not s.n_letters:
        matches = s.run_scalar(conn, "at most ids", lambda: _at_most_stmt(s.ids()), lim=WALK_FROM + 1)
        if matches <= WALK_FROM:
            return "keys few", lambda: _key_page(
                _key_status(s) + [list_key.c.id == any_(func.array(s.ids().scalar_subquery()))])
    return "keys like", lambda: _key_page(_key_status(s) + _key_likes(s))


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


@rule(Kind.CASE, Action.READ)
def count_cases(ctx: ServiceContext, q: CaseQuery) -> int:
    s = _search(ctx, q)
    with ctx.db.read_connection() as conn:
        fast = _count_by_index(conn, s)
        if fast is not None:
            return fast
        if s.kind == "scan" and s.n_tokens and _status_only(s):
            # PostgreSQL, a fragment pg_trgm narrows: rechecked on case_list_key's narrow rows, not
            # on each match's case_file row (2,600 heap pages for «قلیزاده»: 10 ms → 1-2 ms).
            return s.run_scalar(conn, "count keyed", lambda: select(func.count()).select_from(list_key).where(
                *_key_status(s), *_key_likes(s)))
        return s.run_scalar(conn, "count all", lambda: _count_stmt(_where(s)))


# What a row of the list shows, read as plain columns: no ORM objects for a page of 100.
_WORKER = aliased(Staff, name="worker")
_ROW_COLUMNS = (CaseFile.id, CaseFile.behzisti_file_number, CaseFile.clinic_file_number, CaseFile.first_name,
                CaseFile.last_name, CaseFile.father_name, CaseFile.national_code, CaseFile.status,
                CaseFile.living_arrangement, CaseFile.priority, CaseFile.received_on, CaseFile.last_service_on,
                CaseFile.next_follow_up, CaseFile.last_review_on, _WORKER.first_name, _WORKER.last_name,
                CaseFile.birth_date)
_STATUS_LABELS = {s.value: s.label for s in CaseStatus}
# A row's age is two Jalali conversions through jdatetime (its locale check on each): a third of
# a search's own CPU time at 2,000 files. Birth dates repeat (children of the same few years) and
# "today" is one day, so the answers are kept.
_age_in_years = lru_cache(maxsize=1 << 15)(age_in_years)
_LIVING_LABELS = {a.value: a.label for a in LivingArrangement}


_new_row = object.__new__

MAX_PAGE = 1000  # rows one list_cases call returns at most (a screen shows 100)


@rule(Kind.CASE, Action.READ)
def list_cases(ctx: ServiceContext, q: CaseQuery, offset: int = 0, limit: int = 20) -> list[CaseRow]:
    """One page of the list: at most MAX_PAGE rows (see list_all_cases for more)."""
    s = _search(ctx, q)
    with ctx.db.read_connection() as conn:
        return _list_page(conn, s, offset, limit, ctx.today())


@rule(Kind.CASE, Action.READ)
def list_all_cases(ctx: ServiceContext, q: CaseQuery, limit: int) -> list[CaseRow]:
    """The first `limit` rows of the list, however many: read page by page inside one read
    transaction, so the pages are of the same moment (no row missed or repeated when another
    PC saves a file meanwhile)."""
    s = _search(ctx, q)
    rows: list[CaseRow] = []
    with ctx.db.read_connection() as conn:
        while len(rows) < limit:
            wanted = min(MAX_PAGE, limit - len(rows))
            page = _list_page(conn, s, len(rows), wanted, ctx.today())
            rows += page
            if len(page) < wanted:  # the list ended
                break
    return rows


def _list_page(conn, s: _Search, offset: int, limit: int, today: dt.date) -> list[CaseRow]:
    variant, where = _page_where(conn, s)

    def build():
        # Page the ids first on the narrow indexes, then fetch the wide columns of just those rows.
        ids = where() if variant.startswith("keys") else select(CaseFile.id).where(*where()).order_by(*_order(s.q))
        page = ids.offset(bindparam("off", type_=Integer)).limit(bindparam("lim", type_=Integer)).subquery()
        return (select(*_ROW_COLUMNS)
                .join(page, page.c.id == CaseFile.id)
                .outerjoin(_WORKER, _WORKER.id == CaseFile.social_worker_id)
                .order_by(*_order(s.q)))
    params = {**s.params, "off": max(0, offset), "lim": max(0, min(limit, MAX_PAGE))}
    # .all(): the driver hands over the page in one call (iterating fetched it a row at a time).
    return [_row_of(*columns, today=today) for columns in conn.execute(s.stmt(f"page {variant}", build), params).all()]


def _row_of(id, behzisti_file_number, clinic_file_number, first_name, last_name, father_name, national_code,
            status, living_arrangement, priority, received_on, last_service_on, next_follow_up, last_review_on,
            worker_first, worker_last, birth_date, *, today: dt.date) -> CaseRow:
    # A frozen dataclass's __init__ sets each of its 19 fields through object.__setattr__: ~5 us a
    # row, a quarter of a 150,000-file search's own time for a page of 100 (issue 17, w37). The
    # same CaseRow, its fields written into its __dict__ at once (~0.8 us).
    row = _new_row(CaseRow)
    row.__dict__.update(
        id=id, behzisti_file_number=behzisti_file_number, clinic_file_number=clinic_file_number,
        first_name=first_name, last_name=last_name, full_name=f"{first_name} {last_name}",
        father_name=father_name, national_code=national_code, status=status,
        status_label=_STATUS_LABELS[status], living_arrangement_label=_LIVING_LABELS[living_arrangement],
        priority=priority, social_worker_name=f"{worker_first} {worker_last}" if worker_first else "",
        received_on=received_on, last_service_on=last_service_on, next_follow_up=next_follow_up,
        last_review_on=last_review_on, birth_date=birth_date, age_years=_age_in_years(birth_date, today),
    )
    return row


def case_row(c: CaseFile, worker_first: Optional[str], worker_last: Optional[str], today: dt.date) -> CaseRow:
    return _row_of(c.id, c.behzisti_file_number, c.clinic_file_number, c.first_name, c.last_name, c.father_name,
                   c.national_code, c.status, c.living_arrangement, c.priority, c.received_on, c.last_service_on,
                   c.next_follow_up, c.last_review_on, worker_first, worker_last, c.birth_date, today=today)
