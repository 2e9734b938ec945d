"""FormErrors: a service's error appears under its field, marks it and takes the cursor there."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app.errors import Conflict, ValidationError
from app.ui.widgets.forms import FormErrors
from app.ui.widgets import JalaliDateEdit, NormalizingLineEdit
from tests.ui.conftest import type_text


class VisitForm(QWidget):
    """The smallest form built the way the screens will build theirs."""

    def __init__(self):
        super().__init__()
        self.errors = FormErrors(self)
        self.name = NormalizingLineEdit(self)
        self.visit_date = JalaliDateEdit(self, field="visit_date")
        form = QFormLayout()
        form.addRow("نام", self.errors.field_box("name", self.name))
        form.addRow("تاریخ بازدید", self.errors.field_box("visit_date", self.visit_date))
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.general)
        layout.addLayout(form)

    def submit(self):
        try:
            self.visit_date.date()
        except ValidationError as error:
            self.errors.show(error)
            return False
        self.errors.clear()
        return True


@pytest.fixture
def form(qtbot):
    widget = VisitForm()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.name.setFocus()
    return widget


def test_bad_date_shows_the_persian_message_under_the_field_and_moves_focus(form, qtbot):
    form.visit_date.line_edit.setFocus()
    type_text(form.visit_date.line_edit, "1404/12/30")
    form.name.setFocus()
    assert not form.submit()
    label = form.errors._fields["visit_date"][1]
    assert label.isVisible()
    assert "۱۴۰۴\u200f/۱۲\u200f/۳۰ وجود ندارد" in label.text()  # year at the right, like the field
    assert "کبیسه نیست" in form.errors.message_for("visit_date")
    # under the field, not somewhere else on the form
    label_top = label.mapTo(form, label.rect().topLeft()).y()
    field_bottom = form.visit_date.mapTo(form, form.visit_date.rect().bottomLeft()).y()
    assert label_top >= field_bottom
    assert form.visit_date.line_edit.property("invalid") is True
    qtbot.waitUntil(lambda: form.visit_date.line_edit.hasFocus())
    assert not form.errors.general.isVisible()


def test_editing_the_field_clears_its_error(form, qtbot):
    form.visit_date.setText("1404/12/30")
    form.submit()
    qtbot.keyClick(form.visit_date.line_edit, Qt.Key.Key_Backspace)
    assert form.errors.message_for("visit_date") == ""
    assert form.visit_date.line_edit.property("invalid") is False


def test_error_without_field_goes_to_the_general_area(form):
    form.errors.show(Conflict("این پرونده را کاربر دیگری تغییر داده است"))
    assert form.errors.general.isVisible()
    assert form.errors.general.text() == "این پرونده را کاربر دیگری تغییر داده است"


def test_error_for_an_unknown_field_goes_to_the_general_area(form):
    form.errors.show(ValidationError("کد ملی نادرست است", field="national_code"))
    assert form.errors.general.text() == "کد ملی نادرست است"


def test_a_new_error_replaces_the_old_one(form):
    form.errors.show(ValidationError("نام را وارد کنید", field="name"))
    form.errors.show(ValidationError("تاریخ را وارد کنید", field="visit_date"))
    assert form.errors.message_for("name") == ""
    assert form.name.property("invalid") is False
    assert form.errors.message_for("visit_date") == "تاریخ را وارد کنید"


def test_clear_hides_everything(form):
    form.errors.show(ValidationError("نام را وارد کنید", field="name"))
    form.errors.show(Conflict("خطا"))
    form.errors.clear()
    assert form.errors.message_for("name") == ""
    assert not form.errors.general.isVisible()


def test_register_with_a_custom_label(qtbot):
    from app.ui.widgets.forms import FieldErrorLabel

    host = QWidget()
    qtbot.addWidget(host)
    errors = FormErrors(host)
    edit, label = QLineEdit(host), FieldErrorLabel(host)
    errors.register("phone", edit, label)
    errors.show(ValidationError("شماره تلفن نادرست است", field="phone"))
    assert label.text() == "شماره تلفن نادرست است"
    assert errors.widget_for("phone") is edit
