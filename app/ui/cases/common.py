"""Pieces every case screen shares: the parts of a case file, choice boxes, the note box; and, re-exported
from app.ui.widgets.forms and app.ui.machinery.messages, the one form base and the one set of message boxes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Optional

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDialog, QTextEdit, QWidget

from app.domain.changes import ATTACHMENTS, FILE, PROBLEMS, REFERRALS, REVIEWS, SERVICES  # noqa: F401
from app.persian import normalize_letters
from app.ui.widgets.text import moment_text as iran_moment_text

from app.ui.widgets.forms import (  # noqa: F401 (the case screens import the form base from here)
    BUSY_RETRY_MS,
    BUSY_TRIES,
    CANCEL_TEXT,
    SAVE_KEYS,
    SAVE_TEXT,
    WAITING_TEXT,
    EnterMovesFocus,
    FormDialog,
    add_shortcut,
)
from app.ui.machinery.messages import (  # noqa: F401 (one messages module; re-exported for the case screens)
    ERROR_TITLE,
    UNSAVED_TEXT,
    UNSAVED_TITLE,
    WARNING_TITLE,
    ask_unsaved_changes,
    ask_yes_no,
    confirm_delete,
    show_error,
    show_warnings,
    tell as inform,
)


def moment_text(moment: dt.datetime) -> str:
    """A stored UTC time as the clinic's local date and clock, year at the right."""
    return iran_moment_text(moment)


def show_dialog(dialog: QDialog) -> QDialog:
    """Open a form over its window without blocking: other case windows and the list stay
    usable, and the form is deleted once it closes."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


# --- widgets -----------------------------------------------------------------------------------

class NoteEdit(QTextEdit):
    """Multi-line plain text that turns Arabic ي and ك into ی and ک as typed or pasted.

    A QTextEdit in plain-text mode, not a QPlainTextEdit: the latter lays every paragraph out
    from the left edge, so Persian notes hung at the left of the box. Tab leaves the box (a
    visit note never needs a tab character), so the form stays keyboard-only.
    """

    def __init__(self, parent: QWidget | None = None, *, lines: int = 4, grow: bool = True):
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        # right to left from the first key: an empty box would otherwise put the cursor at the left
        option = self.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        self.document().setDefaultTextOption(option)
        height = self.fontMetrics().lineSpacing() * lines + 14
        self.setMinimumHeight(height)
        if not grow:
            self.setMaximumHeight(height)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        fixed = normalize_letters(text) if text else text
        if fixed != text:
            event = QKeyEvent(event.type(), event.key(), event.modifiers(), fixed,
                              event.isAutoRepeat(), event.count())
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        # plain text only: pasted formatting (fonts, colours from a web page) is not a note's
        if source.hasText():
            self.insertPlainText(normalize_letters(source.text()))

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(normalize_letters(text or ""))


class IdChoice(QComboBox):
    """A choice of records by id (staff, contracts, problems); value() is the id or None."""

    def __init__(self, parent: QWidget | None = None, *, empty_label: str | None = "—"):
        super().__init__(parent)
        self._empty_label = empty_label

    def set_choices(self, choices: Iterable[tuple[int, str]]) -> None:
        current = self.value()
        self.blockSignals(True)
        self.clear()
        if self._empty_label is not None:
            self.addItem(self._empty_label, None)
        for record_id, label in choices:
            self.addItem(label, record_id)
        self.blockSignals(False)
        self.set_value(current)

    def value(self) -> Optional[int]:
        return self.currentData()

    def set_value(self, record_id: Optional[int], label: str = "") -> None:
        """Select a record; one missing from the list (an inactive worker) is added by label."""
        index = self.findData(record_id)
        if index < 0 and record_id is not None and label:
            self.addItem(label, record_id)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))
