"""Services delivered to a child (visit notes): the lines the monthly report is made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.limits import MAX_SERVICE_MINUTES
from app.errors import NotFound, PermissionDenied, ValidationError
from app.models import CaseFile, Problem, Service, Staff
from app.domain.enums import CareDomain, CaseStatus, Role, ServiceKind, ServiceMode
from app.services import audit, concurrency, validation as v
from app.services.cases import adding_to_case, get_case_row
from app.services.context import ServiceContext
from app.services.signed_months import require_reason_in_signed_month
from app.services.permissions import can_read_notes, can_read_psychological, require_service_writer
from app.services.views import SaveResult, ServiceView
from app.services.policy import Action, Kind, allows, helper, require, rule

MAX_MINUTES = MAX_SERVICE_MINUTES  # a longer "visit" is a typing slip (the form's box stops here too)
MINUTES_LABEL = "مدت (دقیقه)"
MINUTES_MESSAGE = "مدت خدمت را به دقیقه بنویسید؛ برای بازدید، جلسه یا تماس باید بیشتر از صفر باشد."

SERVICE_FIELDS = ("date", "kind", "domains", "mode", "staff_id", "minutes", "note", "abuse_concern",
                  "abuse_action", "next_follow_up", "problem_id")

@dataclass
class ServiceInput:
    kind: str
    mode: str
    note: str
    date: dt.date | str | None = None
    domains: Sequence[str] = field(default_factory=tuple)
    staff_id: Optional[int] = None
    minutes: int | str | None = 0
    abuse_concern: bool = False
    abuse_action: str = ""
    next_follow_up: dt.date | str | None = None
    problem_id: Optional[int] = None
    amend_reason: str = ""
    version: Optional[int] = None  # the version the screen read; None: no check (import, command line)


def _apply(session: Session, ctx: ServiceContext, case: CaseFile, svc: Service, data: ServiceInput) -> None:
    today = ctx.today()
    svc.date = v.date(data.date if data.date is not None else today, "date", "تاریخ خدمت", required=True,
                      not_after=today)
    if svc.date < case.received_on:
        raise ValidationError("تاریخ خدمت پیش از تاریخ دریافت پرونده است.", field="date")
    kind = v.choice(ServiceKind, data.kind, "kind", "نوع خدمت")
    svc.kind = kind.value
    domains = [v.choice(CareDomain, d, "domains", "حوزه مراقبت").value for d in data.domains or ()]
    if kind is ServiceKind.CARE and not domains:
        raise ValidationError("برای خدمت مراقبت و پیگیری، دست‌کم یک حوزه را علامت بزنید.", field="domains")
    svc.domains = ",".join(d.value for d in CareDomain if d.value in domains) if kind is ServiceKind.CARE else ""
    svc.mode = v.choice(ServiceMode, data.mode, "mode", "نحوه ارائه").value
    svc.staff_id = _staff(session, ctx, data.staff_id or svc.staff_id or ctx.actor.staff_id, keep=svc.staff_id)
    svc.minutes = _minutes(data.minutes)
    svc.note = v.text(data.note, "note", "شرح خدمت", required=True, max_len=20000, multiline=True)
    svc.abuse_concern = v.flag(data.abuse_concern)
    svc.abuse_action = v.text(data.abuse_action, "abuse_action", "اقدام انجام‌شده", max_len=5000, multiline=True)
    if svc.abuse_concern and not svc.abuse_action:
        raise ValidationError("برای نگرانی کودک‌آزاری، اقدام انجام‌شده را بنویسید.", field="abuse_action")
    svc.next_follow_up = v.date(data.next_follow_up, "next_follow_up", "تاریخ پیگیری بعدی")
    if svc.next_follow_up and svc.next_follow_up < svc.date:
        raise ValidationError("تاریخ پیگیری بعدی باید بعد از تاریخ خدمت باشد.", field="next_follow_up")
    svc.problem_id = _problem(session, case.id, data.problem_id)


def _minutes(value: object) -> int:
    """Every mode (home, clinic, phone) is a contact with the family: it lasted some minutes.
    A note saved with 0 would count in the monthly report as a visit that took no time."""
    minutes = v.integer(value, "minutes", MINUTES_LABEL, minimum=0, maximum=MAX_MINUTES)
    if not minutes:
        raise ValidationError(MINUTES_MESSAGE, field="minutes")
    return minutes


def check_visit_entry(data: ServiceInput, today: dt.date) -> list[ValidationError]:
    """Every field error of a note as typed, at once and without the database (the form calls
    it before saving); the save applies the same rules, one at a time."""

    def domains() -> None:
        if data.kind == ServiceKind.CARE.value and not data.domains:
            raise ValidationError("برای خدمت مراقبت و پیگیری، دست‌کم یک حوزه را علامت بزنید.", field="domains")

    def abuse_action() -> None:
        if data.abuse_concern and not v.text(data.abuse_action, "abuse_action", "اقدام انجام‌شده",
                                             max_len=5000, multiline=True):
            raise ValidationError("برای نگرانی کودک‌آزاری، اقدام انجام‌شده را بنویسید.", field="abuse_action")

    return v.collect((
        lambda: v.date(data.date, "date", "تاریخ خدمت", required=True, not_after=today),
        lambda: v.choice(ServiceKind, data.kind, "kind", "نوع خدمت"),
        domains,
        lambda: v.choice(ServiceMode, data.mode, "mode", "نحوه ارائه"),
        lambda: _minutes(data.minutes),
        lambda: v.text(data.note, "note", "شرح خدمت", required=True, max_len=20000, multiline=True),
        abuse_action,
        lambda: v.date(data.next_follow_up, "next_follow_up", "تاریخ پیگیری بعدی"),
    ))


def _staff(session: Session, ctx: ServiceContext, staff_id: Optional[int], keep: Optional[int] = None) -> int:
    staff = v.lookup(session, Staff, staff_id)
    if staff is None or not staff.active:
        raise ValidationError("ارائه‌دهنده خدمت را از فهرست کارکنان فعال انتخاب کنید.", field="staff_id")
    # Editing a colleague's note keeps its author; naming someone else as the author is the manager's.
    if staff.id not in (ctx.actor.staff_id, keep) and not ctx.actor.is_manager:
        raise PermissionDenied("خدمت را فقط به نام خودتان می‌توانید ثبت کنید.", field="staff_id")
    return staff.id


def _confidential_check(session: Session, ctx: ServiceContext, svc: Service, action: Action) -> None:
    """A psychologist's note is one from the moment it is written; only its readers may touch it."""
    if svc.confidential:
        require(ctx.actor, Kind.PSYCH_NOTE, action)


