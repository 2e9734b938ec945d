"""مطالبات (manager only): what each county office owes, since when, and what to chase.

Open invoices oldest first with the days since each was delivered; totals per contract and per
office; the payments ledger (a wrong entry is reversed, never deleted); guarantee cheques with the
day each is due back (several per contract); months invoiced against paid as a small painted chart (QtCharts is not in
PySide6-Essentials). From here the manager records payments, deliveries and returned cheques,
exports the tables to Excel and prints the signed «صورت وضعیت مطالبات» for an office.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DomainError
from app.persian import format_jalali, format_number, month_name, to_persian_digits
from app.ui.machinery import messages
from app.ui.pages.contracts import AmountEdit
from app.ui.widgets.list_model import ListTableModel, identifier_text, make_table_view
from app.ui.widgets.paged_model import Column
from app.domain.changes import Changes
from app.ui.machinery import live
from app.ui.widgets.passwords import _FormDialog
from app.ui.widgets.text import jalali_text
from app.ui.widgets import JalaliDateEdit, NormalizingLineEdit
from app.ui.pages.page import Page

INVOICED, PAID = QColor("#3d6a99"), QColor("#2f8f5b")
LATE_DAYS = 60  # an invoice unpaid this long after delivery is painted red


class _MoneyDialog(_FormDialog):
    """A dialog whose save changes payments, invoices or cheques (the open screens hear it)."""

    def what_changed(self, result: Any) -> Changes:
        return Changes(payments=True)


def rials(value: Any) -> str:
    return "" if value is None else format_number(value)


def days_text(value: Any) -> str:
    return "—" if value is None else to_persian_digits(value)


def report_id_text(value: Any) -> str:
    """A document number (INV-…, RC-…) exactly as printed on the paper, Latin digits and all, so it
    can be matched by eye and typed into `parvandeh verify`; kept in one left-to-right piece."""
    return f"\u2066{value}\u2069" if value else ""


def _date_or_dash(value: Any) -> str:
    return jalali_text(value) if value else "—"


INVOICE_COLUMNS = [
    Column("report_id", "شماره صورتحساب", report_id_text),
    Column("office_name", "اداره بهزیستی"),
    Column("contract_number", "قرارداد", identifier_text),
    Column("month_label", "ماه خدمت"),
    Column("amount_rials", "مبلغ (ریال)", rials),
    Column("paid_rials", "پرداخت‌شده", rials),
    Column("outstanding_rials", "مانده", rials),
    Column("status_label", "وضعیت"),
    Column("delivered_on", "تحویل", _date_or_dash),
    Column("days_outstanding", "روز از تحویل", days_text),
]
def name_text(value: Any) -> str:
    """An office's name as written; a contract number (no Persian letters) as an identifier."""
    text = "" if value is None else str(value)
    return text if any("\u0600" <= ch <= "\u06ff" for ch in text) else identifier_text(text)


TOTAL_COLUMNS = [
    Column("name", "نام", name_text),
    Column("invoiced_rials", "صورتحساب‌شده (ریال)", rials),
    Column("received_rials", "دریافت‌شده", rials),
    Column("outstanding_rials", "مانده", rials),
    Column("credit_rials", "بستانکاری", rials),
    Column("open_invoices", "صورتحساب باز", to_persian_digits),
    Column("oldest_days", "قدیمی‌ترین (روز)", days_text),
]
PAYMENT_COLUMNS = [
    Column("id", "شناسه", to_persian_digits),
    Column("paid_on", "تاریخ"),
    Column("contract_number", "قرارداد", identifier_text),
    Column("amount_rials", "مبلغ (ریال)", rials),
    Column("bank_reference", "شماره پیگیری", identifier_text),
    Column("kind_label", "نوع"),
    Column("settled", "صورتحساب‌های تسویه‌شده"),
    Column("note", "توضیح"),
]
CHEQUE_COLUMNS = [
    Column("contract_number", "قرارداد", identifier_text),
    Column("office_name", "اداره بهزیستی"),
    Column("cheque_number", "شماره چک", identifier_text),
    Column("amount_rials", "مبلغ (ریال)", rials),
    Column("given_on", "تحویل", _date_or_dash),
    Column("contract_end", "پایان قرارداد"),
    Column("due_back", "موعد عودت"),
    Column("returned_on", "عودت", _date_or_dash),
    Column("days_overdue", "روز دیرکرد", lambda d: to_persian_digits(d) if d else ""),
    Column("status_label", "وضعیت"),
]


