"""Builds the plain data the printed documents are drawn from (no layout here, no Qt)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Callable, Iterable, Optional

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import (CaseFile, Clinic, Contract, FamilyMember, Problem, Referral, Review, Service, Staff)
from app.domain.enums import (CareDomain, CaseStatus, LivingArrangement, ProblemStage, Relation, Role, ServiceKind,
                              ServiceMode, Sex)
from app.persian import half_year_bounds, half_year_of
from app.printing import data as pd
from app.services import validation as v
from app.services.cases import get_case_row
from app.services.context import ServiceContext
from app.services.policy import Action, Kind, allows, rule

ACTIVE, CLOSED, RETURNED = CaseStatus.ACTIVE.value, CaseStatus.CLOSED.value, CaseStatus.RETURNED.value
Progress = Callable[[int, int], None]


def clinic_info(session: Session) -> pd.ClinicInfo:
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    if clinic is None:
        raise NotFound("کلینیک هنوز راه‌اندازی نشده است.")
    phones = tuple(p.strip() for p in clinic.phones.replace("،", ",").split(",") if p.strip())
    return pd.ClinicInfo(clinic.name, clinic.licence_number, clinic.licence_province, clinic.address, phones,
                         clinic.manager_name, clinic.logo_path or None)


def contract_info(c: Contract) -> pd.ContractInfo:
    return pd.ContractInfo(c.number, c.office_name, c.programme, c.fee_per_case_month_rials, c.capacity,
                           c.supervisor_name, c.start_date, c.end_date)


def _active_during(start: dt.date, end: dt.date):
    """Files the clinic held on at least one day of [start, end]."""
    return and_(CaseFile.received_on <= end,
                or_(CaseFile.status == ACTIVE, CaseFile.status_on.is_(None), CaseFile.status_on >= start))


def _active_on(day: dt.date):
    return and_(CaseFile.received_on <= day,
                or_(CaseFile.status == ACTIVE, CaseFile.status_on.is_(None), CaseFile.status_on > day))


def _count(session: Session, *where) -> int:
    return session.scalar(select(func.count()).select_from(CaseFile).where(*where)) or 0


# What a document prints in place of a psychologist's note: counted, never quoted. No document
# carries one, whoever prints it: a printed page leaves the psychologists and the manager.
CONFIDENTIAL_NOTE = "یادداشت روانشناختی (محرمانه؛ متن آن در این سند نمی‌آید)"


def note_text(s: Service, notes: bool) -> str:
    if s.confidential:
        return CONFIDENTIAL_NOTE
    return s.note if notes else ""


# A psychologist's problem, step or referral: no document carries its text (like their notes above).
CONFIDENTIAL_TEXT = "محرمانه (نوشته روانشناس؛ متن آن در این سند نمی‌آید)"
CONFIDENTIAL_TITLE = "مشکل محرمانه (ثبت روانشناس)"


def _text(text: str, confidential: bool, readable: bool) -> str:
    if confidential:
        return CONFIDENTIAL_TEXT
    return text if readable else ""


def abuse_text(s: Service) -> str:
    return CONFIDENTIAL_NOTE if s.confidential else s.abuse_action


def _service_line(s: Service, staff_name: str, case_worker_id: Optional[int], notes: bool) -> pd.ServiceLine:
    return pd.ServiceLine(
        date=s.date, kind_label=ServiceKind(s.kind).label, mode_label=ServiceMode(s.mode).label, minutes=s.minutes,
        summary_text=note_text(s, notes), domain_labels=_domain_labels(s.domains),
        social_worker=staff_name if s.staff_id != case_worker_id else "")


@lru_cache(maxsize=1024)
def _domain_labels(domains: str) -> tuple[str, ...]:
    """One shared tuple per stored combination: a long month repeats a few dozen of them."""
    return tuple(CareDomain(d).label for d in domains.split(",") if d)


def _staff_names(session: Session) -> dict[int, str]:
    return {i: f"{f} {l}" for i, f, l in session.execute(select(Staff.id, Staff.first_name, Staff.last_name))}


def monthly_summary(session: Session, contract_id: int, start: dt.date, end: dt.date,
                    services: list) -> pd.MonthlySummary:
    in_contract = CaseFile.contract_id == contract_id
    in_month = lambda col: and_(col >= start, col <= end)  # noqa: E731
    by_kind = Counter(s.kind for s in services)
    by_mode = Counter(s.mode for s in services)
    half_start, _ = half_year_bounds(*half_year_of(end))
    # Per file, on ix_review_case_date: a NOT IN list of every review of the half year (all
    # contracts, 100,000+ at province scale) took a third of a second to build.
    reviewed = exists().where(Review.case_id == CaseFile.id, Review.date >= half_start, Review.date <= end)
    contract_files = select(CaseFile.id).where(in_contract)
    concerns = [pd.AbuseConcern(num, s.date, abuse_text(s)) for s, num in _concerns(session, services)]
    return pd.MonthlySummary(
        active_at_start=_count(session, in_contract, _active_on(start - dt.timedelta(days=1))),
        active_at_end=_count(session, in_contract, _active_on(end)),
        new=_count(session, in_contract, in_month(CaseFile.received_on)),
        closed=_count(session, in_contract, CaseFile.status == CLOSED, in_month(CaseFile.status_on)),
        returned=_count(session, in_contract, CaseFile.status == RETURNED, in_month(CaseFile.status_on)),
        services_by_kind={k.label: by_kind.get(k.value, 0) for k in ServiceKind},
        services_by_mode={m.label: by_mode.get(m.value, 0) for m in ServiceMode},
        home_visits=by_mode.get(ServiceMode.HOME_VISIT.value, 0),
        # The contract's files first, then their reviews by (case_id, date): a join let the
        # planner read every review of the month and look up each one's file.
        reviews_done=session.scalar(select(func.count()).select_from(Review).where(
            Review.case_id.in_(contract_files), in_month(Review.date))) or 0,
        reviews_due=_count(session, in_contract, _active_on(end), ~reviewed),
        abuse_concerns=concerns,
        referrals=session.scalar(select(func.count()).select_from(Referral).join(CaseFile).where(
            in_contract, in_month(Referral.date))) or 0,
        problems_opened=session.scalar(select(func.count()).select_from(Problem).join(CaseFile).where(
            in_contract, in_month(Problem.opened_on))) or 0,
        problems_resolved=session.scalar(select(func.count()).select_from(Problem).join(CaseFile).where(
            in_contract, Problem.stage == ProblemStage.RESOLVED.value, in_month(Problem.resolved_on))) or 0,
        total_minutes=sum(s.minutes for s in services),
    )


def _concerns(session: Session, services: list) -> list[tuple]:
    flagged = [s for s in services if s.abuse_concern]
    if not flagged:
        return []
    numbers = dict(session.execute(select(CaseFile.id, CaseFile.behzisti_file_number).where(
        CaseFile.id.in_({s.case_id for s in flagged}))).all())
    return [(s, numbers[s.case_id]) for s in sorted(flagged, key=lambda s: (s.date, s.id))]


# What the month's report reads of a service. Rows of these columns, not Service objects: a
# mapped object with its identity-map state and every column (amendment reasons, follow-ups) was
# most of the memory a 1,350-page month held while it was read (issue 17). A row answers the same
# attribute names, so the functions below take either.
_MONTH_SERVICE_COLUMNS = (Service.id, Service.case_id, Service.date, Service.kind, Service.mode, Service.minutes,
                          Service.domains, Service.staff_id, Service.note, Service.confidential, Service.abuse_concern,
                          Service.abuse_action)


def month_services(session: Session, contract_id: int, start: dt.date, end: dt.date) -> list:
    return list(session.execute(
        select(*_MONTH_SERVICE_COLUMNS).join(CaseFile).where(
            CaseFile.contract_id == contract_id, Service.date >= start, Service.date <= end)
        .order_by(Service.date, Service.id)))


_CLIENT_COLUMNS = (CaseFile.id, CaseFile.behzisti_file_number, CaseFile.clinic_file_number, CaseFile.first_name,
                   CaseFile.last_name, CaseFile.social_worker_id, CaseFile.priority)


def client_rows(session: Session, contract_id: int, start: dt.date, end: dt.date, services: list,
                names: dict[int, str], notes: bool, progress: Optional[Progress] = None) -> list[pd.ClientMonthRow]:
    by_case: dict[int, list[Service]] = defaultdict(list)
    for s in services:
        by_case[s.case_id].append(s)
    cases = session.execute(select(*_CLIENT_COLUMNS).where(CaseFile.contract_id == contract_id,
                                                          _active_during(start, end))
                            .order_by(CaseFile.priority.desc(), CaseFile.last_name_key, CaseFile.first_name_key,
                                      CaseFile.id)).all()
    rows = []
    for index, c in enumerate(cases):
        own = by_case.get(c.id, [])
        rows.append(pd.ClientMonthRow(
            behzisti_file_number=c.behzisti_file_number, clinic_file_number=c.clinic_file_number,
            full_name=f"{c.first_name} {c.last_name}", social_worker=names.get(c.social_worker_id, ""),
            services=[_service_line(s, names.get(s.staff_id, ""), c.social_worker_id, notes) for s in own],
            priority=c.priority, abuse_concern=any(s.abuse_concern for s in own)))
        if progress and index % 200 == 0:
            progress(index, len(cases))
    return rows


def payable_case_months(session: Session, contract_id: int, start: dt.date, end: dt.date) -> int:
    """Files held under the contract during the month, capped by the contract's capacity."""
    contract = session.get(Contract, contract_id)
    held = _count(session, CaseFile.contract_id == contract_id, _active_during(start, end))
    return min(held, contract.capacity) if contract else held


