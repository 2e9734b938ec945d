"""Locking the screen after some idle minutes, and unlocking with the same person's password.

Case files hold children's private lives and office PCs are shared. After N minutes without
a key press or mouse movement every open window is covered by an opaque curtain and a lock
dialog asks for the password of the person who is signed in. Nothing is closed or hidden:
whatever was being typed (in any window, even in an open dialog) is there again after the
unlock, with the cursor where it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.settings import LOCK_MINUTES
from app.errors import DomainError
from app.ui.widgets.forms import FormErrors
from app.ui.widgets.passwords import field_error, password_edit
from app.ui.machinery.sign_in import utc_now
from app.ui.widgets.layouts import STRETCH, hbox, vbox

DEFAULT_MINUTES = LOCK_MINUTES.default
SETTING_KEY = LOCK_MINUTES.key
MIN_MINUTES, MAX_MINUTES = LOCK_MINUTES.minimum, LOCK_MINUTES.maximum
# What counts as the person being at the keyboard.
_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def lock_minutes(ctx: Any) -> int:
    """The clinic's setting, kept within bounds (a hand-edited value must not disable the lock)."""
    from app.services.clinic import option_value

    return option_value(ctx, LOCK_MINUTES)


class IdleWatcher(QObject):
    """Emits `idle` after `timeout_ms` without input anywhere in the application."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_timeout_ms(timeout_ms)
        QApplication.instance().installEventFilter(self)

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self.timer.setInterval(max(1, int(timeout_ms)))
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.set_timeout_ms(minutes * 60_000)

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the program passes here: the isinstance test first, as event.type()
        # builds a Python enum each call (~4 µs; tens of thousands of events at start).
        if isinstance(event, QInputEvent) and event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()  # restart the count
        return False


class Curtain(QWidget):
    """An opaque cover over one window; follows its size; takes the mouse clicks."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("lockCurtain")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Mid))
        self.setPalette(palette)
        label = QLabel("صفحه قفل است", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
            self.raise_()
        return False


class LockDialog(QDialog):
    """Asks the signed-in person's password. accept(): unlocked; `signOutRequested`: someone else
    wants the computer (the window signs out)."""

    signOutRequested = Signal()

    def __init__(self, db: Any, username: str, person: str, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.datetime] = utc_now):
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.setWindowTitle("صفحه قفل شد")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(380)
        self.db, self.username, self.clock = db, username, clock
        self.errors = FormErrors(self)
        self.password = password_edit(self, "password")
        intro = QLabel(f"برای ادامه، {person} رمز عبور خود را وارد کند.", self)
        intro.setWordWrap(True)
        self.unlock_button = QPushButton("باز کردن قفل", self)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        sign_out = QPushButton("خروج از حساب", self)
        sign_out.setObjectName("signOutButton")
        sign_out.setAutoDefault(False)
        sign_out.clicked.connect(self.signOutRequested)
        form = QFormLayout()
        label = QLabel("رمز عبور (&P):", self)
        label.setBuddy(self.password)
        form.addRow(label, self.errors.field_box("password", self.password))
        vbox(self, intro, self.errors.general, form, hbox(self.unlock_button, sign_out, STRETCH))
        self.password.setFocus()

    def submit(self) -> bool:
        from app.services.accounts import sign_in

        try:
            sign_in(self.db, self.username, self.password.text(), now=self.clock())
        except DomainError as error:
            self.errors.show(field_error(error, "password"))
            self.password.selectAll()
            return False
        self.password.clear()
        self.accept()
        return True

    def reject(self) -> None:
        """Esc and the close button must not unlock."""


def _coverable(window: QWidget) -> bool:
    """Visible windows and dialogs; menus and tooltips close by themselves."""
    transient = window.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
    return window.isVisible() and not transient and not isinstance(window, LockDialog)


class ScreenLock(QObject):
    """Covers every visible window and shows the lock dialog; undoes both on unlock."""

    locked = Signal()
    unlocked = Signal()
    signOutRequested = Signal()

    def __init__(self, db: Any, username: str, person: str, parent: QWidget, *,
                 clock: Callable[[], dt.datetime] = utc_now):
        super().__init__(parent)
        self.db, self.username, self.person, self.clock = db, username, person, clock
        self.dialog: LockDialog | None = None
        self._curtains: list[Curtain] = []
        self._focus: QWidget | None = None

    def is_locked(self) -> bool:
        return self.dialog is not None

    def lock(self) -> None:
        if self.is_locked():
            return
        self._focus = QApplication.focusWidget()
        self._curtains = [Curtain(w) for w in QApplication.topLevelWidgets() if _coverable(w)]
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        self.dialog = LockDialog(self.db, self.username, self.person, parent, clock=self.clock)
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.signOutRequested.connect(self._sign_out)
        # open(), not exec(): no nested event loop that could outlive a sign-out
        self.dialog.open()
        self.locked.emit()

    def _remove_curtains(self) -> None:
        for curtain in self._curtains:
            try:
                curtain.deleteLater()
                curtain.hide()
            except RuntimeError:
                pass  # its window was closed meanwhile
        self._curtains = []

    def _unlocked(self) -> None:
        self._remove_curtains()
        self._close_dialog()
        if self._focus is not None:
            try:
                self._focus.window().activateWindow()
                self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
            except RuntimeError:
                pass
        self._focus = None
        self.unlocked.emit()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None

    def _sign_out(self) -> None:
        self._remove_curtains()
        self._close_dialog()
        self._focus = None
        self.signOutRequested.emit()
