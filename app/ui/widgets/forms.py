"""The one form base of the program: FormDialog, and FormErrors that shows a service's
DomainError under the field it is about.

Services raise DomainError with a Persian message and, for input errors, the name of the
field. A form registers its widgets under the same names; FormErrors.show(error) writes the
message under the widget, draws its red border and puts the cursor there. Errors without a
known field go to one general area at the top of the form.

Every dialog that saves something is a FormDialog (see its docstring for the whole API): all
errors at once, each at its field, the first focused; a date field is checked when it is left;
Ctrl+Enter saves; nothing is saved until the form is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import NOTHING, Changes
from app.errors import Busy, DomainError, StaleEdit
from app.ui.widgets import conflict
from app.ui.machinery.live import tell_pages
from app.ui.machinery.messages import ask_unsaved_changes, show_warnings
from app.ui.machinery.screen_fit import scroll_area
from app.ui.widgets.text import plain_text, rtl_date_text

SAVE_TEXT = "ذخیره"
CANCEL_TEXT = "انصراف"
WAITING_TEXT = "در حال انتظار… پایگاه داده در دست کار رایانه دیگری است؛ ذخیره دوباره امتحان می‌شود."
BUSY_TRIES = 15  # with a 2 s wait in the database each, about a minute before giving up
BUSY_RETRY_MS = 1000
SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S")

INVALID_PROPERTY = "invalid"  # the stylesheet draws a red border on *[invalid="true"]
# Signals that mean "the person changed this field": its error is then out of date.
_EDIT_SIGNALS = (
    "textEdited", "valueChanged", "valuesChanged", "dateChanged", "toggled", "textChanged",
)


class FieldErrorLabel(QLabel):
    """A small red message, hidden while empty."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "fieldError"):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        self.hide()

    def show_message(self, message: str) -> None:
        # dates quoted in a message must read like the date fields: year at the right
        self.setText(rtl_date_text(message))
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Set the `invalid` property and make the stylesheet look at it again."""
    target = widget.focusProxy() or widget
    target.setProperty(INVALID_PROPERTY, invalid)
    target.style().unpolish(target)
    target.style().polish(target)
    target.update()


class FormErrors(QObject):
    """The error display of one form. Put `general` at the top of the form's layout."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.general = FieldErrorLabel(parent, object_name="formError")
        self._fields: dict[str, tuple[QWidget, FieldErrorLabel]] = {}

    def register(self, field: str, widget: QWidget, label: FieldErrorLabel) -> None:
        """Show errors about `field` in `label` and mark `widget` (for custom layouts)."""
        self._fields[field] = (widget, label)
        for name in _EDIT_SIGNALS:
            signal = getattr(widget, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(lambda *_, field=field: self.clear_field(field))
                break

    def field_box(self, field: str, widget: QWidget) -> QWidget:
        """The widget with its error label under it, ready to go into the form's layout."""
        box = QWidget(widget.parentWidget())
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = FieldErrorLabel(box)
        layout.addWidget(label)
        self.register(field, widget, label)
        return box

    def widget_for(self, field: str) -> QWidget | None:
        entry = self._fields.get(field)
        return entry[0] if entry else None

    def show(self, error: DomainError) -> None:
        """Clear earlier errors, then show this one beside its field (or in the general area)."""
        self.clear()
        entry = self._fields.get(error.field) if error.field else None
        if entry is None:
            self.general.show_message(error.message)
            return
        widget, label = entry
        label.show_message(error.message)
        set_invalid(widget, True)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_all(self, errors: list[DomainError]) -> None:
        """Clear earlier errors, show each of these at its field, and put the cursor in the first."""
        self.clear()
        first: QWidget | None = None
        general = []
        for error in errors:
            entry = self._fields.get(error.field) if error.field else None
            if entry is None:
                general.append(error.message)
                continue
            widget, label = entry
            label.show_message(error.message)
            set_invalid(widget, True)
            first = first or widget
        if general:
            self.general.show_message("\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_at(self, field: str, error: DomainError | None) -> None:
        """One field's check when it is left: its message, or nothing if it is now right."""
        if field not in self._fields:
            return
        self.clear_field(field)
        if error is not None:
            widget, label = self._fields[field]
            label.show_message(error.message)
            set_invalid(widget, True)

    def clear_field(self, field: str) -> None:
        widget, label = self._fields[field]
        if label.isVisible() or label.text():
            label.clear_message()
            set_invalid(widget, False)

    def clear(self) -> None:
        self.general.clear_message()
        for field in self._fields:
            self.clear_field(field)

    def message_for(self, field: str) -> str:
        """The message shown under a field now ('' if none); for tests and screen readers."""
        return plain_text(self._fields[field][1].text())


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


# --- the base of every form dialog -------------------------------------------------------------

class FormDialog(QDialog):
    """The base of every dialog that saves something through one service call.

    How to write one:

        class ChequeDialog(FormDialog):
            def __init__(self, session, parent=None):
                super().__init__(session, "چک تازه", parent)     # save_text=, intro= if wanted
                self.number = self.add_row("شماره چک:", "cheque_number", NormalizingLineEdit(self))
                self.given = self.add_row("تاریخ تحویل:", "given_on", JalaliDateEdit(self, field="given_on"))
                self.lay_out()

            def entry_errors(self):           # optional: every error of the form as typed
                return check_cheque_entry(...)  # a service's pure checker, list of ValidationError

            def submit(self):                 # the one service call; raise DomainError to refuse
                return add_cheque(self.session.ctx, ...)

            def what_changed(self, result):   # what the open screens must show again
                return Changes(payments=True)

    add_row(label, field, widget) puts the widget in the form with its error label under it and
    returns the widget; `field` is the name the service's DomainError.field uses. A date field
    (JalaliDateEdit) is checked as soon as it is left; check_when_left() adds such a check to any
    other field (a national code). On «ذخیره» (or Ctrl+Enter): entry_errors() and the checks of
    every field run first, and all their errors show at once, each under its field, the cursor
    in the first; nothing is saved. Then submit() runs; its DomainError shows at its field.
    result_value is what submit() returned; what_changed(result) goes to every open screen
    (app.ui.machinery.live.tell_pages), each refreshing what concerns it. state() (a comparable snapshot) makes closing with
    unsaved changes ask first; reveal(field) shows a row hidden until an error needs it.
    """

    def __init__(self, session: Any = None, title: str = "", parent: QWidget | None = None, *,
                 save_text: str = SAVE_TEXT, intro: str = ""):
        super().__init__(parent)
        self.session = session
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.errors = FormErrors(self)
        self.enter_filter = EnterMovesFocus(self)
        self.intro = QLabel(intro, self) if intro else None
        if self.intro is not None:
            self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        self.buttons = QDialogButtonBox(self)
        self.save_button: QPushButton = self.buttons.addButton(
            save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip(f"{save_text} (Ctrl+Enter)")
        self.cancel_button: QPushButton = self.buttons.addButton(
            CANCEL_TEXT, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setToolTip(f"{CANCEL_TEXT} (Esc)")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        add_shortcut(self, SAVE_KEYS, self.save)
        self._clean_state: Any = None
        self._field_checks: dict[str, Callable[[], Any]] = {}  # also run when the field is left
        self._save_checks: dict[str, Callable[[], Any]] = {}

    def lay_out(self, *middle: QWidget) -> QVBoxLayout:
        """intro and errors at the top, the form, any extra widgets, the buttons at the bottom."""
        layout = QVBoxLayout(self)
        if self.intro is not None:
            layout.addWidget(self.intro)
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

    def add_row(self, label: str | QLabel, field: str, widget: QWidget,
                form: QFormLayout | None = None, *, enter_moves: bool = True,
                check: Callable[[], Any] | None = None) -> int:
        """A labelled field whose errors (by the service's field name) show under it; returns
        the row's index in its form. Enter moves to the next field unless `enter_moves` is off
        (a password box, where Enter means «تأیید»). `check` (raising ValidationError, as
        `v.text(..., required=True)`) runs on «ذخیره» with every other field's, before the service."""
        form = form or self.form
        form.addRow(label, self.errors.field_box(field, widget))
        if check is not None:
            self._save_checks[field] = check
        if enter_moves:
            self.watch_enter(widget)
        if _is_date_edit(widget) and field not in self._field_checks:  # a form's own check stays
            self.check_when_left(field, widget.line_edit, widget.date)
        return form.rowCount() - 1

    def add_field(self, label: str | QLabel, field: str, widget: Any, **options: Any) -> Any:
        """add_row() that returns the widget: `self.name = self.add_field("نام:", "name", QLineEdit(self))`."""
        self.add_row(label, field, widget, **options)
        return widget

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
        """Every error of the form as typed, found before the save (all shown at once); the
        field checks (dates, check_when_left) are added to these by save()."""
        return []

    def check_when_left(self, field: str, editor: QWidget, check: Callable[[], Any]) -> None:
        """Check one field (a date, a national code) as soon as the cursor leaves it; the same
        check runs again on «ذخیره», with every other field's."""
        self._field_checks[field] = check

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

    def what_changed(self, result: Any) -> Changes:
        """What a save changed, for the open screens (app.ui.machinery.live); forms that save
        something a screen shows say what."""
        return NOTHING

    # --- behaviour -----------------------------------------------------------------------------

    def mark_clean(self) -> None:
        self._clean_state = self.state()

    def is_dirty(self) -> bool:
        return self.state() != self._clean_state

    def show_domain_error(self, error: DomainError) -> None:
        if error.field:
            self.reveal(error.field)
        self.errors.show(error)

    def all_entry_errors(self) -> list[DomainError]:
        """entry_errors() and every field check, one error per field, in the form's order."""
        errors = list(self.entry_errors())
        seen = {error.field for error in errors}
        for field, check in [*self._field_checks.items(), *self._save_checks.items()]:
            if field in seen or not self._field_shown(field):
                continue
            try:
                check()
            except DomainError as error:
                errors.append(error if error.field else type(error)(error.message, field=field))
                seen.add(field)
        return sorted(errors, key=self._order)

    def _field_shown(self, field: str) -> bool:
        widget = self.errors.widget_for(field)
        return widget is None or widget.isVisibleTo(self)

    def _order(self, error: DomainError) -> int:
        """Errors in the order their fields are focused (top to bottom); general ones first."""
        widget = self.errors.widget_for(error.field) if error.field else None
        if widget is None:
            return -1
        return self._focus_chain().get(widget.focusProxy() or widget, 10_000)

    def _focus_chain(self) -> dict[QWidget, int]:
        chain: dict[QWidget, int] = {}
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self and widget not in chain:
            chain[widget] = len(chain)
            widget = widget.nextInFocusChain()
        return chain

    def save(self) -> bool:
        errors = self.all_entry_errors()
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
        tell_pages(self.what_changed(result))
        self.mark_clean()
        self.after_save(result)
        super().accept()
        return True

    def accept(self) -> None:
        # Enter on a focused button or the default button comes here; it must save first.
        self.save()

    _try_submit = save  # the name the password dialogs' tests know

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


def _is_date_edit(widget: object) -> bool:
    """A JalaliDateEdit (not imported: the widgets package must not depend on the form base)."""
    return hasattr(widget, "line_edit") and callable(getattr(widget, "date", None)) \
        and hasattr(widget, "validityChanged")
