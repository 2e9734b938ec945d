"""Small Persian message boxes and questions, in one place so every screen asks the same way
(and tests can answer them by replacing these functions)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.text import rtl_date_text

TITLE = "پرونده"
YES, NO, OK = "بله", "خیر", "باشه"


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
