"""The case list: one search box, a row of filters, and a paged table of 150,000 files.

The table never holds the whole list: PagedTableModel asks for pages of 100 rows as they come
into view. Searches, filters and sorting run off the GUI thread (see loader.py); the first
page of the opening list is read at once so the page shows its rows on the first paint.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from app.errors import DomainError
from app.domain.enums import CaseStatus, LivingArrangement, Role
from app.persian import format_number, to_persian_digits
from app.services.caselist import CaseQuery, count_cases, list_cases
from app.services.choices import contract_choices, staff_choices
from app.ui.widgets.text import choice_text, identifier_text
from app.domain.changes import FILE, REVIEWS, SERVICES, Changes
from app.ui.cases.common import IdChoice
from app.ui.cases.loader import UNCOUNTED, QueryLoader
from app.ui.widgets.paged_model import (
    PAGE_SIZE,
    RAW_VALUE_ROLE,
    ROW_ROLE,
    Column,
    DebouncedSearch,
    PagedTableModel,
    with_sort,
)
from app.ui.machinery import live
from app.ui.machinery.session import AppSession
from app.ui.widgets import EnumComboBox, NormalizingLineEdit
from app.ui.widgets.quick_text_delegate import Cell, QuickTextDelegate
from app.ui.pages.page import Page
from app.ui.widgets.layouts import hbox, vbox

# Short: the search itself runs in a worker thread and stale results are dropped, so a
# search per pause in typing costs the typist nothing.
SEARCH_DELAY_MS = 20
SEARCHING_HINT_MS = 250  # say «در حال جستجو…» only when a search is slow enough to notice
PRIORITY_BACKGROUND = QColor("#fff3e0")
PRIORITY_COLOR = QColor("#c2410c")
PRIORITY_TIP = "پرونده دارای اولویت"
ALL_STATUSES = "همه وضعیت‌ها"
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROLES = {_DISPLAY, _ALIGN, _BACKGROUND, _DECORATION, _TOOLTIP, int(RAW_VALUE_ROLE), int(ROW_ROLE)}


COLUMNS = (
    Column("full_name", "نام و نام خانوادگی", sort_key="name"),
    Column("father_name", "نام پدر", sortable=False),
    Column("age_years", "سن", sortable=False),  # beside the name: which child it is, at a glance
    Column("national_code", "کد ملی", formatter=identifier_text, sortable=False),
    Column("behzisti_file_number", "پرونده بهزیستی", formatter=identifier_text),
    Column("clinic_file_number", "پرونده کلینیک", formatter=identifier_text),
    Column("status_label", "وضعیت", sortable=False),
    Column("living_arrangement_label", "وضعیت زندگی", sortable=False),
    Column("social_worker_name", "مددکار", sortable=False),
    Column("received_on", "تاریخ دریافت"),
    Column("last_service_on", "آخرین خدمت", sortable=False),
    Column("next_follow_up", "پیگیری بعدی"),
)
COLUMN_WIDTHS = (165, 95, 40, 100, 125, 110, 70, 160, 125, 90, 90, 90)
STATUS_COLUMN = [column.key for column in COLUMNS].index("status_label")


def _priority_icon() -> QIcon:
    """A small orange dot drawn here: a symbol character might be missing from the font."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(PRIORITY_COLOR)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class CaseListSource:
    """count/page over the caselist service for PagedTableModel.

    Results a worker thread already fetched are held here and handed over once, so the model
    (which asks synchronously) gets them without a second query on the GUI thread.
    """

    def __init__(self, session: AppSession):
        self.session = session
        self._counts: dict[CaseQuery, int] = {}
        self._pages: dict[tuple[CaseQuery, int], list[dict]] = {}

    # called from worker threads: services only
    def fetch_count(self, query: CaseQuery) -> int:
        return count_cases(self.session.ctx, query)

    def fetch_page(self, query: CaseQuery, offset: int, limit: int) -> list[dict]:
        return [dict(vars(row)) for row in list_cases(self.session.ctx, query, offset, limit)]

    # called by the model on the GUI thread
    def hold(self, query: CaseQuery, *, count: Optional[int] = None, offset: int = 0,
             rows: Optional[list[dict]] = None) -> None:
        if count is not None:
            self._counts[query] = count
        if rows is not None:
            self._pages[(query, offset)] = rows

    def count(self, query: CaseQuery) -> int:
        held = self._counts.pop(query, None)
        return held if held is not None else self.fetch_count(query)

    def page(self, query: CaseQuery, offset: int, limit: int) -> list[dict]:
        held = self._pages.pop((query, offset), None)
        return held if held is not None else self.fetch_page(query, offset, limit)


