"""The main window: pages by list and Ctrl+1…6, who is signed in, geometry kept, the idle lock."""

import pytest
from PySide6.QtCore import Qt

from app.services.accounts import sign_in
from app.ui.machinery.lock import Curtain, LockDialog
from app.ui.machinery.main_window import PAGES, MainWindow
from app.ui.widgets.passwords import ChangePasswordDialog
from tests.conftest import NOW, PASSWORD
from tests.ui.conftest import type_text
from tests.ui.screens import manager_session  # noqa: F401 — fixture

PAGE_CLASSES = {"dashboard": "DashboardPage", "reports": "ReportsPage", "contracts": "ContractsPage",
                "receivables": "ReceivablesPage",
                "staff": "StaffPage", "settings": "SettingsPage", "audit": "AuditPage"}


def make_window(qtbot, session, **kwargs):
    window = MainWindow(session, username="boss", clock=lambda: NOW, **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.fixture
def window(qtbot, manager_session):
    yield (window := make_window(qtbot, manager_session))
    window.stop_work()


def test_ctrl_1_to_6_and_the_list_show_each_page(window, qtbot):
    for n, spec in enumerate(PAGES, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.current_key() == spec.key
        page = window.stack.currentWidget()
        expected = PAGE_CLASSES.get(spec.key)
        if expected:
            assert type(page).__name__ == expected
        else:  # the case list, from app.ui.cases (or its placeholder until that is there)
            assert type(page).__name__ == "CaseListPage"
    window.navigation.setCurrentRow(3)
    assert type(window.stack.currentWidget()).__name__ == "ContractsPage"


def test_status_bar_names_the_person_and_role(window):
    assert window.user_label.text() == "کاربر: مینا مدیری — مدیر / مسئول فنی"
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # the page list stands at the right of the window
    assert window.navigation.mapTo(window, window.navigation.rect().topLeft()).x() > window.width() / 2


def test_size_and_place_are_kept_in_the_data_folder(qtbot, manager_session):
    first = make_window(qtbot, manager_session)
    first.resize(760, 560)
    qtbot.wait(50)
    first.close()
    assert (manager_session.data_dir / "ui-settings.ini").exists()
    second = make_window(qtbot, manager_session)
    assert (second.width(), second.height()) == (760, 560)
    second.stop_work()


def test_idle_lock_covers_the_window_and_keeps_what_was_typed(qtbot, manager_session):
    window = make_window(qtbot, manager_session, lock_ms=300)
    reports = window.show_page("reports")
    reports.file_number.setFocus()
    type_text(reports.file_number, "12345")
    qtbot.waitUntil(window.screen_lock.is_locked, timeout=3000)
    dialog = window.screen_lock.dialog
    assert isinstance(dialog, LockDialog) and dialog.isVisible()
    curtains = [c for c in window.findChildren(Curtain) if c.isVisible()]
    assert curtains and curtains[0].geometry() == window.rect()

    dialog.password.setText("wrong-password")
    assert not dialog.submit()
    from app.services.accounts import SIGN_IN_REFUSED
    assert dialog.errors.message_for("password") == SIGN_IN_REFUSED
    assert window.screen_lock.is_locked()
    window.close()  # closing is refused while locked
    assert window.isVisible()

    dialog.password.setText(PASSWORD)
    assert dialog.submit()
    assert not window.screen_lock.is_locked()
    qtbot.waitUntil(lambda: not any(c.isVisible() for c in curtains))
    assert reports.file_number.text() == "۱۲۳۴۵"  # nothing lost
    window.idle.pause()
    window.stop_work()


def test_ctrl_l_locks_and_sign_out_from_the_lock_closes_the_window(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.screen_lock.is_locked()
    with qtbot.waitSignal(window.finished) as finished:
        window.screen_lock.dialog.signOutRequested.emit()
    assert finished.args == ["sign_out"]
    assert not window.isVisible()


def test_changing_ones_own_password(qtbot, manager_session, db):
    dialog = ChangePasswordDialog(manager_session)
    qtbot.addWidget(dialog)
    dialog.old.setText("not-it")
    dialog.new.first.setText("new-password-1")
    dialog.new.again.setText("new-password-1")
    dialog._try_submit()
    assert dialog.errors.message_for("old_password") == "رمز عبور فعلی نادرست است."
    dialog.old.setText(PASSWORD)
    dialog.new.again.setText("new-password-2")
    dialog._try_submit()
    assert dialog.errors.message_for("new_password_again") == "دو رمز واردشده یکسان نیستند."
    dialog.new.again.setText("new-password-1")
    dialog._try_submit()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    assert sign_in(db, "boss", "new-password-1", now=NOW).is_manager
