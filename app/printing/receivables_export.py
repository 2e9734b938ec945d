"""Receivables as data: an Excel workbook (Persian headers, right-to-left sheets) and the JSON
attached to the signed letter.

Every text cell that begins with = + - or @ is written as text: a bank reference or a note typed
as «=HYPERLINK(...)» must not become a formula in the office's Excel."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.persian import format_jalali, format_month
from app.printing.cells import FORMULA_STARTS, text_cell  # noqa: F401  (FORMULA_STARTS: kept importable)
from app.printing.workbook import save_workbook, start_sheet

JSON_FORMAT = "parvandeh.receivables_letter"
JSON_VERSION = 1

RIALS_FORMAT = "#,##0"


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class ExportTable:
    sheets: tuple[Sheet, ...]

    @classmethod
    def from_view(cls, view) -> "ExportTable":
        """From app.services.receivables.Receivables (read by attribute: printing imports no services)."""
        return cls((invoice_sheet(view.open_invoices), totals_sheet("قراردادها", "قرارداد", view.contracts, view.total),
                    totals_sheet("ادارات", "اداره بهزیستی", view.offices, view.total), cheque_sheet(view.cheques),
                    month_sheet(view.months), payment_sheet(view.payments)))

    @classmethod
    def from_letter(cls, letter) -> "ExportTable":
        rows = [_LetterInvoiceRow(i, letter.office_name) for i in letter.invoices]
        cheques = [_LetterChequeRow(c, letter.office_name) for c in letter.cheques]
        return cls((invoice_sheet(rows), cheque_sheet(cheques)))


class _LetterInvoiceRow:
    def __init__(self, i, office: str):
        self.__dict__.update(dataclasses.asdict(i))
        self.office_name = office
        self.month_label = format_month(i.year, i.month)
        self.status_label = "پرداخت جزئی" if i.paid_rials else "پرداخت‌نشده"


class _LetterChequeRow:
    def __init__(self, c, office: str):
        self.__dict__.update(dataclasses.asdict(c))
        self.office_name = office
        self.return_days = (c.due_back - c.contract_end).days
        self.returned_on = None
        self.status_label = "عودت‌نشده — دیرکرد"


def invoice_sheet(invoices: Sequence[Any]) -> Sheet:
    headers = ("شماره صورتحساب", "اداره بهزیستی", "قرارداد", "ماه خدمت", "مبلغ (ریال)", "پرداخت‌شده (ریال)",
               "مانده (ریال)", "وضعیت", "تاریخ صدور", "تاریخ تحویل", "روز از تحویل")
    rows = tuple((i.report_id, i.office_name, i.contract_number, i.month_label, i.amount_rials, i.paid_rials,
                  i.outstanding_rials, i.status_label, format_jalali(i.issued_on, persian_digits=False),
                  format_jalali(i.delivered_on, persian_digits=False) if i.delivered_on else "",
                  i.days_outstanding) for i in invoices)
    return Sheet("صورتحساب‌های باز", headers, rows, (24, 30, 14, 16, 16, 16, 16, 14, 12, 12, 10))


def totals_sheet(title: str, name_title: str, parts: Sequence[Any], total: Any) -> Sheet:
    headers = (name_title, "اداره بهزیستی", "صورتحساب‌شده (ریال)", "دریافت‌شده (ریال)", "مانده (ریال)",
               "بستانکاری (ریال)", "صورتحساب باز", "قدیمی‌ترین (روز)")
    rows = tuple((p.name, p.office_name, p.invoiced_rials, p.received_rials, p.outstanding_rials, p.credit_rials,
                  p.open_invoices, p.oldest_days) for p in [*parts, total])
    return Sheet(title, headers, rows, (30, 30, 18, 18, 18, 16, 12, 12))


def cheque_sheet(cheques: Sequence[Any]) -> Sheet:
    headers = ("قرارداد", "اداره بهزیستی", "شماره چک", "مبلغ (ریال)", "تاریخ تحویل", "پایان قرارداد",
               "روزهای توافق‌شده", "موعد عودت", "تاریخ عودت", "روز دیرکرد", "وضعیت")
    day = lambda d: format_jalali(d, persian_digits=False) if d else ""  # noqa: E731
    rows = tuple((c.contract_number, c.office_name, c.cheque_number, c.amount_rials, day(c.given_on),
                  day(c.contract_end), c.return_days, day(c.due_back), day(c.returned_on), c.days_overdue,
                  c.status_label) for c in cheques)
    return Sheet("چک‌های ضمانت", headers, rows, (14, 30, 16, 16, 12, 12, 12, 12, 12, 10, 18))


def payment_sheet(payments: Sequence[Any]) -> Sheet:
    headers = ("تاریخ", "قرارداد", "اداره بهزیستی", "مبلغ (ریال)", "شماره پیگیری بانک", "نوع", "صورتحساب‌های تسویه‌شده",
               "توضیح", "ثبت‌کننده")
    rows = tuple((format_jalali(p.paid_on, persian_digits=False), p.contract_number, p.office_name, p.amount_rials,
                  p.bank_reference, p.kind_label, "، ".join(a.report_id for a in p.allocations), p.note,
                  p.recorded_by) for p in payments)
    return Sheet("پرداخت‌ها", headers, rows, (12, 14, 30, 16, 20, 18, 40, 40, 18))


def month_sheet(months: Sequence[Any]) -> Sheet:
    rows = tuple((m.label, m.invoiced_rials, m.paid_rials) for m in months)
    return Sheet("ماه به ماه", ("ماه", "صورتحساب‌شده (ریال)", "دریافت‌شده (ریال)"), rows, (18, 20, 20))


def receivables_xlsx(table: ExportTable, out) -> None:
    book = Workbook()
    book.remove(book.active)
    for sheet in table.sheets:
        _fill(book.create_sheet(sheet.title[:31]), sheet)
    save_workbook(book, out)


def _fill(ws, sheet: Sheet) -> None:
    start_sheet(ws, sheet.headers)
    for r, row in enumerate(sheet.rows, start=2):
        for c, value in enumerate(row, start=1):
            write_cell(ws, r, c, value)
    for index, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if sheet.rows:
        ws.auto_filter.ref = ws.dimensions


def write_cell(ws, row: int, column: int, value: Any):
    """One cell; text that a spreadsheet would take for a formula stays text."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        text_cell(cell)  # Excel shows «=…» as typed and keeps it text when edited
    else:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
            cell.number_format = RIALS_FORMAT
    return cell


def letter_json(letter) -> bytes:
    """The letter's rows for programs (what the county office can check without retyping)."""
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "document_id": letter.document_id,
        "office_name": letter.office_name,
        "as_of": letter.as_of.isoformat(),
        "generated_at": letter.generated_at.isoformat(),
        "generated_by": letter.generated_by,
        "clinic": {"name": letter.clinic.name, "licence_number": letter.clinic.licence_number},
        "total_outstanding_rials": letter.total_outstanding,
        "invoices": [_plain(i) for i in letter.invoices],
        "cheques": [_plain(c) for c in letter.cheques],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _plain(obj) -> dict:
    return {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v
            for k, v in dataclasses.asdict(obj).items()}
