"""Keeping every window inside the screen it opens on.

Clinic PCs have 1024×768 or 1366×768 screens, often with Windows scaling at 125% or 150%: at
1024×768 and 150% Qt sees a screen of 683×512. No window may be sized for a big monitor, and a
size remembered on another PC must not push the window off this one. One event filter on the
application clamps each top-level window when it is shown, so every dialog (ours and Qt's
message boxes) gets the same treatment without each screen remembering to do it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QSizePolicy, QWidget

from app.ui.machinery.event_filters import install_once

_SKIPPED_TYPES = (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen)


def available_rect(widget: QWidget | None = None) -> QRect:
    """The usable part (without the task bar) of the screen the widget is on, or the primary."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _frame_extra(window: QWidget) -> QSize:
    """Title bar and borders: what the frame adds around the client area (0 offscreen)."""
    frame, inner = window.frameGeometry(), window.geometry()
    return QSize(max(frame.width() - inner.width(), 0), max(frame.height() - inner.height(), 0))


def clamp_to_screen(window: QWidget) -> None:
    """Shrink the window to the screen if it is bigger and move it so that all of it shows."""
    area = available_rect(window)
    extra = _frame_extra(window)
    width = min(window.width(), area.width() - extra.width())
    height = min(window.height(), area.height() - extra.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, 1), max(height, 1))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.left()), max(y, area.top()))


def fit_size(window: QWidget, width: int, height: int, share: float = 0.92) -> None:
    """Resize to the size the screen is designed for, or to `share` of a smaller screen."""
    area = available_rect(window)
    window.resize(min(width, int(area.width() * share)), min(height, int(area.height() * share)))


def scroll_area(body: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """`body` in a frameless scroll area that scrolls when the window is smaller than the body."""
    area = QScrollArea(parent)
    area.setObjectName("fitScroll")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(body)
    return area


def let_shrink(widget: QWidget) -> None:
    """A label whose text (a long path) must not make its window wider."""
    widget.setMinimumWidth(0)
    widget.setSizePolicy(QSizePolicy.Policy.Ignored, widget.sizePolicy().verticalPolicy())


class ScreenFitter(QObject):
    """Installed on the application: every top-level window shown is clamped to its screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # isinstance first: every event of the program passes here, and event.type() is slow
        if isinstance(event, QShowEvent) and event.type() == QEvent.Type.Show and isinstance(watched, QWidget) \
                and watched.isWindow():
            if watched.windowType() not in _SKIPPED_TYPES:
                clamp_to_screen(watched)
                # a dialog that lays itself out after show (a message box) is checked once more
                QTimer.singleShot(0, lambda w=watched: _clamp_if_alive(w))
        return False


def _clamp_if_alive(window: QWidget) -> None:
    try:
        if window.isVisible():
            clamp_to_screen(window)
    except RuntimeError:  # deleted in the meantime
        pass


def install_screen_fitter(app: QApplication) -> ScreenFitter:
    return install_once(app, ScreenFitter)
