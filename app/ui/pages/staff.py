"""Staff members, their accounts and the Behzisti training courses they attended.

The manager adds and edits staff, gives or resets an account's password and deactivates people
who left (their records stay: files and reports still name them). Others see the list only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import DomainError, ValidationError
from app.domain.enums import Degree, Role
from app.persian import normalize_digits, parse_optional_jalali, to_persian_digits, validate_national_code
from app.ui.machinery import messages
from app.domain.changes import FILE, Changes
from app.ui.machinery import live
from app.ui.widgets.forms import FormDialog
from app.ui.widgets.list_model import ListTableModel, identifier_text, make_table_view, select_row
from app.ui.widgets.paged_model import Column
from app.ui.widgets.passwords import MSG_NOT_SAME, ResetPasswordDialog, password_edit
from app.ui.widgets.text import jalali_text, plain_text, rtl_date_text
from app.ui.widgets import EnumComboBox, NormalizingLineEdit
from app.ui.pages.page import Page
from app.ui.widgets.layouts import STRETCH, hbox, vbox


def _degree(value: str) -> str:
    return Degree(value).label if value else ""


def _active(value: bool) -> str:
    return "فعال" if value else "غیرفعال"


COLUMNS = [
    Column("full_name", "نام"),
    Column("role_label", "سمت"),
    Column("degree", "مدرک", _degree),
    Column("field_of_study", "رشته"),
    Column("national_code", "کد ملی", identifier_text),
    Column("phone", "تلفن", identifier_text),
    Column("username", "نام کاربری"),
    Column("active", "وضعیت", _active),
]


class TrainingsEditor(QWidget):
    """The courses as a small table: title, date (Jalali), hours. A few rows per person."""

    HEADERS = ("عنوان دوره", "تاریخ", "ساعت")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("trainingsTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setFixedHeight(130)
        self.table.itemChanged.connect(self._tidy)
        add = QPushButton("افزودن دوره", self)
        add.setObjectName("addTraining")
        add.clicked.connect(lambda: self.add_row())
        remove = QPushButton("حذف دوره", self)
        remove.clicked.connect(self.remove_current)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)

    def _tidy(self, item: QTableWidgetItem) -> None:
        """Dates and hours as the rest of the program shows them: Persian digits, year at the right."""
        if item.column() == 0:
            return
        text = to_persian_digits(normalize_digits(plain_text(item.text())))
        if item.column() == 1:
            text = rtl_date_text(text.replace("-", "/"))
        if text != item.text():
            item.setText(text)  # emits itemChanged again, which then finds nothing to change

    def add_row(self, title: str = "", date_text: str = "", hours: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((title, date_text, hours)):
            self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setCurrentCell(row, 0)

    def remove_current(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def set_values(self, trainings: Any) -> None:
        self.table.setRowCount(0)
        for title, attended_on, hours in trainings:
            self.add_row(title, jalali_text(attended_on), to_persian_digits(hours) if hours is not None else "")

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return plain_text(item.text()).strip() if item else ""

    def values(self) -> list[tuple[str, Any, Any]]:
        """(title, date or None, hours or None) per filled row; ValidationError at 'trainings'."""
        result = []
        for row in range(self.table.rowCount()):
            title, date_text, hours_text = (self._cell(row, c) for c in range(3))
            if not (title or date_text or hours_text):
                continue  # an empty row added by mistake
            hours = normalize_digits(hours_text)
            if hours and not hours.isdigit():
                raise ValidationError(f"ساعت دوره «{title}» باید عدد باشد.", field="trainings")
            result.append((title, parse_optional_jalali(date_text, "trainings"), int(hours) if hours else None))
        return result


class StaffDialog(FormDialog):
    """Add a staff member (optionally with an account) or edit one."""

    def __init__(self, session: Any, staff: Any = None, parent: QWidget | None = None):
        super().__init__(session, "کارمند تازه" if staff is None else f"ویرایش — {staff.full_name}", parent)
        self.setObjectName("staffDialog")
        self.staff, self.saved = staff, None
        self.setMinimumWidth(560)
        self.first_name = NormalizingLineEdit(self)
        self.last_name = NormalizingLineEdit(self)
        self.role = EnumComboBox(Role, self)
        self.degree = EnumComboBox(Degree, self, allow_empty=True)
        self.field_of_study = NormalizingLineEdit(self)
        self.national_code = NormalizingLineEdit(self, digits="persian")
        self.phone = NormalizingLineEdit(self, digits="persian")
        self.trainings = TrainingsEditor(self)
        for name, label in (("first_name", "نام (&F):"), ("last_name", "نام خانوادگی (&A):"), ("role", "سمت (&R):"),
                            ("degree", "مدرک تحصیلی:"), ("field_of_study", "رشته تحصیلی:"),
                            ("national_code", "کد ملی:"), ("phone", "تلفن:")):
            self._row(name, label, getattr(self, name))
        self.role.setValue(Role.SOCIAL_WORKER)
        if staff is None:
            self._account_fields()
        self._row("trainings", "دوره‌های آموزشی بهزیستی:", self.trainings)
        self.check_when_left("national_code", self.national_code,
                             lambda: self.national_code.text().strip()
                             and validate_national_code(self.national_code.text()))
        self.save_button.setDefault(True)
        self.lay_out()  # scrolls on a small or scaled screen; the buttons stay in view
        if staff is not None:
            self._fill(staff)

    def _row(self, name: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(name)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.add_row(caption, name, widget, enter_moves=name != "trainings")

    def _account_fields(self) -> None:
        box_label = QLabel("حساب کاربری (اختیاری؛ بعداً هم می‌توان ساخت):", self)
        self.form.addRow(box_label)
        self.username = QLineEdit(self)
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self._row("username", "نام کاربری:", self.username)
        self.password = password_edit(self, "password")
        self._row("password", "رمز عبور:", self.password)
        self.password_again = password_edit(self, "password_again")
        self._row("password_again", "تکرار رمز عبور:", self.password_again)

    def _fill(self, s: Any) -> None:
        self.first_name.setText(s.first_name)
        self.last_name.setText(s.last_name)
        self.role.setValue(s.role)
        self.degree.setValue(s.degree or None)
        self.field_of_study.setText(s.field_of_study)
        self.national_code.setText(self.national_code.normalize(s.national_code or ""))
        self.phone.setText(self.phone.normalize(s.phone))
        self.trainings.set_values(s.trainings)

    def _input(self) -> Any:
        from app.services.accounts import StaffInput

        degree, role = self.degree.value(), self.role.value()
        data = StaffInput(
            first_name=self.first_name.text(), last_name=self.last_name.text(), role=role.value if role else "",
            national_code=self.national_code.text() or None, degree=degree.value if degree else "",
            field_of_study=self.field_of_study.text(), phone=self.phone.text(), trainings=(),
            version=self.staff.version if self.staff else None)
        if self.staff is None and self.username.text().strip():
            data.username, data.password = self.username.text().strip(), self.password.text()
        return data

    def value(self) -> Any:
        data = self._input()
        data.trainings = self.trainings.values()
        if data.username and self.password.text() != self.password_again.text():
            raise ValidationError(MSG_NOT_SAME, field="password_again")
        return data

    def entry_errors(self) -> list[DomainError]:
        from app.services.accounts import check_staff_entry

        data = self._input()
        errors: list[DomainError] = list(check_staff_entry(data))
        if data.username and self.password.text() != self.password_again.text():
            errors.append(ValidationError(MSG_NOT_SAME, field="password_again"))
        try:
            self.trainings.values()
        except DomainError as error:
            errors.append(error if error.field else ValidationError(error.message, field="trainings"))
        return errors

    def submit(self) -> Any:
        from app.services.accounts import add_staff, update_staff

        data = self.value()
        if self.staff is None:
            self.saved = add_staff(self.session.ctx, data)
        else:  # details and courses in one transaction: a refused course leaves nothing half-saved
            changed = tuple(data.trainings) != tuple(self.staff.trainings)
            self.saved = update_staff(self.session.ctx, self.staff.id, data,
                                      trainings=data.trainings if changed else None)
        return self.saved

    def what_changed(self, result: Any) -> Changes:
        return Changes(staff=True)


class StaffPage(Page):
    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.can_edit = self.is_manager
        self.model = ListTableModel(COLUMNS, parent=self, alert=None)
        self._build()
        self.refresh()
        self.watch = live.RefreshOnChanges(self, lambda c: c.staff or c.touches_cases(FILE), self.refresh,
                                           own_saves=False)

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(self.can_edit)
        return button

    def _build(self) -> None:
        title = self.title_label("کارکنان کلینیک")
        self.show_inactive = QCheckBox("نمایش کارکنان غیرفعال", self)
        self.show_inactive.setObjectName("showInactive")
        self.show_inactive.toggled.connect(lambda _checked: self.refresh())
        self.add_button = self._button("کارمند تازه (Ctrl+N)", "addStaff", self.add)
        self.edit_button = self._button("ویرایش", "editStaff", self.edit_current)
        self.password_button = self._button("تعیین رمز عبور…", "resetPassword", self.reset_password)
        self.active_button = self._button("غیرفعال کردن", "toggleActive", self.toggle_active)
        self.own_password = QPushButton("تغییر رمز عبور خودم…", self)
        self.own_password.setObjectName("ownPassword")
        self.own_password.clicked.connect(self.change_own_password)
        if self.can_edit:
            QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.add)
        self.table = make_table_view(self.model, self, name="staffTable")
        self.table.activated.connect(lambda index: self.edit(self.model.row_at(index)))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        vbox(self, hbox(title, STRETCH, self.show_inactive),
             hbox(self.add_button, self.edit_button, self.password_button, self.active_button, STRETCH,
                  self.own_password),
             (self.table, 1))

    def refresh(self, select_id: int | None = None) -> None:
        from app.services.accounts import list_staff

        current = self.current()
        select_id = select_id or (current.id if current else None)
        self.model.set_rows(list_staff(self.session.ctx, active_only=not self.show_inactive.isChecked()))
        if select_id is not None:
            for row, staff in enumerate(self.model.rows()):
                if staff.id == select_id:
                    select_row(self.table, row)
        self._update_buttons()

    def current(self) -> Any:
        return self.model.row_at(self.table.currentIndex())

    def _update_buttons(self) -> None:
        staff = self.current()
        self.active_button.setText("فعال کردن" if staff is not None and not staff.active else "غیرفعال کردن")
        for button in (self.edit_button, self.password_button, self.active_button):
            button.setEnabled(staff is not None)

    def add(self) -> None:
        if not self.can_edit:
            return
        dialog = StaffDialog(self.session, None, self)
        if dialog.exec() and dialog.saved is not None:
            self.refresh(dialog.saved.id)

    def edit_current(self) -> None:
        self.edit(self.current())

    def edit(self, staff: Any) -> None:
        if staff is None or not self.can_edit:
            return
        dialog = StaffDialog(self.session, staff, self)
        if dialog.exec() and dialog.saved is not None:
            self.refresh(dialog.saved.id)

    def reset_password(self) -> None:
        staff = self.current()
        if staff is None or not self.can_edit:
            return
        if ResetPasswordDialog(self.session, staff, self).exec():
            messages.inform(self, f"رمز عبور {staff.full_name} ثبت شد.")
            self.refresh(staff.id)

    def toggle_active(self) -> None:
        from app.services.accounts import set_staff_active

        staff = self.current()
        if staff is None or not self.can_edit:
            return
        if staff.active and staff.id == self.session.actor.staff_id:
            messages.warn(self, "نمی‌توانید حساب خودتان را غیرفعال کنید.")
            return
        if staff.active and not messages.confirm(
                self, f"{staff.full_name} غیرفعال شود؟",
                "دیگر نمی‌تواند وارد شود و پرونده تازه به او سپرده نمی‌شود؛ سوابقش می‌ماند."):
            return
        try:
            set_staff_active(self.session.ctx, staff.id, not staff.active)
        except DomainError as error:
            messages.warn(self, error.message)
            return
        self.refresh(staff.id)

    def change_own_password(self) -> None:
        from app.ui.widgets.passwords import ChangePasswordDialog

        if ChangePasswordDialog(self.session, self).exec():
            messages.inform(self, "رمز عبور شما تغییر کرد.")