def _problem(session: Session, case_id: int, problem_id: object) -> Optional[int]:
    if problem_id in (None, ""):
        return None
    problem = v.lookup(session, Problem, problem_id)
    if problem is None or problem.case_id != case_id:
        raise ValidationError("مشکل را از فهرست مشکلات همین پرونده انتخاب کنید.", field="problem_id")
    return problem.id


def _amend_reason(session: Session, ctx: ServiceContext, case_id: int, dates: Sequence[dt.date],
                  reason: str) -> str:
    """A change inside a month whose report is signed must say why; it is marked on the service."""
    return require_reason_in_signed_month(session, ctx, case_id, dates, reason, record_kind="service")


def refresh_case_dates(session: Session, case: CaseFile) -> None:
    """The case keeps its latest service date and that service's follow-up date for worklists."""
    session.flush()
    concurrency.latest_for_derived(session, case)
    latest = session.execute(
        select(Service.date, Service.next_follow_up).where(Service.case_id == case.id)
        .order_by(Service.date.desc(), Service.id.desc()).limit(1)).first()
    case.last_service_on = latest[0] if latest else None
    case.next_follow_up = latest[1] if latest else None


@rule(Kind.VISIT_NOTE, Action.CREATE)
def add_service(ctx: ServiceContext, case_id: int, data: ServiceInput) -> SaveResult:
    with adding_to_case(ctx, case_id) as (session, case):
        if case.status != CaseStatus.ACTIVE.value:
            raise ValidationError("این پرونده فعال نیست؛ برای ثبت خدمت ابتدا آن را فعال کنید.", field="date")
        svc = Service(case_id=case.id)
        _apply(session, ctx, case, svc, data)
        svc.confidential = session.get(Staff, svc.staff_id).role == Role.PSYCHOLOGIST.value
        _confidential_check(session, ctx, svc, Action.CREATE)
        svc.amended_reason = _amend_reason(session, ctx, case.id, [svc.date], data.amend_reason)
        session.add(svc)
        refresh_case_dates(session, case)
        audit.record(session, ctx, "create", "service", svc.id, case_id=case.id,
                     changes=audit.snapshot(svc, SERVICE_FIELDS))
        return SaveResult(svc.id)


