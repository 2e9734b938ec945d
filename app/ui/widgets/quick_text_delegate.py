"""A table cell painter for long lists of short Persian texts.

Qt's own delegate lays every cell's text out again at each paint: shaping Persian letters,
ordering right-to-left runs, eliding. Through the application's stylesheet that came to
25-35 ms for one screen of the case list, paid again on every search keystroke and every
scroll step. This delegate keeps each text laid out once (QStaticText, shaped and ordered
by Qt's own text engine) and only places it, so a screen paints in a few milliseconds.

It draws what the case lists show: a background (selection, the model's BackgroundRole,
alternating rows), an optional icon at the start of the first column, and the text at the
reading start of the cell in the model's ForegroundRole colour. When the view wraps words
(QTableView.setWordWrap) the text is broken into lines at the column's width, from the top of
the cell, and sizeHint() gives the rows their height; otherwise it is one line, centred, elided
at its end when too long.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple, Optional

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QIcon, QPainter, QPalette, QStaticText, QTextOption
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

log = logging.getLogger(__name__)

PADDING = 3  # between the cell's edge and its text or icon, as Qt's own delegate leaves
LINE_PADDING = 2  # above and below the lines of a wrapped cell
ICON_GAP = 0  # the text's own padding is the gap
CACHED_TEXTS = 4000  # a few screens of distinct cell texts
_DISPLAY = Qt.ItemDataRole.DisplayRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole


class Cell(NamedTuple):
    text: str
    background: Any = None  # QColor or QBrush
    icon: Optional[QIcon] = None
    foreground: Optional[QColor] = None


CellSource = Callable[[int, int], Optional[Cell]]
_EMPTY = Cell("")


class QuickTextDelegate(QStyledItemDelegate):
    """Paints one-line text cells from a cache of laid-out texts (see the module docstring).

    `cells(row, column)` may give a cell's text, background, icon and colour in one call; a
    table of 200 cells then costs 200 Python calls rather than 800 trips through
    QModelIndex.data. Without it the model's Display, Background, Decoration and Foreground
    roles are asked.
    Texts are laid out in the view's font; clear_cache() after changing it.
    """

    def __init__(self, view: QAbstractItemView, cells: CellSource | None = None, *,
                 cached_texts: int = CACHED_TEXTS):
        super().__init__(view)
        self._view = view
        self._cells = cells
        self._texts: OrderedDict[tuple[str, int, bool], QStaticText] = OrderedDict()
        self._limit = cached_texts

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        try:
            self._paint(painter, option, index)
        except Exception:  # an error escaping into Qt's paint would take the program down
            log.exception("painting a cell failed; Qt's own painter used instead")
            super().paint(painter, option, index)

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem,
               index: QModelIndex | QPersistentModelIndex) -> None:
        text, background, icon, foreground = self._cell(index)
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
        width = max(0, rect.width() - 2 * PADDING)
        wrap = self._view.wordWrap()
        static = self.wrapped(text, width, right_to_left) if wrap else self.laid_out(text, width, right_to_left)
        size = static.size()
        x = rect.right() - PADDING - size.width() + 1 if right_to_left else rect.left() + PADDING
        y = rect.top() + LINE_PADDING if wrap else rect.top() + (rect.height() - size.height()) / 2
        if selected:
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        else:
            painter.setPen(foreground if foreground is not None else palette.color(QPalette.ColorRole.Text))
        painter.drawStaticText(QPointF(x, y), static)

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt name)
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """One line's height, or a wrapped text's lines at its column's width; as wide as the
        text. Asked for every row of a word-wrapping view at each layout: answered from the
        cache of laid-out texts."""
        try:
            return self._size_hint(option, index)
        except Exception:  # as in paint(): never let an error reach Qt
            log.exception("measuring a cell failed; Qt's own measure used instead")
            return super().sizeHint(option, index)

    def _size_hint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        text, _background, icon, _foreground = self._cell(index)
        right_to_left = self._view.isRightToLeft()
        icon_width = option.decorationSize.width() + PADDING + ICON_GAP if icon is not None else 0
        line = self._view.fontMetrics().height() + 2 * LINE_PADDING
        if not text:
            return QSize(2 * PADDING + icon_width, line)
        if self._view.wordWrap():
            column = self._view.columnWidth(index.column()) if hasattr(self._view, "columnWidth") else 0
            width = max(0, (column or option.rect.width()) - 2 * PADDING - icon_width)
            size = self.wrapped(text, width, right_to_left).size()
            return QSize(int(size.width()) + 2 * PADDING + icon_width,
                         max(line, int(size.height() + 0.999) + 2 * LINE_PADDING))
        size = self._cached(text, -1, right_to_left).size()
        return QSize(int(size.width() + 0.999) + 2 * PADDING + icon_width, line)

    def row_height(self, row: int) -> int:
        """The height row needs with its texts wrapped at the view's column widths (needs the
        `cells` callable). One pass over the row's cells, each text laid out once: cheaper than
        letting a ResizeToContents header ask sizeHint of every cell several times a layout."""
        view, right_to_left = self._view, self._view.isRightToLeft()
        tallest = 0.0
        for column in range(view.model().columnCount()):
            if view.isColumnHidden(column):
                continue
            text = self._cells(row, column).text if self._cells else str(view.model().index(row, column).data() or "")
            if text:
                width = max(0, view.columnWidth(column) - 2 * PADDING)
                tallest = max(tallest, self.wrapped(text, width, right_to_left).size().height())
        return max(view.fontMetrics().height(), int(tallest + 0.999)) + 2 * LINE_PADDING

    def _cell(self, index: QModelIndex | QPersistentModelIndex) -> Cell:
        if self._cells is not None:
            cell = self._cells(index.row(), index.column())
            return cell if isinstance(cell, Cell) else Cell(*cell) if cell else _EMPTY
        background, icon, foreground = index.data(_BACKGROUND), index.data(_DECORATION), index.data(_FOREGROUND)
        return Cell(str(index.data(_DISPLAY) or ""),
                    background if isinstance(background, (QColor, QBrush)) else None,
                    icon if isinstance(icon, QIcon) and not icon.isNull() else None,
                    foreground.color() if isinstance(foreground, QBrush)
                    else foreground if isinstance(foreground, QColor) else None)

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

    def wrapped(self, text: str, width: int, right_to_left: bool) -> QStaticText:
        """The text broken into lines no wider than width (a word longer than that is broken)."""
        return self._cached(text, width, right_to_left, wrap=True)

    def _cached(self, text: str, width: int, right_to_left: bool, *, wrap: bool = False) -> QStaticText:
        key = (text, width, wrap)
        static = self._texts.get(key)
        if static is not None:
            self._texts.move_to_end(key)
            return static
        font = self._view.font()
        if width >= 0 and not wrap:
            text = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        option = QTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if right_to_left
                                else Qt.LayoutDirection.LeftToRight)
        if wrap:
            option.setAlignment(Qt.AlignmentFlag.AlignAbsolute | (
                Qt.AlignmentFlag.AlignRight if right_to_left else Qt.AlignmentFlag.AlignLeft))
            option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            static.setTextWidth(max(1, width))
        else:
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
