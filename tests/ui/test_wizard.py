"""The first-run wizard: errors at the field on the right page, nothing saved until valid,
then a clinic whose manager can sign in."""

import pytest
from PySide6.QtWidgets import QWizard

from app.services.accounts import sign_in
from app.services.clinic import is_set_up
from app.ui.machinery.wizard import SetupWizard
from tests.conftest import NOW
from tests.ui.conftest import type_text


@pytest.fixture
def wizard(qtbot, db):
    wizard = SetupWizard(db, clock=lambda: NOW)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    return wizard


def fill_clinic(fields, name="کلینیک مددکاری امید", licence="۱۲۳/۴۵"):
    fields.name.setText(name)
    fields.licence_number.setText(licence)
    fields.licence_province.setCurrentText("تهران")
    fields.licence_expiry.setText("1406/06/31")
    fields.manager_name.setText("زهرا احمدی")


def fill_manager(page, password="a-good-password", again=None):
    page.username.setText("zahra")
    for field, text in ((page.password, password), (page.password_again, again or password)):
        field.clear()
        field.setFocus()
        type_text(field, text)


def finish(wizard):
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_an_empty_name_stops_the_first_page_with_the_error_at_the_field(wizard, qtbot):
    fields = wizard.clinic_page.fields
    fill_clinic(fields, name="")
    wizard.next()
    assert wizard.currentId() == wizard.clinic_page_id
    assert fields.errors.message_for("name") == "نام کلینیک را وارد کنید."
    qtbot.waitUntil(fields.name.hasFocus)
    assert not is_set_up(wizard.db)


def test_a_licence_number_too_long_and_a_wrong_date_are_shown_at_their_fields(wizard, qtbot):
    fields = wizard.clinic_page.fields
    fill_clinic(fields, licence="۱" * 51)
    wizard.next()
    assert "شماره پروانه فعالیت" in fields.errors.message_for("licence_number")
    qtbot.waitUntil(fields.licence_number.hasFocus)
    fields.licence_number.setText("۱۲۳/۴۵")
    fields.licence_expiry.setText("1406/13/01")
    wizard.next()
    assert wizard.currentId() == wizard.clinic_page_id
    assert fields.errors.message_for("licence_expiry")
    qtbot.waitUntil(fields.licence_expiry.line_edit.hasFocus)


def test_valid_pages_set_up_the_clinic_and_its_manager_can_sign_in(wizard, qtbot):
    fill_clinic(wizard.clinic_page.fields)
    wizard.next()
    assert wizard.currentId() == wizard.manager_page_id
    page = wizard.manager_page
    # the manager's name from the first page is the starting point
    assert (page.first_name.text(), page.last_name.text()) == ("زهرا", "احمدی")

    fill_manager(page, "a-good-password", "another-password")
    finish(wizard)
    assert page.errors.message_for("password_again") == "دو رمز واردشده یکسان نیستند."
    assert not is_set_up(wizard.db)

    fill_manager(page, "short")
    finish(wizard)
    assert "۸ نویسه" in page.errors.message_for("password")
    qtbot.waitUntil(page.password.hasFocus)
    assert not is_set_up(wizard.db)

    fill_manager(page, "a-good-password")
    finish(wizard)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert is_set_up(wizard.db)
    assert wizard.username == "zahra"
    actor = sign_in(wizard.db, "zahra", "a-good-password", now=NOW)
    assert actor.is_manager and actor.name == "زهرا احمدی"


def test_an_error_about_the_first_page_found_at_the_end_goes_back_there(wizard, qtbot, monkeypatch):
    from app.errors import ValidationError
    from app.services import clinic

    fill_clinic(wizard.clinic_page.fields)
    wizard.next()
    fill_manager(wizard.manager_page)

    def refuse(*_args, **_kwargs):
        raise ValidationError("نام کلینیک را وارد کنید.", field="name")

    monkeypatch.setattr(clinic, "set_up_clinic", refuse)
    finish(wizard)
    assert wizard.currentId() == wizard.clinic_page_id
    assert wizard.clinic_page.fields.errors.message_for("name") == "نام کلینیک را وارد کنید."
