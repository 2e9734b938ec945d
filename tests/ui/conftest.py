"""UI tests run on Qt's offscreen platform with the application configured as in production."""

import os

# Must be set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


@pytest.fixture(scope="session")
def qapp():
    """pytest-qt's qtbot uses this: right to left, Persian locale, Vazirmatn, the stylesheet."""
    from app.ui.machinery.application import create_application

    return create_application(["parvandeh-tests"])


def type_text(widget: QWidget, text: str) -> None:
    """Type text key by key as a keyboard would.

    qtbot.keyClicks aborts the run on non-ASCII characters (a Qt assertion), so each
    character goes as a key event that carries its text.
    """
    for ch in text:
        key = ord(ch.upper()) if ch.isascii() else 0
        press = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, ch)
        release = QKeyEvent(QEvent.Type.KeyRelease, key, Qt.KeyboardModifier.NoModifier, ch)
        QApplication.sendEvent(widget, press)
        QApplication.sendEvent(widget, release)