def invoice_alert(row: Any) -> str:
    if row.outstanding_rials > 0 and (row.days_outstanding or 0) > LATE_DAYS:
        return f"بیش از {to_persian_digits(LATE_DAYS)} روز از تحویل این صورتحساب گذشته و پرداخت نشده است."
    return ""


def cheque_alert(row: Any) -> str:
    return "موعد عودت این چک ضمانت گذشته است." if row.days_overdue > 0 else ""


def overdue_cheque_text(row: Any) -> str:
    """One line per cheque an office holds past its due day (here and on the dashboard)."""
    return (f"چک {identifier_text(row.cheque_number)} به مبلغ {rials(row.amount_rials)} ریال — قرارداد "
            f"{identifier_text(row.contract_number)}، {row.office_name} — موعد عودت {jalali_text(row.due_back)}، "
            f"{to_persian_digits(row.days_overdue)} روز دیرکرد")


class _PaymentLine:
    """A payment row with its settled invoices as one line of text, for the table."""

    def __init__(self, row: Any):
        self.row = row
        self.__dict__.update({k: getattr(row, k) for k in row.__dataclass_fields__})
        self.kind_label = row.kind_label
        self.settled = "، ".join(f"{report_id_text(a.report_id)} ({format_number(a.amount_rials)})"
                                for a in row.allocations)


# ---------------------------------------------------------------- the chart


