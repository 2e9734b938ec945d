"""A month's sums as an Excel workbook: Persian headers, right-to-left sheets, and every text that
a spreadsheet would run as a formula (=, +, -, @) written as plain text."""

from __future__ import annotations


from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.office.summary import MonthSummary
from app.printing.cells import text_cell
from app.printing.workbook import save_workbook, start_sheet


CLINIC_COLUMNS = (
    ("county", "شهرستان"), ("clinic", "کلینیک"), ("licence", "شماره پروانه"), ("contract", "شماره قرارداد"),
    ("capacity", "ظرفیت"), ("active_at_start", "فعال در ابتدای ماه"), ("active_at_end", "فعال در پایان ماه"),
    ("new_files", "جدید"), ("closed_files", "مختومه"), ("returned_files", "عودت‌شده"),
    ("total_services", "خدمات"), ("home_visits", "بازدید منزل"), ("home_visits_per_file", "بازدید منزل هر پرونده"),
    ("reviews_done", "بررسی انجام‌شده"), ("reviews_due", "بررسی انجام‌نشده"), ("reviews_overdue", "بررسی عقب‌افتاده"),
    ("abuse_concerns", "نگرانی کودک‌آزاری"), ("referrals", "ارجاع"), ("payable_case_months", "پرونده‌ماه قابل پرداخت"),
    ("amount_invoiced_rials", "مبلغ صورتحساب (ریال)"), ("report_id", "شناسه گزارش"),
    ("correction_number", "اصلاحیه"), ("received_on", "تاریخ دریافت (میلادی)"), ("late", "دیرکرد"),
    ("invoice_id", "شناسه صورتحساب"),
)
COUNTY_COLUMNS = (
    ("county", "شهرستان"), ("clinics", "کلینیک‌ها"), ("reported", "گزارش داده"), ("capacity", "ظرفیت"),
    ("active_at_end", "پرونده فعال"), ("total_services", "خدمات"), ("home_visits", "بازدید منزل"),
    ("reviews_done", "بررسی انجام‌شده"), ("reviews_overdue", "بررسی عقب‌افتاده"),
    ("abuse_concerns", "نگرانی کودک‌آزاری"), ("amount_invoiced_rials", "مبلغ صورتحساب (ریال)"),
)
MISSING_COLUMNS = (("county", "شهرستان"), ("clinic", "کلینیک"), ("licence", "شماره پروانه"),
                   ("contract", "شماره قرارداد"), ("invoice_only", "فقط صورتحساب رسیده"))
FINDING_COLUMNS = (("kind_label", "نوع"), ("clinic", "کلینیک"), ("licence", "شماره پروانه"),
                   ("contract", "شماره قرارداد"), ("message", "شرح"))
FINDING_LABELS = {"invoice_mismatch": "صورتحساب ناهمخوان با گزارش", "capacity": "بیش از ظرفیت",
                  "reviews_overdue": "بررسی عقب‌افتاده", "late": "گزارش دیررس", "not_reported": "گزارش نداده"}


def summary_xlsx(summary: MonthSummary, out) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "کلینیک‌ها"
    kinds = sorted(summary.services_by_kind)
    modes = sorted(summary.services_by_mode)
    titles = [t for _, t in CLINIC_COLUMNS] + [f"خدمت: {k}" for k in kinds] + [f"شیوه: {m}" for m in modes]
    rows = [[_value(getattr(r, key)) for key, _ in CLINIC_COLUMNS]
            + [r.services_by_kind.get(k, 0) for k in kinds] + [r.services_by_mode.get(m, 0) for m in modes]
            for r in summary.rows]
    _fill(sheet, titles, rows)
    _fill(book.create_sheet("استان"), [t for _, t in COUNTY_COLUMNS],
          [[getattr(c, k) for k, _ in COUNTY_COLUMNS] for c in summary.counties])
    _fill(book.create_sheet("گزارش‌نداده"), [t for _, t in MISSING_COLUMNS],
          [[_value(getattr(m, k)) for k, _ in MISSING_COLUMNS] for m in summary.missing])
    _fill(book.create_sheet("هشدارها"), [t for _, t in FINDING_COLUMNS],
          [[FINDING_LABELS.get(f.kind, f.kind), f.clinic, f.licence, f.contract, f.message]
           for f in summary.findings])
    save_workbook(book, out)


def _value(value):
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    return value


def _fill(sheet, titles: list[str], rows: list[list]) -> None:
    start_sheet(sheet, titles)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _write(sheet.cell(row=number, column=column), value)
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(title) + 4))


def _write(cell, value) -> None:
    """A clinic's name or an ID like «=HYPERLINK(...)» or «-1405» stays text, never a formula."""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    cell.value = value
    text_cell(cell)
