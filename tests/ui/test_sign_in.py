"""The sign-in window: Persian errors under the password field, the lockout, and signing in."""

import pytest

from app.ui.machinery.sign_in import OPENING_TEXT, SignInDialog
from tests.conftest import NOW, PASSWORD
from tests.ui.conftest import type_text

from app.services.accounts import SIGN_IN_REFUSED as WRONG


@pytest.fixture
def dialog(qtbot, db, manager):
    dialog = SignInDialog(db, clinic_name="کلینیک آزمون", clock=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def fill(dialog, username, password):
    dialog.username.setText(username)
    dialog.password.clear()
    dialog.password.setFocus()
    type_text(dialog.password, password)


def test_wrong_password_is_shown_under_the_password_field_with_the_cursor_there(dialog, qtbot):
    fill(dialog, "boss", "not-the-password")
    dialog.username.setFocus()
    assert not dialog.submit()
    assert dialog.errors.message_for("password") == WRONG
    assert dialog.password.property("invalid") is True
    qtbot.waitUntil(dialog.password.hasFocus)
    assert dialog.result() == 0 and dialog.actor is None
    assert dialog.title.text() == "کلینیک آزمون"


def test_five_wrong_passwords_lock_the_account_with_a_persian_message(dialog):
    for _ in range(5):
        fill(dialog, "boss", "wrong-password")
        assert not dialog.submit()
    fill(dialog, "boss", PASSWORD)  # even the right password waits out the lockout
    assert not dialog.submit()
    message = dialog.errors.message_for("password")
    assert "قفل" in message and "دقیقه" in message


def test_right_password_signs_in_and_says_who(dialog, qtbot):
    fill(dialog, "  BOSS ", PASSWORD)
    with qtbot.waitSignal(dialog.signedIn) as signal:
        qtbot.keyClick(dialog.password, "\r")  # Enter presses the default button
    actor, username = signal.args
    assert actor.is_manager and actor.name == "مینا مدیری"
    assert username == "boss"
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert dialog.password.text() == ""  # not kept


def test_typing_may_start_before_the_database_is_open(qtbot, db, manager):
    dialog = SignInDialog(None, clock=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.button.isEnabled()
    assert dialog.status.text() == OPENING_TEXT
    fill(dialog, "boss", PASSWORD)
    assert not dialog.submit()  # nothing happens yet
    dialog.set_database(db, "کلینیک آزمون")
    assert dialog.button.isEnabled() and not dialog.status.isVisible()
    assert dialog.title.text() == "کلینیک آزمون"
    assert dialog.submit()
