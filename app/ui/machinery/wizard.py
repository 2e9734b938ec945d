"""The first-run wizard: the clinic's details, then the first manager account.

Nothing is saved until the last page is valid; then set_up_clinic saves both in one
transaction. The first page is checked by the same rules before the person may go on, and an
error found at the end about a first-page field takes the person back to that field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import DomainError
from app.services.accounts import StaffInput
from app.services.clinic import ClinicInput, check_clinic_input
from app.ui.widgets.forms import FormErrors
from app.ui.widgets.passwords import MIN_LENGTH_HINT, MSG_NOT_SAME, field_error, password_edit
from app.ui.machinery.sign_in import utc_now
from app.ui.widgets import JalaliDateEdit, NormalizingLineEdit
from app.ui.machinery.screen_fit import fit_size

PROVINCES = (
    "آذربایجان شرقی", "آذربایجان غربی", "اردبیل", "اصفهان", "البرز", "ایلام", "بوشهر", "تهران",
    "چهارمحال و بختیاری", "خراسان جنوبی", "خراسان رضوی", "خراسان شمالی", "خوزستان", "زنجان",
    "سمنان", "سیستان و بلوچستان", "فارس", "قزوین", "قم", "کردستان", "کرمان", "کرمانشاه",
    "کهگیلویه و بویراحمد", "گلستان", "گیلان", "لرستان", "مازندران", "مرکزی", "هرمزگان", "همدان", "یزد",
)
CLINIC_FIELDS = ("name", "licence_number", "licence_province", "licence_expiry", "address", "phones",
                 "manager_name")
MANAGER_FIELDS = ("first_name", "last_name", "username", "password", "password_again")


class ClinicFields(QWidget):
    """The clinic's details as a form (the wizard's first page and the settings page)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.errors = FormErrors(self)
        self.name = NormalizingLineEdit(self)
        self.licence_number = NormalizingLineEdit(self, digits="persian")
        self.licence_province = QComboBox(self)
        self.licence_province.setEditable(True)
        self.licence_province.addItems(("",) + PROVINCES)
        self.licence_expiry = JalaliDateEdit(self, field="licence_expiry")
        self.address = QPlainTextEdit(self)
        self.address.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.address.setFixedHeight(64)
        # Fixed, or the form hands it (and the space around it) every spare pixel of the page.
        self.address.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.phones = NormalizingLineEdit(self, digits="persian")
        self.manager_name = NormalizingLineEdit(self)
        for name in CLINIC_FIELDS:
            getattr(self, name).setObjectName(name)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.errors.general)
        rows = (("نام کلینیک (&N):", "name"), ("شماره پروانه فعالیت (&L):", "licence_number"),
                ("استان صادرکننده پروانه:", "licence_province"), ("تاریخ اعتبار پروانه:", "licence_expiry"),
                ("نشانی:", "address"), ("تلفن:", "phones"), ("نام مدیر / مسئول فنی (&M):", "manager_name"))
        for text, name in rows:
            widget = getattr(self, name)
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, self.errors.field_box(name, widget))

    def value(self) -> ClinicInput:
        """What is typed; ValidationError (with its field) for a date that is not a date."""
        return ClinicInput(
            name=self.name.text(), licence_number=self.licence_number.text(),
            licence_province=self.licence_province.currentText(), licence_expiry=self.licence_expiry.date(),
            address=self.address.toPlainText(), phones=self.phones.text(), manager_name=self.manager_name.text())

    def set_value(self, clinic: Any) -> None:
        self.name.setText(clinic.name)
        self.licence_number.setText(self.licence_number.normalize(clinic.licence_number))
        self.licence_province.setCurrentText(clinic.licence_province)
        self.licence_expiry.setDate(clinic.licence_expiry)
        self.address.setPlainText(clinic.address)
        self.phones.setText(self.phones.normalize(clinic.phones))
        self.manager_name.setText(clinic.manager_name)

    def set_read_only(self, read_only: bool) -> None:
        for name in CLINIC_FIELDS:
            getattr(self, name).setEnabled(not read_only)

    def check(self) -> bool:
        """Check by the service's rules without saving; show the first error at its field."""
        self.errors.clear()
        try:
            check_clinic_input(self.value())
        except DomainError as error:
            self.errors.show(error)
            return False
        return True


