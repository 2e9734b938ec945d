"""Keyboard: Ctrl+F from every page keeps the search, F1 opens the guide, shortcuts are told."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.ui.machinery.keyboard import SHORTCUTS, label_shortcuts
from app.ui.machinery.main_window import MainWindow
from tests.conftest import NOW
from tests.ui.conftest import type_text
from tests.ui.screens import manager_session  # noqa: F401 — fixture

CTRL = Qt.KeyboardModifier.ControlModifier


def make_window(qtbot, session):
    window = MainWindow(session, username="boss", clock=lambda: NOW)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts go to the active window only
    return window


def test_ctrl_f_works_after_clicking_the_case_list_in_the_sidebar_and_keeps_the_text(qtbot, manager_session):
    window = make_window(qtbot, manager_session)
    try:
        row = window.navigation.visualItemRect(window.navigation.item(1)).center()
        qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=row)
        assert window.current_key() == "cases"
        page = window.stack.currentWidget()
        window.navigation.setFocus()  # as after the click, if the page took no focus
        qtbot.keyClick(window.navigation, Qt.Key.Key_F, CTRL)
        assert QApplication.focusWidget() is page.search
        type_text(page.search, "رضا")
        qtbot.keyClick(window, Qt.Key.Key_1, CTRL)  # to the dashboard
        assert window.current_key() == "dashboard"
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F, CTRL)
        assert window.current_key() == "cases" and QApplication.focusWidget() is page.search
        type_text(page.search, " کریمی")  # added to the earlier search, not replacing it
        assert page.search.text() == "رضا کریمی"
    finally:
        window.stop_work()


def test_f1_opens_the_persian_guide(qtbot, manager_session):
    window = make_window(qtbot, manager_session)
    try:
        qtbot.keyClick(window, Qt.Key.Key_F1)
        guide = window.guide
        assert guide.isVisible()
        text = guide.browser.toPlainText()
        for chapter in ("نخستین", "یادداشت", "بررسی", "گزارش ماهانه", "اصلاح", "پشتیبان", "چند رایانه"):
            assert chapter in text, chapter
        assert guide.contents.count() >= 7
        guide.close()
    finally:
        window.stop_work()


def test_every_shortcut_of_the_main_window_is_in_the_help_list(qtbot, manager_session):
    window = make_window(qtbot, manager_session)
    try:
        listed = " ".join(keys for _where, keys, _what in SHORTCUTS)
        for action in window.actions():
            keys = action.shortcut().toString()
            if keys and not keys.startswith("Ctrl+") or keys and not keys[-1].isdigit():
                assert keys in listed, keys
    finally:
        window.stop_work()


def test_a_button_with_a_shortcut_says_it_in_its_tooltip(qtbot):
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    own = QPushButton("ذخیره", window)
    own.setShortcut(QKeySequence("Ctrl+S"))
    by_action = QPushButton("پرونده جدید", window)
    action = QAction("پرونده جدید", window)
    action.setShortcut(QKeySequence("Ctrl+N"))
    window.addAction(action)
    plain = QPushButton("بستن", window)
    label_shortcuts(window)
    assert "Ctrl+S" in own.toolTip()
    assert "Ctrl+N" in by_action.toolTip()
    assert plain.toolTip() == ""
