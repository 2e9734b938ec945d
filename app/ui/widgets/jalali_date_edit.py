"""A Jalali date field: type the date or pick it from a Jalali calendar.

What the person types is the truth; the calendar is only a faster way to type it. Conversions
go through app.persian (jdatetime), which follows the official leap years. Qt's own Jalali
calendar differs in 1436/1437 and 1469/1470: in those years its grid labels disagree with the
official calendar, so a pick is taken by its *label* (the year, month and day the person saw)
and then converted by app.persian.

The text shows ۱۴۰۵/۰۹/۰۱ with the year at the right (see app.ui.widgets.text for the invisible
right-to-left marks that do it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QCalendar, QDate, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QSizePolicy, QToolButton, QWidget

from app.errors import ValidationError
from app.persian import (
    from_jalali,
    parse_optional_jalali,
    to_jalali,
    to_persian_digits,
)
from app.ui.widgets.text import RLM, jalali_text, plain_text
from app.ui.widgets.normalizing_line_edit import NormalizingLineEdit

JALALI = QCalendar(QCalendar.System.Jalali)
FIRST_YEAR, LAST_YEAR = 1300, 1500  # what app.persian accepts


def date_to_qdate(d: dt.date) -> QDate:
    """The calendar cell whose label is d's official Jalali date.

    Qt cannot show the two official days its calendar lacks (1436/12/30, 1469/12/30); for
    those the cell of the same Gregorian day is used.
    """
    year, month, day = to_jalali(d)
    qdate = QDate(year, month, day, JALALI)
    return qdate if qdate.isValid() else QDate(d.year, d.month, d.day)


def qdate_label(qdate: QDate) -> tuple[int, int, int]:
    """(year, month, day) as Qt's Jalali calendar labels this cell."""
    parts = JALALI.partsFromDate(qdate)
    return parts.year, parts.month, parts.day


def qdate_to_date(qdate: QDate) -> dt.date:
    """The official date of the label shown on a calendar cell; ValidationError for the two
    labels that exist only in Qt's calendar (1437/12/30, 1470/12/30)."""
    return from_jalali(*qdate_label(qdate))


def display_text(text: str) -> str:
    """Typed date text as shown: Persian digits, '-' as '/', each '/' led by a right-to-left
    mark (also while half typed, so the year stays at the right from the first '/')."""
    return to_persian_digits(plain_text(text)).replace("-", "/").replace("/", RLM + "/")


class _DateLineEdit(NormalizingLineEdit):
    """The text part; F4 or Alt+Down asks for the calendar."""

    calendarRequested = Signal()

    def normalize(self, text: str) -> str:
        return display_text(super().normalize(text))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if event.key() == Qt.Key.Key_F4 or (alt and event.key() == Qt.Key.Key_Down):
            self.calendarRequested.emit()
            event.accept()
            return
        self._step_over_mark(event.key())
        super().keyPressEvent(event)

    def _step_over_mark(self, key: int) -> None:
        """Backspace or Delete next to an invisible mark would delete only the mark (which
        comes straight back); step over it so the key deletes what the person sees."""
        if self.hasSelectedText():
            return
        text, position = self.text(), self.cursorPosition()
        if key == Qt.Key.Key_Backspace and position > 0 and text[position - 1] == RLM:
            self.setCursorPosition(position - 1)
        elif key == Qt.Key.Key_Delete and position < len(text) and text[position] == RLM:
            self.setCursorPosition(position + 1)


class _CalendarPopup(QCalendarWidget):
    """A Jalali month grid in a popup window; a click or Enter picks a day."""

    picked = Signal(QDate)

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setCalendar(JALALI)
        self.setLocale(parent.locale())
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        # Week numbers count Gregorian ISO weeks; they mean nothing beside a Jalali month.
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setGridVisible(True)
        self._mark_iranian_weekend()
        self.setMinimumDate(QDate(FIRST_YEAR, 1, 1, JALALI))
        self.setMaximumDate(QDate(LAST_YEAR, 12, 29, JALALI))
        self.clicked.connect(self.picked)
        self.activated.connect(self.picked)

    def _mark_iranian_weekend(self) -> None:
        """Qt paints Saturday and Sunday red whatever the locale; in Iran Friday is the holiday."""
        normal = self.weekdayTextFormat(Qt.DayOfWeek.Monday)
        holiday = self.weekdayTextFormat(Qt.DayOfWeek.Sunday)
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(day, normal)
        self.setWeekdayTextFormat(Qt.DayOfWeek.Friday, holiday)


