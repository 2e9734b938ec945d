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
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from app.persian import format_jalali_datetime, format_month
from app.printing.data import MONTHLY_ROW_COLUMNS, MonthlyReportData

JSON_FORMAT = "parvandeh.monthly_report"
JSON_VERSION = 1

_WIDTHS = {"row": 6, "summary": 60, "full_name": 22, "social_worker": 18, "domains": 28,
           "behzisti_file_number": 16, "clinic_file_number": 14, "kind": 18}


def monthly_report_xlsx(data: MonthlyReportData, out) -> None:
    """Write the report's rows (one per service), its summary and its identity to `out`.

    Written with XlsxWriter, which streams each row to the sheet's XML as it is given: openpyxl
    built a cell object per value and wrote it through lxml (0.76 s for a 2,000-client month,
    ~6,000 rows, embedded in every report whether anyone opens it or not; issue 17)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "font_name": "Vazirmatn", "bg_color": "#DDE5EC", "align": "center",
                            "valign": "vcenter", "text_wrap": True})
    formats = {"head": head, "date": book.add_format({"num_format": "yyyy-mm-dd"})}
    _fill_services(book.add_worksheet("خدمات"), data, formats)
    _fill_pairs(book.add_worksheet("خلاصه"), ["شاخص", "تعداد"], _summary_rows(data), (40, 12), formats)
    _fill_pairs(book.add_worksheet("مشخصات گزارش"), ["عنوان", "مقدار"], _identity_rows(data), (22, 50), formats)
    book.close()
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(buffer.getvalue())
    else:
        out.write(buffer.getvalue())


def _start_sheet(sheet, titles: list[str], widths, formats: dict) -> None:
    """Right to left, the column widths, the header row bold on a tint and kept in view."""
    sheet.right_to_left()
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.write_row(0, 0, titles, formats["head"])
    sheet.freeze_panes(1, 0)


def _fill_services(sheet, data: MonthlyReportData, formats: dict) -> None:
    keys = [key for key, _ in MONTHLY_ROW_COLUMNS]
    _start_sheet(sheet, [title for _, title in MONTHLY_ROW_COLUMNS], [_WIDTHS.get(key, 12) for key in keys], formats)
    date_index = keys.index("date")
    rows = data.to_table_rows()
    for number, row in enumerate(rows, start=1):
        values = [_xlsx_value(key, row[key]) for key in keys]
        date = values[date_index]
        if isinstance(date, dt.datetime):
            values[date_index] = None
        sheet.write_row(number, 0, values)
        if isinstance(date, dt.datetime):
            sheet.write_datetime(number, date_index, date, formats["date"])  # a real date cell, sortable
    sheet.autofilter(0, 0, len(rows), len(keys) - 1)


def _xlsx_value(key: str, value: object) -> object:
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if key == "date" and value:
        return dt.datetime.combine(dt.date.fromisoformat(str(value)), dt.time())
    return value


def _fill_pairs(sheet, titles: list[str], rows: list, widths, formats: dict) -> None:
    _start_sheet(sheet, titles, widths, formats)
    for number, (label, value) in enumerate(rows, start=1):
        sheet.write_row(number, 0, [label, value])


def _summary_rows(data: MonthlyReportData) -> list:
    s = data.summary
    rows = [
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
    ]
    rows += [(f"خدمت: {label}", value) for label, value in s.services_by_kind.items()]
    rows += [(f"شیوه: {label}", value) for label, value in s.services_by_mode.items()]
    return rows


def _identity_rows(data: MonthlyReportData) -> list:
    contract = data.contract
    rows = [
        ("شناسه گزارش", data.report_id),
        ("کلینیک", data.clinic.name),
        ("شماره پروانه", data.clinic.licence_number),
        ("اداره بهزیستی", contract.office_name),
        ("شماره قرارداد", contract.number),
        ("برنامه", contract.programme),
        ("ماه", format_month(data.year, data.month)),
        ("تاریخ تهیه", format_jalali_datetime(data.generated_at)),
        ("تهیه‌کننده", data.generated_by),
    ]
    if data.correction_number:
        rows += [("اصلاحیه شماره", data.correction_number),
                 ("جایگزین گزارش", data.replaces_report_id or "")]
    return rows


def monthly_report_json(data: MonthlyReportData) -> bytes:
    """UTF-8 JSON of the whole report; dates ISO, amounts integers, no images."""
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "report_id": data.report_id,
        "year": data.year,
        "month": data.month,
        "generated_at": data.generated_at.isoformat(),
        "generated_by": data.generated_by,
        "correction_number": data.correction_number,
        "replaces_report_id": data.replaces_report_id,
        "clinic": _plain(data.clinic, drop={"logo_path"}),
        "contract": _plain(data.contract),
        "summary": _plain(data.summary),
        "clients": len(data.clients),
        "columns": [{"key": key, "title": title} for key, title in MONTHLY_ROW_COLUMNS],
        "rows": data.to_table_rows(),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _plain(obj, drop: set[str] = frozenset()) -> dict:
    return {f.name: _json_value(getattr(obj, f.name))
            for f in dataclasses.fields(obj) if f.name not in drop}


def _json_value(value):
    """Plain JSON values; named tuples (abuse concerns) keep their field names."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _json_value(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_value(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
