"""The case list: search as you type (any letters, any digits), filters, sorting, opening."""

import pytest
from PySide6.QtCore import Qt

from app.persian import make_national_code, to_persian_digits
from app.services.caselist import CaseQuery
from app.ui.cases.case_list import COLUMNS, CaseListPage, CaseTableModel
from app.ui.cases.case_window import CaseWindow
from tests.ui.cases.conftest import focused
from tests.ui.conftest import type_text

CODE = make_national_code("987654321")


@pytest.fixture
def cases(make_case):
    return {
        "ali": make_case(first_name="علی", last_name="کریمی", national_code=CODE).id,
        "zahra": make_case(first_name="زهرا", last_name="یوسفی").id,
        "maryam": make_case(first_name="مریم", last_name="احمدی", priority=True,
                            priority_reason="خطر ترک تحصیل").id,
    }


@pytest.fixture
def page(qtbot, manager_session, cases):
    widget = CaseListPage(manager_session)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def names(page):
    model = page.model
    return [model.row_at(row)["full_name"] for row in range(model.rowCount())]


def type_search(qtbot, page, text):
    page.search.setFocus()
    with qtbot.waitSignal(page.rowsUpdated, timeout=5000):
        type_text(page.search, text)


def test_the_list_opens_with_its_rows_and_priority_first(page):
    # priority first, then the Persian order of last names
    assert names(page) == ["مریم احمدی", "علی کریمی", "زهرا یوسفی"]
    assert page.count_label.text() == "۳ پرونده"
    first = page.model.index(0, 0)
    assert page.model.data(first, Qt.ItemDataRole.BackgroundRole) is not None  # marked
    assert page.model.data(page.model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert "اولویت" in page.model.data(first, Qt.ItemDataRole.ToolTipRole)


def test_numbers_and_dates_are_shown_in_persian_digits(page):
    row = names(page).index("علی کریمی")
    column = {c.key: n for n, c in enumerate(COLUMNS)}
    code = page.model.index(row, column["national_code"])
    assert page.model.data(code) == to_persian_digits(CODE)
    received = page.model.index(row, column["received_on"])
    assert page.model.data(received).replace("\u200f", "") == "۱۴۰۴/۱۰/۲۰"


def test_a_name_typed_with_arabic_yeh_finds_the_persian_spelling(qtbot, page):
    type_search(qtbot, page, "علي")  # Arabic ي
    assert page.search.text() == "علی"
    assert names(page) == ["علی کریمی"]
    assert page.count_label.text() == "۱ پرونده"


def test_a_national_code_typed_in_persian_digits_finds_its_file(qtbot, page):
    type_search(qtbot, page, to_persian_digits(CODE[:6]))
    assert names(page) == ["علی کریمی"]


def test_typing_fast_shows_only_the_last_search(qtbot, page):
    """Every key restarts the pause; only the final text is searched and shown."""
    searched = []
    page.loader.searched.connect(lambda _g, query, _c, _r: searched.append(query.text))
    type_search(qtbot, page, "زهرا")
    assert names(page) == ["زهرا یوسفی"]
    qtbot.wait(50)
    assert searched[-1] == "زهرا"


def test_enter_in_the_search_box_goes_to_the_rows_and_enter_opens_the_file(qtbot, page, cases):
    type_search(qtbot, page, "کریمی")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert focused() is page.table
    with qtbot.waitSignal(page.caseOpened) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [cases["ali"]]
    window = next(w for w in page.window().findChildren(CaseWindow))
    assert window.case_id == cases["ali"]
    assert window.header.name.text() == "علی کریمی"


def test_filters_narrow_the_list(qtbot, page):
    with qtbot.waitSignal(page.rowsUpdated):
        page.filters.priority_only.setChecked(True)
    assert names(page) == ["مریم احمدی"]
    with qtbot.waitSignal(page.rowsUpdated):
        page.filters.priority_only.setChecked(False)
    with qtbot.waitSignal(page.rowsUpdated):
        page.filters.status.setCurrentIndex(page.filters.status.findData("closed"))
    assert names(page) == []
    assert page.count_label.text() == "۰ پرونده"


def test_the_status_column_shows_only_when_every_status_is_listed(qtbot, page):
    status_column = [c.key for c in COLUMNS].index("status_label")
    assert page.table.isColumnHidden(status_column)  # only active files: the column says nothing
    with qtbot.waitSignal(page.rowsUpdated):
        page.filters.status.setCurrentIndex(page.filters.status.findData(None))
    assert not page.table.isColumnHidden(status_column)
    assert page.count_label.text() == "۳ پرونده"


def test_sorting_by_a_column_asks_the_service(qtbot, page):
    with qtbot.waitSignal(page.rowsUpdated):
        page.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert page.model.query.sort == "name" and page.model.query.descending
    assert names(page) == ["مریم احمدی", "زهرا یوسفی", "علی کریمی"]  # priority stays first


def test_ctrl_f_goes_to_the_search_and_ctrl_n_asks_for_a_new_file(qtbot, page, monkeypatch):
    asked = []
    monkeypatch.setattr("app.ui.cases.case_form.new_case", lambda session, parent: asked.append(1))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is page.search
    qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1]


