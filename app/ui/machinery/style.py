"""The application's stylesheet: calm, light, readable for a whole working day.

Kept as a Python string (not a .qss file) so a frozen build needs no extra data files.
Widgets carry the dynamic property `invalid` while a form shows an error for them; the rule
at the end draws their red border.

A styled combo or spin box loses its arrows unless the stylesheet names an image file, and
a stylesheet can only name files. The arrows are therefore drawn at start-up into a small
folder (see write_arrow_images) and the rules for them are added by build_stylesheet.
"""

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap, QPolygonF

ACCENT = "#2f6f8f"
ERROR = "#b3261e"

STYLESHEET = f"""
QWidget {{
    color: #1f2933;
}}
QMainWindow, QDialog, QWidget#page {{
    background: #f5f6f8;
}}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox, QDoubleSpinBox {{
    background: #ffffff;
    border: 1px solid #c5ccd3;
    border-radius: 4px;
    padding: 3px 6px;
    selection-background-color: #cfe3ee;
    selection-color: #1f2933;
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QSpinBox:focus {{
    border: 1px solid {ACCENT};
}}
QLineEdit:disabled, QComboBox:disabled {{
    background: #eef0f2;
    color: #7b8794;
}}
QPushButton, QToolButton {{
    background: #ffffff;
    border: 1px solid #c5ccd3;
    border-radius: 4px;
    padding: 4px 14px;
}}
QToolButton {{
    padding: 3px 6px;
}}
QPushButton:hover, QToolButton:hover {{
    background: #eef4f7;
}}
QPushButton:pressed, QToolButton:pressed {{
    background: #dbe8ef;
}}
QPushButton:default {{
    background: {ACCENT};
    border-color: {ACCENT};
    color: #ffffff;
}}
QPushButton:disabled, QToolButton:disabled {{
    background: #eef0f2;
    border-color: #d9dee3;
    color: #9aa5b1;
}}
QPushButton:focus, QToolButton:focus, QCheckBox:focus {{
    outline: none;
}}
QPushButton:focus, QToolButton:focus {{
    border: 1px solid {ACCENT};
}}
QGroupBox {{
    border: 1px solid #d9dee3;
    border-radius: 6px;
    margin-top: 12px;
    padding-top: 6px;
}}
QGroupBox::title {{
    subcontrol-origin: margin;
    subcontrol-position: top right;
    padding: 0 6px;
    color: #3e4c59;
}}
QCheckBox:focus {{
    color: {ACCENT};
}}
QTableView {{
    background: #ffffff;
    alternate-background-color: #f7f9fa;
    gridline-color: #e4e7eb;
    selection-background-color: #cfe3ee;
    selection-color: #1f2933;
}}
QHeaderView::section {{
    background: #eef0f2;
    border: none;
    border-bottom: 1px solid #d9dee3;
    padding: 4px 6px;
}}
QLabel#fieldError, QLabel#formError {{
    color: {ERROR};
}}
QLabel#formError {{
    background: #fdecea;
    border: 1px solid #f5c2bd;
    border-radius: 4px;
    padding: 4px 8px;
}}
*[invalid="true"], *[invalid="true"]:focus {{  /* :focus too, so the red outlasts the focus */
    border: 1px solid {ERROR};
    background: #fff8f7;
}}
"""

ARROW_COLOR = "#52606d"

_ARROW_RULES = """
QComboBox::drop-down {{
    subcontrol-origin: padding;
    subcontrol-position: center right;  /* logical: at the left under right to left */
    width: 22px;
    border: none;
}}
QComboBox::down-arrow {{
    image: url({down});
    width: 10px;
    height: 6px;
}}
QSpinBox::up-button, QSpinBox::down-button {{
    subcontrol-origin: border;
    width: 18px;
    border: none;
}}
QSpinBox::up-button {{
    subcontrol-position: top right;
}}
QSpinBox::down-button {{
    subcontrol-position: bottom right;
}}
QSpinBox::up-arrow {{
    image: url({up});
    width: 8px;
    height: 5px;
}}
QSpinBox::down-arrow {{
    image: url({down});
    width: 8px;
    height: 5px;
}}
"""


def _draw_arrow(path: Path, pointing_down: bool, scale: int) -> None:
    width, height = 10 * scale, 6 * scale
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(ARROW_COLOR))
    tip, base = (height, 0) if pointing_down else (0, height)
    corners = [QPointF(0, base), QPointF(width, base), QPointF(width / 2, tip)]
    painter.drawPolygon(QPolygonF(corners))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    drawn = bytes(data.data())
    try:
        if path.read_bytes() == drawn:
            return  # as drawn at the last start: no write on the way to the first window
    except OSError:
        pass
    path.write_bytes(drawn)


def write_arrow_images(folder: Path) -> dict[str, Path]:
    """Draw the up and down arrows (and @2x versions for high-DPI screens) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, down in (("down", True), ("up", False)):
        paths[name] = folder / f"arrow-{name}.png"
        _draw_arrow(paths[name], down, 1)
        _draw_arrow(folder / f"arrow-{name}@2x.png", down, 2)
    return paths


def build_stylesheet(arrow_folder: Path | None) -> str:
    """The stylesheet, with arrow rules when their images could be written."""
    if arrow_folder is None:
        return STYLESHEET
    try:
        paths = write_arrow_images(arrow_folder)
    except OSError:
        return STYLESHEET  # Qt's own arrows then; uglier, but everything still works
    urls = {name: path.as_posix() for name, path in paths.items()}
    return STYLESHEET + _ARROW_RULES.format(**urls)
