"""Pieces every case screen shares: message boxes, keyboard habits, choice boxes, the base form.

Message boxes go through the small functions here so that tests can answer them (they patch
QMessageBox's static functions) and so that every question reads the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Optional

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import Busy, DomainError, StaleEdit
from app.persian import format_jalali_datetime, normalize_letters
from app.ui import conflict
from app.ui.forms import FormErrors
from app.ui.screen_fit import scroll_area
from app.ui.session import AppSession
from app.ui.text import moment_text as iran_moment_text, rtl_date_text

SAVE_TEXT = "ذخیره"
CANCEL_TEXT = "انصراف"
WAITING_TEXT = "در حال انتظار… پایگاه داده در دست کار رایانه دیگری است؛ ذخیره دوباره امتحان می‌شود."
BUSY_TRIES = 15  # with a 2 s wait in the database each, about a minute before giving up
BUSY_RETRY_MS = 1000
WARNING_TITLE = "یادآوری"
ERROR_TITLE = "خطا"
UNSAVED_TITLE = "تغییرات ذخیره نشده"
UNSAVED_TEXT = "تغییرات این فرم ذخیره نشده است. پیش از بستن ذخیره شود؟"
SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S")


# --- messages --------------------------------------------------------------------------------

def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, rtl_date_text(text))


def show_warnings(parent: QWidget | None, warnings: Iterable[str]) -> None:
    """Warnings a save returned (caseload, contract capacity): told after the save, never blocking."""
    lines = [w for w in warnings if w]
    if lines:
        QMessageBox.warning(parent, WARNING_TITLE, rtl_date_text("\n\n".join(lines)))


def show_error(parent: QWidget | None, error: DomainError) -> None:
    QMessageBox.critical(parent, ERROR_TITLE, rtl_date_text(error.message))


def ask_yes_no(parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
    """«بله»/«خیر»; Enter gives «خیر» unless `default_yes` (only where «خیر» is the loss, as
    throwing a draft away), and Escape is always «خیر»."""
    default = QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No
    answer = QMessageBox.question(
        parent, title, rtl_date_text(text),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, default)
    return answer == QMessageBox.StandardButton.Yes


def confirm_delete(parent: QWidget | None, title: str, what: str) -> bool:
    """Ask before deleting, naming what goes; «خیر» is the default and Escape cancels."""
    return ask_yes_no(parent, title, f"{what}\n\nحذف شود؟")


def ask_unsaved_changes(parent: QWidget | None) -> str:
    """'save', 'discard' or 'cancel'."""
    answer = QMessageBox.question(
        parent, UNSAVED_TITLE, UNSAVED_TEXT,
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save)
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def moment_text(moment: dt.datetime) -> str:
    """A stored UTC time as the clinic's local date and clock, year at the right."""
    return iran_moment_text(moment)


# What changed in a case file: the window then reads again only what shows it.
FILE, SERVICES, PROBLEMS, REVIEWS, REFERRALS, ATTACHMENTS = (
    "file", "services", "problems", "reviews", "referrals", "attachments")


class CaseEvents(QObject):
    """Told whenever a screen changed a case file, so lists and open windows can refresh."""

    changed = Signal(int, str)  # the case id, and what changed (FILE, SERVICES, ...)
    deleted = Signal(str, int)  # another PC deleted a record: its kind ("service", ...) and id (app.ui.live)
    others = Signal()  # another PC saved something (app.ui.live): pages with totals read them again


_events: CaseEvents | None = None


def case_events() -> CaseEvents:
    global _events
    if _events is None:
        _events = CaseEvents(QApplication.instance())
    return _events


def show_dialog(dialog: QDialog) -> QDialog:
    """Open a form over its window without blocking: other case windows and the list stay
    usable, and the form is deleted once it closes."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


# --- keyboard ----------------------------------------------------------------------------------

class EnterMovesFocus(QObject):
    """Enter in a one-line field goes to the next field, as Tab does.

    Clerks type a form top to bottom and press Enter after each field; without this Enter
    would press the dialog's default button and save half a form.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Ctrl+Enter saves; leave it to the shortcut
        tab = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(watched, tab)
        return True


