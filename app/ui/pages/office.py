"""The county office's desk: drop a folder of clinics' signed reports, see the month added up.

Opened instead of the clinic's program when the data folder is an office's (app.office.storage).
Receiving runs off the GUI thread; every table is a small model over plain rows from app.office."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow, QPushButton,
                               QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from app.errors import DomainError
from app.persian import format_month, format_number, parse_jalali_month, to_jalali, to_persian_digits
from app.ui.machinery import messages
from app.ui.machinery.runner import CANCEL_TEXT, Job, op


_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]")


def isolated(text: str) -> str:
    """Document IDs and file names kept left to right inside Persian text (LRI … PDI), so a
    bracket or hyphen beside them does not jump to the other end of the line."""
    def wrap(match: re.Match) -> str:
        run = match.group(0)
        return f"\u2066{run}\u2069" if run.isdigit() is False else run
    return _LATIN_RUN.sub(wrap, text)


class RowsModel(QAbstractTableModel):
    """Plain rows under Persian headers; numbers in Persian digits, right-aligned text."""

    def __init__(self, headers: Sequence[str], parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[tuple] = []
        self.colours: list[QColor | None] = []

    def set_rows(self, rows: list[tuple], colours: list[QColor | None] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.colours = colours or [None] * len(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole) -> Any:
        value = self.rows[index.row()][index.column()]
        if role == Qt.DisplayRole:
            if isinstance(value, bool):
                return "بله" if value else ""
            if isinstance(value, float):
                return to_persian_digits(f"{value:.2f}")
            if isinstance(value, int):
                return format_number(value)
            return isolated(str(value))
        if role == Qt.ToolTipRole and isinstance(value, str) and value:
            return isolated(value)  # the whole text, however narrow the column
        if role == Qt.BackgroundRole:
            return self.colours[index.row()]
        if role == Qt.TextAlignmentRole and isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(Qt.AlignCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.headers[section]
        return None


def _table(model: QAbstractTableModel, *, wrap_last: bool = False) -> QTableView:
    """A read-only table. With wrap_last, the last column (a message) takes the room left and
    wraps onto as many lines as it needs: a long reason is shown whole, never cut with «…»."""
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(True)
    view.setSelectionBehavior(QTableView.SelectRows)
    if wrap_last:
        view.setWordWrap(True)
        view.setTextElideMode(Qt.ElideNone)
        header.setSectionResizeMode(model.columnCount() - 1, QHeaderView.Stretch)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    return view


class DetailLabel(QLabel):
    """The selected row's message in full, wrapped and selectable (to copy into a letter)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.setMinimumHeight(QFontMetrics(self.font()).height() * 2 + 8)
        self.setAlignment(Qt.AlignRight | Qt.AlignTop)
        self.setStyleSheet("QLabel { background: #f4f6f8; border: 1px solid #d0d7de; padding: 4px; }")

    def follow(self, view: QTableView, model: "RowsModel") -> None:
        def show(current: QModelIndex, _previous=None) -> None:
            if not current.isValid() or current.row() >= model.rowCount():
                self.setText("")
                return
            row = model.rows[current.row()]
            self.setText(isolated(" — ".join(str(v) for v in row[:-1] if v) + ":\n" + str(row[-1])))
        view.selectionModel().currentRowChanged.connect(show)
        model.modelReset.connect(lambda: self.setText(""))


