"""A table model over a short list of plain rows (contracts, staff, a dashboard list).

Long lists (case files) use PagedTableModel; these lists have tens or hundreds of rows and come
whole from one service call. Rows are dataclasses or dicts; columns are paged_model.Column, so
the cells look the same as in the long lists (Persian digits, Jalali dates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.ui.widgets.paged_model import RAW_VALUE_ROLE, ROW_ROLE, Column, ColumnsModel
from app.ui.widgets.text import identifier_text  # noqa: F401 (pages import it from here too)

Index = QModelIndex | QPersistentModelIndex
ALERT_BACKGROUND = QColor("#fde2df")
ALERT_FOREGROUND = QColor("#8a1c14")
SIZE_SAMPLE_ROWS = 30


def field_value(row: Any, key: str) -> Any:
    if isinstance(row, dict):
        return row.get(key)
    return getattr(row, key, None)


def item_at(items: Sequence[Any], index: Index | int) -> Any:
    """The item behind a model index or a row number; None past either end."""
    row = index if isinstance(index, int) else index.row()
    return items[row] if 0 <= row < len(items) else None


class ListTableModel(ColumnsModel):
    """Rows shown read-only; `alert(row)` returns a reason (tooltip) to paint the row red."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent: QObject | None = None,
                 *, alert: Callable[[Any], str] | None = None):
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = list(rows)
        self._alert = alert

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, index: Index | int) -> Any:
        return item_at(self._rows, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(field_value(row, column.key))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == RAW_VALUE_ROLE:
            return field_value(row, column.key)
        if role == ROW_ROLE:
            return row
        return self._alert_data(row, role)

    def _alert_data(self, row: Any, role: int) -> Any:
        if self._alert is None or role not in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        reason = self._alert(row)
        if not reason:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(ALERT_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ALERT_FOREGROUND)
        return reason


def make_table_view(model: QAbstractTableModel, parent: QWidget | None = None, *,
                    name: str = "", stretch_column: int | None = None) -> QTableView:
    """A read-only, whole-row-selecting table. Its `activated` signal fires on double-click
    and on Enter, so each list opens its row the same way from mouse and keyboard."""
    view = QTableView(parent)
    if name:
        view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table for the next control
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Widths from the first rows only: measuring a thousand rows' text took seconds.
    header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view


def select_row(view: QTableView, row: int) -> None:
    """Make `row` the current (and selected) row; unlike selectRow this also moves the
    current index, which is what the pages' buttons act on."""
    view.setCurrentIndex(view.model().index(row, 0))
