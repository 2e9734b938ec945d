"""Realistic generated data for trials and benchmarks: a whole clinic, its staff, contracts and files.

Rows go in with bulk inserts (not one service call each) so 150,000 files take minutes. The same seed
and the same `today` give the same data."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from typing import Callable, Optional

from sqlalchemy import Date, DateTime, insert

from app.models import (CaseFile, Contract, FamilyMember, Problem, ProblemStep, Referral, Review, Service,
                        Staff)
from app.domain.enums import (CareDomain, LivingArrangement, ProblemStage, Relation, Role, ServiceKind,
                              ServiceMode, Sex)
from app.persian import (to_persian_digits, collation_key, half_year_bounds, half_year_of, make_national_code,
                         search_key, to_jalali)
from app.services import audit
from app.services.accounts import StaffInput, hash_password
from app.services.clinic import ClinicInput, set_up_clinic
from app.services.context import ServiceContext
from app.services.contracts import FAMILY_CARE_PROGRAMME
from app.services.reports import create_signing_key
from app.services.demo_names import (COUNTIES, FEMALE_NAMES, LAST_NAMES, MALE_NAMES, NOTE_DETAILS,
                                     NOTE_OPENINGS, OCCUPATIONS, PROBLEM_TITLES, REFERRAL_BODIES)
from app.storage import search
from app.storage.database import Database

DEMO_MANAGER = "manager"
DEMO_PASSWORD = "parvandeh-demo"
CASES_PER_WORKER = 180
BATCH = 5000

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoResult:
    manager_username: str
    password: str
    cases: int
    services: int
    staff: int


class _Ids:
    def __init__(self):
        self.next = {}

    def take(self, table: str) -> int:
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


class DemoBuilder:
    def __init__(self, db: Database, rng: random.Random, today: dt.date, password: str,
                 services_per_month: float, progress: Optional[Progress]):
        self.db, self.rng, self.today = db, rng, today
        self.password, self.per_month = password, services_per_month
        self.progress = progress or (lambda *_: None)
        self.ids = _Ids()
        self.codes: set[str] = set()
        self.now = dt.datetime.combine(today, dt.time(9, 0), tzinfo=dt.timezone.utc)
        self.case_ids, self.family_ids, self.service_ids = itertools.count(1), itertools.count(1), itertools.count(1)
        self.review_ids, self.problem_ids, self.step_ids = itertools.count(1), itertools.count(1), itertools.count(1)
        self.referral_ids = itertools.count(1)
        self.date, self.stamp = dt.date.isoformat, self.now  # set for the database in cases()
        # Names repeat from short word lists and dates from two years: their keys are worked out once.
        self._name_keys: dict[tuple[str, str], str] = {}
        self._sort_keys: dict[str, str] = {}
        self._halves: dict[dt.date, tuple[int, int]] = {}
        self._half_bounds: dict[tuple[int, int], tuple[dt.date, dt.date]] = {}

    # -- people ---------------------------------------------------------------------------------
    def national_code(self) -> str:
        while True:
            code = make_national_code(f"{self.rng.randrange(1, 10**9):09d}")
            if code not in self.codes and len(set(code)) > 1:
                self.codes.add(code)
                return code

    def person(self, sex: str) -> tuple[str, str]:
        names = FEMALE_NAMES if sex == Sex.FEMALE.value else MALE_NAMES
        return self.rng.choice(names), self.rng.choice(LAST_NAMES)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(max(1, (end - start).days + 1)))

    # -- building -------------------------------------------------------------------------------
    def build(self, cases: int) -> DemoResult:
        manager = set_up_clinic(self.db, ClinicInput(
            name="کلینیک مددکاری اجتماعی مهر (نمونه)", licence_number="۱۲۳۴/۵۶", licence_province="تهران",
            licence_expiry=self.today + dt.timedelta(days=700), address="تهران، خیابان نمونه، پلاک ۱۲",
            phones="021-55550000", manager_name="مریم نمونه"),
            StaffInput(first_name="مریم", last_name="نمونه", role=Role.MANAGER.value, degree="master",
                       field_of_study="مددکاری اجتماعی", username=DEMO_MANAGER, password=self.password),
            now=self.now)
        self.ids.next["staff"] = manager.staff_id
        workers, psychologists = self.staff(max(2, -(-cases // CASES_PER_WORKER)))
        contracts = self.contracts(cases)
        total_services = self.cases(cases, workers, psychologists, contracts)
        ctx = ServiceContext(self.db, manager, clock=lambda: self.now)
        with self.db.transaction() as session:
            audit.record(session, ctx, "demo", "clinic", None, changes={"cases": cases})
        from app.services.demo_money import add_receivables
        add_receivables(self.db, manager, self.rng, self.now)
        # So a demo report can be signed at once; the certificate starts now, not at the data's date.
        create_signing_key(ServiceContext(self.db, manager), self.password)
        self.db.analyze()
        return DemoResult(DEMO_MANAGER, self.password, cases, total_services, len(workers) + len(psychologists) + 2)

    def staff(self, n_workers: int) -> tuple[list[int], list[int]]:
        pw_hash = hash_password(self.password)  # one hash for all: argon2 per account would take minutes
        rows, workers, psychologists = [], [], []
        roles = [Role.SOCIAL_WORKER] * n_workers + [Role.PSYCHOLOGIST] * max(1, n_workers // 4) + [Role.CLERK]
        for index, role in enumerate(roles):
            sex = self.rng.choice([Sex.FEMALE.value, Sex.MALE.value])
            first, last = self.person(sex)
            sid = self.ids.take("staff")
            username = {Role.SOCIAL_WORKER: f"worker{index + 1}", Role.PSYCHOLOGIST: f"psych{index + 1}",
                        Role.CLERK: "clerk"}[role]
            rows.append(dict(id=sid, first_name=first, last_name=last, sort_key=collation_key(f"{last} {first}"),
                             national_code=self.national_code(), role=role.value,
                             degree=self.rng.choice(["bachelor", "master"]),
                             field_of_study="روانشناسی" if role is Role.PSYCHOLOGIST else "مددکاری اجتماعی",
                             phone=f"0912{self.rng.randrange(10**7):07d}", active=True, username=username,
                             password_hash=pw_hash, failed_logins=0, created_at=self.now, updated_at=self.now))
            (workers if role is Role.SOCIAL_WORKER else psychologists if role is Role.PSYCHOLOGIST else []).append(sid)
        with self.db.transaction() as session:
            session.execute(insert(Staff), rows)
        return workers, psychologists

    def contracts(self, cases: int) -> list[int]:
        # Annual contracts follow the Jalali year in which the data ends.
        year_start, _ = half_year_bounds(half_year_of(self.today)[0], 1)
        year_end = half_year_bounds(half_year_of(self.today)[0], 2)[1]
        rows = []
        for index, county in enumerate(COUNTIES[: max(1, min(len(COUNTIES), cases // 1000 + 1))]):
            rows.append(dict(
                id=self.ids.take("contract"), office_name=f"اداره بهزیستی شهرستان {county}",
                programme=FAMILY_CARE_PROGRAMME, number=f"1405-{index + 101}", start_date=year_start,
                end_date=year_end, fee_per_case_month_rials=1_200_000,
                capacity=max(50, int(cases * 1.1 / max(1, min(len(COUNTIES), cases // 1000 + 1)))),
                supervisor_name=" ".join(self.person(Sex.FEMALE.value)), supervisor_contact="021-5555" + str(index),
                notes="", created_at=self.now,
                updated_at=self.now))
        with self.db.transaction() as session:
            session.execute(insert(Contract), rows)
        return [r["id"] for r in rows]

    def cases(self, n: int, workers: list[int], psychologists: list[int], contracts: list[int]) -> int:
        rows = _Rows()
        total_services = 0
        with _BulkLoader(self.db) as loader:
            self.date, self.stamp = loader.encode_date, loader.encode_stamp(self.now)
            for index in range(n):
                total_services += self.one_case(index, workers, psychologists, contracts, rows)
                if (index + 1) % BATCH == 0:
                    loader.flush(rows)
                    self.progress("cases", index + 1, n)
            loader.flush(rows)
        self.progress("cases", n, n)
        return total_services

    # Each generator below draws from the RNG in exactly the order the original dict-building code
    # did, so a seed still gives the same data; rows are tuples in the table's column order.
    def one_case(self, index: int, workers, psychologists, contracts, out: "_Rows") -> int:
        rng, today, D = self.rng, self.today, self.date
        sex = rng.choice(_SEXES)
        first, last = self.person(sex)
        birth = self.date_between(today - dt.timedelta(days=365 * 20), today - dt.timedelta(days=365 * 3))
        discharge = self.date_between(birth + dt.timedelta(days=200), today - dt.timedelta(days=400))
        received = self.date_between(max(discharge + dt.timedelta(days=370), today - dt.timedelta(days=700)),
                                     today - dt.timedelta(days=20))
        status = "active" if rng.random() < 0.92 else rng.choice(_ENDINGS)
        status_on = self.date_between(received, today) if status != "active" else None
        priority = rng.random() < 0.06
        cid = next(self.case_ids)
        father = rng.choice(MALE_NAMES)
        national_code = self.national_code()
        living = _weighted(rng.random, _LIVING, _LIVING_CUM)
        contract_id = rng.choice(contracts)
        worker = workers[index % len(workers)]
        psychologist = rng.choice(psychologists)
        # Typed by Persian keyboards: Persian digits, as a clinic's own records would have them.
        address = to_persian_digits(f"{rng.choice(COUNTIES)}، کوچه {rng.randrange(1, 40)}، پلاک {rng.randrange(1, 200)}")
        phones = f"0912{rng.randrange(10**7):07d}"
        self.family(cid, last, father, birth, out)
        end = status_on or today
        start = max(received, today - dt.timedelta(days=365))
        count, last_service = self.services(cid, worker, start, end, out)
        last_review = self.reviews(cid, worker, start, end, out)
        out.case_file.append((
            cid, f"{1390 + index % 15}{index + 1:07d}", str(index + 1), first, last, father, national_code, sex,
            D(birth), living, D(discharge), D(received), "", contract_id, priority,
            "مشکلات حاد خانوادگی و نیاز به رسیدگی سریع" if priority else "", status, _opt(D, status_on),
            "" if status == "active" else "پایان دوره مراقبت طبق نظر کارشناس ناظر", worker, psychologist,
            f"فرزند {first} پس از ترخیص به خانواده بازگشته است. نیاز به پیگیری وضعیت "
            f"تحصیلی و روابط خانوادگی دارد.",
            address, phones, self.name_key(first, last), self.sort_key(last), self.sort_key(first),
            _opt(D, last_service and last_service[0]), _opt(D, last_service and last_service[1]),
            _opt(D, last_review), self.stamp, self.stamp))
        if rng.random() < 0.15:
            self.problem(cid, worker, start, end, out)
        if rng.random() < 0.08:
            out.referral.append((
                next(self.referral_ids), cid, D(self.date_between(start, end)), rng.choice(REFERRAL_BODIES),
                "نیاز به خدمات تخصصی خارج از کلینیک", rng.choice(_OUTCOMES), None, worker, False, False,
                self.stamp, self.stamp))
        return count

    def name_key(self, first: str, last: str) -> str:
        key = self._name_keys.get((first, last))
        if key is None:
            key = self._name_keys[(first, last)] = search_key(f"{first} {last}")
        return key

    def sort_key(self, name: str) -> str:
        key = self._sort_keys.get(name)
        if key is None:
            key = self._sort_keys[name] = collation_key(name)
        return key

    def half_year_of(self, day: dt.date) -> tuple[int, int]:
        half = self._halves.get(day)
        if half is None:
            half = self._halves[day] = half_year_of(day)
        return half

    def half_year_bounds(self, year: int, half: int) -> tuple[dt.date, dt.date]:
        bounds = self._half_bounds.get((year, half))
        if bounds is None:
            bounds = self._half_bounds[(year, half)] = half_year_bounds(year, half)
        return bounds

    def family(self, cid: int, last: str, father: str, birth: dt.date, out: "_Rows") -> None:
        """Mother, perhaps father (the name on the file), brothers and sisters, with birth years
        that make sense: parents 18 to 45 at the child's birth, siblings within ten years of the
        child and born after the mother was 16."""
        rng = self.rng
        child_year = to_jalali(birth)[0]
        this_year = to_jalali(self.today)[0]
        mother_year = child_year - rng.randrange(18, 41)
        members = [(_MOTHER, rng.choice(FEMALE_NAMES) + " " + rng.choice(LAST_NAMES), mother_year)]
        if rng.random() < 0.6:
            members.append((_FATHER, father + " " + last, child_year - rng.randrange(22, 46)))
        for _ in range(rng.randrange(0, 3)):
            low, high = max(child_year - 10, mother_year + 16), min(child_year + 10, this_year)
            members.append((_SIBLING, rng.choice(_ALL_NAMES) + " " + last, rng.randrange(low, high + 1)))
        for relation, name, year in members:
            out.family_member.append((
                next(self.family_ids), cid, name, relation, year, rng.choice(OCCUPATIONS),
                f"0913{rng.randrange(10**7):07d}", rng.random() < 0.8))

    def services(self, cid: int, worker: int, start: dt.date, end: dt.date,
                 out: "_Rows") -> tuple[int, Optional[tuple[dt.date, Optional[dt.date]]]]:
        rng, D, stamp = self.rng, self.date, self.stamp
        random, choice, randrange = rng.random, rng.choice, rng.randrange
        months = max(0.0, (end - start).days / 30.4)
        count = int(months * self.per_month + random())
        span = max(1, (end - start).days + 1)
        dates = sorted(start + dt.timedelta(days=randrange(span)) for _ in range(count))
        append, ids = out.service.append, self.service_ids
        follow = None
        for d in dates:
            kind = _weighted(random, _KINDS, _KIND_CUM)
            domains = ",".join(sorted(rng.sample(_DOMAINS, randrange(1, 4)), key=_DOMAIN_ORDER.__getitem__)) \
                if kind == "care" else ""
            concern = random() < 0.004
            follow = d + dt.timedelta(days=randrange(7, 45)) if random() < 0.7 else None
            mode = _weighted(random, _MODES, _MODE_CUM)
            minutes = choice(_MINUTES)
            note = f"{choice(NOTE_OPENINGS[kind])} {choice(NOTE_DETAILS)}"
            append((next(ids), cid, D(d), kind, domains, mode, worker, minutes, note, concern,
                    _ABUSE_ACTION if concern else "", None if follow is None else D(follow), None, "", False,
                    stamp, stamp))
        return count, ((dates[-1], follow) if dates else None)

    def reviews(self, cid: int, worker: int, start: dt.date, end: dt.date, out: "_Rows") -> Optional[dt.date]:
        year, half = self.half_year_of(start)
        last = None
        while True:
            h_start, h_end = self.half_year_bounds(year, half)
            if h_start > end:
                break
            lo, hi = max(h_start, start), min(h_end, end)
            if lo <= hi and self.rng.random() < 0.85:
                last = self.date_between(lo, hi)
                out.review.append((
                    next(self.review_ids), cid, self.date(last), 1, worker,
                    "وضعیت کلی فرزند با حضور مددکار بررسی شد و روند مراقبت مناسب است.",
                    "ادامه پیگیری ماهانه", self.stamp, self.stamp))
            year, half = (year, 2) if half == 1 else (year + 1, 1)
        return last

    def problem(self, cid: int, worker: int, start: dt.date, end: dt.date, out: "_Rows") -> None:
        rng, D = self.rng, self.date
        opened = self.date_between(start, end)
        pid = next(self.problem_ids)
        stages = _STAGES[: rng.randrange(1, len(_STAGES) + 1)]
        resolved = stages[-1] is ProblemStage.RESOLVED
        day = opened
        for stage in stages:
            out.problem_step.append((next(self.step_ids), pid, stage.value, D(day), f"{stage.label} انجام شد.",
                                     worker, False))
            day = min(end, day + dt.timedelta(days=rng.randrange(3, 20)))
        out.problem.append((
            pid, cid, rng.choice(PROBLEM_TITLES), "مشکل در بازدید منزل شناسایی شد.", stages[-1].value, D(opened),
            D(day) if resolved else None,
            "با همکاری خانواده و پیگیری مددکار مشکل رفع شد." if resolved else "", worker, False, self.stamp,
            self.stamp))


# -- constants the generators draw from (built once, not per row) --------------------------------------

_SEXES = [Sex.FEMALE.value, Sex.MALE.value]
_ENDINGS = ["closed", "returned"]
_OUTCOMES = ["", "پذیرش شد و خدمات آغاز شد."]
_MINUTES = [15, 30, 45, 60, 90]
_ALL_NAMES = MALE_NAMES + FEMALE_NAMES
_MOTHER, _FATHER, _SIBLING = Relation.MOTHER.value, Relation.FATHER.value, Relation.SIBLING.value
_STAGES = list(ProblemStage)
_KINDS = [k.value for k in ServiceKind]
_KIND_CUM = list(accumulate([10, 1, 1, 1, 2, 1]))
_MODES = [m.value for m in ServiceMode]
_MODE_CUM = list(accumulate([5, 3, 2]))
_LIVING = [a.value for a in LivingArrangement]
_LIVING_CUM = list(accumulate([6, 2, 1, 1]))
_DOMAINS = [c.value for c in CareDomain]
_DOMAIN_ORDER = {d: i for i, d in enumerate(_DOMAINS)}
_ABUSE_ACTION = "گزارش به اورژانس اجتماعی و اطلاع به کارشناس ناظر انجام شد."


def _weighted(random: Callable[[], float], population: list, cum_weights: list):
    """rng.choices(population, weights)[0], drawing the same single random() (see random.choices)."""
    return population[bisect(cum_weights, random() * (cum_weights[-1] + 0.0), 0, len(cum_weights) - 1)]


def _opt(encode: Callable, value):
    return None if value is None else encode(value)


class _Rows:
    """Rows waiting to be written, one list of tuples per table (in the tables' column order)."""

    TABLES = (CaseFile, FamilyMember, Problem, ProblemStep, Service, Review, Referral)

    def __init__(self):
        for model in self.TABLES:
            setattr(self, model.__tablename__, [])

    def take(self) -> list[tuple[type, list[tuple]]]:
        batches = [(model, getattr(self, model.__tablename__)) for model in self.TABLES]
        for model in self.TABLES:
            setattr(self, model.__tablename__, [])
        return [(model, rows) for model, rows in batches if rows]


class _BulkLoader:
    """Writes the generated rows of a new data folder, in big transactions.

    On SQLite the rows go straight to the driver (executemany with tuples) on one connection that,
    for a brand-new database only, skips fsync while loading and fills the name index once at the
    end instead of per row; the usual settings and a full checkpoint come back before it returns.
    Any other database gets plain Core inserts."""

    CACHE_KIB = 256 * 1024

    def __init__(self, db: Database):
        self.db = db
        self.dialect = db.write_engine.dialect
        self.sqlite = db.dialect == "sqlite"
        date_proc = Date().dialect_impl(self.dialect).bind_processor(self.dialect)
        sample = dt.date(2026, 1, 2)
        if date_proc is None:
            self.encode_date = lambda d: d
        elif date_proc(sample) == sample.isoformat():
            self.encode_date = dt.date.isoformat
        else:
            self.encode_date = date_proc
        self._stamp_proc = DateTime(timezone=True).dialect_impl(self.dialect).bind_processor(self.dialect)
        self.conn = None
        self.fresh = False
        self.paused_index = False
        self.dropped_indexes: list[str] = []

    def encode_stamp(self, when: dt.datetime):
        return self._stamp_proc(when) if self._stamp_proc else when

    def __enter__(self) -> "_BulkLoader":
        self.conn = self.db.write_engine.connect()
        if self.sqlite:
            self.raw = self.conn.connection.driver_connection
            self.fresh = self.raw.execute("SELECT NOT EXISTS (SELECT 1 FROM case_file)").fetchone()[0] == 1
            if self.fresh:
                self.raw.execute("PRAGMA synchronous=OFF")
                self.raw.execute(f"PRAGMA cache_size=-{self.CACHE_KIB}")
                with self.conn.begin():
                    self.paused_index = search.pause_sqlite_name_index(self.conn)
                    self.dropped_indexes = self._drop_indexes()
        return self

    def _drop_indexes(self) -> list[str]:
        """The loaded tables' own indexes, dropped until the end: one sort per index then is far
        cheaper than keeping each up to date through millions of inserts in random order."""
        names = ", ".join(f"'{model.__tablename__}'" for model in _Rows.TABLES)
        indexes = self.raw.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names})").fetchall()
        for name, _sql in indexes:
            self.raw.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in indexes]

    def flush(self, rows: _Rows) -> None:
        batches = rows.take()
        if not batches:
            return
        with self.conn.begin():
            for model, batch in batches:
                # A new record's version is the column's server default (1); the rows do not carry it.
                columns = [c.name for c in model.__table__.columns if c.name != "version"]
                if self.sqlite:
                    sql = (f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) "
                           f"VALUES ({', '.join('?' * len(columns))})")
                    self.raw.executemany(sql, batch)
                else:
                    self.conn.execute(insert(model.__table__), [dict(zip(columns, row)) for row in batch])

    def __exit__(self, *exc) -> None:
        if not self.sqlite:
            from app.storage.sequences import reset_sequences
            with self.conn.begin():
                reset_sequences(self.conn)  # the rows came with their ids; the next save needs a free one
        try:
            if self.dropped_indexes or self.paused_index:
                with self.conn.begin():
                    for sql in self.dropped_indexes:
                        self.raw.execute(sql)
                    if self.paused_index:
                        search.resume_sqlite_name_index(self.conn)
        finally:
            if self.fresh:
                self.raw.execute("PRAGMA synchronous=FULL")
                self.raw.execute("PRAGMA cache_size=-2000")
                self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.close()


def build_demo(db: Database, cases: int, *, seed: int = 1405, today: Optional[dt.date] = None,
               password: str = DEMO_PASSWORD, services_per_month: Optional[float] = None,
               progress: Optional[Progress] = None) -> DemoResult:
    if services_per_month is None:
        services_per_month = 3.0 if cases <= 5000 else 1.0
    builder = DemoBuilder(db, random.Random(seed), today or dt.date.today(), password, services_per_month,
                          progress)
    return builder.build(cases)