class JalaliDateEdit(QWidget):
    """Date entry with Persian digits and a Jalali calendar.

    Signals: dateChanged(object) with a date or None whenever the text means a new valid
    value; validityChanged(bool) when the text turns valid or invalid (empty is valid);
    textEdited(str) when the person (not the program) changed the text.
    """

    dateChanged = Signal(object)
    validityChanged = Signal(bool)
    textEdited = Signal(str)  # typed or picked by the person, not set by the program

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        field: str = "date",
        default_today: bool = False,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        super().__init__(parent)
        self.field = field
        self._today = today
        self._valid = True
        self._last_date: dt.date | None = None
        self._popup: _CalendarPopup | None = None
        self.line_edit = self._build_line_edit()
        self.button = self._build_button()
        self._lay_out()
        self.setFocusProxy(self.line_edit)
        if default_today:
            self.setDate(today())

    def _build_line_edit(self) -> _DateLineEdit:
        edit = _DateLineEdit(self, digits="persian")
        edit.setObjectName("dateText")
        edit.setPlaceholderText("سال/ماه/روز")
        edit.setAccessibleName("تاریخ")
        edit.setToolTip("تاریخ شمسی، مثل ۱۴۰۵/۰۹/۰۱ — برای تقویم F4 یا Alt+↓")
        edit.textChanged.connect(self._text_changed)
        edit.textEdited.connect(lambda _text: self.textEdited.emit(self.text()))
        edit.editingFinished.connect(self._tidy_text)
        edit.calendarRequested.connect(self.open_calendar)
        return edit

    def _build_button(self) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName("calendarButton")
        button.setArrowType(Qt.ArrowType.DownArrow)
        # as tall as the text field beside it
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        button.setToolTip("انتخاب از تقویم")
        button.setAccessibleName("انتخاب از تقویم")
        # Tab should go from date field to the next field, not stop on the button.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(self.open_calendar)
        return button

    def _lay_out(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.button)

    # --- value -------------------------------------------------------------------------------

    def text(self) -> str:
        """The text as typed, without the invisible direction marks."""
        return plain_text(self.line_edit.text())

    def date(self) -> dt.date | None:
        """The date typed, None when empty; ValidationError (Persian, with this field) if wrong."""
        return parse_optional_jalali(self.line_edit.text(), self.field)

    def setDate(self, value: dt.date | None) -> None:
        self.line_edit.setText(jalali_text(value))

    def isValid(self) -> bool:
        return self._valid

    def setText(self, text: str) -> None:
        self.line_edit.setText(self.line_edit.normalize(text))

    def _parse_quietly(self) -> tuple[bool, dt.date | None]:
        try:
            return True, self.date()
        except ValidationError:
            return False, None

    def _text_changed(self) -> None:
        valid, value = self._parse_quietly()
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)
        if valid and value != self._last_date:
            self._last_date = value
            self.dateChanged.emit(value)

    def _tidy_text(self) -> None:
        """'1405-9-1' becomes '۱۴۰۵/۰۹/۰۱' once the person leaves the field."""
        valid, value = self._parse_quietly()
        if valid and value is not None:
            self.setDate(value)

    # --- calendar ----------------------------------------------------------------------------

    def calendar(self) -> _CalendarPopup:
        """The popup calendar (built on first use)."""
        if self._popup is None:
            self._popup = _CalendarPopup(self)
            self._popup.picked.connect(self._pick)
        return self._popup

    def open_calendar(self) -> None:
        popup = self.calendar()
        _valid, value = self._parse_quietly()
        popup.setSelectedDate(date_to_qdate(value or self._today()))
        popup.adjustSize()
        popup.move(self._popup_position(popup))
        popup.show()
        popup.setFocus()

    def _popup_position(self, popup: QWidget) -> QPoint:
        """Under the field, lined up with its right edge (its leading edge in Persian)."""
        below = self.mapToGlobal(QPoint(self.width(), self.height()))
        position = QPoint(below.x() - popup.width(), below.y())
        screen = self.screen().availableGeometry()
        x = min(max(position.x(), screen.left()), screen.right() - popup.width())
        y = position.y()
        if y + popup.height() > screen.bottom():
            y = self.mapToGlobal(QPoint(0, 0)).y() - popup.height()
        return QPoint(x, y)

    def _pick(self, qdate: QDate) -> None:
        year, month, day = qdate_label(qdate)
        self.setText(f"{year:04d}/{month:02d}/{day:02d}")
        self.textEdited.emit(self.text())
        if self._popup is not None:
            self._popup.hide()
        self.line_edit.setFocus()
