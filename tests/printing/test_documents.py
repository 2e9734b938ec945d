"""Each document renders, reads back with the expected Persian words, and behaves."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest

from app.persian import format_jalali, format_month, format_number, number_to_words
from app.printing import samples
from app.printing.documents.case_summary import render_case_summary
from app.printing.documents.invoice import amount_in_words, render_invoice
from app.printing.documents.monthly_report import correction_text, render_monthly_report
from app.printing.documents.review_form import render_review_form
from app.printing.documents.signature_stamp import (
    STAMP_HEIGHT,
    STAMP_WIDTH,
    fit_line,
    render_signature_stamp,
)
from app.printing.layout import page_number_text
from app.printing import fonts
from tests.printing.pdf_helpers import has_phrase, has_words, page_count, page_size, pdf_text


def _pdf(render, data, **kw) -> bytes:
    out = io.BytesIO()
    render(data, out, **kw)
    data = out.getvalue()
    assert data.startswith(b"%PDF")
    return data


@pytest.fixture(scope="module")
def monthly():
    return samples.sample_monthly_report(40)


@pytest.fixture(scope="module")
def monthly_pdf(monthly) -> bytes:
    return _pdf(render_monthly_report, monthly)


def test_monthly_report_heading_and_identity(monthly, monthly_pdf):
    first = pdf_text(monthly_pdf, 1)
    assert has_words(first, "گزارش عملکرد ماهانه")
    assert has_phrase(first, format_month(monthly.year, monthly.month))
    assert has_words(first, monthly.contract.office_name)
    assert has_words(first, monthly.contract.programme)
    assert has_words(first, "۱۴۰۵ ق ۲۳۴")  # poppler scrambles the slashes of mixed runs
    assert has_words(first, "خلاصه عملکرد ماه")


def test_monthly_report_lists_every_client_and_abuse_concern(monthly, monthly_pdf):
    text = pdf_text(monthly_pdf)
    for client in monthly.clients:
        assert has_words(text, client.full_name)
        assert has_phrase(text, client.behzisti_file_number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    assert has_words(text, "موارد نگرانی کودک‌آزاری و اقدامات انجام‌شده")
    assert has_words(text, "اورژانس اجتماعی")
    assert has_words(text, "تأیید و امضا")
    for signer in monthly.signers:
        assert has_words(text, signer.name)


def test_monthly_report_page_numbers(monthly_pdf, monthly):
    pages = page_count(monthly_pdf)
    assert pages >= 3
    for number in range(1, pages + 1):
        text = pdf_text(monthly_pdf, number)
        assert has_phrase(text, page_number_text(number, pages))
        assert monthly.report_id in text


def test_monthly_report_correction_banner_only_when_set(monthly_pdf):
    assert not has_words(pdf_text(monthly_pdf, 1), "اصلاحیه")
    corrected = samples.sample_monthly_report(5, correction=True)
    pdf = _pdf(render_monthly_report, corrected)
    assert correction_text(corrected).startswith("اصلاحیه شماره ۱ — جایگزین گزارش")
    for number in range(1, page_count(pdf) + 1):
        text = pdf_text(pdf, number)
        assert has_words(text, "اصلاحیه شماره ۱ جایگزین گزارش")
        assert corrected.replaces_report_id in text


def test_monthly_report_landscape():
    pdf = _pdf(render_monthly_report, samples.sample_monthly_report(5), landscape=True)
    width, height = page_size(pdf)
    assert width > height


def test_monthly_report_with_no_clients():
    data = replace(samples.sample_monthly_report(0), clients=[])
    text = pdf_text(_pdf(render_monthly_report, data))
    assert has_words(text, "در این ماه مددجویی ثبت نشده است")


def test_monthly_report_with_scanned_signature_and_stamp(tmp_path):
    images = samples.sample_images(tmp_path)
    signer = samples.Signer("مریم صالحی", "مددکار اجتماعی", images["signature"],
                            images["stamp"].read_bytes())
    data = replace(samples.sample_monthly_report(3), signers=[signer],
                   clinic=samples.sample_clinic(images["logo"]))
    assert has_words(pdf_text(_pdf(render_monthly_report, data)), "مریم صالحی")


def test_client_with_very_many_services_is_cut_across_pages():
    data = samples.sample_monthly_report(3)
    many = data.clients[0].services * 40
    crowded = replace(data.clients[0], services=many)
    data = replace(data, clients=[crowded, *data.clients[1:]])
    pdf = _pdf(render_monthly_report, data)
    assert page_count(pdf) >= 4


def test_monthly_report_progress_moves_and_finishes():
    data = samples.sample_monthly_report(150, seed=3)
    calls = []
    render_monthly_report(data, io.BytesIO(), lambda done, total: calls.append((done, total)))
    assert len(calls) > 3
    assert all(total == 150 for _, total in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (150, 150)


def test_monthly_report_to_a_path(tmp_path):
    path = tmp_path / "report.pdf"
    render_monthly_report(samples.sample_monthly_report(2), path)
    render_monthly_report(samples.sample_monthly_report(2), str(path))
    assert path.read_bytes().startswith(b"%PDF")


def test_case_summary():
    data = samples.sample_case_summary()
    pdf = _pdf(render_case_summary, data)
    text = pdf_text(pdf)
    for words in ("خلاصه پرونده مددجو", data.child.full_name, "اعضای خانواده",
                  "خلاصه پرونده از سوی بهزیستی", "خدمات ارائه‌شده", "مشکلات و مراحل رسیدگی",
                  "بررسی‌های شش‌ماهه", "ارجاع‌ها", "افت تحصیلی و غیبت از مدرسه", "تدوین برنامه",
                  "فاطمه طاهرخانی", "نرگس"):
        assert has_words(text, words), words
    assert has_phrase(text, "۰۰۱۲۳۴۵۶۷۹")  # national code, Persian digits, in one piece
    assert has_phrase(text, format_jalali(data.child.birth_date))


def test_review_form():
    data = samples.sample_review_form()
    text = pdf_text(_pdf(render_review_form, data))
    assert has_words(text, "فرم بررسی وضعیت مددجو")
    assert has_words(text, data.reviewer)
    assert has_words(text, data.attending_social_worker)
    for section in data.sections:
        assert has_words(text, section.title)
    assert has_words(text, "تصمیم‌ها")
    assert has_words(text, "امضای حاضران در جلسه")


def test_invoice_amount_in_figures_and_words():
    data = samples.sample_invoice()
    assert data.total_rials == 214 * 120_000
    text = pdf_text(_pdf(render_invoice, data))
    assert has_words(text, "صورتحساب")
    assert has_phrase(text, format_number(data.total_rials))
    assert has_phrase(text, format_number(data.payable_case_months))
    assert has_phrase(text, format_number(data.fee_rials))
    assert amount_in_words(data.total_rials) == number_to_words(25_680_000) + " ریال"
    assert has_words(text, amount_in_words(data.total_rials))
    assert has_words(text, "جمع کل")
    assert data.report_id in text
    assert "IR82 0170" in text


def test_invoice_without_bank_details():
    data = replace(samples.sample_invoice(), bank_name=None, bank_account=None, sheba=None)
    assert not has_words(pdf_text(_pdf(render_invoice, data)), "شبا")


def test_signature_stamp_is_a_small_one_page_pdf():
    pdf = render_signature_stamp("دکتر فرزانه نیک‌نام", "کلینیک مددکاری اجتماعی مهرآفرین",
                                 dt.datetime(2026, 11, 22, 14, 5), "تأیید گزارش ماهانه")
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1
    assert page_size(pdf) == (STAMP_WIDTH, STAMP_HEIGHT)
    text = pdf_text(pdf)
    assert has_words(text, "فرزانه نیک‌نام")
    assert has_words(text, "امضای دیجیتال")
    assert has_phrase(text, "۱۴۰۵/۰۹/۰۱")


def test_stamp_lines_shrink_then_cut_to_fit():
    fonts.register_fonts()
    long_name = "کلینیک مددکاری اجتماعی " * 6
    text, size = fit_line(long_name, fonts.REGULAR, 8, 180)
    assert size >= 5.5
    assert text.endswith("…")
    short, same = fit_line("کوتاه", fonts.REGULAR, 8, 180)
    assert (short, same) == ("کوتاه", 8)


@pytest.mark.parametrize("render, factory", [
    (render_case_summary, samples.sample_case_summary),
    (render_review_form, samples.sample_review_form),
    (render_invoice, samples.sample_invoice),
])
def test_other_documents_report_progress(render, factory):
    calls = []
    render(factory(), io.BytesIO(), lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]


def test_invoice_total_in_words_property():
    data = samples.sample_invoice()
    assert data.total_in_words == "بیست و پنج میلیون و ششصد و هشتاد هزار ریال"


def test_invoice_without_a_monthly_report_reference():
    data = replace(samples.sample_invoice(), report_id="")
    text = pdf_text(_pdf(render_invoice, data))
    assert not has_words(text, "مستند")