def add_shortcut(parent: QWidget, keys: str | Iterable[str], slot: Callable[[], Any],
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> list[QShortcut]:
    keys = [keys] if isinstance(keys, str) else list(keys)
    shortcuts = []
    for key in keys:
        shortcut = QShortcut(QKeySequence(key), parent)
        shortcut.setContext(context)
        shortcut.activated.connect(slot)
        shortcuts.append(shortcut)
    return shortcuts


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


# --- the base of every form dialog -------------------------------------------------------------

class FormDialog(QDialog):
    """A dialog that saves through one service call.

    Subclasses build their fields with add_row(), return a comparable snapshot from state()
    (for the unsaved-changes question) and do the service call in submit(), which returns the
    service's SaveResult. Errors go beside their field; nothing is saved until it is valid.
    """

    def __init__(self, session: AppSession, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.errors = FormErrors(self)
        self.enter_filter = EnterMovesFocus(self)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        self.buttons = QDialogButtonBox(self)
        self.save_button: QPushButton = self.buttons.addButton(
            SAVE_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip("ذخیره (Ctrl+Enter)")
        self.cancel_button: QPushButton = self.buttons.addButton(
            CANCEL_TEXT, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        add_shortcut(self, SAVE_KEYS, self.save)
        self._clean_state: Any = None

    def lay_out(self, *middle: QWidget) -> QVBoxLayout:
        """errors at the top, the form, any extra widgets, the buttons at the bottom."""
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.general)
        if len(middle) == 1 and isinstance(middle[0], QScrollArea) and self.form.rowCount() == 0:
            layout.addWidget(middle[0], 1)  # the form brought its own scroll area
        else:
            # On a small or scaled screen the fields scroll; Save stays on screen below them.
            body = QWidget(self)
            body_layout = QVBoxLayout(body)
            body_layout.setContentsMargins(0, 0, 0, 0)
            body_layout.addLayout(self.form)
            for widget in middle:
                body_layout.addWidget(widget)
            layout.addWidget(scroll_area(body, self), 1)
        layout.addWidget(self.buttons)
        return layout

    def add_row(self, label: str, field: str, widget: QWidget,
                form: QFormLayout | None = None) -> int:
        """A labelled field whose errors (by the service's field name) show under it."""
        form = form or self.form
        form.addRow(label, self.errors.field_box(field, widget))
        self.watch_enter(widget)
        return form.rowCount() - 1

    def watch_enter(self, widget: QWidget) -> None:
        if not isinstance(widget, QTextEdit):  # Enter starts a new line in a note
            target = widget.focusProxy() or widget
            target.installEventFilter(self.enter_filter)

    # --- to be filled in by subclasses ---------------------------------------------------------

    def state(self) -> Any:
        return None

    def submit(self) -> Any:
        raise NotImplementedError

    def reveal(self, field: str) -> None:
        """Show a field hidden until the service asks for it (amend reason, early transfer)."""

    def entry_errors(self) -> list[DomainError]:
        """Every error of the form as typed, found before the save (all shown at once)."""
        return []

    def check_when_left(self, field: str, editor: QWidget, check: Callable[[], Any]) -> None:
        """Check one field (a date, a national code) as soon as the cursor leaves it."""
        def run() -> None:
            try:
                check()
            except DomainError as error:
                self.errors.show_at(field, error)
            else:
                self.errors.show_at(field, None)
        editor.editingFinished.connect(run)

    def after_save(self, result: Any) -> None:
        show_warnings(self.parentWidget() or self, getattr(result, "warnings", ()))

    # --- behaviour -----------------------------------------------------------------------------

    def mark_clean(self) -> None:
        self._clean_state = self.state()

    def is_dirty(self) -> bool:
        return self.state() != self._clean_state

    def show_domain_error(self, error: DomainError) -> None:
        if error.field:
            self.reveal(error.field)
        self.errors.show(error)

    def save(self) -> bool:
        errors = self.entry_errors()
        if errors:
            for error in errors:
                if error.field:
                    self.reveal(error.field)
            self.errors.show_all(errors)
            return False
        try:
            result = self.submit()
        except StaleEdit as error:
            self.stale(error)
            return False
        except Busy as error:
            self.wait_and_retry(error)
            return False
        except DomainError as error:
            self.show_domain_error(error)
            return False
        self._busy_tries = 0
        self.result_value = result
        self.mark_clean()
        self.after_save(result)
        super().accept()
        return True

    def accept(self) -> None:
        # Enter on a focused button or the default button comes here; it must save first.
        self.save()

    def reject(self) -> None:
        if self.is_dirty():
            answer = ask_unsaved_changes(self)
            if answer == "cancel":
                return
            if answer == "save":
                self.save()
                return
        self.discarded()
        super().reject()

    def discarded(self) -> None:
        """Called when the person leaves without saving (drafts are thrown away here)."""

    # --- another PC's long write holds the database -------------------------------------------

    def wait_and_retry(self, error: Busy) -> None:
        """Say «در حال انتظار…» and try the same save again shortly; after a while, the Persian message."""
        tries = getattr(self, "_busy_tries", 0)
        if tries >= BUSY_TRIES:
            self._busy_tries = 0
            self.save_button.setEnabled(True)
            self.errors.show(error)
            return
        self._busy_tries = tries + 1
        self.errors.general.show_message(WAITING_TEXT)
        self.save_button.setEnabled(False)
        QTimer.singleShot(BUSY_RETRY_MS, self._retry_save)

    def _retry_save(self) -> None:
        self.save_button.setEnabled(True)
        self.save()

    # --- someone else saved first (app.services.concurrency) -----------------------------------

    def stale(self, error: StaleEdit) -> None:
        """Keep the typing, show who changed what, and on request reload with the typing on top."""
        self.keep_draft()
        if conflict.ask_reload(self, error) and not error.deleted:
            self.reload_and_reapply()

    def keep_draft(self) -> None:
        """Put the person's typing on disk before anything else happens (forms with drafts)."""

    def reload_and_reapply(self) -> None:
        """Read the record again and put back every field this person changed."""

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.result() == QDialog.DialogCode.Accepted or not self.isVisible():
            event.accept()
            return
        event.ignore()
        self.reject()
