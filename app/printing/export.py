"""The monthly report as data: an xlsx for people and a JSON for programs.

Text copied out of a PDF comes out in visual order and presentation forms, so the county
office gets the same rows as a file instead. Both exports read MonthlyReportData.to_table_rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.printing.cells import FORMULA_STARTS, text_cell

from app.persian import format_iran_datetime, format_jalali_datetime, format_month
from app.printing.data import MONTHLY_ROW_COLUMNS, MonthlyReportData

JSON_FORMAT = "parvandeh.monthly_report"
JSON_VERSION = 1

_HEAD_FONT = Font(name="Vazirmatn", bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE5EC")
_WIDTHS = {"row": 6, "summary": 60, "full_name": 22, "social_worker": 18, "domains": 28,
           "behzisti_file_number": 16, "clinic_file_number": 14, "kind": 18}


def monthly_report_xlsx(data: MonthlyReportData, out) -> None:
    """Write the report's rows (one per service), its summary and its identity to `out`."""
    book = Workbook()
    services = book.active
    services.title = "خدمات"
    _fill_services(services, data)
    _fill_summary(book.create_sheet("خلاصه"), data)
    _fill_identity(book.create_sheet("مشخصات گزارش"), data)
    if isinstance(out, (str, Path)):
        book.save(str(out))
    else:
        buffer = io.BytesIO()
        book.save(buffer)
        out.write(buffer.getvalue())


def _append(sheet, values) -> None:
    """Every cell we write goes through here, so no text ever becomes a live formula."""
    values = list(values)
    sheet.append(values)
    if any(isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in values):
        for cell in sheet[sheet._current_row]:
            text_cell(cell)


def _rtl_sheet(sheet) -> None:
    sheet.sheet_view.rightToLeft = True


def _header(sheet, titles: list[str]) -> None:
    _append(sheet, titles)
    for cell in sheet[1]:
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"


def _fill_services(sheet, data: MonthlyReportData) -> None:
    _rtl_sheet(sheet)
    keys = [key for key, _ in MONTHLY_ROW_COLUMNS]
    _header(sheet, [title for _, title in MONTHLY_ROW_COLUMNS])
    date_column = keys.index("date") + 1
    # Rows are counted here: sheet.max_row looks at every cell written so far, which made this
    # loop quadratic (most of a 2,000-client report's time went there).
    for number, row in enumerate(data.to_table_rows(), start=2):
        _append(sheet, [_xlsx_value(key, row[key]) for key in keys])
        sheet.cell(row=number, column=date_column).number_format = "yyyy-mm-dd"
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(key, 12)
    sheet.auto_filter.ref = sheet.dimensions


def _xlsx_value(key: str, value: object) -> object:
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if key == "date" and value:
        return dt.date.fromisoformat(str(value))  # a real date cell, sortable in Excel
    return value


def _fill_summary(sheet, data: MonthlyReportData) -> None:
    _rtl_sheet(sheet)
    _header(sheet, ["شاخص", "تعداد"])
    s = data.summary
    for label, value in (
        ("پرونده‌های فعال در ابتدای ماه", s.active_at_start),
        ("پرونده‌های فعال در پایان ماه", s.active_at_end),
        ("پرونده‌های جدید", s.new),
        ("پرونده‌های مختومه", s.closed),
        ("پرونده‌های عودت‌شده به بهزیستی", s.returned),
        ("بازدیدهای منزل", s.home_visits),
        ("بررسی‌های شش‌ماهه انجام‌شده", s.reviews_done),
        ("بررسی‌های شش‌ماهه سررسیدشده", s.reviews_due),
        ("ارجاع‌ها", s.referrals),
        ("مشکلات جدید", s.problems_opened),
        ("مشکلات رفع‌شده", s.problems_resolved),
        ("موارد نگرانی کودک‌آزاری", len(s.abuse_concerns)),
        ("مجموع زمان خدمات (دقیقه)", s.total_minutes),
    ):
        _append(sheet, [label, value])
    for label, value in s.services_by_kind.items():
        _append(sheet, [f"خدمت: {label}", value])
    for label, value in s.services_by_mode.items():
        _append(sheet, [f"شیوه: {label}", value])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 12