class _Step(QWizardPage):
    """A step of the first-run wizard: its numbered title, and a line on what it is for."""

    def __init__(self, title: str, subtitle: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(title)
        self.setSubTitle(subtitle)


class ClinicPage(_Step):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("۱. مشخصات کلینیک", "این مشخصات در سربرگ گزارش‌ها و قراردادها چاپ می‌شود و بعداً از "
                         "«تنظیمات» تغییر می‌کند.", parent)
        self.fields = ClinicFields(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)

    def initializePage(self) -> None:
        self.fields.name.setFocus()

    def validatePage(self) -> bool:
        return self.fields.check()


class ManagerPage(_Step):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("۲. حساب کاربری مدیر",
                         "مدیر با این نام کاربری و رمز وارد می‌شود و حساب دیگر کارکنان را می‌سازد.", parent)
        self.errors = FormErrors(self)
        self.first_name = NormalizingLineEdit(self)
        self.last_name = NormalizingLineEdit(self)
        self.username = QLineEdit(self)
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.password = password_edit(self, "password")
        self.password.setPlaceholderText(MIN_LENGTH_HINT)
        self.password_again = password_edit(self, "password_again")
        for name in MANAGER_FIELDS:
            getattr(self, name).setObjectName(name)
        form = QFormLayout(self)
        form.addRow(self.errors.general)
        for text, name in (("نام (&F):", "first_name"), ("نام خانوادگی (&A):", "last_name"),
                           ("نام کاربری (&U):", "username"), ("رمز عبور (&P):", "password"),
                           ("تکرار رمز عبور:", "password_again")):
            widget = getattr(self, name)
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, self.errors.field_box(name, widget))

    def initializePage(self) -> None:
        """Start from the manager's name given on the first page."""
        wizard = self.wizard()
        if not self.first_name.text() and not self.last_name.text() and isinstance(wizard, SetupWizard):
            first, _, last = wizard.clinic_page.fields.manager_name.text().strip().partition(" ")
            self.first_name.setText(first)
            self.last_name.setText(last.strip())
        self.first_name.setFocus()

    def value(self) -> StaffInput:
        if self.password.text() != self.password_again.text():
            from app.errors import ValidationError
            raise ValidationError(MSG_NOT_SAME, field="password_again")
        return StaffInput(first_name=self.first_name.text(), last_name=self.last_name.text(), role="manager",
                          username=self.username.text().strip(), password=self.password.text())

    def validatePage(self) -> bool:
        wizard = self.wizard()
        return wizard.finish_setup() if isinstance(wizard, SetupWizard) else False


class SetupWizard(QWizard):
    """accept()ed once the clinic is set up; `actor` and `username` are the new manager."""

    def __init__(self, db: Any = None, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.datetime] = utc_now):
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle("راه‌اندازی پرونده")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "بعدی")
        self.setButtonText(QWizard.WizardButton.BackButton, "قبلی")
        self.setButtonText(QWizard.WizardButton.FinishButton, "راه‌اندازی")
        self.setButtonText(QWizard.WizardButton.CancelButton, "انصراف")
        fit_size(self, 680, 600)  # no minimum: a 1024×768 screen at 150% is 683×512
        self.db = db
        self.clock = clock
        self.actor = None
        self.username = ""
        self.clinic_page = ClinicPage(self)
        self.manager_page = ManagerPage(self)
        self.clinic_page_id = self.addPage(self.clinic_page)
        self.manager_page_id = self.addPage(self.manager_page)

    def set_database(self, db: Any) -> None:
        self.db = db

    def finish_setup(self) -> bool:
        """Save the clinic and its manager; False (and the error at its field) if anything is wrong."""
        from app.services.clinic import set_up_clinic

        page = self.manager_page
        page.errors.clear()
        if self.db is None:
            page.errors.general.show_message("پایگاه داده هنوز آماده نیست؛ چند لحظه دیگر دوباره امتحان کنید.")
            return False
        try:
            clinic = self.clinic_page.fields.value()
            manager = page.value()
            self.actor = set_up_clinic(self.db, clinic, manager, now=self.clock())
        except DomainError as error:
            self._show_error(field_error(error, "password"))
            return False
        self.username = manager.username.lower()
        return True

    def _show_error(self, error: DomainError) -> None:
        if error.field in CLINIC_FIELDS:
            while self.currentId() != self.clinic_page_id:
                self.back()
            self.clinic_page.fields.errors.show(error)
        else:
            self.manager_page.errors.show(error)
