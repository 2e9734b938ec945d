"""Realistic generated data for trials and benchmarks: a whole clinic, its staff, contracts and files.

Rows go in with bulk inserts (not one service call each) so 150,000 files take minutes. The same seed
and the same `today` give the same data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import insert

from app.models import (CaseFile, Contract, FamilyMember, Problem, ProblemStep, Referral, Review, Service,
                        Staff)
from app.models.enums import (CareDomain, LivingArrangement, ProblemStage, Relation, Role, ServiceKind,
                              ServiceMode, Sex)
from app.persian import collation_key, half_year_bounds, half_year_of, make_national_code, search_key
from app.services import audit
from app.services.accounts import StaffInput, hash_password
from app.services.clinic import ClinicInput, set_up_clinic
from app.services.context import ServiceContext
from app.services.contracts import FAMILY_CARE_PROGRAMME
from app.services.reports import create_signing_key
from app.services.demo_names import (COUNTIES, FEMALE_NAMES, LAST_NAMES, MALE_NAMES, NOTE_DETAILS,
                                     NOTE_OPENINGS, OCCUPATIONS, PROBLEM_TITLES, REFERRAL_BODIES)
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
                cheque_number=f"{self.rng.randrange(10**6):06d}", cheque_amount_rials=500_000_000,
                cheque_given_on=year_start, cheque_returned_on=None, notes="", created_at=self.now,
                updated_at=self.now))
        with self.db.transaction() as session:
            session.execute(insert(Contract), rows)
        return [r["id"] for r in rows]

    def cases(self, n: int, workers: list[int], psychologists: list[int], contracts: list[int]) -> int:
        buffers: dict[type, list[dict]] = {}
        total_services = 0
        for index in range(n):
            total_services += self.one_case(index, workers, psychologists, contracts, buffers)
            if (index + 1) % BATCH == 0:
                self.flush(buffers)
                self.progress("cases", index + 1, n)
        self.flush(buffers)
        self.progress("cases", n, n)
        return total_services

    def flush(self, buffers: dict[type, list[dict]]) -> None:
        with self.db.transaction() as session:
            for model in (CaseFile, FamilyMember, Problem, ProblemStep, Service, Review, Referral):
                if buffers.get(model):
                    session.execute(insert(model), buffers[model])
        buffers.clear()

    def one_case(self, index: int, workers, psychologists, contracts, out) -> int:
        rng, today = self.rng, self.today
        sex = rng.choice([Sex.FEMALE.value, Sex.MALE.value])
        first, last = self.person(sex)
        birth = self.date_between(today - dt.timedelta(days=365 * 20), today - dt.timedelta(days=365 * 3))
        discharge = self.date_between(birth + dt.timedelta(days=200), today - dt.timedelta(days=400))
        received = self.date_between(max(discharge + dt.timedelta(days=370), today - dt.timedelta(days=700)),
                                     today - dt.timedelta(days=20))
        status = "active" if rng.random() < 0.92 else rng.choice(["closed", "returned"])
        status_on = self.date_between(received, today) if status != "active" else None
        priority = rng.random() < 0.06
        cid = self.ids.take("case")
        case = dict(
            id=cid, behzisti_file_number=f"{1390 + index % 15}{index + 1:07d}", clinic_file_number=str(index + 1),
            first_name=first, last_name=last, father_name=rng.choice(MALE_NAMES),
            national_code=self.national_code(), sex=sex, birth_date=birth,
            living_arrangement=rng.choices([a.value for a in LivingArrangement], weights=[6, 2, 1, 1])[0],
            discharge_date=discharge, received_on=received, early_transfer_reason="",
            contract_id=rng.choice(contracts), priority=priority,
            priority_reason="مشکلات حاد خانوادگی و نیاز به رسیدگی سریع" if priority else "",
            status=status, status_on=status_on,
            status_reason="" if status == "active" else "پایان دوره مراقبت طبق نظر کارشناس ناظر",
            social_worker_id=workers[index % len(workers)], psychologist_id=rng.choice(psychologists),
            behzisti_summary=f"فرزند {first} پس از ترخیص به خانواده بازگشته است. نیاز به پیگیری وضعیت "
                             f"تحصیلی و روابط خانوادگی دارد.",
            address=f"{rng.choice(COUNTIES)}، کوچه {rng.randrange(1, 40)}، پلاک {rng.randrange(1, 200)}",
            phones=f"0912{rng.randrange(10**7):07d}", name_key=search_key(f"{first} {last}"),
            last_name_key=collation_key(last), first_name_key=collation_key(first),
            last_service_on=None, next_follow_up=None, last_review_on=None,
            created_at=self.now, updated_at=self.now)
        out.setdefault(CaseFile, []).append(case)
        self.family(cid, last, out)
        end = status_on or today
        start = max(received, today - dt.timedelta(days=365))
        services = self.services(case, start, end, out)
        self.reviews(case, start, end, out)
        if rng.random() < 0.15:
            self.problem(case, start, end, out)
        if rng.random() < 0.08:
            out.setdefault(Referral, []).append(dict(
                id=self.ids.take("referral"), case_id=cid, date=self.date_between(start, end),
                to_body=rng.choice(REFERRAL_BODIES), reason="نیاز به خدمات تخصصی خارج از کلینیک",
                outcome=rng.choice(["", "پذیرش شد و خدمات آغاز شد."]), outcome_on=None,
                staff_id=case["social_worker_id"], created_at=self.now, updated_at=self.now))
        return services

    def family(self, cid: int, last: str, out) -> None:
        rng = self.rng
        members = [(Relation.MOTHER, rng.choice(FEMALE_NAMES) + " " + rng.choice(LAST_NAMES))]
        if rng.random() < 0.6:
            members.append((Relation.FATHER, rng.choice(MALE_NAMES) + " " + last))
        for _ in range(rng.randrange(0, 3)):
            members.append((Relation.SIBLING, rng.choice(MALE_NAMES + FEMALE_NAMES) + " " + last))
        for relation, name in members:
            out.setdefault(FamilyMember, []).append(dict(
                id=self.ids.take("family"), case_id=cid, name=name, relation=relation.value,
                birth_year=rng.randrange(1340, 1400), occupation=rng.choice(OCCUPATIONS),
                phone=f"0913{rng.randrange(10**7):07d}", lives_with_child=rng.random() < 0.8))

    def services(self, case: dict, start: dt.date, end: dt.date, out) -> int:
        rng = self.rng
        months = max(0.0, (end - start).days / 30.4)
        count = int(months * self.per_month + rng.random())
        dates = sorted(self.date_between(start, end) for _ in range(count))
        kinds = [k.value for k in ServiceKind]
        last = None
        for d in dates:
            kind = rng.choices(kinds, weights=[10, 1, 1, 1, 2, 1])[0]
            domains = ",".join(sorted(rng.sample([c.value for c in CareDomain], rng.randrange(1, 4)),
                                      key=[c.value for c in CareDomain].index)) if kind == "care" else ""
            concern = rng.random() < 0.004
            follow = d + dt.timedelta(days=rng.randrange(7, 45)) if rng.random() < 0.7 else None
            last = dict(
                id=self.ids.take("service"), case_id=case["id"], date=d, kind=kind, domains=domains,
                mode=rng.choices([m.value for m in ServiceMode], weights=[5, 3, 2])[0],
                staff_id=case["social_worker_id"], minutes=rng.choice([15, 30, 45, 60, 90]),
                note=f"{rng.choice(NOTE_OPENINGS[kind])} {rng.choice(NOTE_DETAILS)}", abuse_concern=concern,
                abuse_action="گزارش به اورژانس اجتماعی و اطلاع به کارشناس ناظر انجام شد." if concern else "",
                next_follow_up=follow, problem_id=None, amended_reason="", created_at=self.now,
                updated_at=self.now)
            out.setdefault(Service, []).append(last)
        if last:
            case["last_service_on"], case["next_follow_up"] = last["date"], last["next_follow_up"]
        return count

    def reviews(self, case: dict, start: dt.date, end: dt.date, out) -> None:
        year, half = half_year_of(start)
        last = None
        while True:
            h_start, h_end = half_year_bounds(year, half)
            if h_start > end:
                break
            lo, hi = max(h_start, start), min(h_end, end)
            if lo <= hi and self.rng.random() < 0.85:
                last = self.date_between(lo, hi)
                out.setdefault(Review, []).append(dict(
                    id=self.ids.take("review"), case_id=case["id"], date=last, reviewer_id=1,
                    social_worker_id=case["social_worker_id"],
                    findings="وضعیت کلی فرزند با حضور مددکار بررسی شد و روند مراقبت مناسب است.",
                    decisions="ادامه پیگیری ماهانه", created_at=self.now, updated_at=self.now))
            year, half = (year, 2) if half == 1 else (year + 1, 1)
        case["last_review_on"] = last

    def problem(self, case: dict, start: dt.date, end: dt.date, out) -> None:
        rng = self.rng
        opened = self.date_between(start, end)
        pid = self.ids.take("problem")
        stages = list(ProblemStage)[: rng.randrange(1, len(ProblemStage) + 1)]
        resolved = stages[-1] is ProblemStage.RESOLVED
        day = opened
        for stage in stages:
            out.setdefault(ProblemStep, []).append(dict(
                id=self.ids.take("step"), problem_id=pid, stage=stage.value, date=day,
                note=f"{stage.label} انجام شد.", staff_id=case["social_worker_id"]))
            day = min(end, day + dt.timedelta(days=rng.randrange(3, 20)))
        out.setdefault(Problem, []).append(dict(
            id=pid, case_id=case["id"], title=rng.choice(PROBLEM_TITLES), description="مشکل در بازدید منزل شناسایی شد.",
            stage=stages[-1].value, opened_on=opened, resolved_on=day if resolved else None,
            resolution_note="با همکاری خانواده و پیگیری مددکار مشکل رفع شد." if resolved else "",
            staff_id=case["social_worker_id"], created_at=self.now, updated_at=self.now))


def build_demo(db: Database, cases: int, *, seed: int = 1405, today: Optional[dt.date] = None,
               password: str = DEMO_PASSWORD, services_per_month: Optional[float] = None,
               progress: Optional[Progress] = None) -> DemoResult:
    if services_per_month is None:
        services_per_month = 3.0 if cases <= 5000 else 1.0
    builder = DemoBuilder(db, random.Random(seed), today or dt.date.today(), password, services_per_month,
                          progress)
    return builder.build(cases)
