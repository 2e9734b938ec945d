"""The one form base: every form dialog shows all its errors at once, each under its field, puts
the cursor in the first, and saves nothing; a date is checked as soon as its field is left."""

import pytest
from PySide6.QtWidgets import QWidget

from app.services.accounts import list_staff
from app.services.contracts import list_contracts
from app.ui.pages.contracts import ContractDialog
from app.ui.widgets.forms import FormDialog
from app.ui.widgets.passwords import ChangePasswordDialog, ResetPasswordDialog
from app.ui.pages.staff import StaffDialog
from app.ui.widgets import JalaliDateEdit, NormalizingLineEdit
from tests.ui.screens import answers, manager_session  # noqa: F401 — fixtures


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def assert_errors_at(qtbot, dialog, fields, first: QWidget):
    assert not dialog.save()
    for field in fields:
        assert dialog.errors.message_for(field), f"no message under {field}"
        widget = dialog.errors.widget_for(field)
        assert (widget.focusProxy() or widget).property("invalid") is True, field
    qtbot.waitUntil(first.hasFocus, timeout=3000)
    assert dialog.isVisible()  # nothing saved: the form stays open with what was typed


def test_contract_dialog_shows_every_error_at_once(qtbot, manager_session):
    dialog = shown(qtbot, ContractDialog(manager_session))
    w = dialog.widgets
    w["number"].setText("")
    w["start_date"].setText("1405/13/40")
    w["fee_per_case_month_rials"].setText("دوازده")
    w["capacity"].setText("0")
    w["cheque_return_days"].setText("سی")  # the cheques themselves are their own records (0011)
    assert_errors_at(qtbot, dialog, ["office_name", "number", "start_date", "end_date",
                                     "fee_per_case_month_rials", "capacity", "cheque_return_days"],
                     w["office_name"])
    assert list_contracts(manager_session.ctx) == []


def test_contract_dialog_checks_the_order_of_dates_with_the_rest(qtbot, manager_session):
    dialog = shown(qtbot, ContractDialog(manager_session))
    w = dialog.widgets
    w["office_name"].setText("اداره بهزیستی شهرستان ری")
    w["number"].setText("1405-12")
    w["start_date"].setText("1405/06/01")
    w["end_date"].setText("1405/01/01")
    w["fee_per_case_month_rials"].setText("1000")
    w["capacity"].setText("")
    assert_errors_at(qtbot, dialog, ["end_date", "capacity"], w["end_date"].line_edit)
    assert "بعد از تاریخ شروع" in dialog.errors.message_for("end_date")
    assert list_contracts(manager_session.ctx) == []


def test_staff_dialog_shows_every_error_at_once(qtbot, manager_session):
    before = len(list_staff(manager_session.ctx))
    dialog = shown(qtbot, StaffDialog(manager_session))
    dialog.national_code.setText("۰۰۱۲۳۴۵۶۷۸")  # wrong check digit
    dialog.username.setText("سارا")  # not Latin
    dialog.password.setText("short")
    dialog.password_again.setText("other")
    dialog.trainings.add_row("دوره", "1405/03/10", "ده")
    assert_errors_at(qtbot, dialog, ["first_name", "last_name", "national_code", "username", "password",
                                     "password_again", "trainings"], dialog.first_name)
    assert len(list_staff(manager_session.ctx)) == before


def test_staff_national_code_is_checked_when_the_field_is_left(qtbot, manager_session):
    dialog = shown(qtbot, StaffDialog(manager_session))
    dialog.national_code.setText("0012345678")
    dialog.national_code.editingFinished.emit()  # what leaving the field sends
    assert dialog.errors.message_for("national_code")
    assert dialog.errors.message_for("first_name") == ""  # only the field left is checked
    dialog.national_code.setText("")
    dialog.national_code.editingFinished.emit()
    assert dialog.errors.message_for("national_code") == ""  # put right: the message goes


def test_change_password_shows_every_error_at_once(qtbot, manager_session):
    dialog = shown(qtbot, ChangePasswordDialog(manager_session))
    dialog.new.first.setText("kort")
    dialog.new.again.setText("other")
    assert_errors_at(qtbot, dialog, ["old_password", "new_password", "new_password_again"], dialog.old)


def test_reset_password_shows_every_error_at_once(qtbot, manager_session):
    staff = list_staff(manager_session.ctx)[0]
    dialog = shown(qtbot, ResetPasswordDialog(manager_session, staff))
    dialog.new.first.setText("kort")
    dialog.new.again.setText("")
    assert_errors_at(qtbot, dialog, ["password", "password_again"], dialog.new.first)


class _Cheque(FormDialog):
    """A form written as the base's docstring says (the payments engineer's cheque dialog will be one)."""

    def __init__(self, saved: list):
        super().__init__(None, "چک")
        self.saved = saved
        self.number = self.add_field("شماره چک:", "number", NormalizingLineEdit(self))
        self.given = self.add_field("تاریخ تحویل:", "given_on", JalaliDateEdit(self, field="given_on"))
        self.lay_out()

    def submit(self):
        self.saved.append((self.number.text(), self.given.date()))
        return "ok"


def test_a_new_form_gets_date_checks_on_leaving_and_at_save(qtbot):
    saved: list = []
    dialog = shown(qtbot, _Cheque(saved))
    dialog.given.setText("1405/02/32")
    dialog.given.line_edit.editingFinished.emit()  # what leaving the field sends
    assert dialog.errors.message_for("given_on")  # told on leaving, before any save
    assert not dialog.save()
    assert saved == []
    dialog.given.setText("1405/02/30")
    assert dialog.save()
    assert dialog.result_value == "ok" and saved[0][0] == ""


@pytest.mark.parametrize("keys", ["Ctrl+Return", "Ctrl+S"])
def test_the_save_shortcut_is_on_the_button_tooltip(qtbot, keys):
    dialog = shown(qtbot, _Cheque([]))
    assert "Ctrl+Enter" in dialog.save_button.toolTip()
    assert "Esc" in dialog.cancel_button.toolTip()