# --- the model never blocks painting ---------------------------------------------------------

class SlowSource:
    """1,000 rows; counts how often a page is read."""

    def __init__(self):
        self.reads = []

    def count(self, query):
        return 1000

    def page(self, query, offset, limit):
        self.reads.append(offset)
        return [{"id": n, "full_name": f"row {n}", "priority": False}
                for n in range(offset, min(offset + limit, 1000))]

    def hold(self, query, **kwargs):
        self.held = kwargs


class HoldingSource(SlowSource):
    def __init__(self):
        super().__init__()
        self._held = {}

    def hold(self, query, *, count=None, offset=0, rows=None):
        if rows is not None:
            self._held[offset] = rows

    def page(self, query, offset, limit):
        if offset in self._held:
            return self._held.pop(offset)
        return super().page(query, offset, limit)


def test_a_row_not_yet_loaded_asks_for_its_page_instead_of_waiting(qapp):
    source = HoldingSource()
    model = CaseTableModel(source, CaseQuery())
    needed = []
    model.pageNeeded.connect(needed.append)
    assert model.data(model.index(550, 0)) is None  # not read on the GUI thread
    assert needed == [5] and source.reads == []

    changed = []
    model.dataChanged.connect(lambda top, bottom: changed.append((top.row(), bottom.row())))
    rows = SlowSource().page(None, 500, 100)
    model.accept_page(CaseQuery(), 5, rows)
    assert changed == [(500, 599)]
    assert model.data(model.index(550, 0)) == "row 550"
    assert source.reads == []  # the rows came from the worker, not a second read

    model.accept_page(CaseQuery(text="x"), 6, rows)  # a page of an older search: dropped
    assert not model.has_page(6)


def test_a_slow_search_runs_off_the_gui_thread_and_a_stale_one_is_dropped(qtbot, qapp):
    """A name search can take seconds on a big clinic's PC: typing must not wait for it, and
    only the latest search may reach the screen."""
    import threading
    import time

    from app.ui.cases.loader import QueryLoader
    gui_thread = threading.current_thread()
    ran_on = []

    def slow_page(query, offset, limit):
        ran_on.append(threading.current_thread())
        time.sleep(0.3)
        return [{"id": 1, "text": query}]

    loader = QueryLoader(lambda query: 1, slow_page, 100)
    shown = []
    loader.searched.connect(
        lambda generation, query, count, rows: shown.append(query) if loader.is_current(generation) else None)
    started = time.perf_counter()
    loader.search("علی")
    loader.search("علی رضا")  # typed on before the first finished
    assert time.perf_counter() - started < 0.1  # the GUI thread did not wait
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    qtbot.wait(400)
    assert shown == ["علی رضا"]
    assert gui_thread not in ran_on
    loader.shutdown()


def test_a_double_click_opens_the_file(qtbot, page, cases):
    row = names(page).index("زهرا یوسفی")
    rect = page.table.visualRect(page.model.index(row, 0))
    viewport, left = page.table.viewport(), Qt.MouseButton.LeftButton
    with qtbot.waitSignal(page.caseOpened) as opened:
        qtbot.mouseClick(viewport, left, pos=rect.center())  # a double click starts as a click
        qtbot.mouseDClick(viewport, left, pos=rect.center())
    assert opened.args == [cases["zahra"]]


