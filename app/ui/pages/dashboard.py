"""The dashboard: what needs doing today, in numbers and short lists.

Every number and list comes from app.services.worklists. They are loaded off the GUI thread,
one after the other, and shown as each arrives: at 150,000 files some of these queries take
a second, and the window must never wait for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import FILE, PROBLEMS, REVIEWS, SERVICES, Changes
from app.persian import format_number, to_persian_digits
from app.ui.machinery import live
from app.ui.machinery.runner import SectionLoader
from app.ui.widgets.case_link import open_case
from app.ui.widgets.list_model import ListTableModel, identifier_text, make_table_view
from app.ui.widgets.paged_model import Column
from app.ui.machinery.style import ACCENT, ERROR
from app.ui.pages.page import Page

LOADING = "…"
REFRESH_AFTER_S = 60  # coming back to the dashboard after a minute shows fresh numbers
CASELOAD_LIMIT = 200  # the worklists' limit is also carried by each Caseload row
# Absolute: under right-to-left layout a plain AlignRight would be turned into left.
RIGHT = Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _priority(value: Any) -> str:
    return "اولویت‌دار" if value else ""


CASE_COLUMNS = [
    Column("behzisti_file_number", "شماره پرونده بهزیستی", identifier_text),
    Column("full_name", "نام"),
    Column("social_worker_name", "مددکار"),
    Column("next_follow_up", "پیگیری بعدی"),
    Column("last_review_on", "آخرین بررسی"),
    Column("priority", "اولویت", _priority),
]
ABUSE_COLUMNS = [
    Column("date", "تاریخ"),
    Column("case_name", "نام"),
    Column("behzisti_file_number", "شماره پرونده بهزیستی", identifier_text),
    Column("action", "اقدام انجام‌شده"),
    Column("priority", "اولویت", _priority),
]
# A psychologist's problem, for someone who may not read it (the service sends no title).
HIDDEN_PROBLEM = "— مشکل محرمانه روانشناس —"


def _problem_rows(problems: list[Any]) -> list[Any]:
    return [SimpleNamespace(**asdict(p) | {"title": HIDDEN_PROBLEM}) if p.hidden else p for p in problems]


PROBLEM_COLUMNS = [
    Column("case_name", "نام"),
    Column("title", "مشکل"),
    Column("stage_label", "مرحله"),
    Column("opened_on", "تاریخ شروع"),
]


def _load_text(row: Any) -> str:
    return f"{format_number(row.active_cases)} از {format_number(row.capacity)}"


def _days_left_text(days: Any) -> str:
    if days is None:
        return ""
    return "پایان یافته" if days < 0 else to_persian_digits(days)


CONTRACT_COLUMNS = [
    Column("number", "قرارداد", identifier_text),
    Column("load", "پرونده فعال از ظرفیت"),
    Column("end_date", "پایان"),
    Column("days_left", "روز مانده", _days_left_text),
]


def correction_mark_text(mark: Any) -> str:
    """«گزارش امضاشده آبان ۱۴۰۵ (قرارداد ۱۴۰۵-۷) پس از امضا ۲ تغییر داشته است ...».

    The contract number goes through identifier_text: after Persian words the bidi rules
    would otherwise show 1405-101 as 101-1405."""
    from app.persian import format_month
    return (f"گزارش امضاشده {format_month(mark.year, mark.month)} (قرارداد {identifier_text(mark.contract_number)}"
            f") پس از امضا {to_persian_digits(mark.changes)} تغییر داشته است و اصلاحیه لازم دارد "
            "(صفحه گزارش‌ها ← امضا و ثبت).")


def contract_alert(row: Any) -> str:
    office = f"{row.office_name}: "
    if row.active_cases > row.capacity:
        return office + "پرونده‌های فعال بیش از ظرفیت قرارداد است."
    if row.days_left < 0:
        return office + "قرارداد پایان یافته است."
    if row.days_left <= 30:
        return office + "کمتر از یک ماه به پایان قرارداد مانده است."
    return ""


class CountTile(QFrame):
    """A caption and a big number; `alert` paints it red (child-abuse concerns)."""

    clicked = Signal()

    def __init__(self, caption: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("tile", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.number = QLabel(LOADING, self)
        self.number.setObjectName("tileNumber")
        font = QFont(self.number.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption, self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        self.set_alert(False)

    def set_count(self, n: int) -> None:
        self.number.setText(format_number(n))
        self.number.setToolTip("")

    def set_error(self, message: str) -> None:
        self.number.setText("!")
        self.number.setToolTip(message)

    def set_alert(self, alert: bool) -> None:
        color = ERROR if alert else ACCENT
        border = ERROR if alert else "#d9dee3"
        background = "#fdecea" if alert else "#ffffff"
        self.setStyleSheet(f"QFrame[tile=\"true\"] {{ background: {background}; border: 1px solid {border};"
                           f" border-radius: 6px; }} QLabel {{ border: none; background: transparent; }}"
                           f" QLabel#tileNumber {{ color: {color}; }}")

    def mousePressEvent(self, event) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)


class CaseloadChart(QWidget):
    """Horizontal bars: each social worker's active files against the limit of 200.

    Drawn right to left like the text: the name at the right, the bar growing leftwards.
    """

    ROW = 26
    NAME_WIDTH = 170
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("caseloadChart")
        self.loads: list[Any] = []
        self.limit = CASELOAD_LIMIT
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_loads(self, loads: list[Any]) -> None:
        # Fullest first: the ones to worry about are at the top without scrolling.
        self.loads = sorted(loads, key=lambda load: -load.active_cases)
        if self.loads:
            self.limit = self.loads[0].limit
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, max(1, len(self.loads)) * self.ROW + 2 * self.MARGIN + 18)

    def _scale(self) -> float:
        top = max([self.limit * 1.2] + [load.active_cases * 1.05 for load in self.loads])
        return max(top, 1)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if not self.loads:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "مددکاری ثبت نشده است")
            return
        right = self.width() - self.MARGIN - self.NAME_WIDTH - self.MARGIN
        span = max(right - self.MARGIN - 50, 10)  # 50: room for the number beyond the bar
        per_case = span / self._scale()
        first = max(0, (event.rect().top() - self.MARGIN) // self.ROW)
        last = min(len(self.loads), event.rect().bottom() // self.ROW + 1)
        for i in range(first, last):
            self._draw_row(painter, i, right, per_case)
        self._draw_limit(painter, right, per_case)

    def _draw_row(self, painter: QPainter, i: int, right: float, per_case: float) -> None:
        load = self.loads[i]
        top = self.MARGIN + i * self.ROW
        name_rect = QRectF(self.width() - self.MARGIN - self.NAME_WIDTH, top, self.NAME_WIDTH, self.ROW)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(name_rect, RIGHT, load.name)
        length = load.active_cases * per_case
        over = load.active_cases > load.limit
        painter.fillRect(QRectF(right - length, top + 5, length, self.ROW - 10),
                         QColor(ERROR if over else ACCENT))
        painter.setPen(QColor(ERROR if over else "#3e4c59"))
        number_rect = QRectF(right - length - 54, top, 50, self.ROW)
        painter.drawText(number_rect, RIGHT, to_persian_digits(load.active_cases))

    def _draw_limit(self, painter: QPainter, right: float, per_case: float) -> None:
        x = right - self.limit * per_case
        bottom = self.MARGIN + len(self.loads) * self.ROW
        painter.setPen(QPen(QColor(ERROR), 1, Qt.PenStyle.DashLine))
        painter.drawLine(int(x), self.MARGIN, int(x), int(bottom))
        painter.drawText(QRectF(x - 40, bottom, 80, 18), Qt.AlignmentFlag.AlignCenter,
                         f"سقف {to_persian_digits(self.limit)}")


def _last_in_chain(widget: QWidget) -> QWidget:
    """The widget's last descendant in the focus chain (the tab bar's scroll buttons), or itself."""
    last, following = widget, widget.nextInFocusChain()
    while widget.isAncestorOf(following):
        last, following = following, following.nextInFocusChain()
    return last


class LazyTables(dict):
    """name → QTableView, each made by `make(name)` the first time it is asked for."""

    def __init__(self, make: Callable[[str], QTableView]):
        super().__init__()
        self._make = make

    def __missing__(self, name: str) -> QTableView:
        view = self[name] = self._make(name)
        return view


class DashboardPage(Page):
    """Numbers at the top, then the lists; double-click or Enter on a row opens the file."""

    loaded = Signal()  # every section has arrived (tests and screenshots wait for it)

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.loader: SectionLoader | None = None
        self.loaded_at = 0.0
        self.errors: dict[str, str] = {}
        self.tiles: dict[str, CountTile] = {}
        self.models: dict[str, ListTableModel] = {}
        # Each list's view is made when first shown or asked for (LazyTables): of six tabs one is
        # on screen, and eight views made and sized at once were most of the window's start.
        self.tables = LazyTables(self._make_view)
        self._places: dict[str, tuple[QVBoxLayout, int]] = {}
        self._build()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        self._stale = False
        live.listen(self)

    def on_changes(self, changes: Changes) -> None:
        """Every save that moves a number or a list here; out of sight, read again when shown."""
        if not (changes.touches_cases(FILE, SERVICES, PROBLEMS, REVIEWS)
                or changes.contracts or changes.payments or changes.staff):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addLayout(self._tile_row())
        self.correction_notice = self._correction_notice()
        layout.addWidget(self.correction_notice)
        self.abuse_box = self._abuse_box()
        layout.addWidget(self.abuse_box)
        self.cheque_box = self._cheque_box()
        layout.addWidget(self.cheque_box)
        body = QHBoxLayout()
        body.addWidget(self._list_tabs(), 5)
        body.addLayout(self._side_column(), 3)
        layout.addLayout(body, 1)
        self._tab_shown(self.tabs.currentIndex())

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        title = QLabel("کارهای امروز", self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.status = QLabel("", self)
        self.status.setObjectName("dashboardStatus")
        self.refresh_button = QPushButton("به‌روزرسانی (F5)", self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(title)
        row.addStretch(1)
        row.addWidget(self.status)
        row.addWidget(self.refresh_button)
        return row

    def _tile_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        captions = (("active_cases", "پرونده‌های فعال"), ("follow_ups_today", "پیگیری امروز"),
                    ("follow_ups_overdue", "پیگیری عقب‌افتاده"), ("reviews_due", "بررسی این نیم‌سال"),
                    ("reviews_overdue", "بررسی عقب‌افتاده"), ("open_problems", "مشکلات باز"),
                    ("abuse_concerns", "نگرانی کودک‌آزاری (۹۰\u00a0روز)"))
        for key, caption in captions:
            tile = CountTile(caption, f"tile_{key}", self)
            self.tiles[key] = tile
            row.addWidget(tile)
        return row

    def _correction_notice(self) -> QLabel:
        """Signed months changed since signing: their reports need a correction (manager only)."""
        notice = QLabel("", self)
        notice.setObjectName("correctionNotice")
        notice.setWordWrap(True)
        notice.setStyleSheet(f"QLabel#correctionNotice {{ color: {ERROR}; border: 1px solid {ERROR};"
                             " background: #fff5f4; padding: 6px; font-weight: bold; }")
        notice.hide()
        return notice

    def _show_corrections(self, marks: list[Any]) -> None:
        lines = [correction_mark_text(m) for m in marks]
        self.correction_notice.setText("\n".join(lines))
        self.correction_notice.setVisible(self.is_manager and bool(lines))

    def _abuse_box(self) -> QGroupBox:
        """For the manager: the concerns above everything else, in red, while there are any."""
        box = QGroupBox("نگرانی‌های کودک‌آزاری — نیازمند توجه مدیر", self)
        box.setObjectName("abuseBox")
        box.setStyleSheet(f"QGroupBox#abuseBox {{ border: 2px solid {ERROR}; background: #fff5f4; }}"
                          f" QGroupBox#abuseBox::title {{ color: {ERROR}; font-weight: bold; }}")
        layout = QVBoxLayout(box)
        self._list("abuse_alert", ABUSE_COLUMNS, layout, max_height=150)  # its view when the box shows
        # A concern stays here, however old, until the manager marks it seen with a note.
        self.seen_button = QPushButton("دیده شد…", box)
        self.seen_button.setObjectName("abuseSeenButton")
        self.seen_button.setToolTip("ثبت دیده شدن نگرانی انتخاب‌شده، با یادداشت مدیر")
        self.seen_button.clicked.connect(self.acknowledge_selected)
        layout.addWidget(self.seen_button, 0, Qt.AlignmentFlag.AlignLeading)
        box.hide()
        return box

    def _cheque_box(self) -> QGroupBox:
        """For the manager: guarantee cheques an office still holds past the agreed day (issue 15);
        one line each, so the lists below keep their room on a 768-pixel screen."""
        box = QGroupBox("چک ضمانت عودت‌نشده پس از موعد — پیگیری از اداره بهزیستی (صفحه مطالبات)", self)
        box.setObjectName("chequeBox")
        box.setStyleSheet(f"QGroupBox#chequeBox {{ border: 2px solid {ERROR}; }}"
                          f" QGroupBox#chequeBox::title {{ color: {ERROR}; font-weight: bold; }}")
        self.cheque_lines = QLabel(box)
        self.cheque_lines.setObjectName("chequeLines")
        self.cheque_lines.setWordWrap(True)
        QVBoxLayout(box).addWidget(self.cheque_lines)
        self.overdue_cheques: list[Any] = []
        box.hide()
        return box

    def _show_cheques(self, cheques: list[Any]) -> None:
        from app.ui.pages.receivables import overdue_cheque_text

        self.overdue_cheques = list(cheques)
        self.cheque_lines.setText("\n".join(overdue_cheque_text(c) for c in cheques))
        self.cheque_box.setVisible(self.is_manager and bool(cheques))

    def _list(self, name: str, columns: list[Column], layout: QVBoxLayout,
              alert: Callable[[Any], str] | None = None, *, max_height: int = 0) -> None:
        """The list's model now; its view, at the top of `layout`, when it is first needed."""
        self.models[name] = ListTableModel(columns, parent=self, alert=alert)
        self._places[name] = (layout, max_height)

    def _make_view(self, name: str) -> QTableView:
        layout, max_height = self._places[name]
        model = self.models[name]
        view = make_table_view(model, layout.parentWidget(), name=name)
        if max_height:
            view.setMaximumHeight(max_height)
        view.activated.connect(lambda index, model=model: self._open_row(model.row_at(index)))
        layout.insertWidget(0, view)
        self._keep_tab_order(name, view)
        return view

    def _keep_tab_order(self, name: str, view: QTableView) -> None:
        """A view made late is put where Tab reached it when every view was made with the page:
        after the focusable widget before it, and before the one after it."""
        if name == "abuse_alert":
            before, after = self.refresh_button, self.seen_button
        elif name in self.tab_titles:
            made = [key for key in self.tab_titles if key in self.tables or key == name]
            at = made.index(name)
            before = self.tables[made[at - 1]] if at else _last_in_chain(self.tabs.tabBar())
            after = self.tables[made[at + 1]] if at + 1 < len(made) else self.chart_scroll
        else:
            return  # made with the page
        QWidget.setTabOrder(before, view)
        QWidget.setTabOrder(view, after)

    def _tab_shown(self, index: int) -> None:
        if 0 <= index < len(self.tab_titles):
            self.tables[list(self.tab_titles)[index]]  # noqa: B018 — made on first access

    def _list_tabs(self) -> QTabWidget:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("dashboardTabs")
        self.tab_titles = {
            "follow_today": "پیگیری امروز", "follow_overdue": "پیگیری عقب‌افتاده",
            "reviews_due": "بررسی نیم‌سال", "reviews_overdue": "بررسی عقب‌افتاده",
            "problems": "مشکلات باز", "abuse": "کودک‌آزاری",
        }
        columns = {"problems": PROBLEM_COLUMNS, "abuse": ABUSE_COLUMNS}
        for name, title in self.tab_titles.items():
            holder = QWidget(self.tabs)
            holder.setObjectName(f"{name}Tab")
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            self._list(name, columns.get(name, CASE_COLUMNS), layout)
            self.tabs.addTab(holder, title)
        targets = {"follow_ups_today": "follow_today", "follow_ups_overdue": "follow_overdue",
                   "reviews_due": "reviews_due", "reviews_overdue": "reviews_overdue",
                   "open_problems": "problems", "abuse_concerns": "abuse"}
        for tile, tab in targets.items():
            self.tiles[tile].clicked.connect(lambda tab=tab: self.show_list(tab))
        from app.services import worklists as w
        from app.services.policy import permits
        for tile, tab, fn in (("open_problems", "problems", w.open_problems),
                              ("abuse_concerns", "abuse", w.abuse_concerns)):
            if not permits(self.session.actor, fn):
                self.tabs.setTabVisible(list(self.tab_titles).index(tab), False)
                self.tiles[tile].setVisible(False)
        self.tabs.currentChanged.connect(self._tab_shown)
        return self.tabs

    def _side_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        chart_box = QGroupBox("پرونده‌های فعال هر مددکار (سقف ۲۰۰)", self)
        self.chart = CaseloadChart()
        scroll = self.chart_scroll = QScrollArea(chart_box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.chart)
        QVBoxLayout(chart_box).addWidget(scroll)
        contract_box = QGroupBox("ظرفیت و پایان قراردادها", self)
        self._list("contracts", CONTRACT_COLUMNS, QVBoxLayout(contract_box), alert=contract_alert)
        self.tables["contracts"]  # noqa: B018 — on screen from the start
        column.addWidget(chart_box, 3)
        column.addWidget(contract_box, 2)
        return column

    def show_list(self, name: str) -> None:
        index = list(self.tab_titles).index(name)
        self.tabs.setCurrentIndex(index)
        self.tables[name].setFocus()

    # --- loading -----------------------------------------------------------------------------

    def sections(self) -> list[tuple[str, Callable[[], Any]]]:
        from app.services import worklists as w
        from app.services.policy import permits

        ctx = self.session.ctx
        from app.services.abuse_watch import unseen_abuse_concerns

        plan = [("counts", w.dashboard_counts), ("abuse", w.abuse_concerns), ("abuse_unseen", unseen_abuse_concerns),
                ("follow_today", w.follow_ups_due), ("follow_overdue", w.follow_ups_overdue),
                ("caseloads", w.caseloads), ("contracts", w.contract_loads), ("problems", w.open_problems),
                ("reviews_due", w.reviews_due), ("reviews_overdue", w.reviews_overdue)]
        if self.is_manager:
            from app.services.signed_months import months_needing_correction
            from app.services.payments import overdue_cheques
            plan.append(("corrections", months_needing_correction))
            plan.append(("cheques", overdue_cheques))
        # Only what this role may read: a section it may not would only come back as a refusal.
        return [(name, lambda fn=fn: fn(ctx)) for name, fn in plan if permits(ctx.actor, fn)]

    def refresh(self) -> None:
        if self.loader is not None and self.loader.is_running():
            return
        self.errors.clear()
        self.status.setText("در حال بارگذاری…")
        self.refresh_button.setEnabled(False)
        self.loader = SectionLoader(self.sections(), self)
        self.loader.ready.connect(self._section_ready)
        self.loader.failed.connect(self._section_failed)
        self.loader.finished.connect(self._all_loaded)
        self.loader.start()

    def stop(self, timeout: float | None = None) -> bool:
        """Before the database closes (sign-out, restore): let the running query end."""
        if self.loader is None:
            return True
        self.loader.cancel()
        return self.loader.wait(timeout)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale or time.monotonic() - self.loaded_at > REFRESH_AFTER_S:
            self._stale = False
            self.refresh()

    def _section_ready(self, name: str, result: Any) -> None:
        if name == "counts":
            self._show_counts(result)
        elif name == "corrections":
            self._show_corrections(result)
        elif name == "abuse_unseen":
            self._show_abuse(result)
        elif name == "caseloads":
            self.chart.set_loads(result)
        elif name == "contracts":
            self.models[name].set_rows([SimpleNamespace(**asdict(row), load=_load_text(row)) for row in result])
        elif name == "cheques":
            self._show_cheques(result)
        else:
            self.models[name].set_rows(_problem_rows(result) if name == "problems" else result)
            if name in self.tab_titles:
                self._title_tab(name, len(result))

    def _title_tab(self, name: str, n: int) -> None:
        index = list(self.tab_titles).index(name)
        shown = to_persian_digits(n) if n < 200 else "۲۰۰+"  # the lists stop at 200 rows
        self.tabs.setTabText(index, f"{self.tab_titles[name]} ({shown})")

    def _show_counts(self, counts: Any) -> None:
        for key, tile in self.tiles.items():
            tile.set_count(getattr(counts, key))
        self.tiles["abuse_concerns"].set_alert(self.is_manager and counts.abuse_concerns > 0)
        self.tiles["follow_ups_overdue"].set_alert(counts.follow_ups_overdue > 0)
        self.tiles["reviews_overdue"].set_alert(counts.reviews_overdue > 0)

    def _show_abuse(self, concerns: list[Any]) -> None:
        self.models["abuse_alert"].set_rows(concerns)
        shown = self.is_manager and bool(concerns)
        if shown:
            self.tables["abuse_alert"]  # noqa: B018 — made before the box shows
        self.abuse_box.setVisible(shown)

    def acknowledge_selected(self) -> bool:
        """The manager's «دیده شد» on the selected concern (the first if none is selected)."""
        from app.ui.widgets.abuse_seen import AcknowledgeDialog

        model = self.models["abuse_alert"]
        if not model.rowCount():
            return False
        view = self.tables["abuse_alert"]
        index = view.currentIndex()
        concern = model.row_at(index.row() if index.isValid() else 0)
        dialog = AcknowledgeDialog(self.session, concern, self)
        self.acknowledge_dialog = dialog
        if dialog.exec() == dialog.DialogCode.Accepted:
            self.refresh()
            return True
        return False

    def _section_failed(self, name: str, error: BaseException) -> None:
        message = getattr(error, "message", None) or str(error)
        self.errors[name] = message
        if name == "counts":
            for tile in self.tiles.values():
                tile.set_error(message)

    def _first_useful_tab(self) -> None:
        """Open on a list that has rows: an empty «today» tab hides the overdue ones."""
        current = list(self.tab_titles)[self.tabs.currentIndex()]
        if self.models[current].rowCount():
            return
        for name in self.tab_titles:
            if self.models[name].rowCount():
                self.tabs.setCurrentIndex(list(self.tab_titles).index(name))
                return

    def _all_loaded(self) -> None:
        if self.loaded_at == 0:
            self._first_useful_tab()  # only the first time: later the person's choice stays
        self.loaded_at = time.monotonic()
        self.refresh_button.setEnabled(True)
        if self.errors:
            self.status.setText("بخشی از داشبورد بارگذاری نشد: " + next(iter(self.errors.values())))
        else:
            self.status.setText("")
        self.loaded.emit()

    def _open_row(self, row: Any) -> None:
        if row is None:
            return
        case_id = getattr(row, "case_id", None) or getattr(row, "id", None)
        if case_id is not None:
            open_case(self.session, case_id, self)
