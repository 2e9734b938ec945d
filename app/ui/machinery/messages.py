"""Every Persian message box and question of the program, in one module, so every screen asks
the same way and tests can answer them.

Two families, both kept because tests answer them differently:
- inform / warn / fail / confirm: built boxes with Persian buttons («باشه», «بله»/«خیر»);
  tests replace these functions.
- show_warnings / show_error / ask_yes_no / confirm_delete / ask_unsaved_changes: Qt's static
  boxes (tests patch QMessageBox.question and friends). The case screens and the form base use them.

In both, the safe answer («خیر», cancel) is the default and Escape gives it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import DomainError
from app.ui.widgets.text import rtl_date_text

TITLE = "پرونده"
YES, NO, OK = "بله", "خیر", "باشه"
WARNING_TITLE = "یادآوری"
ERROR_TITLE = "خطا"
UNSAVED_TITLE = "تغییرات ذخیره نشده"
UNSAVED_TEXT = "تغییرات این فرم ذخیره نشده است. پیش از بستن ذخیره شود؟"


def _box(parent: QWidget | None, icon: QMessageBox.Icon, text: str, detail: str = "") -> QMessageBox:
    box = QMessageBox(icon, TITLE, rtl_date_text(text), QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(rtl_date_text(detail))
    return box


def inform(parent: QWidget | None, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Information, text, detail)
    box.addButton(OK, QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn(parent: QWidget | None, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Warning, text, detail)
    box.addButton(OK, QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def fail(parent: QWidget | None, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Critical, text, detail)
    box.addButton(OK, QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, text: str, detail: str = "", *, yes: str = YES, no: str = NO) -> bool:
    """True if the person chose `yes`. The safe answer (`no`) is the default, so a stray Enter
    does not delete or overwrite anything."""
    box = _box(parent, QMessageBox.Icon.Question, text, detail)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


# --- Qt's static boxes (case screens, form base) -----------------------------------------------

def tell(parent: QWidget | None, title: str, text: str) -> None:
    """An information box with its own title."""
    QMessageBox.information(parent, title, rtl_date_text(text))


def show_warnings(parent: QWidget | None, warnings: Iterable[str]) -> None:
    """Warnings a save returned (caseload, contract capacity): told after the save, never blocking."""
    lines = [w for w in warnings if w]
    if lines:
        QMessageBox.warning(parent, WARNING_TITLE, rtl_date_text("\n\n".join(lines)))


def show_error(parent: QWidget | None, error: DomainError) -> None:
    QMessageBox.critical(parent, ERROR_TITLE, rtl_date_text(error.message))


def ask_yes_no(parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
    """«بله»/«خیر»; Enter gives «خیر» unless `default_yes` (only where «خیر» is the loss, as
    throwing a draft away), and Escape is always «خیر»."""
    default = QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No
    answer = QMessageBox.question(
        parent, title, rtl_date_text(text),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, default)
    return answer == QMessageBox.StandardButton.Yes


def confirm_delete(parent: QWidget | None, title: str, what: str) -> bool:
    """Ask before deleting, naming what goes; «خیر» is the default and Escape cancels."""
    return ask_yes_no(parent, title, f"{what}\n\nحذف شود؟")


def ask_unsaved_changes(parent: QWidget | None) -> str:
    """'save', 'discard' or 'cancel'."""
    answer = QMessageBox.question(
        parent, UNSAVED_TITLE, UNSAVED_TEXT,
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save)
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"