def test_stop_waits_for_a_running_search_and_takes_no_more(qtbot, qapp):
    import threading
    import time

    from app.ui.cases.loader import QueryLoader
    release = threading.Event()

    def page(query, offset, limit):
        release.wait(2)
        return []

    loader = QueryLoader(lambda query: 0, page, 100)
    loader.search("x")
    time.sleep(0.05)
    assert not loader.shutdown(timeout=0.05)  # still running
    release.set()
    assert loader.shutdown(timeout=2)
    loader.search("y")  # after stop: ignored, no error


def test_a_full_first_page_is_shown_before_the_rest_are_counted(qtbot, qapp):
    import threading

    from app.ui.cases.loader import UNCOUNTED, QueryLoader
    counting = threading.Event()
    loader = QueryLoader(lambda query: counting.wait(5) and 250, lambda query, offset, limit: [{"id": i}
                                                                                             for i in range(limit)], 100)
    events = []
    loader.searched.connect(lambda _g, _q, count, rows: events.append(("rows", count, len(rows))))
    loader.counted.connect(lambda _g, _q, count: events.append(("count", count)))
    loader.search("م")
    qtbot.waitUntil(lambda: bool(events), timeout=3000)
    assert events == [("rows", UNCOUNTED, 100)]  # on screen while the count still runs
    counting.set()
    qtbot.waitUntil(lambda: len(events) == 2, timeout=3000)
    assert events[1] == ("count", 250)
    loader.shutdown()


def test_a_search_of_more_than_a_page_shows_its_rows_then_its_count(qtbot, manager_session, make_case):
    for number in range(105):
        make_case(first_name="نگار", last_name=f"صالحی{to_persian_digits(number)}")
    make_case(first_name="مهدی", last_name="کرمانی")
    page = CaseListPage(manager_session)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    with qtbot.waitSignal(page.counted, timeout=5000):  # the opening list's own count
        page.show()
    rows_then_count = []
    page.rowsUpdated.connect(lambda rows: rows_then_count.append(("rows", rows)))
    with qtbot.waitSignal(page.counted, timeout=5000) as counted:
        page.counted.connect(lambda count: rows_then_count.append(("count", count)))
        page.search.setFocus()
        type_text(page.search, "نگار")
    assert counted.args == [105]
    assert rows_then_count[-2:] == [("rows", 100), ("count", 105)]
    assert page.model.rowCount() == 105
    assert page.count_label.text() == "۱۰۵ پرونده"
    page.table.scrollToBottom()  # the rows past the first page load as they come into view
    qtbot.waitUntil(lambda: page.model.has_page(1), timeout=5000)
    assert {page.model.row_at(row)["first_name"] for row in range(105)} == {"نگار"}
    page.stop(timeout=5)


def test_the_selected_file_stays_selected_when_the_list_reloads(qtbot, page, cases):
    row = names(page).index("زهرا یوسفی")
    page.table.setCurrentIndex(page.model.index(row, 0))
    assert page.selected_case_id() == cases["zahra"]
    with qtbot.waitSignal(page.rowsUpdated):
        page.reload()
    assert page.selected_case_id() == cases["zahra"]
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [row]


def test_the_rows_are_painted_by_the_quick_delegate(page):
    from app.ui.widgets.quick_text_delegate import QuickTextDelegate
    delegate = page.table.itemDelegate()
    assert isinstance(delegate, QuickTextDelegate)
    page.table.viewport().grab()
    assert delegate.cached_count() >= 3  # the three names at least were laid out
    assert page.model.cell(0, 0)[0] == "مریم احمدی" and page.model.cell(0, 0)[2] is not None  # priority mark


def test_an_opening_list_of_more_than_a_page_is_counted_in_the_background(qtbot, manager_session, make_case):
    for number in range(103):
        make_case(first_name="نگار", last_name=f"صالحی{to_persian_digits(number)}")
    page = CaseListPage(manager_session)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 100  # the first page, on screen at once
    with qtbot.waitSignal(page.counted, timeout=5000) as counted:
        page.show()
    assert counted.args == [103]
    assert page.model.rowCount() == 103
    assert page.count_label.text() == "۱۰۳ پرونده"
    page.stop(timeout=5)
