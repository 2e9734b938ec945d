"""The sign-in window: user name and password.

It is the first window of a normal start, so it imports no database code at module level: it
can be on screen while the database is still being opened in the background (set_database
enables it then). Wrong passwords and the lockout after five of them are the service's Persian
messages, shown under the password field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.errors import DomainError
from app.ui.widgets.forms import FormErrors
from app.ui.widgets.passwords import field_error, password_edit

OPENING_TEXT = "در حال باز کردن پایگاه داده…"
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SignInDialog(QDialog):
    """accept()ed once someone has signed in: `actor` and `username` then say who."""

    signedIn = Signal(object, str)  # Actor, user name

    def __init__(self, db: Any = None, parent: QWidget | None = None, *, clinic_name: str = "",
                 clock: Clock = utc_now):
        super().__init__(parent)
        self.setObjectName("signIn")
        self.setWindowTitle("ورود به پرونده")
        self.setMinimumWidth(400)
        self.db = db
        self.clock = clock
        self.actor = None
        self.errors = FormErrors(self)
        self.title = self._title_label()
        self.status = QLabel(self)
        self.status.setObjectName("signInStatus")
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        # User names are Latin: typed and shown left to right.
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.password = password_edit(self, "password")
        self.button = QPushButton("ورود (&S)", self)
        self.button.setObjectName("signInButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self._lay_out()
        self.set_clinic_name(clinic_name)
        self._set_ready(db is not None)

    def _title_label(self) -> QLabel:
        label = QLabel(self)
        label.setObjectName("signInTitle")
        font = QFont(label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        label.setFont(font)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        return label

    def _lay_out(self) -> None:
        form = QFormLayout()
        user_label = QLabel("نام کاربری (&U):", self)
        user_label.setBuddy(self.username)
        password_label = QLabel("رمز عبور (&P):", self)
        password_label.setBuddy(self.password)
        form.addRow(user_label, self.errors.field_box("username", self.username))
        form.addRow(password_label, self.errors.field_box("password", self.password))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.errors.general)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.username.setFocus()

    # --- state -------------------------------------------------------------------------------

    def set_clinic_name(self, name: str) -> None:
        self.title.setText(name or "پرونده")

    def set_database(self, db: Any, clinic_name: str = "") -> None:
        """The database is open: signing in can start."""
        self.db = db
        if clinic_name:
            self.set_clinic_name(clinic_name)
        self._set_ready(True)

    def _set_ready(self, ready: bool) -> None:
        # The fields stay usable while the database opens: the person can already type.
        self.button.setEnabled(ready)
        self.status.setText("" if ready else OPENING_TEXT)
        self.status.setVisible(not ready)

    def set_username(self, username: str) -> None:
        self.username.setText(username)
        self.password.setFocus()

    # --- signing in --------------------------------------------------------------------------

    def submit(self) -> bool:
        if self.db is None:
            return False
        from app.services.accounts import sign_in

        self.errors.clear()
        try:
            actor = sign_in(self.db, self.username.text(), self.password.text(), now=self.clock())
        except DomainError as error:
            self.errors.show(field_error(error, "password"))
            self.password.selectAll()
            return False
        self.actor = actor
        self.password.clear()  # not kept in memory longer than needed
        self.signedIn.emit(actor, self.username.text().strip().lower())
        self.accept()
        return True
