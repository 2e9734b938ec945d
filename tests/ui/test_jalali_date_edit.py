import datetime as dt

import jdatetime
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTableView

from app.errors import ValidationError
from app.ui.widgets import JalaliDateEdit
from app.ui.widgets.jalali_date_edit import (
    JALALI,
    RLM,
    date_to_qdate,
    display_text,
    qdate_label,
    qdate_to_date,
)
from tests.ui.conftest import type_text

AZAR_1_1405 = dt.date(2026, 11, 22)
LAST_OF_1403 = dt.date(2025, 3, 20)  # 1403/12/30: 1403 is a leap year
FIRST_OF_1404 = dt.date(2025, 3, 21)


@pytest.fixture
def edit(qtbot):
    widget = JalaliDateEdit(field="visit_date", today=lambda: AZAR_1_1405)
    qtbot.addWidget(widget)
    widget.show()
    widget.line_edit.setFocus()
    return widget


@pytest.mark.parametrize("typed", ["۱۴۰۵/۰۹/۰۱", "1405-9-1", "١٤٠٥/٠٩/٠١", "1405/09/01"])
def test_accepts_every_digit_kind_and_separator(edit, typed):
    type_text(edit.line_edit, typed)
    assert edit.date() == AZAR_1_1405
    assert edit.isValid()


def test_typed_digits_are_shown_in_persian_as_typed(edit):
    type_text(edit.line_edit, "1405-9")
    assert edit.text() == "۱۴۰۵/۹"


def test_leaving_the_field_writes_the_canonical_form(edit):
    type_text(edit.line_edit, "1405-9-1")
    edit.line_edit.editingFinished.emit()
    assert edit.text() == "۱۴۰۵/۰۹/۰۱"


def test_direction_marks_put_the_year_at_the_right(edit):
    edit.setDate(AZAR_1_1405)
    assert edit.line_edit.text() == f"۱۴۰۵{RLM}/۰۹{RLM}/۰۱"
    assert edit.text() == "۱۴۰۵/۰۹/۰۱"


def test_year_is_drawn_to_the_right_of_the_day(edit):
    """Visual check through Qt's own text layout: the cursor x of the year lies right of the day."""
    edit.setDate(AZAR_1_1405)
    line = edit.line_edit
    line.setCursorPosition(1)  # inside the year
    year_x = line.cursorRect().center().x()
    line.setCursorPosition(len(line.text()) - 1)  # inside the day
    day_x = line.cursorRect().center().x()
    assert year_x > day_x


def test_backspace_after_a_separator_removes_it_with_its_mark(edit, qtbot):
    edit.setDate(AZAR_1_1405)
    line = edit.line_edit
    line.setCursorPosition(line.text().index("/") + 1)  # just after the first '/'
    qtbot.keyClick(line, Qt.Key.Key_Backspace)
    assert edit.text() == "۱۴۰۵۰۹/۰۱"
    assert line.text().count(RLM) == 1
    assert line.cursorPosition() == 4


def test_backspace_right_after_a_mark_removes_the_visible_character(edit, qtbot):
    edit.setDate(AZAR_1_1405)
    line = edit.line_edit
    line.setCursorPosition(line.text().index(RLM) + 1)  # between the mark and '/'
    qtbot.keyClick(line, Qt.Key.Key_Backspace)
    assert edit.text() == "۱۴۰/۰۹/۰۱"
    line.setCursorPosition(line.text().index(RLM))  # before a mark
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    assert edit.text() == "۱۴۰۰۹/۰۱"


def test_rejects_a_day_that_does_not_exist(edit):
    type_text(edit.line_edit, "1404/12/30")
    assert not edit.isValid()
    with pytest.raises(ValidationError) as caught:
        edit.date()
    assert caught.value.field == "visit_date"
    assert "کبیسه نیست" in caught.value.message


def test_empty_is_none(edit):
    assert edit.date() is None
    assert edit.isValid()


def test_validity_and_date_signals(edit, qtbot):
    validity, dates = [], []
    edit.validityChanged.connect(validity.append)
    edit.dateChanged.connect(dates.append)
    type_text(edit.line_edit, "1405/09/01")
    type_text(edit.line_edit, "9")  # 1405/09/019
    edit.setDate(None)
    assert dates == [AZAR_1_1405, None]
    assert validity == [False, True, False, True]


def test_set_date_and_round_trip(edit):
    for day in (LAST_OF_1403, FIRST_OF_1404, AZAR_1_1405):
        edit.setDate(day)
        assert edit.date() == day
    edit.setDate(LAST_OF_1403)
    assert edit.text() == "۱۴۰۳/۱۲/۳۰"


