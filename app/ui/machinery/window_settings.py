"""Remembering where and how big each window was, in an ini file in the data folder.

The data folder (not the registry or ~/.config) keeps everything of one clinic in one place:
a backup or a move to a new PC takes the window layout along.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings
from PySide6.QtWidgets import QMainWindow, QWidget

from app.ui.machinery.screen_fit import clamp_to_screen

SETTINGS_FILE = "ui-settings.ini"


def ini_settings(folder: Path) -> QSettings:
    """QSettings kept in <folder>/ui-settings.ini."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return QSettings(str(Path(folder) / SETTINGS_FILE), QSettings.Format.IniFormat)


class WindowStateKeeper(QObject):
    """Restores a window's geometry (and a main window's docks and toolbars) and saves them
    when the window closes. `name` tells windows apart in the file."""

    def __init__(self, window: QWidget, folder: Path, name: str | None = None):
        super().__init__(window)
        self.window = window
        self.name = name or window.objectName() or type(window).__name__
        self.settings = ini_settings(folder)
        window.installEventFilter(self)

    def _key(self, part: str) -> str:
        return f"windows/{self.name}/{part}"

    def restore(self) -> bool:
        """Apply the saved state; False (and nothing changed) when none is saved yet."""
        geometry = self.settings.value(self._key("geometry"))
        if not isinstance(geometry, QByteArray) or geometry.isEmpty():
            return False
        self.window.restoreGeometry(geometry)
        # saved on a bigger screen, or on a second monitor that is gone: keep it on this one
        clamp_to_screen(self.window)
        state = self.settings.value(self._key("state"))
        if isinstance(self.window, QMainWindow) and isinstance(state, QByteArray):
            self.window.restoreState(state)
        return True

    def save(self) -> None:
        self.settings.setValue(self._key("geometry"), self.window.saveGeometry())
        if isinstance(self.window, QMainWindow):
            self.settings.setValue(self._key("state"), self.window.saveState())
        self.settings.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.save()
        return False
