"""The twice-yearly review of each client (seed 003): one per Jalali half-year."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.errors import ValidationError
from app.models import Review, Staff
from app.domain.enums import Role
from app.persian import format_jalali, half_year_bounds, half_year_of
from app.services import audit, concurrency, validation as v
from app.services.cases import adding_to_case, get_case_row
from app.services.context import ServiceContext
from app.services.signed_months import add_dated_record
from app.services.views import ReviewView, SaveResult
from app.services.policy import Action, Kind, rule


@rule(Kind.REVIEW, Action.CREATE)
def add_review(ctx: ServiceContext, case_id: int, *, social_worker_id: int, findings: str,
               decisions: str = "", on: dt.date | str | None = None, amend_reason: str = "") -> SaveResult:
    with adding_to_case(ctx, case_id) as (session, case):
        when = v.day_up_to(ctx.today(), on, "date", "تاریخ بررسی")
        if when < case.received_on:
            raise ValidationError("تاریخ بررسی پیش از دریافت پرونده است.", field="date")
        worker = v.lookup(session, Staff, social_worker_id)
        if worker is None or worker.role not in (Role.SOCIAL_WORKER.value, Role.MANAGER.value):
            raise ValidationError("حضور مددکار اجتماعی در بررسی الزامی است؛ او را انتخاب کنید.",
                                  field="social_worker_id")
        review = Review(
            case_id=case.id, date=when, reviewer_id=ctx.actor.staff_id, social_worker_id=worker.id,
            findings=v.text(findings, "findings", "یافته‌ها", required=True, max_len=20000, multiline=True),
            decisions=v.text(decisions, "decisions", "تصمیم‌ها", max_len=20000, multiline=True))
        warnings = _same_half_warning(session, case.id, when)
        add_dated_record(session, ctx, review, kind="review", case_id=case.id, day=when,
                         amend_reason=amend_reason)
        concurrency.latest_for_derived(session, case)
        case.last_review_on = session.scalar(select(func.max(Review.date)).where(Review.case_id == case.id))
        audit.record(session, ctx, "create", "review", review.id, case_id=case.id,
                     changes={"date": when, "social_worker_id": worker.id})
        return SaveResult(review.id, warnings)


def _same_half_warning(session: Session, case_id: int, when: dt.date) -> tuple[str, ...]:
    start, end = half_year_bounds(*half_year_of(when))
    earlier = session.scalar(select(Review.date).where(
        Review.case_id == case_id, Review.date >= start, Review.date <= end).limit(1))
    if earlier:
        return (f"این مددجو در همین نیم‌سال در {format_jalali(earlier)} بررسی شده بود.",)
    return ()


@rule(Kind.REVIEW, Action.READ)
def list_reviews(ctx: ServiceContext, case_id: int) -> list[ReviewView]:
    reviewer, worker = aliased(Staff), aliased(Staff)
    with ctx.db.read() as session:
        get_case_row(session, ctx, case_id)
        rows = session.execute(
            select(Review, reviewer.first_name, reviewer.last_name, worker.first_name, worker.last_name)
            .outerjoin(reviewer, reviewer.id == Review.reviewer_id).join(worker, worker.id == Review.social_worker_id)
            .where(Review.case_id == case_id).order_by(Review.date.desc()))
        return [ReviewView(r.id, r.case_id, r.date, f"{rf or ''} {rl or ''}".strip(), r.social_worker_id,
                           f"{wf} {wl}", r.findings, r.decisions, r.version) for r, rf, rl, wf, wl in rows]
