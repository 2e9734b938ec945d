"""PagedTableModel against a fake source of 150,000 rows that counts what it is asked."""

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from app.persian import to_persian_digits
from app.ui.widgets.text import jalali_text, plain_text
from app.ui.widgets.paged_model import (
    RAW_VALUE_ROLE,
    Column,
    DebouncedSearch,
    PagedTableModel,
    display_value,
)

ROWS = 150_000
NAMES = ["زهرا", "علی", "آرش", "بهاره", "یاسمن", "کاوه"]


class FakeCaseSource:
    """Generates rows on demand like a service would read them; records every call."""

    def __init__(self, rows=ROWS):
        self.rows = rows
        self.count_calls = []
        self.page_calls = []

    def _matching(self, query):
        text = (query or {}).get("text", "")
        return [i for i in range(self.rows) if text in NAMES[i % len(NAMES)]] if text else None

    def count(self, query):
        self.count_calls.append(query)
        matching = self._matching(query)
        return self.rows if matching is None else len(matching)

    def page(self, query, offset, limit):
        self.page_calls.append((offset, limit))
        matching = self._matching(query)
        numbers = range(self.rows) if matching is None else matching
        if (query or {}).get("descending"):
            numbers = numbers[::-1]
        return [self.row(n) for n in numbers[offset:offset + limit]]

    @staticmethod
    def row(n):
        return {
            "id": n,
            "file_number": f"{n:06d}",
            "name": NAMES[n % len(NAMES)],
            "received": dt.date(2025, 3, 21) + dt.timedelta(days=n % 600),
            "active": n % 3 != 0,
        }


COLUMNS = [
    # identifiers are stored with ASCII digits; the column shows them in Persian
    Column("file_number", "شماره پرونده", formatter=to_persian_digits),
    Column("name", "نام", sort_key="name_collation"),
    Column("received", "تاریخ دریافت"),
    Column("active", "فعال", sortable=False),
]


@pytest.fixture
def source():
    return FakeCaseSource()


@pytest.fixture
def model(source):
    return PagedTableModel(COLUMNS, source)


@pytest.fixture
def view(qtbot, model):
    table = QTableView()
    qtbot.addWidget(table)
    table.resize(800, 500)
    table.setModel(model)
    table.show()
    qtbot.waitExposed(table)
    return table


def test_row_count_is_the_source_count_without_fetching_rows(model, source):
    assert model.rowCount() == ROWS
    assert model.columnCount() == 4
    assert source.page_calls == []


def test_showing_the_first_screen_fetches_exactly_one_page(view, source):
    assert source.page_calls == [(0, 100)]
    assert len(source.count_calls) == 1


def test_scrolling_to_the_end_fetches_only_the_pages_seen(view, source, qtbot):
    view.scrollToBottom()
    qtbot.wait(50)
    view.viewport().repaint()
    assert source.page_calls == [(0, 100), (149_900, 100)]


def test_scrolling_back_uses_the_cache(view, source, qtbot):
    view.scrollToBottom()
    view.viewport().repaint()
    view.scrollToTop()
    view.viewport().repaint()
    assert len(source.page_calls) == 2


def test_cache_keeps_only_the_most_recent_pages(source):
    model = PagedTableModel(COLUMNS, source, cached_pages=3)
    for page in (0, 1, 2, 0, 3):  # touching 0 again makes 1 the oldest
        model.row_at(page * 100)
    assert model.cached_page_numbers() == [2, 0, 3]
    model.row_at(100)
    assert source.page_calls[-1] == (100, 100)


def test_cells_show_persian_digits_and_jalali_dates(model):
    assert model.data(model.index(12, 0)) == "۰۰۰۰۱۲"
    assert plain_text(model.data(model.index(0, 2))) == "۱۴۰۴/۰۱/۰۱"
    assert model.data(model.index(0, 2)) == jalali_text(dt.date(2025, 3, 21))
    assert model.data(model.index(1, 3)) == "بله"
    assert model.data(model.index(0, 3)) == "خیر"
    assert model.data(model.index(0, 2), RAW_VALUE_ROLE) == dt.date(2025, 3, 21)