def signers_for(session: Session, worker_ids: Iterable[int], names: dict[int, str]) -> list[pd.Signer]:
    signers = [pd.Signer(names[i], Role.SOCIAL_WORKER.label) for i in sorted(set(worker_ids), key=names.get)
               if i in names]
    manager = session.scalar(select(Staff).where(Staff.role == Role.MANAGER.value, Staff.active.is_(True))
                             .order_by(Staff.id).limit(1))
    if manager is not None:
        signers.append(pd.Signer(manager.full_name, "مدیر کلینیک"))
    return signers


def child_identity(c: CaseFile, names: dict[int, str]) -> pd.ChildIdentity:
    return pd.ChildIdentity(
        full_name=f"{c.first_name} {c.last_name}", father_name=c.father_name, sex_label=Sex(c.sex).label,
        birth_date=c.birth_date, national_code=c.national_code or "", behzisti_file_number=c.behzisti_file_number,
        clinic_file_number=c.clinic_file_number, living_label=LivingArrangement(c.living_arrangement).label,
        status_label=CaseStatus(c.status).label, social_worker=names.get(c.social_worker_id, ""),
        address=c.address, phone=c.phones, discharge_date=c.discharge_date, received_date=c.received_on,
        priority=c.priority)


@rule(Kind.CASE_DOCUMENT, Action.READ)
def case_summary_parts(ctx: ServiceContext, session: Session, case_id: int) -> dict:
    """Everything about one child that the case-file summary prints."""
    c = get_case_row(session, ctx, case_id)
    names = _staff_names(session)
    notes = allows(ctx.actor, Kind.VISIT_NOTE, Action.READ)
    problems_ok, reviews_ok, referrals_ok = (allows(ctx.actor, k, Action.READ)
                                             for k in (Kind.PROBLEM, Kind.REVIEW, Kind.REFERRAL))
    services = session.scalars(select(Service).where(Service.case_id == c.id).order_by(Service.date, Service.id))
    problems = session.scalars(select(Problem).where(Problem.case_id == c.id).order_by(Problem.opened_on))
    reviews = session.scalars(select(Review).where(Review.case_id == c.id).order_by(Review.date))
    referrals = session.scalars(select(Referral).where(Referral.case_id == c.id).order_by(Referral.date))
    contract = session.get(Contract, c.contract_id) if c.contract_id else None
    return dict(
        child=child_identity(c, names),
        family=[pd.FamilyMember(m.name, Relation(m.relation).label, None, m.occupation, m.phone,
                                "" if m.lives_with_child else "جدا از فرزند زندگی می‌کند")
                for m in session.scalars(select(FamilyMember).where(FamilyMember.case_id == c.id))],
        behzisti_summary=c.behzisti_summary if notes else "",
        services=[_service_line(s, names.get(s.staff_id, ""), c.social_worker_id, notes) for s in services],
        problems=[pd.ProblemRecord(CONFIDENTIAL_TITLE if p.confidential else p.title, p.opened_on,
                                   ProblemStage(p.stage).label,
                                   [pd.StageStep(s.date, ProblemStage(s.stage).label,
                                                 _text(s.note, s.confidential or p.confidential, problems_ok))
                                    for s in p.steps], p.resolved_on) for p in problems],
        reviews=[pd.ReviewRecord(r.date, names.get(r.reviewer_id, ""), names.get(r.social_worker_id, ""),
                                 (r.findings + ("\n" + r.decisions if r.decisions else "")) if reviews_ok else "")
                 for r in reviews],
        referrals=[pd.ReferralRecord(r.date, CONFIDENTIAL_TEXT if r.confidential else r.to_body,
                                     _text(r.reason, r.confidential, referrals_ok),
                                     _text(r.outcome, r.confidential or r.outcome_confidential, referrals_ok)
                                     if r.outcome else "")
                   for r in referrals],
        contract=contract_info(contract) if contract else None,
        signers=[pd.Signer(names.get(c.social_worker_id, ""), Role.SOCIAL_WORKER.label)] if c.social_worker_id else [],
    )