class BarChart(QWidget):
    """Horizontal bars, one per label, with an optional second value drawn as a mark (capacity).
    Drawn by hand: the program ships without Qt Charts."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.bars: list[tuple[str, int, int | None]] = []
        self.setMinimumHeight(160)

    def set_bars(self, bars: list[tuple[str, int, int | None]]) -> None:
        self.bars = bars
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        metrics = QFontMetrics(self.font())
        line = metrics.height() + 6
        painter.drawText(QRectF(0, 0, self.width() - 8, line), Qt.AlignRight | Qt.AlignVCenter, self.title)
        if not self.bars:
            return
        label_width = min(self.width() // 3, max(metrics.horizontalAdvance(b[0]) for b in self.bars) + 12)
        top = line + 4
        height = max(12, min(26, (self.height() - top - 8) // len(self.bars) - 4))
        highest = max(max(v, m or 0) for _, v, m in self.bars) or 1
        room = max(10, self.width() - label_width - 84)
        for i, (label, value, mark) in enumerate(self.bars):
            y = top + i * (height + 4)
            right = self.width() - label_width - 8  # bars grow right to left
            shown = metrics.elidedText(label, Qt.ElideLeft, int(label_width - 8))  # whole in the tables
            painter.drawText(QRectF(right + 8, y, label_width - 8, height), Qt.AlignRight | Qt.AlignVCenter, shown)
            width = room * value / highest
            over = mark is not None and value > mark
            painter.fillRect(QRectF(right - width, y + 2, width, height - 4), QColor("#c0504d" if over else "#4f81bd"))
            if mark is not None:
                x = right - room * mark / highest
                painter.setPen(QColor("#333333"))
                painter.drawLine(int(x), y, int(x), y + height)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(right - width - 66, y, 60, height), Qt.AlignRight | Qt.AlignVCenter,
                             format_number(value))


class OfficeWindow(QMainWindow):
    """Three tabs: receive (drop a folder), the month by clinic, the province by county."""

    def __init__(self, ctx, *, receive: Callable | None = None, summarise: Callable | None = None):
        super().__init__()
        from app.office.receiving import receive_files
        from app.office.registry import office_name
        from app.office.summary import month_summary
        self.ctx = ctx
        self.receive_fn = receive or receive_files
        self.summarise_fn = summarise or month_summary
        self.summary = None
        self.worker: Job | None = None
        self.setWindowTitle(f"پرونده — میز اداره: {office_name(ctx.db) or ''}")
        self.setLayoutDirection(Qt.RightToLeft)
        self.setAcceptDrops(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._receive_tab(), "دریافت گزارش‌ها")
        self.tabs.addTab(self._month_tab(), "جمع ماه")
        self.tabs.addTab(self._province_tab(), "استان")
        self.setCentralWidget(self.tabs)
        self.resize(1000, 680)

    # -- receiving -------------------------------------------------------------------------------------
    def _receive_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.drop_label = QLabel("پوشه یا فایل‌های PDF گزارش‌های امضاشده کلینیک‌ها را اینجا رها کنید")
        self.drop_label.setAlignment(Qt.AlignCenter)
        self.drop_label.setMinimumHeight(90)
        self.drop_label.setStyleSheet("QLabel { border: 2px dashed #7a8a99; border-radius: 8px; font-size: 15px; }")
        layout.addWidget(self.drop_label)
        row = QHBoxLayout()
        self.pick_button = QPushButton("انتخاب پوشه…")
        self.pick_button.clicked.connect(self._pick_folder)
        self.cancel_button = QPushButton(CANCEL_TEXT)  # the files already settled stay received
        self.cancel_button.setObjectName("cancelReceiving")
        self.cancel_button.clicked.connect(self.cancel_receiving)
        self.cancel_button.hide()
        self.receive_status = QLabel("")
        row.addWidget(self.pick_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.receive_status, 1)
        layout.addLayout(row)
        self.receipts = RowsModel(("فایل", "نتیجه", "شرح"))
        self.receipts_view = _table(self.receipts, wrap_last=True)
        layout.addWidget(self.receipts_view, 1)
        self.receipt_detail = DetailLabel()
        self.receipt_detail.follow(self.receipts_view, self.receipts)
        layout.addWidget(self.receipt_detail)
        return page

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.receive(paths)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "پوشه گزارش‌ها")
        if folder:
            self.receive([Path(folder)])

    def receive(self, paths: list[Path]) -> None:
        if self.worker is not None and self.worker.is_running():
            return
        self.tabs.setCurrentIndex(0)
        self.pick_button.setEnabled(False)
        self.receive_status.setText("در حال بررسی فایل‌ها…")
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        receive, ctx = self.receive_fn, self.ctx
        self.worker = (op(lambda progress, cancelled: receive(ctx, paths, progress=progress, cancelled=cancelled))
                       .progress(self._show_progress).success(self._received).failure(self._failed)
                       .run_in_background(self))

    def _show_progress(self, done: int, total: int) -> None:
        if self.cancel_button.isEnabled():
            self.receive_status.setText(f"در حال بررسی فایل‌ها… {format_number(done)} از {format_number(total)}")

    def cancel_receiving(self) -> None:
        """Stop after the files being settled now; those already received stay received."""
        if self.worker is not None and self.worker.is_running():
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.receive_status.setText("در حال لغو… لطفاً صبر کنید")

    def _received(self, receipts) -> None:
        self.pick_button.setEnabled(True)
        self.cancel_button.hide()
        refused = sum(not r.accepted for r in receipts)
        stopped = "لغو شد؛ " if self.worker is not None and self.worker.cancelled() else ""
        self.receive_status.setText(f"{stopped}{format_number(len(receipts) - refused)} پذیرفته، "
                                    f"{format_number(refused)} پذیرفته‌نشده (در پوشه refused نگه داشته شد)")
        self.receipts.set_rows([(Path(r.file).name, "پذیرفته شد" if r.accepted else "پذیرفته نشد", r.message)
                                for r in receipts],
                               [None if r.accepted else QColor("#f8dcdc") for r in receipts])
        if self.summary is not None:
            self.show_month(self.summary.year, self.summary.month)

    def _failed(self, error: BaseException) -> None:
        self.pick_button.setEnabled(True)
        self.cancel_button.hide()
        self.receive_status.setText("")
        messages.fail(self, "دریافت انجام نشد.", getattr(error, "message", str(error)))

    # -- the month ------------------------------------------------------------------------------------
    def _month_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel("ماه:"))
        self.month_edit = QLineEdit()
        self.month_edit.setPlaceholderText("۱۴۰۵/۰۸")
        self.month_edit.setMaximumWidth(120)
        self.month_edit.returnPressed.connect(self._show_typed_month)
        show = QPushButton("نمایش")
        show.clicked.connect(self._show_typed_month)
        self.export_button = QPushButton("ذخیره اکسل…")
        self.export_button.clicked.connect(self._export)
        self.export_button.setEnabled(False)
        self.month_status = QLabel("")
        for widget in (self.month_edit, show, self.export_button):
            row.addWidget(widget)
        row.addWidget(self.month_status, 1)
        layout.addLayout(row)
        split = QSplitter(Qt.Vertical)
        upper = QSplitter(Qt.Horizontal)
        self.clinic_rows = RowsModel(("شهرستان", "کلینیک", "قرارداد", "ظرفیت", "فعال", "جدید", "مختومه", "عودت",
                                      "خدمات", "بازدید منزل", "بازدید هر پرونده", "بررسی", "عقب‌افتاده",
                                      "کودک‌آزاری", "صورتحساب (ریال)", "دیرکرد"))
        upper.addWidget(_table(self.clinic_rows))
        self.capacity_chart = BarChart("پرونده‌های فعال در برابر ظرفیت (خط: ظرفیت)")
        upper.addWidget(self.capacity_chart)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        upper.setSizes([600, 400])  # the table first; proportions, so it holds from 1024 wide up
        split.addWidget(upper)
        # The checks take the whole width: their messages are the longest text on the page.
        self.findings = RowsModel(("هشدار", "کلینیک", "قرارداد", "شرح"))
        checks = QWidget()
        checks_layout = QVBoxLayout(checks)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        self.findings_view = _table(self.findings, wrap_last=True)
        checks_layout.addWidget(self.findings_view, 1)
        self.finding_detail = DetailLabel()
        self.finding_detail.follow(self.findings_view, self.findings)
        checks_layout.addWidget(self.finding_detail)
        split.addWidget(checks)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        return page

    def _show_typed_month(self) -> None:
        try:
            year, month = parse_jalali_month(self.month_edit.text(), "month")
        except DomainError as error:
            messages.warn(self, error.message)
            return
        self.show_month(year, month)

    def show_month(self, year: int, month: int) -> None:
        from app.office.export import FINDING_LABELS
        from app.office.summary import not_reported_findings
        summary = self.summarise_fn(self.ctx, year, month)
        self.summary = summary
        self.month_edit.setText(to_persian_digits(f"{year}/{month:02d}"))
        self.month_status.setText(f"{format_month(year, month)}: {format_number(len(summary.rows))} گزارش، "
                                  f"{format_number(len(summary.missing))} کلینیک گزارش نداده")
        self.clinic_rows.set_rows(
            [(r.county, r.clinic, r.contract, r.capacity, r.active_at_end, r.new_files, r.closed_files,
              r.returned_files, r.total_services, r.home_visits, r.home_visits_per_file, r.reviews_done,
              r.reviews_overdue, r.abuse_concerns, r.amount_invoiced_rials, r.late) for r in summary.rows],
            [QColor("#f8dcdc") if r.active_at_end > r.capacity else None for r in summary.rows])
        shown = sorted(summary.rows, key=lambda r: r.capacity_used, reverse=True)[:12]
        self.capacity_chart.set_bars([(r.clinic, r.active_at_end, r.capacity) for r in shown])
        findings = summary.findings + not_reported_findings(summary)
        self.findings.set_rows([(FINDING_LABELS.get(f.kind, f.kind), f.clinic, f.contract, f.message)
                                for f in findings])
        self.county_rows.set_rows([(c.county, c.clinics, c.reported, c.capacity, c.active_at_end, c.total_services,
                                    c.home_visits, c.reviews_done, c.reviews_overdue, c.abuse_concerns,
                                    c.amount_invoiced_rials) for c in summary.counties])
        self.county_chart.set_bars([(c.county, c.active_at_end, c.capacity) for c in summary.counties])
        self.kind_chart.set_bars(sorted(((k, v, None) for k, v in summary.services_by_kind.items()),
                                        key=lambda b: -b[1]))
        self.export_button.setEnabled(True)

    def _export(self) -> None:
        from app.office.export import summary_xlsx
        if self.summary is None:
            return
        name = f"office-{self.summary.year}-{self.summary.month:02d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "ذخیره اکسل", name, "Excel (*.xlsx)")
        if path:
            summary_xlsx(self.summary, path)
            self.month_status.setText(f"در {path} ذخیره شد.")

    # -- the province --------------------------------------------------------------------------------
    def _province_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.county_rows = RowsModel(("شهرستان", "کلینیک‌ها", "گزارش داده", "ظرفیت", "پرونده فعال", "خدمات",
                                      "بازدید منزل", "بررسی", "عقب‌افتاده", "کودک‌آزاری", "صورتحساب (ریال)"))
        layout.addWidget(_table(self.county_rows), 1)
        charts = QHBoxLayout()
        self.county_chart = BarChart("پرونده‌های فعال هر شهرستان (خط: ظرفیت)")
        self.kind_chart = BarChart("خدمات استان به تفکیک نوع")
        charts.addWidget(self.county_chart)
        charts.addWidget(self.kind_chart)
        layout.addLayout(charts, 1)
        return page


class OfficeSignIn(QDialog):
    """The office user's name and password (argon2id, as the clinic's)."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.user = None  # app.office.registry.OfficeUserView once signed in
        self.user_name = ""
        self.setWindowTitle("ورود به میز اداره")
        self.setLayoutDirection(Qt.RightToLeft)
        form = QFormLayout(self)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        form.addRow("نام کاربری:", self.username)
        form.addRow("رمز عبور:", self.password)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("ورود")
        buttons.button(QDialogButtonBox.Cancel).setText("انصراف")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def try_sign_in(self) -> None:
        from app.office.registry import sign_in
        try:
            self.user = sign_in(self.db, self.username.text(), self.password.text())
            self.user_name = self.user.username
            self.error.setText("")
        except DomainError as error:
            self.error.setText(error.message)
            self.password.clear()
            return
        self.accept()


def last_ended_month(ctx) -> tuple[int, int]:
    year, month, _ = to_jalali(ctx.today())
    return (year - 1, 12) if month == 1 else (year, month - 1)


def run_office(app, data_dir: Path) -> int:
    """The office's program: its own window; the clinic's sign-in and backups do not apply here."""
    from app.office.registry import signed_in_context
    from app.office.storage import open_office
    try:
        db = open_office(data_dir)
    except DomainError as error:
        messages.fail(None, "پوشه داده اداره باز نشد.", error.message)
        return 1
    sign_in = OfficeSignIn(db)
    if sign_in.exec() != QDialog.Accepted:
        db.dispose()
        return 0
    window = OfficeWindow(signed_in_context(db, Path(data_dir), sign_in.user))
    window.show_month(*last_ended_month(window.ctx))
    window.show()
    app.setQuitOnLastWindowClosed(True)
    try:
        return app.exec()
    finally:
        db.dispose()