def test_default_display_of_values():
    assert display_value(None) == ""
    assert display_value(1405) == "۱۴۰۵"
    assert display_value("ali@example.com") == "ali@example.com"
    assert plain_text(display_value(dt.datetime(2026, 11, 22, 14, 30))) == "۱۴۰۵/۰۹/۰۱ ساعت ۱۴:۳۰"


def test_headers_are_persian(model):
    assert model.headerData(1, Qt.Orientation.Horizontal) == "نام"
    assert model.headerData(9, Qt.Orientation.Vertical) == "۱۰"


def test_text_is_aligned_to_the_leading_edge(model):
    alignment = model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignLeading


def test_row_at_gives_the_plain_row(model):
    assert model.row_at(model.index(149_999, 0))["id"] == 149_999
    assert model.row_at(5)["name"] == NAMES[5]
    assert model.row_at(ROWS) is None
    assert model.row_at(QModelIndex()) is None


def test_set_query_resets_and_counts_again(model, source):
    model.row_at(0)
    with_reset = []
    model.modelReset.connect(lambda: with_reset.append(True))
    model.set_query({"text": "علی"})
    assert with_reset == [True]
    assert model.rowCount() == ROWS // len(NAMES)
    assert model.cached_page_numbers() == []
    assert model.row_at(0)["name"] == "علی"


def test_a_failing_query_keeps_the_old_rows(model, source, monkeypatch):
    from app.errors import ValidationError

    def refuse(query):
        raise ValidationError("عبارت جست‌وجو نادرست است", field="search")

    monkeypatch.setattr(source, "count", refuse)
    with pytest.raises(ValidationError):
        model.set_query({"text": "؟"})
    assert model.query is None
    assert model.rowCount() == ROWS


def test_sorting_asks_the_source_with_the_sort_key(model, source):
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.query == {"sort": "name_collation", "descending": True}
    assert source.count_calls[-1] == model.query
    assert model.row_at(0)["id"] == ROWS - 1


def test_sorting_the_same_way_twice_does_not_query_again(model, source):
    model.sort(0)
    model.sort(0)
    assert len(source.count_calls) == 2


def test_unsortable_column_is_ignored(model, source):
    model.sort(3)
    assert model.query is None


def test_sorting_through_the_view_header(view, model, source, qtbot):
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    view.viewport().repaint()
    assert model.query == {"sort": "file_number", "descending": True}
    assert model.data(model.index(0, 0)) == "۱۴۹۹۹۹"


def test_sorting_keeps_a_search(model):
    model.set_query({"text": "علی"})
    model.sort(0)
    assert model.query == {"text": "علی", "sort": "file_number", "descending": False}


def test_rows_that_vanished_after_counting_show_empty(source):
    model = PagedTableModel(COLUMNS, source)
    source.rows = 10  # deleted by someone else since the count
    assert model.data(model.index(50, 1)) is None
    assert model.rowCount() == ROWS
    model.refresh()
    assert model.rowCount() == 10


def test_debounced_search_runs_once_after_typing_pauses(qtbot):
    seen = []
    search = DebouncedSearch(seen.append, delay_ms=30)
    for text in ("ع", "عل", "علی"):
        search.push(text)
    assert seen == []
    qtbot.waitUntil(lambda: seen == ["علی"], timeout=1000)
    qtbot.wait(60)
    assert seen == ["علی"]


def test_debounced_search_flush_and_cancel(qtbot):
    seen = []
    search = DebouncedSearch(seen.append, delay_ms=1000)
    search.push("زهرا")
    search.flush()
    assert seen == ["زهرا"]
    search.push("کاوه")
    search.cancel()
    search.flush()
    assert seen == ["زهرا"]
