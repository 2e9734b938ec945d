"""The signed-month rule: one plain function every writing service calls.

A month whose monthly report is signed is closed: a change dated inside it (a service, a case's
status, a review, a referral, a problem step, a file's dates) must give a reason; the change is
audited and recorded against the signed report, which then needs a correction until a newer
one is signed. There is no registry and nothing set up at import time: the rule reads the
report registry itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.documents import MONTHLY
from app.errors import ValidationError
from app.models import CaseFile, Contract, ReportRecord, SignedMonthChange
from app.persian import format_month, to_jalali
from app.services import audit, validation as v
from app.services.policy import Action, Kind, rule
from app.services.context import ServiceContext

FIELD = "amend_reason"


@dataclass(frozen=True)
class MonthMark:
    """A signed month changed since its newest signed report: it needs a correction."""

    contract_id: int
    contract_number: str
    year: int
    month: int
    report_id: str
    changes: int


def signed_monthly_report(session: Session, contract_id: Optional[int], year: int,
                          month: int) -> Optional[ReportRecord]:
    """The newest signed monthly report of a contract's month (the original or its last correction)."""
    if contract_id is None:
        return None
    return session.scalar(select(ReportRecord).where(
        ReportRecord.kind == MONTHLY.key, ReportRecord.contract_id == contract_id, ReportRecord.year == year,
        ReportRecord.month == month, ReportRecord.signed.is_(True))
        .order_by(ReportRecord.correction_number.desc(), ReportRecord.created_at.desc()).limit(1))


def require_reason_in_signed_month(session: Session, ctx: ServiceContext, case_id: int,
                                   dates: Iterable[Optional[dt.date]], reason: str, *, record_kind: str,
                                   record_id: Optional[int] = None, action: str = "update") -> str:
    """Call before a change to a case's records that is dated on `dates` (old and new dates of an edit).

    Returns "" when no date falls in a signed month. Otherwise the reason is required (a
    ValidationError on field "amend_reason" names the month), the change is recorded against
    each signed report it touches and audited, and the reason is returned."""
    contract_id = session.scalar(select(CaseFile.contract_id).where(CaseFile.id == case_id))
    months = sorted({to_jalali(d)[:2] for d in dates if d is not None})
    reports = [r for r in (signed_monthly_report(session, contract_id, y, m) for y, m in months) if r]
    if not reports:
        return ""
    names = "، ".join(format_month(r.year, r.month) for r in reports)
    why = v.text(reason, FIELD, "دلیل اصلاح", max_len=2000, multiline=True)
    if not why:
        raise ValidationError(f"گزارش ماهانه {names} امضا شده است؛ برای این تغییر دلیل اصلاح را بنویسید.",
                              field=FIELD)
    for report in reports:
        session.add(SignedMonthChange(
            report_id=report.id, contract_id=contract_id, year=report.year, month=report.month, case_id=case_id,
            record_kind=record_kind, record_id=record_id, action=action, reason=why, changed_at=ctx.now(),
            changed_by=ctx.actor.staff_id))
    audit.record(session, ctx, "signed_month_change", record_kind, record_id, case_id=case_id,
                 changes={"reports": [r.id for r in reports], "action": action, "reason": why})
    return why


def add_dated_record(session: Session, ctx: ServiceContext, record, *, kind: str, case_id: int, day: dt.date,
                     amend_reason: str) -> None:
    """A new record of a case, dated `day`: saved so it has its id, then held to the signed-month
    rule like any change (a reason is needed when that month's report is signed)."""
    session.add(record)
    session.flush()
    require_reason_in_signed_month(session, ctx, case_id, [day], amend_reason, record_kind=kind,
                                   record_id=record.id, action="create")


def month_needs_correction(session: Session, contract_id: int, year: int, month: int) -> bool:
    """Was anything changed inside this month after its newest signed report?"""
    report = signed_monthly_report(session, contract_id, year, month)
    if report is None:
        return False
    return session.scalar(select(SignedMonthChange.id).where(SignedMonthChange.report_id == report.id)
                          .limit(1)) is not None


@rule(Kind.REPORT, Action.READ)
def months_needing_correction(ctx: ServiceContext) -> list[MonthMark]:
    """Signed months whose records changed after their newest signed report (for the dashboard
    and the reports page): each needs a correction signed."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(SignedMonthChange.report_id, func.count()).group_by(SignedMonthChange.report_id)).all()
        marks = []
        for report_id, count in rows:
            report = session.get(ReportRecord, report_id)
            if report is None or signed_monthly_report(session, report.contract_id, report.year,
                                                       report.month).id != report.id:
                continue  # a newer correction has been signed since
            contract = session.get(Contract, report.contract_id)
            marks.append(MonthMark(report.contract_id, contract.number if contract else "", report.year,
                                   report.month, report.id, count))
        return sorted(marks, key=lambda m: (m.year, m.month, m.contract_number))