@rule(Kind.CASE_DOCUMENT, Action.READ)
def review_parts(ctx: ServiceContext, session: Session, review_id: int) -> dict:
    review = v.lookup(session, Review, review_id)
    if review is None:
        raise NotFound("بررسی پیدا نشد.")
    c = get_case_row(session, ctx, review.case_id)
    names = _staff_names(session)
    notes = allows(ctx.actor, Kind.REVIEW, Action.READ)
    year, half = half_year_of(review.date)
    start, end = half_year_bounds(year, half)
    next_start = half_year_bounds(year + 1, 1)[0] if half == 2 else half_year_bounds(year, 2)[0]
    decisions = [d.strip() for d in review.decisions.splitlines() if d.strip()] if notes else []
    return dict(
        child=child_identity(c, names), period_start=start, period_end=end, review_date=review.date,
        reviewer=names.get(review.reviewer_id, ""), attending_social_worker=names.get(review.social_worker_id, ""),
        sections=[pd.ReviewSection("یافته‌ها", review.findings if notes else "")], decisions=decisions,
        signers=[pd.Signer(names.get(review.reviewer_id, ""), "مدیر کلینیک"),
                 pd.Signer(names.get(review.social_worker_id, ""), Role.SOCIAL_WORKER.label)],
        next_review=next_start)
