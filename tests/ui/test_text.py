import datetime as dt

from PySide6.QtGui import QFontMetrics, QTextLayout
from PySide6.QtWidgets import QApplication

from app.persian import parse_jalali
from app.ui.widgets.text import RLM, jalali_text, plain_text, rtl_date_text


def test_jalali_text_puts_marks_before_the_separators():
    assert jalali_text(dt.date(2026, 11, 22)) == f"۱۴۰۵{RLM}/۰۹{RLM}/۰۱"
    assert jalali_text(None) == ""


def test_marked_text_still_parses():
    assert parse_jalali(jalali_text(dt.date(2026, 11, 22))) == dt.date(2026, 11, 22)


def test_dates_inside_a_message_are_marked_once():
    message = "تاریخ ۱۴۰۴/۱۲/۳۰ وجود ندارد؛ ماه ۱۴۰۵/۰۸ را ببینید"
    marked = rtl_date_text(message)
    assert marked == f"تاریخ ۱۴۰۴{RLM}/۱۲{RLM}/۳۰ وجود ندارد؛ ماه ۱۴۰۵{RLM}/۰۸ را ببینید"
    assert rtl_date_text(marked) == marked
    assert plain_text(marked) == message


def test_slashes_outside_dates_are_left_alone():
    assert rtl_date_text("خواهر/برادر") == "خواهر/برادر"


def x_of(layout: QTextLayout, position: int) -> float:
    return layout.lineAt(0).cursorToX(position)[0]


def test_year_is_drawn_right_of_the_day_in_a_right_to_left_line(qapp):
    """Lay the text out like a right-to-left label does and compare where year and day land."""
    text = jalali_text(dt.date(2026, 11, 22))
    layout = QTextLayout(text, QApplication.font())
    option = layout.textOption()
    option.setTextDirection(qapp.layoutDirection())
    layout.setTextOption(option)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    assert x_of(layout, 1) > x_of(layout, len(text) - 1)
    assert QFontMetrics(QApplication.font()).inFontUcs4(ord("۴"))