def _fill_identity(sheet, data: MonthlyReportData) -> None:
    _rtl_sheet(sheet)
    _header(sheet, ["عنوان", "مقدار"])
    contract = data.contract
    rows = [
        ("شناسه گزارش", data.report_id),
        ("کلینیک", data.clinic.name),
        ("شماره پروانه", data.clinic.licence_number),
        ("اداره بهزیستی", contract.office_name),
        ("شماره قرارداد", contract.number),
        ("برنامه", contract.programme),
        ("ماه", format_month(data.year, data.month)),
        ("تاریخ تهیه", format_iran_datetime(data.generated_at, say_zone=True)),
        ("تهیه‌کننده", data.generated_by),
    ]
    if data.correction_number:
        rows += [("اصلاحیه شماره", data.correction_number),
                 ("جایگزین گزارش", data.replaces_report_id or "")]
    for row in rows:
        _append(sheet, list(row))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 50


def monthly_report_json(data: MonthlyReportData) -> bytes:
    """UTF-8 JSON of the whole report; dates ISO, amounts integers, no images."""
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "kind": "monthly",
        "document_id": data.report_id,
        "report_id": data.report_id,
        "draft": data.draft,
        "year": data.year,
        "month": data.month,
        "generated_at": data.generated_at.isoformat(),
        "generated_by": data.generated_by,
        "correction_number": data.correction_number,
        "replaces_report_id": data.replaces_report_id,
        "correction_reason": data.correction_reason,
        "changes": [_plain(c) for c in data.changes],
        "payable_case_months": payable_case_months(data),
        "clinic": _plain(data.clinic, drop={"logo_path"}),
        "contract": _plain(data.contract),
        "summary": _plain(data.summary) | {"total_services": data.summary.total_services},
        "clients": len(data.clients),
        "columns": [{"key": key, "title": title} for key, title in MONTHLY_ROW_COLUMNS],
        "rows": data.to_table_rows(),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def payable_case_months(data: MonthlyReportData) -> int:
    """Files held during the month (one client row each), capped by the contract's capacity:
    what the month's invoice must bill, no more."""
    return min(len(data.clients), data.contract.capacity)


# Keys of a document's JSON that say when, by whom and as what it was made, not what it reports:
# two documents that differ only in these report the same thing.
VOLATILE_KEYS = frozenset({
    "document_id", "report_id", "invoice_id", "generated_at", "generated_by", "issued_at", "draft",
    "correction_number", "replaces_report_id", "replaces_id", "correction_reason", "changes", "qr_payload",
    "signers",
})


def reported_content(document: dict) -> dict:
    """The part of a document's JSON that states facts (figures, rows), for «has anything changed?»."""
    return {key: value for key, value in document.items() if key not in VOLATILE_KEYS}


def document_json(kind: str, document_id: str, data, **extra) -> bytes:
    """UTF-8 JSON of any document's data (invoice, case summary, review form), embedded in its PDF.

    The same shape as the monthly report's: format, version, kind, document_id, then the data's
    fields; `extra` adds computed values (an invoice's total)."""
    document = {"format": f"parvandeh.{kind}", "version": JSON_VERSION, "kind": kind, "document_id": document_id}
    document |= {key: value for key, value in _plain(data, drop={"qr_payload"}).items()}
    document |= {key: _json_value(value) for key, value in extra.items()}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _plain(obj, drop: set[str] = frozenset()) -> dict:
    return {f.name: _json_value(getattr(obj, f.name))
            for f in dataclasses.fields(obj) if f.name not in drop}


def _json_value(value):
    """Plain JSON values; named tuples (abuse concerns) keep their field names."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(value, drop={"logo_path", "image", "signature_image", "stamp_image"})
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _json_value(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_value(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
