"""What every page of the main window is: a widget styled as a page, working for one signed-in session."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget


class Page(QWidget):
    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page")  # the style sheet's page background (app.ui.machinery.style)
        self.session = session
        self.is_manager = session.actor.is_manager
