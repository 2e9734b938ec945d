"""Every code point we hand reportlab must exist in Vazirmatn, or the page shows a box."""

from __future__ import annotations

import datetime as dt
import inspect
import io

import pytest

from app.domain import enums
from app.persian import format_jalali_datetime, format_month, format_number, number_to_words
from app.printing import bidi_text, fonts, samples
from app.printing.documents.case_summary import render_case_summary
from app.printing.documents.invoice import render_invoice
from app.printing.documents.monthly_report import render_monthly_report
from app.printing.documents.review_form import render_review_form
from app.printing.documents.signature_stamp import render_signature_stamp


def _enum_labels() -> list[str]:
    labels = []
    for _, cls in inspect.getmembers(enums, inspect.isclass):
        if issubclass(cls, enums.LabelledEnum) and cls is not enums.LabelledEnum:
            labels += [member.label for member in cls]
    return labels


SAMPLE_TEXTS = [
    *_enum_labels(),
    *enums.PERSIAN_MONTHS,
    *samples.NOTES,
    *samples.GIRL_NAMES, *samples.BOY_NAMES, *samples.FAMILY_NAMES,
    "«(الف)» [ب] {ج} <د>", "کودک‌آزاری، نیم‌فاصله و می‌شود",
    "فرزندِ مسئولِ شدهٔ مأمور؛ تشدید: مدّت، تنوین: حتماً، فتحه: مَ، ضمه: مُ، سکون: مْ",
    "پرسش؟ درصد ۵٪ اعشار ۱۶٫۵ جداکننده ۱٬۲۵۰٬۰۰۰ منفی −۵ — – … ٠١٢٣٤٥٦٧٨٩ 0123456789",
    "ي ك ة ۀ ؤ إ أ آ ء ئ",  # Arabic letters that arrive through imports
    "ICDL MMPI PDF Excel IR82 0170", "عبدالله و ریال",
    format_number(1_250_000), number_to_words(25_680_000), format_month(1405, 12),
    format_jalali_datetime(dt.datetime(2026, 11, 22, 14, 5)),
]


def test_every_sample_code_point_is_in_the_font():
    cmap = fonts.font_cmap(fonts.REGULAR)
    missing = {}
    for text in SAMPLE_TEXTS:
        for ch in bidi_text.visual(text):
            if ord(ch) not in cmap and not ch.isspace():
                missing.setdefault(f"U+{ord(ch):04X} {ch}", text)
    assert not missing, missing


def test_all_weights_cover_the_same_characters():
    assert fonts.font_cmap(fonts.REGULAR) == fonts.font_cmap(fonts.BOLD)
    assert fonts.font_cmap(fonts.REGULAR) == fonts.font_cmap(fonts.MEDIUM)


@pytest.fixture
def drawn_strings(monkeypatch) -> list[str]:
    """Every visual string the documents draw while they render."""
    seen: list[str] = []
    real = bidi_text.visual

    def recording(line: str) -> str:
        out = real(line)
        seen.append(out)
        return out

    monkeypatch.setattr(bidi_text, "visual", recording)
    return seen


def test_every_drawn_code_point_of_every_document_is_in_the_font(drawn_strings):
    render_monthly_report(samples.sample_monthly_report(30, correction=True), io.BytesIO())
    render_case_summary(samples.sample_case_summary(), io.BytesIO())
    render_review_form(samples.sample_review_form(), io.BytesIO())
    render_invoice(samples.sample_invoice(), io.BytesIO())
    render_signature_stamp("دکتر فرزانه نیک‌نام", "کلینیک مهرآفرین",
                           dt.datetime(2026, 11, 22, 14, 5), "تأیید گزارش")
    assert len(drawn_strings) > 200
    cmap = fonts.font_cmap(fonts.REGULAR)
    missing = {f"U+{ord(ch):04X}" for s in drawn_strings for ch in s
               if ord(ch) not in cmap and ch != " "}
    assert not missing
