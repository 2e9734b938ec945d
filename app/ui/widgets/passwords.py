"""Dialogs that ask for passwords: confirm with one's own password, set a new one, change one's own.

Each dialog calls its service when the person presses the button and stays open on an error,
showing it under the field it is about (FormErrors); nothing is done until the input is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from app.errors import AuthError, DomainError, ValidationError
from app.ui.widgets.forms import FormDialog

MSG_NOT_SAME = "دو رمز واردشده یکسان نیستند."
MIN_LENGTH_HINT = "دست‌کم ۸ نویسه"
MSG_OLD_MISSING = "رمز عبور فعلی را بنویسید."


def password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    # Passwords are Latin as often as Persian; left to right keeps the cursor where it is typed.
    edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return edit


def field_error(error: DomainError, default_field: str) -> DomainError:
    """A wrong password from a lower layer often names no field: it belongs to the password."""
    if error.field is None and isinstance(error, AuthError):
        return AuthError(error.message, field=default_field)
    return error


class _FormDialog(FormDialog):
    """The form base (app.ui.widgets.forms.FormDialog) as the password and money dialogs use it: no
    session needed, laid out at once, `add_field` rows where Enter presses the OK button (a
    password is typed, then Enter), and a wrong password shown at the password field."""

    def __init__(self, parent: QWidget | None, title: str, ok_text: str, intro: str = ""):
        super().__init__(None, title, parent, save_text=ok_text, intro=intro)
        self.setMinimumWidth(420)
        self.ok_button = self.save_button
        self.ok_button.setObjectName("okButton")
        self.ok_button.setDefault(True)
        self.lay_out()

    def add_field(self, label: str, name: str, widget: Any, **options: Any) -> Any:
        options.setdefault("enter_moves", False)
        return super().add_field(label, name, widget, **options)

    def show_domain_error(self, error: DomainError) -> None:
        super().show_domain_error(field_error(error, "password"))


class PasswordDialog(_FormDialog):
    """Asks for one password and hands it to `submit(password)`; that call's result is
    `result_value`. Used to confirm signing, creating a key, and the like."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str, submit: Callable[[str], Any],
                 ok_text: str = "تأیید"):
        super().__init__(parent, title, ok_text, prompt)
        self._submit = submit
        self.password = self.add_field("رمز عبور:", "password", password_edit(self, "password"))

    def submit(self) -> Any:
        return self._submit(self.password.text())


def ask_password(parent: QWidget | None, title: str, prompt: str, submit: Callable[[str], Any],
                 ok_text: str = "تأیید") -> tuple[bool, Any]:
    """(True, submit's result) once a password was accepted; (False, None) if cancelled."""
    dialog = PasswordDialog(parent, title, prompt, submit, ok_text)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return accepted, dialog.result_value if accepted else None


class NewPasswordFields:
    """A new password typed twice, checked to be the same before any service sees it."""

    def __init__(self, dialog: _FormDialog, field: str = "password", label: str = "رمز عبور تازه:"):
        self.field = field
        self.first = dialog.add_field(label, field, password_edit(dialog, field))
        self.first.setPlaceholderText(MIN_LENGTH_HINT)
        self.again = dialog.add_field("تکرار رمز عبور:", field + "_again", password_edit(dialog, field + "_again"))

    def errors(self) -> list[DomainError]:
        """Both boxes checked at once: long enough, typeable, and the same twice."""
        from app.services.accounts import check_new_password
        from app.services.validation import collect

        return list(collect((lambda: check_new_password(self.first.text(), self.field), self.value)))

    def value(self) -> str:
        if self.first.text() != self.again.text():
            raise ValidationError(MSG_NOT_SAME, field=self.field + "_again")
        return self.first.text()


class ChangePasswordDialog(_FormDialog):
    """The signed-in person changes their own password (needs the current one)."""

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent, "تغییر رمز عبور", "تغییر رمز")
        self.session = session
        self.old = self.add_field("رمز عبور فعلی:", "old_password", password_edit(self, "old_password"))
        self.new = NewPasswordFields(self, "new_password")

    def entry_errors(self) -> list[DomainError]:
        errors: list[DomainError] = []
        if not self.old.text():
            errors.append(ValidationError(MSG_OLD_MISSING, field="old_password"))
        return errors + self.new.errors()

    def submit(self) -> None:
        from app.services.accounts import change_password

        change_password(self.session.ctx, self.old.text(), self.new.value())


class ResetPasswordDialog(_FormDialog):
    """A manager gives a staff member an account or a new password."""

    def __init__(self, session, staff, parent: QWidget | None = None):
        super().__init__(parent, "تعیین رمز عبور", "ذخیره",
                         f"رمز عبور تازه برای {staff.full_name}. پس از ورود، خود او می‌تواند آن را تغییر دهد.")
        self.session = session
        self.staff = staff
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.username.setText(staff.username or "")
        self.add_field("نام کاربری:", "username", self.username)
        self.new = NewPasswordFields(self, "password")

    def entry_errors(self) -> list[DomainError]:
        return self.new.errors()

    def submit(self) -> None:
        from app.services.accounts import reset_password

        reset_password(self.session.ctx, self.staff.id, self.new.value(), self.username.text().strip() or None)