@rule(Kind.VISIT_NOTE, Action.CHANGE)
def update_service(ctx: ServiceContext, service_id: int, data: ServiceInput) -> SaveResult:
    require_service_writer(ctx.actor)
    with ctx.db.transaction() as session:
        svc = _get(session, service_id, data.version)
        case = get_case_row(session, ctx, svc.case_id)
        _confidential_check(session, ctx, svc, Action.CHANGE)
        before = audit.snapshot(svc, SERVICE_FIELDS)
        _apply(session, ctx, case, svc, data)
        reason = _amend_reason(session, ctx, case.id, [before["date"], svc.date], data.amend_reason)
        if reason:
            svc.amended_reason = reason
        refresh_case_dates(session, case)
        changes = audit.diff(before, audit.snapshot(svc, SERVICE_FIELDS))
        if reason:
            changes["amend_reason"] = [None, reason]
        audit.record(session, ctx, "update", "service", svc.id, case_id=case.id, changes=changes)
        session.flush()
        return SaveResult(svc.id, version=svc.version)


@rule(Kind.VISIT_NOTE, Action.DELETE)
def delete_service(ctx: ServiceContext, service_id: int, reason: str = "", version: Optional[int] = None) -> None:
    require_service_writer(ctx.actor)
    with ctx.db.transaction() as session:
        svc = _get(session, service_id, version)
        case = get_case_row(session, ctx, svc.case_id)
        _confidential_check(session, ctx, svc, Action.DELETE)
        why = _amend_reason(session, ctx, case.id, [svc.date], reason)
        snapshot = audit.snapshot(svc, SERVICE_FIELDS)
        if why:
            snapshot["amend_reason"] = why
        session.delete(svc)
        refresh_case_dates(session, case)
        audit.record(session, ctx, "delete", "service", service_id, case_id=case.id, changes=snapshot)


def _get(session: Session, service_id: int, version: Optional[int] = None) -> Service:
    svc = v.lookup(session, Service, service_id)
    if svc is None:
        raise concurrency.gone(session, "service", service_id, version) if version is not None \
            else NotFound("خدمت پیدا نشد.")
    concurrency.expect(session, svc, version)
    return svc


@rule(Kind.VISIT_NOTE, Action.READ)
def list_services(ctx: ServiceContext, case_id: int) -> list[ServiceView]:
    with ctx.db.read() as session:
        get_case_row(session, ctx, case_id)
        rows = session.execute(
            select(Service, Staff.first_name, Staff.last_name, Staff.role).join(Staff, Staff.id == Service.staff_id)
            .where(Service.case_id == case_id).order_by(Service.date.desc(), Service.id.desc()))
        return [service_view(ctx, s, f"{first} {last}", role) for s, first, last, role in rows]


@helper
def service_view(ctx: ServiceContext, s: Service, staff_name: str, staff_role: str) -> ServiceView:
    hidden = not allows(ctx.actor, Kind.VISIT_NOTE, Action.READ) or (
        s.confidential and not allows(ctx.actor, Kind.PSYCH_NOTE, Action.READ))
    abuse_hidden = hidden or not allows(ctx.actor, Kind.ABUSE, Action.READ)
    return ServiceView(
        id=s.id, case_id=s.case_id, date=s.date, kind=s.kind, kind_label=ServiceKind(s.kind).label,
        domains=tuple(d for d in s.domains.split(",") if d), mode=s.mode, mode_label=ServiceMode(s.mode).label,
        staff_id=s.staff_id, staff_name=staff_name, minutes=s.minutes,
        note="" if hidden else s.note, abuse_concern=s.abuse_concern,
        abuse_action="" if abuse_hidden else s.abuse_action, next_follow_up=s.next_follow_up,
        problem_id=s.problem_id, amended_reason=s.amended_reason, note_hidden=hidden, version=s.version,
    )
