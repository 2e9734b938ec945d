"""A line's shape put together from its words' shapes is the line's own shape (issue 17: words
are shaped once to be measured, and lines reuse them)."""

from __future__ import annotations

import pytest

from app.printing.bidi_text import _shape_line, shape
from app.printing.samples import sample_monthly_report


@pytest.mark.parametrize("line", [
    "سلام  دنیا", "اَلف بِ پ", "کتاب ً کتاب", "ا\u200cب ج", "ب\u200d ج", "(الف) [ب] «پ»", "عبدالله ۲۰۰ ریال",
    "ـٔ ـً x", "لا لأ لإ لآ", "ICD-10 و MMPI-2", "  ", "ي ك يك",
])
def test_word_by_word_shape_is_the_line_shape(line):
    assert _shape_line(line) == shape(line)


def test_every_line_of_a_sample_report_shapes_the_same_word_by_word():
    data = sample_monthly_report(80)
    texts = {t for c in data.clients for t in (c.full_name, c.social_worker,
                                                 *(s.summary_text for s in c.services))}
    assert len(texts) > 50
    assert [t for t in texts if _shape_line(t) != shape(t)] == []