def test_today_by_default(qtbot):
    widget = JalaliDateEdit(default_today=True, today=lambda: AZAR_1_1405)
    qtbot.addWidget(widget)
    assert widget.date() == AZAR_1_1405


# --- the calendar ----------------------------------------------------------------------------


def calendar_view(edit):
    return edit.calendar().findChild(QTableView)


@pytest.mark.parametrize("key, modifier", [
    (Qt.Key.Key_F4, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier),
])
def test_keyboard_opens_the_calendar_on_the_typed_date(edit, qtbot, key, modifier):
    edit.setDate(LAST_OF_1403)
    qtbot.keyClick(edit.line_edit, key, modifier)
    popup = edit.calendar()
    assert popup.isVisible()
    assert popup.calendar().isValid() and popup.calendar().name() == "Jalali"
    assert popup.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert qdate_label(popup.selectedDate()) == (1403, 12, 30)
    assert popup.hasFocus() or calendar_view(edit).hasFocus()


def test_calendar_opens_on_today_when_empty(edit, qtbot):
    edit.open_calendar()
    assert qdate_to_date(edit.calendar().selectedDate()) == AZAR_1_1405


def test_enter_in_the_calendar_picks_the_day(edit, qtbot):
    edit.setDate(LAST_OF_1403)
    edit.open_calendar()
    view = calendar_view(edit)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # right to left: Left is the next day
    assert qdate_label(edit.calendar().selectedDate()) == (1404, 1, 1)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not edit.calendar().isVisible()
    assert edit.text() == "۱۴۰۴/۰۱/۰۱"
    assert edit.date() == FIRST_OF_1404


def test_clicking_a_day_picks_it(edit, qtbot):
    edit.open_calendar()
    edit.calendar().clicked.emit(QDate(1403, 12, 30, JALALI))
    assert edit.date() == LAST_OF_1403
    assert edit.line_edit.hasFocus() or not edit.isActiveWindow()


def test_escape_closes_the_calendar_without_change(edit, qtbot):
    edit.setDate(AZAR_1_1405)
    edit.open_calendar()
    qtbot.keyClick(calendar_view(edit), Qt.Key.Key_Escape)
    assert not edit.calendar().isVisible()
    assert edit.date() == AZAR_1_1405


# --- converting between calendar cells and dates ------------------------------------------------


def test_cells_around_the_new_year_1404():
    assert qdate_label(date_to_qdate(LAST_OF_1403)) == (1403, 12, 30)
    assert qdate_label(date_to_qdate(FIRST_OF_1404)) == (1404, 1, 1)
    assert qdate_to_date(QDate(1403, 12, 30, JALALI)) == LAST_OF_1403
    assert qdate_to_date(QDate(1404, 1, 1, JALALI)) == FIRST_OF_1404
    assert not QDate(1404, 12, 30, JALALI).isValid()


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def test_round_trip_every_day_from_1402_to_1406():
    for day in days(dt.date(2023, 3, 21), dt.date(2028, 3, 19)):
        assert qdate_to_date(date_to_qdate(day)) == day


def test_in_years_where_qt_disagrees_the_label_follows_the_official_calendar():
    """Qt's calendar makes 1437 a leap year instead of 1436. The label a person picks is
    converted by jdatetime, so the date matches what they saw."""
    official_1437_05_10 = jdatetime.date(1437, 5, 10).togregorian()
    cell = date_to_qdate(official_1437_05_10)
    assert qdate_label(cell) == (1437, 5, 10)
    assert qdate_to_date(cell) == official_1437_05_10
    with pytest.raises(ValidationError):
        qdate_to_date(QDate(1437, 12, 30, JALALI))  # exists only in Qt's calendar


def test_round_trip_around_every_new_year_that_qt_can_show():
    """Leap-year differences show at the turn of the year: check the days around each Nowruz
    from 1300 to 1500 and one day in the middle of each year."""
    missing_in_qt = {jdatetime.date(y, 12, 30).togregorian() for y in (1436, 1469)}
    for year in range(1301, 1501):
        nowruz = jdatetime.date(year, 1, 1).togregorian()
        around = [nowruz + dt.timedelta(days=shift) for shift in range(-3, 3)]
        for day in around + [nowruz + dt.timedelta(days=180)]:
            if day not in missing_in_qt:
                assert qdate_to_date(date_to_qdate(day)) == day


def test_display_text_replaces_separators_and_digits():
    assert display_text("1405-9-1") == f"۱۴۰۵{RLM}/۹{RLM}/۱"
    assert display_text(display_text("1405/9/1")) == display_text("1405/9/1")
