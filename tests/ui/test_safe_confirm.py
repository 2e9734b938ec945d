"""Destructive questions: «خیر» is the default, Escape cancels, and the question names the thing."""



from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.cases.common import ask_yes_no, confirm_delete


def _press_on_question(qtbot, key, seen):
    def press():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        seen.append(box.text())
        qtbot.keyClick(box, key)
    QTimer.singleShot(20, press)


def test_enter_on_a_delete_question_keeps_the_record(qtbot):
    seen = []
    _press_on_question(qtbot, Qt.Key.Key_Return, seen)
    assert confirm_delete(None, "حذف خدمت", "خدمت «مشاوره» در ۱۴۰۵/۰۹/۰۱") is False
    assert "«مشاوره»" in seen[0] and "حذف شود" in seen[0]


def test_escape_on_a_delete_question_keeps_the_record(qtbot):
    seen = []
    _press_on_question(qtbot, Qt.Key.Key_Escape, seen)
    assert confirm_delete(None, "حذف خدمت", "خدمت «مشاوره»") is False


def test_the_yes_button_still_deletes(qtbot):
    def click_yes():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click_yes)
            return
        box.button(QMessageBox.StandardButton.Yes).click()
    QTimer.singleShot(20, click_yes)
    assert confirm_delete(None, "حذف خدمت", "خدمت «مشاوره»") is True


def test_a_draft_question_keeps_the_draft_on_enter(qtbot):
    """Where «خیر» is the loss (a draft thrown away), Enter keeps the work."""
    seen = []
    _press_on_question(qtbot, Qt.Key.Key_Return, seen)
    assert ask_yes_no(None, "پیش‌نویس", "بازیابی شود؟", default_yes=True) is True



def test_the_other_question_style_defaults_to_no_as_well(qtbot):
    """app.ui.machinery.messages.confirm (the pages' questions: delete a backup, restore, reverse a payment)."""
    from app.ui.machinery import messages

    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        seen = []
        _press_on_question(qtbot, key, seen)
        assert messages.confirm(None, "پشتیبان «۱۴۰۵/۰۹/۰۱» حذف شود؟") is False
        assert "پشتیبان" in seen[0]
