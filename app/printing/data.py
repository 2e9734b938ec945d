"""What the printed documents are drawn from: plain frozen dataclasses the services fill.

Nothing here touches the database or Qt. Texts are given as the user typed them (labels come
from app.domain.enums `.label`); numbers and dates are plain Python values and the documents
format them (Persian digits, Jalali dates). Images are a file path or the file's bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Union

from app.persian import format_jalali, number_to_words


@lru_cache(maxsize=4096)
def jalali_date(day: dt.date, persian_digits: bool = True) -> str:
    """format_jalali, remembered: a month's report prints the same thirty dates thousands of times
    and each conversion costs tens of microseconds."""
    return format_jalali(day, persian_digits=persian_digits)


ImageSource = Union[Path, str, bytes]


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    licence_number: str
    licence_province: str
    address: str
    phones: tuple[str, ...]
    manager_name: str
    logo_path: ImageSource | None = None


@dataclass(frozen=True)
class ContractInfo:
    number: str
    office_name: str  # the county office that signed it, e.g. «اداره بهزیستی شهرستان ...»
    programme: str
    fee_per_case_month_rials: int
    capacity: int
    supervisor_name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Signer:
    name: str
    role_label: str
    signature_image: ImageSource | None = None
    stamp_image: ImageSource | None = None


@dataclass(frozen=True, slots=True)  # one per service of a month: no __dict__ each
class ServiceLine:
    date: dt.date
    kind_label: str
    mode_label: str
    minutes: int
    summary_text: str
    domain_labels: tuple[str, ...] = ()  # care domains touched, for «مراقبت و پیگیری»
    social_worker: str = ""  # who delivered it, when it differs from the case's worker


class AbuseConcern(NamedTuple):
    file_number: str
    date: dt.date
    action_note: str


@dataclass(frozen=True)
class MonthlySummary:
    active_at_start: int
    active_at_end: int
    new: int
    closed: int
    returned: int
    services_by_kind: dict[str, int]  # label -> count, in the order to print
    services_by_mode: dict[str, int]
    home_visits: int
    reviews_done: int
    reviews_due: int
    abuse_concerns: list[AbuseConcern]
    referrals: int
    problems_opened: int
    problems_resolved: int
    total_minutes: int

    @property
    def total_services(self) -> int:
        return sum(self.services_by_kind.values())


@dataclass(frozen=True, slots=True)
class ClientMonthRow:
    behzisti_file_number: str
    clinic_file_number: str
    full_name: str
    social_worker: str
    services: list[ServiceLine]
    priority: bool = False
    abuse_concern: bool = False


# Columns of the monthly report's export, one row per service: (key, Persian heading).
MONTHLY_ROW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "ردیف"),
    ("behzisti_file_number", "شماره پرونده بهزیستی"),
    ("clinic_file_number", "شماره پرونده کلینیک"),
    ("full_name", "نام و نام خانوادگی"),
    ("social_worker", "مددکار"),
    ("priority", "اولویت‌دار"),
    ("abuse_concern", "نگرانی کودک‌آزاری"),
    ("date", "تاریخ (میلادی)"),
    ("date_jalali", "تاریخ"),
    ("kind", "نوع خدمت"),
    ("mode", "شیوه"),
    ("domains", "حوزه‌ها"),
    ("minutes", "مدت (دقیقه)"),
    ("summary", "شرح خدمت"),
)


@dataclass(frozen=True)
class MonthlyReportData:
    report_id: str
    clinic: ClinicInfo
    contract: ContractInfo
    year: int
    month: int
    generated_at: dt.datetime
    generated_by: str
    summary: MonthlySummary
    clients: list[ClientMonthRow]
    signers: list[Signer]
    correction_number: int | None = None
    replaces_report_id: str | None = None
    qr_payload: str = ""
    correction_reason: str = ""
    changes: list["ChangeRow"] = field(default_factory=list)  # a correction against the signed original
    draft: bool = False  # not being signed: «پیش‌نویس» on every page

    def to_table_rows(self) -> list[dict[str, object]]:
        """One dict per service (a client with no service this month gets one empty row).

        Keys are MONTHLY_ROW_COLUMNS' keys; values are plain (ISO date, int, bool, str) so
        xlsx, JSON and CSV exports read the same rows.
        """
        return list(self.iter_table_rows())

    def iter_table_rows(self):
        """to_table_rows one row at a time (a long month's workbook never holds them all)."""
        for number, client in enumerate(self.clients, start=1):
            identity = {
                "row": number,
                "behzisti_file_number": client.behzisti_file_number,
                "clinic_file_number": client.clinic_file_number,
                "full_name": client.full_name,
                "social_worker": client.social_worker,
                "priority": client.priority,
                "abuse_concern": client.abuse_concern,
            }
            if not client.services:
                yield identity | _empty_service()
            for service in client.services:
                yield identity | _service_fields(service)


def _empty_service() -> dict[str, object]:
    return {"date": "", "date_jalali": "", "kind": "", "mode": "", "domains": "",
            "minutes": 0, "summary": ""}


def _service_fields(service: ServiceLine) -> dict[str, object]:
    return {
        "date": service.date.isoformat(),
        "date_jalali": jalali_date(service.date, persian_digits=False),
        "kind": service.kind_label,
        "mode": service.mode_label,
        "domains": "، ".join(service.domain_labels),
        "minutes": service.minutes,
        "summary": service.summary_text,
    }


@dataclass(frozen=True)
class ChangeRow:
    """One line of a correction's «what changed» table: a figure or a file, before and now."""

    what: str
    before: str
    after: str


# --- One child's file -------------------------------------------------------------------


@dataclass(frozen=True)
class ChildIdentity:
    full_name: str
    father_name: str
    sex_label: str
    birth_date: dt.date | None
    national_code: str
    behzisti_file_number: str
    clinic_file_number: str
    living_label: str
    status_label: str
    social_worker: str
    address: str = ""
    phone: str = ""
    discharge_date: dt.date | None = None  # left the care centre
    received_date: dt.date | None = None  # case handed to the clinic
    priority: bool = False


@dataclass(frozen=True)
class FamilyMember:
    full_name: str
    relation_label: str
    birth_date: dt.date | None = None
    occupation: str = ""
    phone: str = ""
    note: str = ""


@dataclass(frozen=True)
class StageStep:
    date: dt.date
    stage_label: str
    note: str = ""


@dataclass(frozen=True)
class ProblemRecord:
    title: str
    opened: dt.date
    stage_label: str  # where it stands now
    steps: list[StageStep]
    resolved: dt.date | None = None


@dataclass(frozen=True)
class ReviewRecord:
    date: dt.date
    reviewer: str
    social_worker: str
    outcome: str


@dataclass(frozen=True)
class ReferralRecord:
    date: dt.date
    to_body: str  # the organ or centre the child was referred to
    reason: str
    outcome: str = ""


@dataclass(frozen=True)
class CaseSummaryData:
    document_id: str
    clinic: ClinicInfo
    purpose: str  # e.g. «بازدید کارشناس ناظر» or «عودت پرونده به بهزیستی»
    generated_at: dt.datetime
    generated_by: str
    child: ChildIdentity
    family: list[FamilyMember]
    behzisti_summary: str
    services: list[ServiceLine]
    problems: list[ProblemRecord]
    reviews: list[ReviewRecord]
    referrals: list[ReferralRecord]
    signers: list[Signer]
    contract: ContractInfo | None = None
    qr_payload: str = ""
    draft: bool = False  # not being signed: «پیش‌نویس» on every page


# --- The twice-yearly review --------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSection:
    title: str  # usually a CareDomain label
    findings: str
    needs_action: bool = False


@dataclass(frozen=True)
class ReviewFormData:
    document_id: str
    clinic: ClinicInfo
    child: ChildIdentity
    period_start: dt.date
    period_end: dt.date
    review_date: dt.date
    reviewer: str  # the clinic manager
    attending_social_worker: str
    sections: list[ReviewSection]
    decisions: list[str]
    signers: list[Signer]
    generated_at: dt.datetime
    generated_by: str
    next_review: dt.date | None = None
    qr_payload: str = ""
    draft: bool = False  # not being signed: «پیش‌نویس» on every page


# --- The monthly invoice -----------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceData:
    invoice_id: str
    clinic: ClinicInfo
    contract: ContractInfo
    year: int
    month: int
    payable_case_months: int
    report_id: str  # the monthly report this invoice rests on
    issued_at: dt.datetime
    generated_by: str
    signers: list[Signer]
    bank_name: str | None = None
    bank_account: str | None = None
    sheba: str | None = None
    note: str = ""
    qr_payload: str = ""
    draft: bool = False  # not being signed: «پیش‌نویس» on every page
    correction_number: int | None = None  # a second signed invoice of a month is a numbered correction
    replaces_id: str | None = None
    correction_reason: str = ""
    changes: list[ChangeRow] = field(default_factory=list)

    @property
    def fee_rials(self) -> int:
        return self.contract.fee_per_case_month_rials

    @property
    def total_rials(self) -> int:
        return self.payable_case_months * self.fee_rials

    @property
    def total_in_words(self) -> str:
        """«بیست و پنج میلیون و ششصد و هشتاد هزار ریال»"""
        return f"{number_to_words(self.total_rials)} ریال"
