"""The monthly report as data: an xlsx for people and a JSON for programs.

Text copied out of a PDF comes out in visual order and presentation forms, so the county
office gets the same rows as a file instead. Both exports read MonthlyReportData.to_table_rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import uuid
from pathlib import Path

from app.persian import format_iran_datetime, format_month
from app.printing.cells import FORMULA_STARTS
from app.printing.data import MONTHLY_ROW_COLUMNS, MonthlyReportData
from app.printing.workbook import write_out

JSON_FORMAT = "parvandeh.monthly_report"
JSON_VERSION = 1

_WIDTHS = {"row": 6, "summary": 60, "full_name": 22, "social_worker": 18, "domains": 28,
           "behzisti_file_number": 16, "clinic_file_number": 14, "kind": 18}
# XlsxWriter turns nothing into a formula, number or link by itself with these; every string is
# still written with write_string (a text cell), and one that looks like a formula carries Excel's
# quote prefix (app.printing.cells), so the file is safe whichever program reads it and whatever a
# later version's defaults are.
_BOOK_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def monthly_report_xlsx(data: MonthlyReportData, out, tmpdir: str | Path | None = None) -> None:
    """Write the report's rows (one per service), its summary and its identity to `out`.

    Written with XlsxWriter, which writes each row to the sheet's XML as it is given: openpyxl
    built a cell object per value and wrote it through lxml (0.6-0.76 s for a 1,000-2,000-client
    month, embedded in every report whether anyone opens it or not; issue 17)."""
    import xlsxwriter

    buffer = io.BytesIO()
    if tmpdir is not None:
        # Each row goes to a temporary file as soon as the next one starts, so a 1,350-page
        # month's ~20,000 rows are not all held in memory (issue 17). The files are made in
        # the clinic's own data folder, never the system's temporary folder: they hold names.
        options = _BOOK_OPTIONS | {"constant_memory": True, "tmpdir": str(tmpdir)}
    else:
        options = _BOOK_OPTIONS | {"in_memory": True}  # nothing on disk at all
    book = xlsxwriter.Workbook(buffer, options)
    head = book.add_format({"bold": True, "font_name": "Vazirmatn", "bg_color": "#DDE5EC", "align": "center",
                            "valign": "vcenter", "text_wrap": True})
    formats = {"head": head, "date": book.add_format({"num_format": "yyyy-mm-dd"}),
               "quoted": book.add_format({"quote_prefix": True})}
    _fill_services(book.add_worksheet("خدمات"), data, formats)
    _fill_pairs(book.add_worksheet("خلاصه"), ["شاخص", "تعداد"], _summary_rows(data), (40, 12), formats)
    _fill_pairs(book.add_worksheet("مشخصات گزارش"), ["عنوان", "مقدار"], _identity_rows(data), (22, 50), formats)
    book.close()
    write_out(out, buffer.getvalue())


def _write_row(sheet, row: int, values, formats: dict, cell_format=None) -> None:
    """Every cell we write goes through here, so no text ever becomes a live formula: strings
    are text cells (write_string), formula-looking ones with the quote prefix, value unchanged."""
    for column, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, column, value, cell_format)
            continue
        text = value if isinstance(value, str) else str(value)
        sheet.write_string(row, column, text, formats["quoted"] if text.startswith(FORMULA_STARTS) else cell_format)


def _start_sheet(sheet, titles: list[str], widths, formats: dict) -> None:
    """Right to left, the column widths, the header row bold on a tint and kept in view."""
    sheet.right_to_left()
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    _write_row(sheet, 0, titles, formats, formats["head"])
    sheet.freeze_panes(1, 0)


def _fill_services(sheet, data: MonthlyReportData, formats: dict) -> None:
    keys = [key for key, _ in MONTHLY_ROW_COLUMNS]
    _start_sheet(sheet, [title for _, title in MONTHLY_ROW_COLUMNS], [_WIDTHS.get(key, 12) for key in keys], formats)
    date_index = keys.index("date")
    date_format = formats["date"]
    number = 0
    for number, row in enumerate(data.iter_table_rows(), start=1):
        values = [_xlsx_value(key, row[key]) for key in keys]
        date = values[date_index]
        values[date_index] = None
        _write_row(sheet, number, values, formats)
        if date is not None:
            sheet.write_datetime(number, date_index, date, date_format)  # a real date cell, sortable
    sheet.autofilter(0, 0, number, len(keys) - 1)


def _xlsx_value(key: str, value: object) -> object:
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if key == "date":
        return dt.datetime.combine(dt.date.fromisoformat(str(value)), dt.time()) if value else None
    return value


def _fill_pairs(sheet, titles: list[str], rows: list, widths, formats: dict) -> None:
    _start_sheet(sheet, titles, widths, formats)
    for number, (label, value) in enumerate(rows, start=1):
        _write_row(sheet, number, [label, value], formats)


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
        ("تاریخ تهیه", format_iran_datetime(data.generated_at, say_zone=True)),
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
        "rows": _RowsAsMade(data),
    }
    return _json_bytes(document)


def _json_bytes(document: dict) -> bytes:
    """Exactly json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), written in
    pieces. The rows (a long month's ~20,000 flat dicts of strings, numbers and flags) are
    written by `_rows_text` with the same encoders json uses for each value, in the layout its
    indented encoder gives them; its pure-Python walk of every row was most of the JSON's time
    (issue 17). The rest of the document goes through json itself, with a marker where the rows
    go: the marker is random, so no text in the document can be mistaken for it."""
    rows = document.get("rows")
    if not isinstance(rows, _RowsAsMade):
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    marker = f"rows-{uuid.uuid4().hex}"
    head, tail = json.dumps({**document, "rows": marker}, ensure_ascii=False, indent=1).split(f'"{marker}"')
    out = io.BytesIO()
    out.write(head.encode("utf-8"))
    for piece in _rows_text(rows):
        out.write(piece.encode("utf-8"))
    out.write(tail.encode("utf-8"))
    return out.getvalue()


_encode_text = json.encoder.encode_basestring  # json's own (C) string encoder for ensure_ascii=False


def _json_scalar(value) -> str:
    if isinstance(value, str):
        return _encode_text(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value)  # floats and anything else: json's own text


def _rows_text(rows, chunk: int = 512):
    """The rows list as json's indented encoder (indent=1) writes it as the value of a top-level
    key: "[", each row on its own lines two spaces in, its items three, "]" one space in."""
    keys: dict[str, str] = {}
    pending: list[str] = []
    first = True
    for row in rows:
        items = []
        for key, value in row.items():
            name = keys.get(key)
            if name is None:
                name = keys[key] = _encode_text(key) + ": "
            items.append(name + _json_scalar(value))
        pending.append(("[\n  " if first else ",\n  ") + "{\n   " + ",\n   ".join(items) + "\n  }")
        first = False
        if len(pending) >= chunk:
            yield "".join(pending)
            pending.clear()
    pending.append("[]" if first else "\n ]")
    yield "".join(pending)


class _RowsAsMade(list):
    """The rows, made one at a time while the JSON is written: a long month's ~20,000 row dicts
    are never all alive at once."""

    def __init__(self, data: MonthlyReportData):
        super().__init__()
        self._data = data

    def __iter__(self):
        return self._data.iter_table_rows()

    def __bool__(self) -> bool:
        return bool(self._data.clients)


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