class MonthChart(QWidget):
    """Months invoiced (blue) against paid (green), newest at the left as a right-to-left page reads."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("monthChart")
        self.months: list[Any] = []
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_months(self, months: list[Any]) -> None:
        self.months = list(months)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 260)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        metrics = painter.fontMetrics()
        line = metrics.height()
        top, bottom = line * 2.2, self.height() - line * 2.4
        left, right = 12.0, self.width() - 12.0
        self._legend(painter, right, line)
        top_value = max([m.invoiced_rials for m in self.months] + [m.paid_rials for m in self.months] + [1])
        painter.setPen(QPen(QColor("#9aa5b1")))
        painter.drawLine(int(left), int(bottom), int(right), int(bottom))
        painter.drawText(QRectF(left, top - line * 1.1, right - left, line), Qt.AlignmentFlag.AlignLeft,
                         f"بیشینه: {format_number(top_value)} ریال")
        if not self.months:
            return
        slot = (right - left) / len(self.months)
        bar = max(2.0, min(slot * 0.32, 26.0))
        for index, month in enumerate(self.months):
            # index 0 is the oldest month: it stands at the right.
            centre = right - slot * (index + 0.5)
            for offset, value, colour in ((bar * 0.55, month.invoiced_rials, INVOICED),
                                          (-bar * 0.55, max(month.paid_rials, 0), PAID)):
                height = (bottom - top) * value / top_value
                painter.fillRect(QRectF(centre + offset - bar / 2, bottom - height, bar, height), colour)
            painter.setPen(QPen(QColor("#1f2933")))
            label = f"{month_name(month.month)}\n{to_persian_digits(month.year)}"
            painter.drawText(QRectF(centre - slot / 2, bottom + 2, slot, line * 2.3),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
        painter.end()

    def _legend(self, painter: QPainter, right: float, line: float) -> None:
        x = right
        for text, colour in (("صورتحساب‌شده", INVOICED), ("دریافت‌شده", PAID)):
            painter.fillRect(QRectF(x - line * 0.8, line * 0.3, line * 0.8, line * 0.8), colour)
            width = painter.fontMetrics().horizontalAdvance(text) + 6
            painter.setPen(QPen(QColor("#1f2933")))
            painter.drawText(QRectF(x - line - width, 0, width, line * 1.4), Qt.AlignmentFlag.AlignRight |
                             Qt.AlignmentFlag.AlignVCenter, text)
            x -= line + width + 16


# ---------------------------------------------------------------- dialogs


class PaymentDialog(_MoneyDialog):
    """A payment received: contract, date, amount, bank reference; oldest invoices first or one named."""

    def __init__(self, session: Any, invoices: list[Any], parent: QWidget | None = None,
                 preselect: Any = None):
        super().__init__(parent, "ثبت پرداخت دریافتی", "ثبت",
                         "پرداخت ثبت‌شده پاک یا ویرایش نمی‌شود؛ ردیف اشتباه را با «برگشت پرداخت» خنثی کنید.")
        self.setObjectName("paymentDialog")
        self.session = session
        self.open_invoices = [i for i in invoices if i.outstanding_rials > 0]
        self.contract = self.add_field("قرارداد:", "contract", QComboBox(self))
        seen = set()
        for i in self.open_invoices:
            if i.contract_id not in seen:
                seen.add(i.contract_id)
                self.contract.addItem(f"{identifier_text(i.contract_number)} — {i.office_name}", i.contract_id)
        self.date = self.add_field("تاریخ پرداخت:", "paid_on", JalaliDateEdit(self, field="paid_on"))
        self.date.setDate(session.ctx.today())
        self.amount = self.add_field("مبلغ (ریال):", "amount_rials", AmountEdit(self))
        self.amount.setObjectName("amount")
        self.reference = self.add_field("شماره پیگیری بانک:", "bank_reference", NormalizingLineEdit(self, digits="persian"))
        self.note = self.add_field("توضیح:", "note", NormalizingLineEdit(self))
        self.oldest = QRadioButton("قدیمی‌ترین صورتحساب‌ها نخست", self)
        self.one = QRadioButton("فقط این صورتحساب:", self)
        self.oldest.setChecked(True)
        self.invoice = QComboBox(self)
        self.invoice.setObjectName("invoice")
        self.add_field("تسویه:", "allocations", self.oldest)
        self.add_field("", "invoice", self._row(self.one, self.invoice))
        self.contract.currentIndexChanged.connect(self._fill_invoices)
        self.invoice.currentIndexChanged.connect(lambda _i: self.one.setChecked(True) if self.isVisible() else None)
        if preselect is not None:
            self.contract.setCurrentIndex(max(0, self.contract.findData(preselect.contract_id)))
        self._fill_invoices()
        if preselect is not None:
            self.invoice.setCurrentIndex(max(0, self.invoice.findData(preselect.id)))
            self.one.setChecked(True)
        self.accept_overpayment = False

    def _row(self, *widgets: QWidget) -> QWidget:
        box = QWidget(self)
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            layout.addWidget(w)
        layout.addStretch(1)
        return box

    def _fill_invoices(self) -> None:
        self.invoice.clear()
        for i in self.open_invoices:
            if i.contract_id == self.contract.currentData():
                self.invoice.addItem(f"{i.month_label} — مانده {format_number(i.outstanding_rials)}", i.id)

    def value(self) -> Any:
        from app.services.payments import PaymentInput
        allocations = None
        amount = self.amount.value()
        if self.one.isChecked() and self.invoice.currentData() is not None:
            chosen = next(i for i in self.open_invoices if i.id == self.invoice.currentData())
            part = min(int(amount), chosen.outstanding_rials) if amount.isdigit() else amount
            allocations = [(chosen.id, part)]
        return PaymentInput(contract_id=self.contract.currentData(), paid_on=self.date.date(), amount_rials=amount,
                            bank_reference=self.reference.text(), note=self.note.text(), allocations=allocations)

    def submit(self) -> Any:
        from app.services.payments import OverpaymentWarning, add_payment
        data = self.value()
        try:
            return add_payment(self.session.ctx, data, accept_overpayment=self.accept_overpayment)
        except OverpaymentWarning as warning:
            if not messages.confirm(self, "پرداخت بیش از مانده مطالبات", warning.message,
                                    yes="ثبت با مازاد", no="بازگشت"):
                raise
            self.accept_overpayment = True
            return add_payment(self.session.ctx, data, accept_overpayment=True)


class DeliveryDialog(_MoneyDialog):
    def __init__(self, session: Any, invoice: Any, parent: QWidget | None = None):
        super().__init__(parent, "تحویل صورتحساب امضاشده", "ثبت",
                         f"صورتحساب {report_id_text(invoice.report_id)} ({invoice.month_label}، "
                         f"{invoice.office_name}): روزشمار مطالبه از روز تحویل آغاز می‌شود.")
        from app.services.payments import DELIVERY_METHODS
        self.setObjectName("deliveryDialog")
        self.session, self.invoice = session, invoice
        self.date = self.add_field("تاریخ تحویل یا ارسال:", "delivered_on", JalaliDateEdit(self, field="delivered_on"))
        self.date.setDate(invoice.delivered_on or session.ctx.today())
        self.method = self.add_field("شیوه:", "delivery_method", QComboBox(self))
        self.method.setEditable(True)
        self.method.addItems(DELIVERY_METHODS)
        if invoice.delivery_method:
            self.method.setCurrentText(invoice.delivery_method)
        self.note = self.add_field("توضیح (شماره نامه، گیرنده):", "delivery_note", NormalizingLineEdit(self))

    def submit(self) -> Any:
        from app.services.payments import record_delivery
        return record_delivery(self.session.ctx, self.invoice.id, self.date.date(), self.method.currentText(),
                               self.note.text())


class ReverseDialog(_MoneyDialog):
    def __init__(self, session: Any, payment: Any, parent: QWidget | None = None):
        super().__init__(parent, "برگشت پرداخت", "برگشت بزن",
                         f"پرداخت {to_persian_digits(payment.id)} به مبلغ {format_number(payment.amount_rials)} ریال "
                         f"({jalali_text(payment.paid_on)}) با یک ردیف منفی خنثی می‌شود؛ هر دو ردیف می‌مانند.")
        self.setObjectName("reverseDialog")
        self.session, self.payment = session, payment
        self.reason = self.add_field("دلیل برگشت:", "reason", NormalizingLineEdit(self))

    def submit(self) -> Any:
        from app.services.payments import reverse_payment
        return reverse_payment(self.session.ctx, self.payment.id, self.reason.text())


# ---------------------------------------------------------------- the page


class ReceivablesPage(Page):
    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.view: Any = None
        self.models = {
            "invoices": ListTableModel(INVOICE_COLUMNS, parent=self, alert=invoice_alert),
            "contracts": ListTableModel(TOTAL_COLUMNS, parent=self),
            "offices": ListTableModel(TOTAL_COLUMNS, parent=self),
            "payments": ListTableModel(PAYMENT_COLUMNS, parent=self),
            "cheques": ListTableModel(CHEQUE_COLUMNS, parent=self, alert=cheque_alert),
        }
        self._build()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        self.refresh()
        self.watch = live.RefreshOnChanges(self, lambda c: c.payments or c.contracts, self.refresh, own_saves=False)

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        title = self.title_label("مطالبات و چک‌های ضمانت")
        self.totals = QLabel(self)
        self.totals.setObjectName("receivableTotals")
        self.totals.setWordWrap(True)
        self.cheque_warning = QLabel(self)
        self.cheque_warning.setObjectName("chequeOverdue")
        self.cheque_warning.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.cheque_warning.setWordWrap(True)
        header = QHBoxLayout()  # the title, then the actions on their own line: 1024 px wide screens
        header.addWidget(title)
        header.addStretch(1)
        actions = QHBoxLayout()
        for text, name, slot in (("ثبت پرداخت…", "addPayment", self.add_payment),
                                 ("خروجی اکسل…", "exportExcel", self.export_excel),
                                 ("صورت وضعیت مطالبات…", "makeLetter", self.make_letter),
                                 ("به‌روزرسانی (F5)", "refreshReceivables", self.refresh)):
            actions.addWidget(self._button(text, name, slot))
        actions.addStretch(1)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("receivableTabs")
        self.tables = {}
        self.tabs.addTab(self._invoices_tab(), "صورتحساب‌ها")
        self.tabs.addTab(self._totals_tab(), "قراردادها و ادارات")
        self.tabs.addTab(self._simple_tab("payments", ("برگشت پرداخت…", "reversePayment", self.reverse_payment)),
                         "پرداخت‌ها")
        self.tabs.addTab(self._simple_tab("cheques", ("ثبت عودت چک…", "returnCheque", self.return_cheque),
                                          ("اصلاح ثبت نادرست…", "correctCheque", self.correct_cheque)),
                         "چک‌های ضمانت")
        chart_box = QWidget(self)
        self.chart = MonthChart(chart_box)
        QVBoxLayout(chart_box).addWidget(self.chart)
        self.tabs.addTab(chart_box, "ماه به ماه")
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(actions)
        layout.addWidget(self.totals)
        layout.addWidget(self.cheque_warning)
        layout.addWidget(self.tabs, 1)

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _table(self, name: str, parent: QWidget, stretch: int | None = None):
        view = make_table_view(self.models[name], parent, name=f"{name}Table", stretch_column=stretch)
        self.tables[name] = view
        return view

    def _invoices_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.show_paid = QCheckBox("پرداخت‌شده‌ها هم نشان داده شوند", tab)
        self.show_paid.setObjectName("showPaid")
        self.show_paid.toggled.connect(self._show_invoices)
        hint = QLabel("قدیمی‌ترین تحویل نخست؛ ردیف قرمز: بیش از ۶۰ روز پرداخت‌نشده.", tab)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row.addWidget(self.show_paid)
        row.addStretch(1)
        row.addWidget(self._button("ثبت تحویل…", "recordDelivery", self.record_delivery))
        row.addWidget(self._button("پرداخت این صورتحساب…", "payInvoice", self.pay_invoice))
        layout.addLayout(row)
        table = self._table("invoices", tab, stretch=1)
        table.activated.connect(lambda _index: self.record_delivery())
        layout.addWidget(table, 1)
        return tab

    def _totals_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        for name, title in (("offices", "به تفکیک اداره بهزیستی"), ("contracts", "به تفکیک قرارداد")):
            box = QGroupBox(title, tab)
            QVBoxLayout(box).addWidget(self._table(name, box, stretch=0))
            layout.addWidget(box, 1)
        return tab

    def _simple_tab(self, name: str, *actions: tuple[str, str, Any]) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        row.addStretch(1)
        for action in actions:
            row.addWidget(self._button(*action))
        layout.addLayout(row)
        layout.addWidget(self._table(name, tab, stretch=len(self.models[name].columns) - 1 if name == "payments"
                                     else 1), 1)
        return tab

    # --- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        from app.services.receivables import receivables
        try:
            self.view = receivables(self.session.ctx)
        except DomainError as error:
            self.totals.setText(error.message)
            return
        v = self.view
        self._show_invoices()
        self.models["contracts"].set_rows([*v.contracts, v.total])
        self.models["offices"].set_rows([*v.offices, v.total])
        self.models["payments"].set_rows([_PaymentLine(p) for p in v.payments])
        self.models["cheques"].set_rows(v.cheques)
        self.chart.set_months(v.months)
        t = v.total
        oldest = f"؛ قدیمی‌ترین مطالبه {to_persian_digits(t.oldest_days)} روز" if t.oldest_days is not None else ""
        credit = f"؛ بستانکاری {format_number(t.credit_rials)}" if t.credit_rials else ""
        self.totals.setText(f"صورتحساب‌شده {format_number(t.invoiced_rials)} — دریافت‌شده "
                            f"{format_number(t.received_rials)} — مانده {format_number(t.outstanding_rials)} ریال "
                            f"در {to_persian_digits(t.open_invoices)} صورتحساب{oldest}{credit}.")
        overdue = [c for c in v.cheques if c.days_overdue > 0]
        self.cheque_warning.setVisible(bool(overdue))
        if overdue:
            self.cheque_warning.setText("چک ضمانت عودت‌نشده پس از موعد:\n" + "\n".join(
                overdue_cheque_text(c) for c in overdue))

    def _show_invoices(self) -> None:
        if self.view is None:
            return
        rows = self.view.invoices if self.show_paid.isChecked() else self.view.open_invoices
        self.models["invoices"].set_rows(rows)

    def _current(self, name: str) -> Any:
        table = self.tables[name]
        return self.models[name].row_at(table.currentIndex())

    # --- actions -----------------------------------------------------------------------------

    def _after(self, dialog: Any) -> bool:
        if dialog.exec():
            self.refresh()
            return True
        return False

    def add_payment(self, preselect: Any = None) -> None:
        if self.view is None or not self.view.open_invoices:
            messages.inform(self, "صورتحساب پرداخت‌نشده‌ای نیست.",
                            "پرداخت در برابر صورتحساب امضاشده ثبت می‌شود (صفحه گزارش‌ها ← صورتحساب، با امضا).")
            return
        self._after(PaymentDialog(self.session, self.view.invoices, self, preselect=preselect or None))

    def pay_invoice(self) -> None:
        invoice = self._current("invoices")
        if invoice is not None and invoice.outstanding_rials > 0:
            self.add_payment(invoice)

    def record_delivery(self) -> None:
        invoice = self._current("invoices")
        if invoice is not None:
            self._after(DeliveryDialog(self.session, invoice, self))

    def reverse_payment(self) -> None:
        line = self._current("payments")
        if line is None:
            return
        if line.reverses_id or line.reversed_by_id:
            messages.inform(self, "این ردیف برگشت‌زدنی نیست.",
                            "برگشت یک پرداخت، یا پرداختی که پیش‌تر برگشت خورده، دوباره برگشت نمی‌خورد.")
            return
        self._after(ReverseDialog(self.session, line.row, self))

    def return_cheque(self) -> None:
        from app.ui.widgets.cheque_dialogs import ReturnChequeDialog
        cheque = self._current("cheques")
        if cheque is not None and cheque.returned_on is None:
            self._after(ReturnChequeDialog(self.session, cheque, self))

    def correct_cheque(self) -> None:
        from app.ui.widgets.cheque_dialogs import CorrectChequeDialog
        cheque = self._current("cheques")
        if cheque is not None:
            self._after(CorrectChequeDialog(self.session, cheque, self))

    def export_excel(self) -> None:
        start = str(Path.home() / f"مطالبات-{format_jalali(self.session.ctx.today(), persian_digits=False).replace('/', '-')}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "خروجی اکسل مطالبات", start, "Excel (*.xlsx)")
        if path:
            self.save_excel(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def save_excel(self, path: Path) -> None:
        import io

        from app.services.receivables import export_xlsx
        from app.ui.pages.reports import write_file
        out = io.BytesIO()
        try:
            export_xlsx(self.session.ctx, out)
            write_file(path, out.getvalue())
        except OSError as exc:
            messages.warn(self, "فایل ذخیره نشد.", exc.strerror or str(exc))

    def make_letter(self) -> None:
        dialog = LetterDialog(self.session, self)
        if dialog.exec() and dialog.result_value is not None:
            self.save_letter(dialog.result_value)

    def save_letter(self, document: Any) -> None:
        from app.ui.pages.reports import write_file
        start = str(Path.home() / f"{document.report_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "ذخیره صورت وضعیت مطالبات", start, "PDF (*.pdf)")
        if not path:
            return
        try:
            write_file(Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf"), document.pdf)
        except OSError as exc:
            messages.warn(self, "فایل ذخیره نشد.", exc.strerror or str(exc))


class LetterDialog(_FormDialog):
    """Which office, then the manager's password: the letter is made, signed and recorded."""

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent, "صورت وضعیت مطالبات", "ساختن و امضا",
                         "نامه‌ای امضاشده به اداره بهزیستی با همه صورتحساب‌های پرداخت‌نشده و چک‌های ضمانتی که "
                         "موعد عودت آن‌ها گذشته است.")
        from app.services.receivables import office_names
        self.setObjectName("letterDialog")
        self.session = session
        self.office = self.add_field("اداره بهزیستی:", "office", QComboBox(self))
        self.office.addItems(office_names(session.ctx))
        from app.ui.widgets.passwords import password_edit
        self.password = self.add_field("رمز عبور مدیر (برای امضا):", "password", password_edit(self, "password"))

    def submit(self) -> Any:
        from app.services.receivables import generate_receivables_letter
        from app.services.reports import check_signing_password
        from app.ui.machinery.runner import run_with_progress
        check_signing_password(self.session.ctx, self.password.text())
        office, password = self.office.currentText(), self.password.text()
        return run_with_progress(self, "در حال ساختن صورت وضعیت مطالبات…",
                                 lambda progress, cancelled: generate_receivables_letter(
                                     self.session.ctx, office, sign_password=password),
                                 cancel_text=None)  # signed and recorded in one step: nothing to stop half-way
