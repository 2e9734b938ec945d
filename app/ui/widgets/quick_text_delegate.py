"""A table cell painter for long lists of short Persian texts.

Qt's own delegate lays every cell's text out again at each paint: shaping Persian letters,
ordering right-to-left runs, eliding. Through the application's stylesheet that came to
25-35 ms for one screen of the case list, paid again on every search keystroke and every
scroll step. This delegate keeps each text laid out once (QStaticText, shaped and ordered
by Qt's own text engine) and only places it, so a screen paints in a few milliseconds.

It draws what the case list shows: a background (selection, the model's BackgroundRole,
alternating rows), an optional icon at the start of the first column, and one line of text
at the reading start of the cell, elided at its end when too long.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Optional

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QIcon, QPainter, QPalette, QStaticText, QTextOption
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

PADDING = 3  # between the cell's edge and its text or icon, as Qt's own delegate leaves
ICON_GAP = 0  # the text's own padding is the gap
CACHED_TEXTS = 4000  # a few screens of distinct cell texts
_DISPLAY = Qt.ItemDataRole.DisplayRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_DECORATION = Qt.ItemDataRole.DecorationRole


Cell = tuple[str, Any, Any]  # text, background (QColor/QBrush or None), icon (QIcon or None)
CellSource = Callable[[int, int], Optional[Cell]]


class QuickTextDelegate(QStyledItemDelegate):
    """Paints one-line text cells from a cache of laid-out texts (see the module docstring).

    `cells(row, column)` may give a cell's text, background and icon in one call; a table of
    200 cells then costs 200 Python calls rather than 600 trips through QModelIndex.data.
    Without it the model's Display, Background and Decoration roles are asked.
    Texts are laid out in the view's font; clear_cache() after changing it.
    """

    def __init__(self, view: QAbstractItemView, cells: CellSource | None = None, *,
                 cached_texts: int = CACHED_TEXTS):
        super().__init__(view)
        self._view = view
        self._cells = cells
        self._texts: OrderedDict[tuple[str, int], QStaticText] = OrderedDict()
        self._limit = cached_texts

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        text, background, icon = self._cell(index)
        rect, state = option.rect, option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        palette = self._view.palette()
        if selected:
            group = (QPalette.ColorGroup.Active if state & QStyle.StateFlag.State_Active
                     else QPalette.ColorGroup.Inactive)
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
        elif background is not None:
            painter.fillRect(rect, background)
        elif option.features & QStyleOptionViewItem.ViewItemFeature.Alternate:
            painter.fillRect(rect, palette.brush(QPalette.ColorRole.AlternateBase))
        right_to_left = self._view.isRightToLeft()
        if icon is not None:
            rect = self._paint_icon(painter, rect, option.decorationSize.height(), icon, right_to_left)
        if not text:
            return
        static = self.laid_out(text, max(0, rect.width() - 2 * PADDING), right_to_left)
        size = static.size()
        x = rect.right() - PADDING - size.width() + 1 if right_to_left else rect.left() + PADDING
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.drawStaticText(QPointF(x, rect.top() + (rect.height() - size.height()) / 2), static)

    def _cell(self, index: QModelIndex | QPersistentModelIndex) -> Cell:
        if self._cells is not None:
            return self._cells(index.row(), index.column()) or ("", None, None)
        background, icon = index.data(_BACKGROUND), index.data(_DECORATION)
        return (str(index.data(_DISPLAY) or ""),
                background if isinstance(background, (QColor, QBrush)) else None,
                icon if isinstance(icon, QIcon) and not icon.isNull() else None)

    @staticmethod
    def _paint_icon(painter: QPainter, rect: QRect, side: int, icon: QIcon, right_to_left: bool) -> QRect:
        """Draws the icon at the cell's reading start; returns the rest of the cell."""
        top = rect.top() + (rect.height() - side) // 2
        if right_to_left:
            icon.paint(painter, QRect(rect.right() - PADDING - side + 1, top, side, side))
            return rect.adjusted(0, 0, -(PADDING + side + ICON_GAP), 0)
        icon.paint(painter, QRect(rect.left() + PADDING, top, side, side))
        return rect.adjusted(PADDING + side + ICON_GAP, 0, 0, 0)

    def laid_out(self, text: str, width: int, right_to_left: bool) -> QStaticText:
        """The text laid out in the view's font, elided at its end when wider than width."""
        whole = self._cached(text, -1, right_to_left)
        if whole.size().width() <= width:
            return whole
        return self._cached(text, width, right_to_left)

    def _cached(self, text: str, width: int, right_to_left: bool) -> QStaticText:
        key = (text, width)
        static = self._texts.get(key)
        if static is not None:
            self._texts.move_to_end(key)
            return static
        font = self._view.font()
        if width >= 0:
            text = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        option = QTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if right_to_left
                                else Qt.LayoutDirection.LeftToRight)
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        static.setTextOption(option)
        static.prepare(font=font)
        self._texts[key] = static
        if len(self._texts) > self._limit:
            self._texts.popitem(last=False)
        return static

    def clear_cache(self) -> None:
        self._texts.clear()

    def cached_count(self) -> int:
        return len(self._texts)