class CaseTableModel(PagedTableModel):
    """PagedTableModel that never blocks painting: a page not yet loaded shows empty cells,
    asks for itself through pageNeeded, and fills in when accept_page() receives it."""

    pageNeeded = Signal(int)
    sortRequested = Signal(object)

    def __init__(self, source: CaseListSource, query: CaseQuery, parent: QObject | None = None):
        super().__init__(COLUMNS, source, query, parent)
        self.priority_icon = _priority_icon()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell at each paint: answer the roles this
        # model does not use before doing any work.
        if role not in _ROLES or not index.isValid():
            return None
        row_number = index.row()
        if not self.has_page(row_number // self.page_size):
            if role == _DISPLAY:
                self.pageNeeded.emit(row_number // self.page_size)
            return None
        if role == _ALIGN:
            return self.columns[index.column()].align
        row = self.row_at(row_number)
        if row is None:
            return None
        if role in (_DISPLAY, _BACKGROUND, _DECORATION):
            text, background, icon, _colour = self._cell_of(row, index.column())
            return text if role == _DISPLAY else background if role == _BACKGROUND else icon
        if role == _TOOLTIP:
            text = self._texts(row)[index.column()]
            return f"{text} — {PRIORITY_TIP}" if row["priority"] and index.column() == 0 else text
        return super().data(index, role)

    def cell(self, row_number: int, column: int) -> Optional[Cell]:
        """Text, background and icon of a cell in one call, for QuickTextDelegate; None (an
        empty cell) while its page loads."""
        if not self.has_page(row_number // self.page_size):
            self.pageNeeded.emit(row_number // self.page_size)
            return None
        row = self.row_at(row_number)
        return None if row is None else self._cell_of(row, column)

    def _cell_of(self, row: dict, column: int) -> Cell:
        priority = row["priority"]
        return Cell(self._texts(row)[column], PRIORITY_BACKGROUND if priority else None,
                    self.priority_icon if priority and column == 0 else None)

    def _texts(self, row: dict) -> list[str]:
        """The row's cell texts, formatted once (Jalali dates and digits cost at each paint)."""
        texts = row.get("_texts")
        if texts is None:
            texts = row["_texts"] = [column.text(row.get(column.key)) for column in self.columns]
        return texts

    def accept_page(self, query: CaseQuery, number: int, rows: list[dict]) -> None:
        if query != self.query or self.has_page(number):
            return  # the list changed while the page loaded
        offset = number * self.page_size
        self.source.hold(query, offset=offset, rows=rows)
        self.row_at(offset)  # moves the held rows into the model's page cache
        last = min(offset + len(rows), self.rowCount()) - 1
        if last >= offset:
            self.dataChanged.emit(self.index(offset, 0), self.index(last, self.columnCount() - 1))

    def show_results(self, query: CaseQuery, count: int, first_page: list[dict]) -> None:
        """The rows of a new search; count UNCOUNTED shows the first page until set_count()."""
        if count == UNCOUNTED:
            count = len(first_page)
        self.source.hold(query, count=count, offset=0, rows=first_page)
        self.set_query(query)
        if count:
            self.row_at(0)

    def set_count(self, query: CaseQuery, count: int) -> None:
        """The full count of the rows shown, once it is known: the rows after the first page
        are added (and load as they come into view)."""
        if query == self.query:
            self.change_count(count)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Sorting 150,000 rows is a new query: it goes through the page's loader, off the GUI thread.
        if not 0 <= column < len(self.columns) or not self.columns[column].sortable:
            return
        spec = self.columns[column]
        query = with_sort(self.query, spec.sort_key or spec.key,
                          order == Qt.SortOrder.DescendingOrder)
        if query != self.query:
            self.sortRequested.emit(query)


class CaseFilters(QWidget):
    """Status, social worker, contract, living arrangement, priority only, review overdue."""

    changed = Signal()

    def __init__(self, session: AppSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.status = QComboBox(self)
        for member in CaseStatus:
            self.status.addItem(member.label, member.value)
        self.status.addItem(ALL_STATUSES, None)
        self.worker = IdChoice(self, empty_label="همه مددکاران")
        self.contract = IdChoice(self, empty_label="همه قراردادها")
        self.living = EnumComboBox(LivingArrangement, self, allow_empty=True,
                                   empty_label="همه وضعیت‌های زندگی")
        self.priority_only = QCheckBox("فقط اولویت‌دار", self)
        self.review_overdue = QCheckBox("بررسی شش‌ماهه عقب‌افتاده", self)
        self._set_names()
        self._fill(session)
        self._lay_out()
        for combo in (self.status, self.worker, self.contract, self.living):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for box in (self.priority_only, self.review_overdue):
            box.toggled.connect(lambda _on: self.changed.emit())

    def _set_names(self) -> None:
        for name, widget, tip in (
                ("statusFilter", self.status, "وضعیت پرونده"),
                ("workerFilter", self.worker, "مددکار"),
                ("contractFilter", self.contract, "قرارداد"),
                ("livingFilter", self.living, "وضعیت زندگی"),
                ("priorityFilter", self.priority_only, "فقط پرونده‌های دارای اولویت"),
                ("overdueFilter", self.review_overdue,
                 "پرونده‌هایی که در نیم‌سال گذشته بررسی نشده‌اند")):
            widget.setObjectName(name)
            widget.setToolTip(tip)
            widget.setAccessibleName(tip)

    def _fill(self, session: AppSession) -> None:
        ctx = session.ctx
        self.worker.set_choices(staff_choices(ctx, (Role.SOCIAL_WORKER, Role.MANAGER)))
        # a social worker sees only their own files: the choice would only mislead
        self.worker.setVisible(ctx.actor.role is not Role.SOCIAL_WORKER)
        self.contract.set_choices(
            (i, choice_text(number, office)) for i, number, office in contract_choices(ctx))

    def _lay_out(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.status, self.worker, self.contract, self.living,
                       self.priority_only, self.review_overdue):
            layout.addWidget(widget)
        layout.addStretch(1)

    def apply(self, query: CaseQuery) -> CaseQuery:
        living = self.living.value()
        return replace(
            query, status=self.status.currentData(), social_worker_id=self.worker.value(),
            contract_id=self.contract.value(), living_arrangement=living.value if living else None,
            priority_only=self.priority_only.isChecked(),
            review_overdue=self.review_overdue.isChecked())


class _SearchKeys(QObject):
    """In the search box: Enter or Down goes to the first row, Esc clears the box."""

    def __init__(self, page: "CaseListPage"):
        super().__init__(page)
        self.page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
            self.page.search_now()
            self.page.focus_first_row()
            return True
        if key == Qt.Key.Key_Escape and self.page.search.text():
            self.page.search.clear()
            return True
        return False


class CaseListPage(Page):
    """The page of case files. Enter or a double click opens a file; Ctrl+N makes a new one;
    Ctrl+F goes to the search box.

    Signals: caseOpened(id) after a case window was opened; rowsUpdated(rows) whenever a
    search's rows are on screen; counted(count) when the count label shows a search's final
    count (at once for a search of under a page, a moment after the rows otherwise).
    """

    caseOpened = Signal(int)
    rowsUpdated = Signal(int)
    counted = Signal(int)

    def __init__(self, session: AppSession, parent: QWidget | None = None):
        super().__init__(session, parent)
        self._stale = False
        self.source = CaseListSource(session)
        self.search = self._build_search()
        self.filters = CaseFilters(session, self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("caseCount")
        # As wide as its longest text from the start: a count that changes width would lay the
        # whole row out again, and repaint the table, at every search.
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance(
            f"دست‌کم {format_number(150_000)} پرونده") + 8)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading)
        self.new_button = QPushButton("پرونده جدید", self)
        self.new_button.setToolTip("پرونده جدید (Ctrl+N)")
        self.new_button.clicked.connect(self.new_file)
        self.import_button = QPushButton("ورود از فایل…", self)
        self.import_button.setObjectName("importButton")
        self.import_button.setToolTip("ورود فهرست پرونده‌های بهزیستی از فایل اکسل یا CSV")
        self.import_button.clicked.connect(self.import_files)
        self.import_button.setVisible(session.ctx.actor.is_manager)
        self.model = self._first_model()
        self.table = self._build_table()
        self.loader = QueryLoader(self.source.fetch_count, self.source.fetch_page, PAGE_SIZE, self)
        self._connect()
        self._lay_out()
        self._add_actions()
        if self.model.rowCount() < PAGE_SIZE:
            self._show_count(self.model.rowCount())
        else:
            self._show_count(UNCOUNTED, PAGE_SIZE)
            self.loader.count(self.model.query)
        self._show_status_column()
        self.setFocusProxy(self.search)

    # --- building --------------------------------------------------------------------------

    def _build_search(self) -> NormalizingLineEdit:
        search = NormalizingLineEdit(self)
        search.setObjectName("caseSearch")
        search.setPlaceholderText("جستجو: نام، کد ملی یا شماره پرونده (Ctrl+F)")
        search.setAccessibleName("جستجوی پرونده")
        search.setClearButtonEnabled(True)
        search.installEventFilter(_SearchKeys(self))
        return search

    def _first_model(self) -> CaseTableModel:
        """The opening list, read at once: the page must show rows when it first paints."""
        query = self.filters.apply(CaseQuery())
        rows = self.source.fetch_page(query, 0, PAGE_SIZE)
        # A full page is counted afterwards, in the background (see _connect)
        self.source.hold(query, count=len(rows), offset=0, rows=rows)
        model = CaseTableModel(self.source, query, self)
        if rows:
            model.row_at(0)
        return model

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("caseTable")
        table.setAccessibleName("فهرست پرونده‌ها")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        table.setWordWrap(False)
        table.setItemDelegate(QuickTextDelegate(table, self.model.cell))  # a screen of rows in ms, not tens of ms
        vertical = table.verticalHeader()
        vertical.hide()
        # fixed row heights: the view then never measures 150,000 rows
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 12)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        return table

    def _connect(self) -> None:
        self.debounce = DebouncedSearch(self._search_text, SEARCH_DELAY_MS, self)
        self.search.textChanged.connect(self.debounce.push)
        self.filters.changed.connect(self.reload)
        self.loader.searched.connect(self._show_results)
        self.loader.counted.connect(self._show_full_count)
        self.loader.failed.connect(self._show_failure)
        self.loader.paged.connect(self.model.accept_page)
        self.model.pageNeeded.connect(lambda number: self.loader.load_page(self.model.query, number))
        self.model.sortRequested.connect(self._run)
        self.table.activated.connect(self._open_index)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._keep_sort_indicator)
        live.listen(self)
        self._listening = True
        self._searching_hint = QTimer(self)
        self._searching_hint.setSingleShot(True)
        self._searching_hint.setInterval(SEARCHING_HINT_MS)
        self._searching_hint.timeout.connect(
            lambda: self.count_label.setText("در حال جستجو…"))

    def _lay_out(self) -> None:
        vbox(self, hbox((self.search, 1), self.count_label, self.new_button, self.import_button), self.filters,
             (self.table, 1))

    def _add_actions(self) -> None:
        for text, key, slot in (("پرونده جدید", "Ctrl+N", self.new_file),
                                ("جستجو", "Ctrl+F", self.focus_search),
                                ("بازخوانی فهرست", "F5", self.reload)):
            action = QAction(text, self)
            action.setShortcut(key)
            # only while this page (or a child) has the focus: other pages may use the same keys
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # --- searching -------------------------------------------------------------------------

    def current_query(self) -> CaseQuery:
        return self.filters.apply(self.model.query).with_text(self.search.text())

    def _search_text(self, _text: str) -> None:
        self._run(self.current_query())

    def search_now(self) -> None:
        self.debounce.flush()

    def on_changes(self, changes: Changes) -> None:
        """The list shows the files' own records, their last service and follow-up, and their
        social workers' names: anything else (an attachment, a contract) leaves it as it is."""
        if not (changes.touches_cases(FILE, SERVICES, REVIEWS) or changes.staff):
            return
        # A page out of sight (another page of the main window is shown) catches up when shown.
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    def reload(self) -> None:
        self._run(self.current_query())

    def _run(self, query: CaseQuery) -> None:
        self.loader.search(query)
        self._searching_hint.start()

    def _show_results(self, generation: int, query: CaseQuery, count: int, rows: list) -> None:
        if not self.loader.is_current(generation):
            return  # a newer search is on its way; this one is stale
        self._searching_hint.stop()
        selected = self.selected_case_id()
        self.model.show_results(query, count, rows)
        self._show_status_column()
        self._show_count(count, len(rows))
        self._reselect(selected)
        self.rowsUpdated.emit(self.model.rowCount())
        if count != UNCOUNTED:
            self.counted.emit(count)

    def _show_full_count(self, generation: int, query: CaseQuery, count: int) -> None:
        if not self.loader.is_current(generation):
            return
        self.model.set_count(query, count)
        # Lay the longer list out now: left to Qt's timer, it paints the table a second time.
        self.table.doItemsLayout()
        self._show_count(count)
        self.counted.emit(count)

    def _show_failure(self, generation: int, error: Exception) -> None:
        if not self.loader.is_current(generation):
            return
        self._searching_hint.stop()
        message = error.message if isinstance(error, DomainError) else "جستجو انجام نشد."
        self.count_label.setText(message)

    def _show_status_column(self) -> None:
        """The status column says something only when every status is listed; otherwise its
        width is better spent on the columns after it."""
        self.table.setColumnHidden(STATUS_COLUMN, self.model.query.status is not None)

    def _show_count(self, count: int, shown: int = 0) -> None:
        if count == UNCOUNTED:  # for the few milliseconds until the rest are counted
            self.count_label.setText(f"دست‌کم {format_number(shown)} پرونده")
        else:
            self.count_label.setText(f"{format_number(count)} پرونده")

    def _keep_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """Columns that cannot be sorted must not show an arrow: put it back where the list is sorted."""
        if COLUMNS[column].sortable:
            return
        sorted_by = self.model.query.sort
        for number, spec in enumerate(COLUMNS):
            if (spec.sort_key or spec.key) == sorted_by:
                order = (Qt.SortOrder.DescendingOrder if self.model.query.descending
                         else Qt.SortOrder.AscendingOrder)
                header = self.table.horizontalHeader()
                header.blockSignals(True)
                header.setSortIndicator(number, order)
                header.blockSignals(False)
                return

    # --- selection and opening -------------------------------------------------------------

    def selected_case_id(self) -> Optional[int]:
        index = self.table.currentIndex()
        if not index.isValid() or not self.model.has_page(index.row() // PAGE_SIZE):
            return None
        row = self.model.row_at(index)
        return row["id"] if row else None

    def _reselect(self, case_id: Optional[int]) -> None:
        if case_id is None:
            return
        # only the first page is at hand without another query
        for number in range(min(self.model.rowCount(), PAGE_SIZE)):
            row = self.model.row_at(number)
            if row and row["id"] == case_id:
                self._select(number)
                return

    def _select(self, number: int) -> None:
        # Not QTableView.selectRow: right to left it asks the header for the column at the
        # viewport's far edge, finds none, and selects nothing.
        self.table.setCurrentIndex(self.model.index(number, 0))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def focus_first_row(self) -> None:
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self._select(0)

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index) if index.isValid() else None
        if row:
            self.open_case(row["id"])

    def open_case(self, case_id: int) -> None:
        from app.ui.cases.case_window import open_case_window
        open_case_window(self.session, case_id, self.window())
        self.caseOpened.emit(case_id)

    def new_file(self) -> None:
        from app.ui.cases.case_form import new_case
        case_id = new_case(self.session, self)
        if case_id is not None:
            self.reload()
            self.open_case(case_id)

    def import_files(self) -> None:
        from app.ui.cases.import_dialog import import_files
        import_files(self.session, self)  # the list reloads when the import tells what changed

    def stop(self, timeout: float | None = None) -> bool:
        """Stop searching and wait (up to timeout seconds) for a query still running, so the
        database can be closed under it; the main window calls this before signing out."""
        if self._listening:
            self._listening = False
            live.stop_listening(self)
        return self.loader.shutdown(timeout)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.stop(timeout=0)
        super().closeEvent(event)
