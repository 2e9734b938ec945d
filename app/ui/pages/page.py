"""What every page of the main window is: a widget styled as a page, working for one signed-in session."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget


def prominent(label: QLabel) -> QLabel:
    """A label set larger and bold: a page's title, a verdict that must not be missed."""
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


class Page(QWidget):
    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page")  # the style sheet's page background (app.ui.machinery.style)
        self.session = session
        self.is_manager = session.actor.is_manager

    def title_label(self, text: str) -> QLabel:
        return prominent(QLabel(text, self))
