"""Small read-only tables of one case's records (services, problems, reviews, referrals, files).

A case has tens of these records, not thousands, so the model holds them all; the service
returns them already in order (newest first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Optional

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.persian import to_persian_digits
from app.ui.widgets.list_model import item_at
from app.ui.widgets.text import jalali_text
from app.ui.widgets.quick_text_delegate import Cell, QuickTextDelegate

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Field:
    header: str
    text: Callable[[Any], str]
    tooltip: Optional[Callable[[Any], str]] = None


@dataclass(frozen=True)
class RowStyle:
    background: Optional[QColor] = None
    foreground: Optional[QColor] = None


def date_text(value: Optional[dt.date]) -> str:
    return jalali_text(value) if value else ""


def digits(value: Any) -> str:
    return to_persian_digits(value) if value not in (None, "") else ""


class RecordTable(QAbstractTableModel):
    """Records shown through `fields`; `style(record)` may colour a whole row."""

    def __init__(self, fields: Sequence[Field], parent=None, *,
                 style: Optional[Callable[[Any], Optional[RowStyle]]] = None):
        super().__init__(parent)
        self.fields = list(fields)
        self.records: list[Any] = []
        self._style = style
        self._texts: list[Optional[list[str]]] = []

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self._texts = [None] * len(self.records)
        self.endResetModel()

    def _row_texts(self, row: int) -> list[str]:
        """A row's cell texts, made once: the view asks for them at every layout and paint, and
        a Jalali date costs a conversion each time."""
        texts = self._texts[row]
        if texts is None:
            record = self.records[row]
            texts = self._texts[row] = [field.text(record) for field in self.fields]
        return texts

    def cell(self, row: int, column: int) -> Optional[Cell]:
        """Text and colours of a cell in one call, for QuickTextDelegate."""
        if not 0 <= row < len(self.records):
            return None
        style = self._style(self.records[row]) if self._style else None
        return Cell(self._row_texts(row)[column], style.background if style else None, None,
                    style.foreground if style else None)

    def record(self, index: Index | int) -> Any:
        return item_at(self.records, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.fields)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.fields[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        field = self.fields[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._row_texts(index.row())[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return field.tooltip(record) if field.tooltip else self._row_texts(index.row())[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and self._style:
            style = self._style(record)
            if style is None:
                return None
            return style.background if role == Qt.ItemDataRole.BackgroundRole else style.foreground
        return None


def record_view(parent: QWidget, model: RecordTable, *, name: str, stretch: int = -1,
                widths: Sequence[int] = (), wrap: bool = False) -> QTableView:
    """A read-only table of whole rows: arrows move, Enter activates, Tab leaves."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(wrap)
    # Laid-out texts kept: a wrapping view measures every row at each layout.
    view.setItemDelegate(QuickTextDelegate(view, model.cell))
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    if wrap:
        RowHeights(view)
    return view


class RowHeights(QObject):
    """Gives each row of a word-wrapping view the height of its tallest wrapped text: when the
    records are set, and when a column's width changes.

    Instead of a ResizeToContents header, which measured every cell of every row several times
    per layout: saving a visit note in a file with 70 services spent 60 ms there."""

    def __init__(self, view: QTableView):
        super().__init__(view)
        self.view = view
        header = view.verticalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(1)
        self.least = view.fontMetrics().height() + 12  # as the case list's rows: not cramped
        header.setDefaultSectionSize(self.least)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self.fit)
        view.model().modelReset.connect(self.fit)
        view.model().layoutChanged.connect(self.fit)
        view.horizontalHeader().sectionResized.connect(lambda *_: self._pending.start(0))

    def fit(self) -> None:
        self._pending.stop()
        delegate, header = self.view.itemDelegate(), self.view.verticalHeader()
        for row in range(self.view.model().rowCount()):
            height = max(self.least, delegate.row_height(row))
            if header.sectionSize(row) != height:
                header.resizeSection(row, height)


def select_first(view: QTableView) -> None:
    """Make the newest record current, so Enter and the buttons act on it, without painting it
    selected: the selection colour would hide a row's own colour (a red abuse concern)."""
    if view.model().rowCount():
        view.selectionModel().setCurrentIndex(
            view.model().index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
