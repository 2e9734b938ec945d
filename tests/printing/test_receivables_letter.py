"""The «صورت وضعیت مطالبات» letter and the receivables workbook, read back as a person would."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

from openpyxl import load_workbook

from app.persian import format_jalali, format_month, format_number, number_to_words
from app.printing import bidi_text, fonts, samples
from app.printing.documents.receivables_letter import render_receivables_letter
from app.printing.receivables_export import ExportTable, Sheet, letter_json, receivables_xlsx
from tests.printing.pdf_helpers import has_phrase, has_words, page_count, pdf_text


def _pdf(data) -> bytes:
    out = io.BytesIO()
    render_receivables_letter(data, out)
    return out.getvalue()


def test_letter_lists_every_open_invoice_with_its_number_amount_delivery_and_days():
    data = samples.sample_receivables_letter()
    pdf = _pdf(data)
    text = pdf_text(pdf)
    assert page_count(pdf) == 1
    assert has_words(text, "صورت وضعیت مطالبات") and has_words(text, f"ریاست محترم {data.office_name}")
    for row in data.invoices:
        assert row.report_id in text  # the signed invoice's number, copyable as it was printed
        assert has_words(text, format_number(row.outstanding_rials))
        assert has_phrase(text, format_month(row.year, row.month))
        if row.delivered_on:
            assert has_words(text, format_jalali(row.delivered_on))
    assert has_words(text, format_number(data.total_outstanding))
    assert has_words(text, number_to_words(data.total_outstanding))
    cheque = data.cheques[0]
    assert has_words(text, "چک‌های ضمانت عودت‌نشده") and has_words(text, format_jalali(cheque.due_back))
    assert has_words(text, format_number(cheque.amount_rials))
    assert has_words(text, data.clinic.name)


def test_persian_digits_only_in_the_letters_numbers():
    text = pdf_text(_pdf(samples.sample_receivables_letter()))
    # Report IDs keep their Latin digits (typed back into verify); everything else is Persian.
    stripped = " ".join(w for w in text.split() if "INV-" not in w and "RC-" not in w)
    assert not any(ch.isascii() and ch.isdigit() for ch in stripped)


def test_a_long_letter_runs_onto_more_pages_with_page_numbers():
    data = samples.sample_receivables_letter(40)
    pdf = _pdf(data)
    pages = page_count(pdf)
    assert pages >= 2
    assert has_phrase(pdf_text(pdf, pages), f"صفحه {pages} از {pages}".translate(str.maketrans("0123456789",
                                                                                             "۰۱۲۳۴۵۶۷۸۹")))
    assert all(row.report_id in pdf_text(pdf) for row in data.invoices)
    assert has_words(pdf_text(pdf, 2), "شماره صورتحساب امضاشده")  # the header repeats


def test_letter_without_cheques_or_with_an_undelivered_invoice_only():
    data = samples.sample_receivables_letter(1)
    pdf = _pdf(dataclasses.replace(data, cheques=()))
    text = pdf_text(pdf)
    assert not has_words(text, "چک‌های ضمانت عودت‌نشده")
    assert data.invoices[0].delivered_on is None and "—" in text


def test_every_drawn_code_point_is_in_the_font(monkeypatch):
    seen: list[str] = []
    real = bidi_text.visual
    monkeypatch.setattr(bidi_text, "visual", lambda line: seen.append(real(line)) or seen[-1])
    _pdf(samples.sample_receivables_letter(12))
    cmap = fonts.font_cmap(fonts.REGULAR)
    assert len(seen) > 50
    assert not {f"U+{ord(ch):04X}" for s in seen for ch in s if ord(ch) not in cmap and ch != " "}


def test_letter_json_has_the_rows_in_plain_values():
    data = samples.sample_receivables_letter()
    document = json.loads(letter_json(data))
    assert document["format"] == "parvandeh.receivables_letter"
    assert document["total_outstanding_rials"] == data.total_outstanding
    assert [r["report_id"] for r in document["invoices"]] == [r.report_id for r in data.invoices]
    assert document["cheques"][0]["due_back"] == data.cheques[0].due_back.isoformat()


# -- the workbook ------------------------------------------------------------------------------------

def _book(table: ExportTable):
    out = io.BytesIO()
    receivables_xlsx(table, out)
    return out.getvalue()


def test_workbook_is_right_to_left_with_persian_headers():
    raw = _book(ExportTable.from_letter(samples.sample_receivables_letter()))
    book = load_workbook(io.BytesIO(raw))
    assert book.sheetnames == ["صورتحساب‌های باز", "چک‌های ضمانت"]
    sheet = book["صورتحساب‌های باز"]
    assert all(ws.sheet_view.rightToLeft for ws in book.worksheets)
    assert sheet["A1"].value == "شماره صورتحساب" and sheet["G1"].value == "مانده (ریال)"
    assert isinstance(sheet["E2"].value, int)  # amounts stay numbers, summable in Excel


def test_text_that_looks_like_a_formula_stays_text():
    attacks = ("=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "=cmd|'/c calc'!A0")
    raw = _book(ExportTable((Sheet("آزمون", ("شرح", "مبلغ"), tuple((a, 5) for a in attacks)),)))
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere in the file
    book = load_workbook(io.BytesIO(raw))
    values = [book.active.cell(row=r, column=1) for r in range(2, 2 + len(attacks))]
    assert [c.value for c in values] == list(attacks)
    assert all(c.data_type == "s" for c in values)
    assert all(c.quotePrefix for c in values)  # Excel keeps it text even when the cell is edited


def test_letter_and_export_import_without_qt_or_storage():
    import subprocess
    import sys
    from pathlib import Path
    script = """
import sys
sys.modules["PySide6"] = None
import app.printing.documents.receivables_letter, app.printing.receivables_export
assert not any(name.startswith(("PySide6", "PyQt")) for name in sys.modules if sys.modules[name])
assert "app.storage" not in sys.modules and "app.services" not in sys.modules
import app.services.payments, app.services.receivables, app.services.demo_money
assert not any(name.startswith(("PySide6", "PyQt")) for name in sys.modules if sys.modules[name])
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).resolve().parents[2])
