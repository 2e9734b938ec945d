"""Application-wide event filters, each installed once however often the program asks."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

F = TypeVar("F", bound=QObject)


def install_once(app: QApplication, filter_type: type[F]) -> F:
    """The application's filter of this type: the one already there, or a new one installed."""
    existing = app.findChild(filter_type)
    if existing is not None:
        return existing
    made = filter_type(app)
    app.installEventFilter(made)
    return made
