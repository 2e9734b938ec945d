"""A table model for very long lists (150,000 case files) that loads rows page by page.

The model never holds the whole list. It asks its source for the number of rows, then for
pages of 100 rows when the view paints them, and keeps the most recently used pages. A view
only paints what is on screen, so opening a list costs one count and one page.

The source is any object with
    count(query) -> int
    page(query, offset, limit) -> list[Mapping]      (plain dicts, already in order)
A service module (or a thin adapter around one) fits; the model knows nothing of the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from app.persian import to_persian_digits
from app.ui.widgets.text import jalali_text

PAGE_SIZE = 100
CACHED_PAGES = 50  # 5,000 rows: a few screens of scrolling back and forth without refetching
RAW_VALUE_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

_LEADING = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex


class PageSource(Protocol):
    def count(self, query: Any) -> int: ...

    def page(self, query: Any, offset: int, limit: int) -> list[Mapping[str, Any]]: ...


def display_value(value: Any) -> str:
    """The default cell text: Persian digits, Jalali dates (year at the right, see app.ui.widgets.text),
    بله/خیر for booleans.

    Integers get no group separator: in these lists they are mostly years and file numbers.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if isinstance(value, dt.date):  # datetime too
        return jalali_text(value)
    if isinstance(value, (int, float, Decimal)):
        return to_persian_digits(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column: the row key it shows, its Persian header, and how to show the value.

    sort_key is what the model passes to the source when the person sorts by this column
    (defaults to key; None with sortable=False means the column cannot be sorted).
    """

    key: str
    header: str
    formatter: Callable[[Any], str] | None = None
    align: Qt.AlignmentFlag = _LEADING
    sortable: bool = True
    sort_key: str | None = None

    def text(self, value: Any) -> str:
        return (self.formatter or display_value)(value)


def with_sort(query: Any, sort_key: str, descending: bool) -> Any:
    """The query with a sort order: a dict gets 'sort' and 'descending' entries, a dataclass
    gets its `sort` and `descending` fields replaced."""
    if dataclasses.is_dataclass(query) and not isinstance(query, type):
        return dataclasses.replace(query, sort=sort_key, descending=descending)
    return {**(query or {}), "sort": sort_key, "descending": descending}


class ColumnsModel(QAbstractTableModel):
    """A table whose columns are `self.columns` (Column): their headers across the top, the rows
    numbered down the side in Persian digits."""

    columns: list[Column]

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header if 0 <= section < len(self.columns) else None
        return to_persian_digits(section + 1)


class PagedTableModel(ColumnsModel):
    """Rows come from `source` one page at a time; see the module docstring."""

    def __init__(
        self,
        columns: Sequence[Column],
        source: PageSource,
        query: Any = None,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        cached_pages: int = CACHED_PAGES,
        sort_query: Callable[[Any, str, bool], Any] = with_sort,
    ):
        super().__init__(parent)
        self.columns = list(columns)
        self.source = source
        self.page_size = page_size
        self.cached_pages = cached_pages
        self._sort_query = sort_query
        self._query = query
        self._count = source.count(query)
        self._pages: OrderedDict[int, list[Mapping[str, Any]]] = OrderedDict()

    # --- query -------------------------------------------------------------------------------

    @property
    def query(self) -> Any:
        return self._query

    def set_query(self, query: Any) -> None:
        """Show the rows of another query (a search, a filter, a sort order).

        Counted before the reset begins: if the source raises, the model keeps the old rows.
        """
        count = self.source.count(query)
        self.beginResetModel()
        self._query = query
        self._pages.clear()
        self._count = count
        self.endResetModel()

    def refresh(self) -> None:
        """Ask the source again, e.g. after a row was added or edited."""
        self.set_query(self._query)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or not self.columns[column].sortable:
            return
        spec = self.columns[column]
        descending = order == Qt.SortOrder.DescendingOrder
        query = self._sort_query(self._query, spec.sort_key or spec.key, descending)
        if query != self._query:
            self.set_query(query)

    # --- rows --------------------------------------------------------------------------------

    def _page(self, number: int) -> list[Mapping[str, Any]]:
        page = self._pages.get(number)
        if page is None:
            page = list(self.source.page(self._query, number * self.page_size, self.page_size))
            self._pages[number] = page
            if len(self._pages) > self.cached_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def row_at(self, index: Index | int) -> Mapping[str, Any] | None:
        """The plain row behind a model index (or row number); None past the data's end.

        None can happen when rows were deleted after the count was taken.
        """
        row = index if isinstance(index, int) else index.row()
        if not 0 <= row < self._count:
            return None
        number, position = divmod(row, self.page_size)
        page = self._page(number)
        return page[position] if position < len(page) else None

    def cached_page_numbers(self) -> list[int]:
        return list(self._pages)

    def change_count(self, count: int) -> None:
        """The rows shown grow or shrink to `count` (a count that arrived after the first page);
        views are told which rows came or went, so the selection and scroll position stay."""
        shown = self._count
        if count > shown:
            self.beginInsertRows(QModelIndex(), shown, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < shown:  # rows left the list between the two queries
            self.beginRemoveRows(QModelIndex(), count, shown - 1)
            self._count = count
            self.endRemoveRows()

    def has_page(self, number: int) -> bool:
        """Is page `number` in the cache (so showing its rows asks the source nothing)?"""
        return number in self._pages

    # --- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        RAW_VALUE_ROLE, ROW_ROLE):
            return None
        row = self.row_at(index)
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        value = row.get(column.key)
        return value if role == RAW_VALUE_ROLE else column.text(value)


class DebouncedSearch(QObject):
    """Search as you type without a query per key press.

    Connect a line edit's textChanged to push(); the callback runs once the typing has
    paused for `delay_ms`, with the latest text. flush() runs it at once (Enter pressed).
    """

    def __init__(self, callback: Callable[[str], None], delay_ms: int = 150,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._callback = callback
        self._text: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)

    def push(self, text: str) -> None:
        self._text = text
        self.timer.start()  # restarting is what makes a burst of keys one search

    def flush(self) -> None:
        self.timer.stop()
        if self._text is not None:
            text, self._text = self._text, None
            self._callback(text)

    def cancel(self) -> None:
        self.timer.stop()
        self._text = None
