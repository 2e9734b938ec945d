"""Contracts with county offices: fee, capacity, dates and the guarantee cheques.

Clinics complain that offices keep guarantee cheques long after a programme ends (DOMAIN.md);
for the manager, contracts whose cheques are held past their due day are painted red here, and
the contract dialog lists its cheques (several per contract) with buttons to give one, record its
return and correct a mistake. Only the manager adds or edits contracts or sees cheques (money);
everyone else sees the contracts read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.errors import DomainError
from app.persian import format_number, format_rials, normalize_digits, to_persian_digits
from app.domain.changes import FILE, Changes
from app.ui.machinery import live
from app.ui.widgets.forms import FormDialog
from app.ui.widgets.list_model import ListTableModel, identifier_text, make_table_view, select_row
from app.ui.widgets.paged_model import Column
from app.ui.widgets import JalaliDateEdit, NormalizingLineEdit
from app.ui.machinery.screen_fit import fit_size
from app.ui.widgets.text import jalali_text
from app.ui.pages.page import Page
from app.ui.widgets.layouts import STRETCH, hbox, vbox

CHEQUE_HELD = "موعد عودت چک ضمانت این قرارداد گذشته و چک هنوز پس داده نشده است."


def _rials(value: Any) -> str:
    return "" if value is None else format_number(value)


COLUMNS = [
    Column("number", "شماره قرارداد", identifier_text),
    Column("office_name", "اداره بهزیستی"),
    Column("programme", "برنامه"),
    Column("start_date", "شروع"),
    Column("end_date", "پایان"),
    Column("fee_per_case_month_rials", "مبلغ هر پرونده در ماه (ریال)", _rials),
    Column("capacity", "ظرفیت"),
    Column("active_cases", "پرونده فعال"),
]
CHEQUE_SUMMARY_COLUMNS = [  # the manager's only: cheques are money
    Column("cheques_held", "چک ضمانت نزد اداره", lambda n: to_persian_digits(n) if n else "—"),
    Column("cheques_held_rials", "مبلغ چک‌ها (ریال)", lambda n: format_number(n) if n else ""),
    Column("cheque_days_overdue", "دیرکرد عودت (روز)", lambda n: to_persian_digits(n) if n else ""),
]
CHEQUE_COLUMNS = [
    Column("cheque_number", "شماره چک", identifier_text),
    Column("amount_rials", "مبلغ (ریال)", _rials),
    Column("given_on", "تحویل", lambda d: d and jalali_text(d) or "—"),
    Column("due_back", "موعد عودت"),
    Column("returned_on", "عودت", lambda d: d and jalali_text(d) or "—"),
    Column("status_label", "وضعیت"),
]


class ContractLine:
    """A contract as listed, with (for the manager) what its office still holds of its cheques."""

    def __init__(self, contract: Any, held: tuple[int, int, int] = (0, 0, 0)):
        self.contract = contract
        self.cheques_held, self.cheques_held_rials, self.cheque_days_overdue = held

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["contract"], name)


def cheque_held_after_end(contract: Any, today: dt.date) -> bool:
    """A cheque the office still holds past its due day (the contract's end plus the agreed days)."""
    return bool(getattr(contract, "cheque_days_overdue", 0))


class AmountEdit(NormalizingLineEdit):
    """An amount in rials: Persian digits, grouped with ٬ once the person leaves the field."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, digits="persian")
        self.editingFinished.connect(self._group)

    def _digits(self) -> str:
        return normalize_digits(self.text()).replace("٬", "").replace(",", "").strip()

    def _group(self) -> None:
        digits = self._digits()
        if digits.isdigit():
            self.setText(format_number(int(digits)))

    def value(self) -> str:
        """The text for the service (which checks it): ASCII digits without separators."""
        return self._digits()

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else format_number(value))


class ContractDialog(FormDialog):
    """Add or edit a contract (read_only: just show it)."""

    TEXT_FIELDS = (("office_name", "اداره بهزیستی طرف قرارداد (&O):"), ("number", "شماره قرارداد (&N):"),
                   ("programme", "برنامه:"))

    def __init__(self, session: Any, contract: Any = None, parent: QWidget | None = None, *,
                 read_only: bool = False):
        title = "قرارداد تازه" if contract is None else f"قرارداد {identifier_text(contract.number)}"
        super().__init__(session, title, parent)
        self.contract = contract
        self.read_only = read_only
        self.saved = None
        self.setObjectName("contractDialog")
        self.setMinimumWidth(560)
        self.widgets: dict[str, QWidget] = {}
        self._build(read_only)
        if contract is not None:
            self._fill(contract)
        else:
            from app.services.contracts import FAMILY_CARE_PROGRAMME
            self.widgets["programme"].setText(FAMILY_CARE_PROGRAMME)
        if read_only:
            self._set_read_only()

    def _add(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(name)
        self.widgets[name] = widget
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.add_row(caption, name, widget, form)

    def _build(self, read_only: bool) -> None:
        main = self.form
        for name, label in self.TEXT_FIELDS:
            self._add(main, name, label, NormalizingLineEdit(self, digits="persian" if name == "number" else None))
        self._add(main, "start_date", "تاریخ شروع:", JalaliDateEdit(self, field="start_date"))
        self._add(main, "end_date", "تاریخ پایان:", JalaliDateEdit(self, field="end_date"))
        self._add(main, "fee_per_case_month_rials", "مبلغ هر پرونده در ماه (ریال):", AmountEdit(self))
        self._add(main, "capacity", "ظرفیت (تعداد پرونده):", NormalizingLineEdit(self, digits="persian"))
        self._add(main, "supervisor_name", "کارشناس ناظر:", NormalizingLineEdit(self))
        self._add(main, "supervisor_contact", "تماس کارشناس ناظر:", NormalizingLineEdit(self, digits="persian"))
        cheque = QGroupBox("چک‌های ضمانت", self)
        cheque_form = QFormLayout(cheque)
        self._add(cheque_form, "cheque_return_days", "مهلت عودت پس از پایان قرارداد (روز):",
                  NormalizingLineEdit(self, digits="persian"))
        self.widgets["cheque_return_days"].setText(to_persian_digits(30))
        if self.session.actor.is_manager:
            cheque_form.addRow(self._cheque_list(cheque, read_only))
        notes = QPlainTextEdit(self)
        notes.setTabChangesFocus(True)
        notes.setFixedHeight(60)
        notes.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        notes_box = QWidget(self)
        notes_form = QFormLayout(notes_box)
        notes_form.setContentsMargins(0, 0, 0, 0)
        self._add(notes_form, "notes", "یادداشت:", notes)
        if read_only:
            self.buttons.removeButton(self.save_button)
            self.save_button.hide()
            self.cancel_button.setText("بستن")
            self.cancel_button.setToolTip("بستن (Esc)")
        else:
            self.save_button.setDefault(True)
        self.lay_out(cheque, notes_box)  # scrolls on 1366×768 laptops; the buttons stay in view
        fit_size(self, 620, 720)

    def _cheque_list(self, parent: QWidget, read_only: bool) -> QWidget:
        """The contract's cheques and what can be done with them, each its own audited action."""
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.cheque_model = ListTableModel(CHEQUE_COLUMNS, parent=box,
                                           alert=lambda r: "موعد عودت این چک گذشته است." if r.days_overdue else "")
        self.cheque_table = make_table_view(self.cheque_model, box, name="contractCheques", stretch_column=5)
        self.cheque_table.setMinimumHeight(110)
        if self.contract is None:
            layout.addWidget(QLabel("چک‌ها پس از ذخیره قرارداد از همین‌جا ثبت می‌شوند.", box))
            return box
        layout.addWidget(self.cheque_table)
        buttons = QHBoxLayout()
        for text, name, slot in (("ثبت چک…", "addCheque", self.add_cheque),
                                 ("ثبت عودت…", "returnCheque", self.return_cheque),
                                 ("اصلاح ثبت نادرست…", "correctCheque", self.correct_cheque)):
            button = QPushButton(text, box)
            button.setObjectName(name)
            button.clicked.connect(slot)
            button.setEnabled(not read_only)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.refresh_cheques()
        return box

    def refresh_cheques(self) -> None:
        from app.services.cheques import list_cheques
        self.cheque_model.set_rows(list_cheques(self.session.ctx, contract_id=self.contract.id, include_voided=True))

    def _cheque_action(self, dialog: Any) -> None:
        if dialog.exec():
            self.refresh_cheques()

    def _current_cheque(self) -> Any:
        cheque = self.cheque_model.row_at(self.cheque_table.currentIndex())
        return None if cheque is None or cheque.voided else cheque

    def add_cheque(self) -> None:
        from app.ui.widgets.cheque_dialogs import AddChequeDialog
        self._cheque_action(AddChequeDialog(self.session, self.contract, self))

    def return_cheque(self) -> None:
        from app.ui.widgets.cheque_dialogs import ReturnChequeDialog
        cheque = self._current_cheque()
        if cheque is not None and cheque.returned_on is None:
            self._cheque_action(ReturnChequeDialog(self.session, cheque, self))

    def correct_cheque(self) -> None:
        from app.ui.widgets.cheque_dialogs import CorrectChequeDialog
        cheque = self._current_cheque()
        if cheque is not None:
            self._cheque_action(CorrectChequeDialog(self.session, cheque, self))

    def _fill(self, c: Any) -> None:
        w = self.widgets
        for name in ("office_name", "programme", "supervisor_name"):
            w[name].setText(getattr(c, name))
        for name in ("number", "supervisor_contact"):
            w[name].setText(w[name].normalize(getattr(c, name)))
        for name in ("start_date", "end_date"):
            w[name].setDate(getattr(c, name))
        w["fee_per_case_month_rials"].set_value(c.fee_per_case_month_rials)
        w["capacity"].setText(to_persian_digits(c.capacity))
        w["cheque_return_days"].setText(to_persian_digits(getattr(c, "cheque_return_days", 30)))
        w["notes"].setPlainText(c.notes)

    def _set_read_only(self) -> None:
        for widget in self.widgets.values():
            if isinstance(widget, JalaliDateEdit):
                widget.line_edit.setReadOnly(True)
                widget.button.setEnabled(False)
            else:
                widget.setReadOnly(True)

    def value(self, *, typed_dates: bool = False) -> Any:
        """ContractInput of what is typed; ValidationError for a date that is not a date (with
        typed_dates, the dates as typed, for checking every field at once)."""
        from app.services.contracts import ContractInput

        w = self.widgets

        def day(name: str) -> Any:
            return w[name].text() if typed_dates else w[name].date()

        return ContractInput(
            office_name=w["office_name"].text(), number=w["number"].text(), programme=w["programme"].text(),
            start_date=day("start_date"), end_date=day("end_date"),
            fee_per_case_month_rials=w["fee_per_case_month_rials"].value(),
            capacity=normalize_digits(w["capacity"].text()).strip(),
            supervisor_name=w["supervisor_name"].text(), supervisor_contact=w["supervisor_contact"].text(),
            cheque_return_days=normalize_digits(w["cheque_return_days"].text()).strip(),
            notes=w["notes"].toPlainText(), version=self.contract.version if self.contract else None)

    def entry_errors(self) -> list[DomainError]:
        from app.services.contracts import check_contract_entry

        return list(check_contract_entry(self.value(typed_dates=True)))

    def save(self) -> bool:
        return False if self.read_only else super().save()  # Ctrl+S on a contract only shown

    def submit(self) -> Any:
        from app.services.contracts import create_contract, update_contract

        data = self.value()
        if self.contract is None:
            self.saved = create_contract(self.session.ctx, data)
        else:
            self.saved = update_contract(self.session.ctx, self.contract.id, data)
        return self.saved

    def what_changed(self, result: Any) -> Changes:
        return Changes(contracts=True)


class ContractsPage(Page):
    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.can_edit = self.is_manager
        self.model = ListTableModel(COLUMNS + (CHEQUE_SUMMARY_COLUMNS if self.can_edit else []), parent=self,
                                    alert=self._alert)
        self._build()
        self.refresh()
        # contracts, their cheques and their active files, saved here or on another PC
        self.watch = live.RefreshOnChanges(
            self, lambda c: c.contracts or c.payments or c.touches_cases(FILE), self.refresh, own_saves=False)

    def _today(self) -> dt.date:
        return self.session.ctx.today()

    def _alert(self, contract: Any) -> str:
        return CHEQUE_HELD if cheque_held_after_end(contract, self._today_cached) else ""

    def _build(self) -> None:
        title = self.title_label("قراردادها با ادارات بهزیستی")
        self.warning = QLabel(self)
        self.warning.setObjectName("chequeWarning")
        self.warning.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.warning.setWordWrap(True)
        self.add_button = QPushButton("قرارداد تازه (Ctrl+N)", self)
        self.add_button.setObjectName("addContract")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("ویرایش" if self.can_edit else "مشاهده", self)
        self.edit_button.setObjectName("editContract")
        self.edit_button.clicked.connect(self.edit_current)
        self.add_button.setVisible(self.can_edit)
        if self.can_edit:
            QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.add)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        self.table = make_table_view(self.model, self, name="contractsTable", stretch_column=2)
        self.table.activated.connect(lambda index: self.edit(self.model.row_at(index)))
        layout = vbox(self, hbox(title, STRETCH, self.add_button, self.edit_button), self.warning, (self.table, 1))
        if not self.can_edit:
            note = QLabel("فقط مدیر کلینیک قراردادها را ثبت یا ویرایش می‌کند.", self)
            layout.addWidget(note)

    def refresh(self) -> None:
        from app.services.contracts import list_contracts

        self._today_cached = self._today()
        held_by = {}
        if self.can_edit:
            from app.services.cheques import held_by_contract
            held_by = held_by_contract(self.session.ctx)
        contracts = [ContractLine(c, held_by.get(c.id, (0, 0, 0))) for c in list_contracts(self.session.ctx)]
        self.model.set_rows(contracts)
        held = [c for c in contracts if cheque_held_after_end(c, self._today_cached)]
        self.warning.setVisible(bool(held))
        if held:
            numbers = "، ".join(identifier_text(c.number) for c in held)
            total = sum(c.cheques_held_rials for c in held)
            count = sum(c.cheques_held for c in held)
            self.warning.setText(f"{to_persian_digits(count)} چک ضمانت پس از موعد عودت هنوز پس داده نشده است"
                                 f" (قرارداد {numbers}؛ جمعاً {format_rials(total)}).")

    def current(self) -> Any:
        return self.model.row_at(self.table.currentIndex())

    def add(self) -> None:
        if self.can_edit:
            self._open(None)

    def edit_current(self) -> None:
        contract = self.current()
        if contract is not None:
            self.edit(contract)

    def edit(self, contract: Any) -> None:
        if contract is not None:
            self._open(contract)

    def _open(self, contract: Any) -> None:
        dialog = ContractDialog(self.session, contract, self, read_only=not self.can_edit)
        if dialog.exec() and dialog.saved is not None:
            self.refresh()
            self._select(dialog.saved.id)

    def _select(self, contract_id: int) -> None:
        for row, contract in enumerate(self.model.rows()):
            if contract.id == contract_id:
                select_row(self.table, row)
                return
