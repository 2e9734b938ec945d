"""Shaping and ordering of Persian lines: what reportlab is asked to draw, left to right."""

from __future__ import annotations

import io
import random
import re
import unicodedata

import pytest
from bidi import get_display
from bidi.mirror import MIRRORED
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from app.persian import normalize_digits, to_persian_digits
from app.printing import fonts
from app.printing.bidi_text import (
    RtlParagraph,
    _reorder_and_mirror,
    _resolved_levels,
    break_lines,
    ltr,
    shape,
    text_width,
    visual,
)
from app.printing.layout import rtl_style
from tests.printing.pdf_helpers import pdf_text

FA = fonts.REGULAR


@pytest.fixture(autouse=True, scope="module")
def _fonts():
    fonts.register_fonts()


def unshaped(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def test_register_fonts_twice_is_harmless():
    fonts.register_fonts()
    fonts.register_fonts()
    from reportlab.pdfbase import pdfmetrics

    names = pdfmetrics.getRegisteredFontNames()
    assert {fonts.REGULAR, fonts.MEDIUM, fonts.BOLD} <= set(names)


def test_brackets_inside_guillemets_enclose_the_word():
    drawn = visual("«(الف)»")
    # Drawn left to right: « ( فلا ) »  — reads «(الف)» from the right.
    assert drawn[:2] == "«("
    assert drawn[-2:] == ")»"
    assert unshaped(drawn[2:-2]) == "فلا"


def test_brackets_around_persian_word_in_sentence():
    drawn = visual("گزارش (الف) شماره ۱۲")
    middle = drawn[drawn.index("(") : drawn.index(")") + 1]
    assert unshaped(middle) == "(فلا)"


def test_latin_parenthetical_keeps_latin_order_and_brackets():
    # The pure-Python algorithm gets this wrong ("(ABC (DEF"): the reason we use the Rust one.
    drawn = visual("ABC (DEF) بهزیستی")
    assert drawn.endswith("ABC (DEF)")
    assert unshaped(drawn[: drawn.index(" ")]) == "بهزیستی"[::-1]


def test_persian_numbers_read_left_to_right():
    for number in ("۱۲۳۴", "۱۴۰۵/۰۹/۰۱", "۱٬۲۵۰٬۰۰۰", "۱۴:۰۵"):
        assert number in visual(f"مبلغ {number} است")


def test_latin_words_stay_left_to_right():
    drawn = visual("خروجی PDF و فایل Excel آماده است")
    assert "PDF" in drawn and "Excel" in drawn
    # Excel comes later in the sentence, so further to the left.
    assert drawn.index("Excel") < drawn.index("PDF")


def test_identifier_with_hyphen_stays_whole_when_isolated():
    phone = "۰۲۱-۸۸۷۷۶۶۵۵"
    assert phone not in visual(f"تلفن: {phone}")  # the bidi algorithm splits it at the hyphen
    assert phone in visual(f"تلفن: {ltr(phone)}")


def test_controls_and_zwnj_are_not_drawn():
    drawn = visual(f"کودک‌آزاری {ltr('12-34')}")
    assert not any(ch in drawn for ch in "\u200c\u200d\u2066\u2069\u200f")


def test_zwnj_gives_non_joining_forms():
    shaped = shape("می‌شود")
    assert shaped[1] == "\ufbfd"  # FARSI YEH FINAL before the ZWNJ ...
    assert shaped[3] == "\ufeb7"  # ... and SHEEN INITIAL after it
    assert shape("میشود")[1] == "\ufbff"  # without ZWNJ the yeh is medial


def test_diacritics_are_kept():
    shaped = shape("فرزندِ مسئول شدهٔ مأمور")
    assert "\u0650" in shaped  # kasra
    assert "\u0654" in shaped  # hamza above
    assert any(ch in shaped for ch in "\u0626\ufe89\ufe8a\ufe8b\ufe8c")  # ئ in مسئول


def test_allah_and_rial_are_spelled_out():
    assert "\ufdf2" not in shape("عبدالله")
    assert "\ufdfc" not in shape("ریال ريال")


def test_mirroring_path_orders_like_rust_get_display():
    rng = random.Random(5)
    pool = ["سلام", "کودک‌آزاری", "ABC", "PDF-2", "۱۲۳۴", "۱۴۰۵/۰۹/۰۱", "12.5", "(", ")", "«",
            "»", " ", " ", ":", "-", "،", ".", "[", "]", "Ali Reza", "x"]
    for _ in range(500):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 9))).strip()
        shaped = shape(text)
        ours = _reorder_and_mirror(shaped)
        rust = get_display(shaped, base_dir="R")
        assert len(ours) == len(rust)
        for a, b in zip(ours, rust):
            assert a == b or MIRRORED.get(a) == b, (text, ours, rust)


def test_levels_are_read_for_every_character():
    text = shape("گزارش (PDF) ۱۲")
    levels = _resolved_levels(text)
    assert levels is not None and len(levels) == len(text)


def _numbered_paragraph(count: int) -> str:
    return " ".join(f"واژه{to_persian_digits(i)}" for i in range(1, count + 1))


def test_lines_break_in_logical_order_and_fit():
    text = _numbered_paragraph(120)
    lines = break_lines(text, FA, 10, 200)
    assert len(lines) > 5
    assert " ".join(lines) == text
    for line in lines:
        assert text_width(line, FA, 10) <= 200 + 1e-6


def test_long_paragraph_reads_top_down_in_the_pdf():
    text = _numbered_paragraph(150)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4)
    doc.build([RtlParagraph(text, rtl_style("t", 11))])
    runs = re.findall(r"[۰-۹]+", pdf_text(out.getvalue()))
    numbers = [int(normalize_digits(run)) for run in runs]
    if numbers != list(range(1, 151)):  # an older poppler gives the digits in visual order
        numbers = [int(normalize_digits(run[::-1])) for run in runs]
    assert numbers == list(range(1, 151))


def test_paragraph_splits_across_pages_without_losing_lines():
    style = rtl_style("t", 11)
    paragraph = RtlParagraph(_numbered_paragraph(400), style)
    _, height = paragraph.wrap(300, 10_000)
    head, tail = paragraph.split(300, height / 2)
    assert head.wrap(300, 10_000)[1] + tail.wrap(300, 10_000)[1] == pytest.approx(height)
    assert head._lines + tail._lines == paragraph._lines


def test_overlong_token_is_cut_to_fit():
    lines = break_lines("شناسه " + "A" * 200, FA, 10, 120)
    assert all(text_width(line, FA, 10) <= 120 for line in lines)
    assert "".join(lines).replace(" ", "") == ("شناسه" + "A" * 200)


def test_centred_and_right_aligned_paragraphs_draw():
    from reportlab.lib.enums import TA_CENTER

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4)
    doc.build([RtlParagraph("وسط‌چین", rtl_style("c", 12, align=TA_CENTER)),
               RtlParagraph("راست‌چین", rtl_style("r", 12))])
    text = pdf_text(out.getvalue())
    assert "وسطچین" in text.replace(" ", "") or "نیچطسو" in text.replace(" ", "")


def test_text_that_looks_like_the_levels_dump_is_still_read_right():
    text = shape("یادداشت levels: [ Level(9) ], paragraphs: (الف)")
    levels = _resolved_levels(text)
    assert levels is not None and len(levels) == len(text)
    assert visual("یادداشت levels: Level(9) (الف)").startswith("(")


def test_arabic_yeh_and_kaf_print_as_persian():
    assert unshaped(visual("كريم")) == unshaped(visual("کریم"))
