"""Adding up a month: per clinic and contract, which clinics have not reported, the province by
county, and the checks an office wants listed. Reads only the current (not replaced) documents."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Optional

from sqlalchemy import func, select

from app.office.models import OfficeClinic, OfficeContract, OfficeDocument
from app.office.registry import OfficeContext, iran_date
from app.persian import format_month, format_number as _n, month_bounds

LATE_AFTER_DAYS = 10  # a report is due by the 10th of the next month
OVERDUE_THRESHOLD = 0.10  # share of active files whose review is behind schedule


@dataclass(frozen=True)
class ClinicMonth:
    county: str
    clinic: str
    licence: str
    contract: str
    capacity: int
    fee_rials: int
    report_id: str
    correction_number: int
    received_on: Optional[dt.date]
    late: bool
    active_at_start: int
    active_at_end: int
    new_files: int
    closed_files: int
    returned_files: int
    total_services: int
    services_by_kind: dict[str, int]
    services_by_mode: dict[str, int]
    home_visits: int
    home_visits_per_file: float
    reviews_done: int
    reviews_due: int
    reviews_overdue: int
    abuse_concerns: int
    referrals: int
    payable_case_months: int
    invoice_id: str
    amount_invoiced_rials: int

    @property
    def capacity_used(self) -> float:
        return self.active_at_end / self.capacity if self.capacity else 0.0


@dataclass(frozen=True)
class Missing:
    county: str
    clinic: str
    licence: str
    contract: str
    invoice_only: bool = False  # an invoice came but no report


@dataclass(frozen=True)
class CountyTotal:
    county: str
    clinics: int
    reported: int
    capacity: int
    active_at_end: int
    total_services: int
    home_visits: int
    reviews_done: int
    reviews_overdue: int
    abuse_concerns: int
    amount_invoiced_rials: int


@dataclass(frozen=True)
class Finding:
    kind: str  # invoice_mismatch | capacity | reviews_overdue | late | not_reported
    clinic: str
    licence: str
    contract: str
    message: str


@dataclass
class MonthSummary:
    year: int
    month: int
    rows: list[ClinicMonth] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    counties: list[CountyTotal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    services_by_kind: dict[str, int] = field(default_factory=dict)
    services_by_mode: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return format_month(self.year, self.month)

    def to_json(self) -> dict:
        def plain(obj):
            d = asdict(obj)
            return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in d.items()}
        return {"format": "parvandeh.office_month", "version": 1, "year": self.year, "month": self.month,
                "rows": [plain(r) for r in self.rows], "not_reported": [plain(m) for m in self.missing],
                "counties": [plain(c) for c in self.counties], "checks": [plain(f) for f in self.findings],
                "services_by_kind": self.services_by_kind, "services_by_mode": self.services_by_mode}


def overdue_reviews(active: int, due: int, month: int) -> int:
    """Files whose half-yearly review is behind an even pace: by the k-th month of the half year,
    k/6 of the active files should have had theirs (all of them by months 6 and 12)."""
    k = (month - 1) % 6 + 1
    may_still_wait = math.floor(active * (6 - k) / 6)
    return max(0, due - may_still_wait)


def month_summary(ctx: OfficeContext, year: int, month: int, *, late_after_days: int = LATE_AFTER_DAYS,
                  overdue_threshold: float = OVERDUE_THRESHOLD) -> MonthSummary:
    from app.office import access
    access.require(ctx, access.READ)
    access.audit(ctx, "summary", format_month(year, month))
    start, end = month_bounds(year, month)
    due_by = end + dt.timedelta(days=late_after_days)
    result = MonthSummary(year, month)
    with ctx.db.read() as session:
        contracts = session.execute(
            select(OfficeContract, OfficeClinic).join(OfficeClinic, OfficeContract.clinic_id == OfficeClinic.id)
            .order_by(OfficeClinic.county, OfficeClinic.name, OfficeContract.number)).all()
        docs = session.scalars(select(OfficeDocument).where(
            OfficeDocument.year == year, OfficeDocument.month == month, OfficeDocument.current.is_(True))).all()
        first_received = dict(session.execute(
            select(OfficeDocument.contract_id, func.min(OfficeDocument.received_at)).where(
                OfficeDocument.year == year, OfficeDocument.month == month, OfficeDocument.kind == "monthly")
            .group_by(OfficeDocument.contract_id)).all())
    reports = {d.contract_id: d for d in docs if d.kind == "monthly"}
    invoices = {d.contract_id: d for d in docs if d.kind == "invoice"}
    by_kind, by_mode = Counter(), Counter()
    for contract, clinic in contracts:
        if (contract.start_date and end < contract.start_date) or (contract.end_date and start > contract.end_date):
            continue
        report, invoice = reports.get(contract.id), invoices.get(contract.id)
        if report is None:
            result.missing.append(Missing(clinic.county, clinic.name, clinic.licence, contract.number,
                                          invoice is not None))
            _check_invoice(result, clinic, contract, None, invoice)
            continue
        received = first_received.get(contract.id)
        row = _row(clinic, contract, report, invoice, received, due_by, month)
        result.rows.append(row)
        by_kind.update(row.services_by_kind)
        by_mode.update(row.services_by_mode)
        _check_invoice(result, clinic, contract, report, invoice)
        _check_row(result, row, overdue_threshold, late_after_days)
    result.services_by_kind, result.services_by_mode = dict(by_kind), dict(by_mode)
    result.counties = _counties(contracts, result, start, end)
    return result


def _row(clinic, contract, report: OfficeDocument, invoice: Optional[OfficeDocument],
         received: Optional[dt.datetime], due_by: dt.date, month: int) -> ClinicMonth:
    details = json.loads(report.details_json or "{}")
    received_on = iran_date(received) if received else None
    active = report.active_at_end
    return ClinicMonth(
        county=clinic.county, clinic=clinic.name, licence=clinic.licence, contract=contract.number,
        capacity=contract.capacity, fee_rials=contract.fee_rials, report_id=report.document_id,
        correction_number=report.correction_number, received_on=received_on,
        late=bool(received_on and received_on > due_by), active_at_start=report.active_at_start,
        active_at_end=active, new_files=report.new_files, closed_files=report.closed_files,
        returned_files=report.returned_files, total_services=report.total_services,
        services_by_kind=details.get("services_by_kind", {}), services_by_mode=details.get("services_by_mode", {}),
        home_visits=report.home_visits, home_visits_per_file=round(report.home_visits / active, 2) if active else 0.0,
        reviews_done=report.reviews_done, reviews_due=report.reviews_due,
        reviews_overdue=overdue_reviews(active, report.reviews_due, month),
        abuse_concerns=report.abuse_concerns, referrals=report.referrals,
        payable_case_months=report.payable_case_months, invoice_id=invoice.document_id if invoice else "",
        amount_invoiced_rials=invoice.amount_rials if invoice else 0)


def _check_invoice(result: MonthSummary, clinic, contract, report: Optional[OfficeDocument],
                   invoice: Optional[OfficeDocument]) -> None:
    if invoice is None:
        return
    problems = []
    if report is None:
        problems.append("گزارش عملکرد امضاشده این ماه نرسیده است")
    else:
        if invoice.cites_report_id != report.document_id:
            problems.append(f"به گزارش {invoice.cites_report_id or '—'} استناد می‌کند، نه به گزارش کنونی "
                            f"{report.document_id}")
        if invoice.payable_case_months != report.payable_case_months:
            problems.append(f"{_n(invoice.payable_case_months)} پرونده‌ماه صورت کرده، گزارش امضاشده "
                            f"{_n(report.payable_case_months)} نشان می‌دهد")
    if invoice.fee_rials != contract.fee_rials:
        problems.append(f"مبلغ هر پرونده {_n(invoice.fee_rials)} ریال است، در قرارداد {_n(contract.fee_rials)} ریال")
    if invoice.amount_rials != invoice.payable_case_months * invoice.fee_rials:
        problems.append("جمع صورتحساب با تعداد × مبلغ نمی‌خواند")
    if problems:
        result.findings.append(Finding("invoice_mismatch", clinic.name, clinic.licence, contract.number,
                                       f"صورتحساب {invoice.document_id}: " + "؛ ".join(problems)))


def _check_row(result: MonthSummary, row: ClinicMonth, threshold: float, late_after_days: int) -> None:
    if row.active_at_end > row.capacity:
        result.findings.append(Finding("capacity", row.clinic, row.licence, row.contract,
                                       f"{_n(row.active_at_end)} پرونده فعال، بیش از ظرفیت {_n(row.capacity)}"))
    if row.active_at_end and row.reviews_overdue / row.active_at_end > threshold:
        result.findings.append(Finding(
            "reviews_overdue", row.clinic, row.licence, row.contract,
            f"بررسی شش‌ماهه {_n(row.reviews_overdue)} پرونده از {_n(row.active_at_end)} عقب افتاده است"))
    if row.late:
        result.findings.append(Finding("late", row.clinic, row.licence, row.contract,
                                       f"گزارش دیر رسید ({_n(late_after_days)} روز پس از پایان ماه گذشته بود)"))


def _counties(contracts, result: MonthSummary, start: dt.date, end: dt.date) -> list[CountyTotal]:
    clinics: dict[str, set] = defaultdict(set)
    capacity: Counter = Counter()
    for contract, clinic in contracts:
        if (contract.start_date and end < contract.start_date) or (contract.end_date and start > contract.end_date):
            continue
        clinics[clinic.county].add(clinic.id)
        capacity[clinic.county] += contract.capacity
    reported: dict[str, set] = defaultdict(set)
    sums: dict[str, Counter] = defaultdict(Counter)
    for row in result.rows:
        reported[row.county].add(row.licence)
        sums[row.county].update(active_at_end=row.active_at_end, total_services=row.total_services,
                                home_visits=row.home_visits, reviews_done=row.reviews_done,
                                reviews_overdue=row.reviews_overdue, abuse_concerns=row.abuse_concerns,
                                amount_invoiced_rials=row.amount_invoiced_rials)
    return [CountyTotal(county, len(clinics[county]), len(reported[county]), capacity[county],
                        *(sums[county][k] for k in ("active_at_end", "total_services", "home_visits", "reviews_done",
                                                    "reviews_overdue", "abuse_concerns", "amount_invoiced_rials")))
            for county in sorted(clinics)]


def not_reported_findings(summary: MonthSummary) -> list[Finding]:
    return [Finding("not_reported", m.clinic, m.licence, m.contract, "گزارش این ماه نرسیده است")
            for m in summary.missing]
