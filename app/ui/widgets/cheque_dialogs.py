"""Small dialogs for guarantee cheques (manager only): give one, record its return, and correct a
mistake (void a wrong entry, undo a wrong return) — each one service call, nothing deleted.

Used from the contract dialog and from the receivables page's cheques tab."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from app.persian import format_number
from app.domain.changes import Changes
from app.ui.cases.common import FormDialog
from app.ui.widgets.list_model import identifier_text
from app.ui.widgets.text import jalali_text
from app.ui.widgets import JalaliDateEdit, NormalizingLineEdit


def cheque_title(cheque: Any) -> str:
    amount = f" به مبلغ {format_number(cheque.amount_rials)} ریال" if cheque.amount_rials else ""
    return (f"چک {identifier_text(cheque.cheque_number) or '—'}{amount} — قراردادِ "
            f"{identifier_text(cheque.contract_number)}")


class _ChequeDialog(FormDialog):
    def what_changed(self, result: Any) -> Changes:
        return Changes(payments=True)

    def __init__(self, session: Any, title: str, intro: str, parent: QWidget | None = None):
        super().__init__(session, title, parent)
        self.setObjectName("chequeDialog")
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)

    def finish(self) -> None:
        self.lay_out()
        self.layout().insertWidget(1, self.intro)
        self.mark_clean()


class AddChequeDialog(_ChequeDialog):
    """A guarantee cheque given to the contract's county office."""

    def __init__(self, session: Any, contract: Any, parent: QWidget | None = None):
        super().__init__(session, "ثبت چک ضمانت",
                         f"قرارداد {identifier_text(contract.number)} — {contract.office_name}. موعد عودت: "
                         f"{format_number(contract.cheque_return_days)} روز پس از پایان قرارداد "
                         f"({jalali_text(contract.end_date)}).", parent)
        from app.ui.pages.contracts import AmountEdit
        self.contract = contract
        self.number = NormalizingLineEdit(self, digits="persian")
        self.number.setObjectName("chequeNumber")
        self.amount = AmountEdit(self)
        self.amount.setObjectName("chequeAmount")
        self.given = JalaliDateEdit(self, field="given_on")
        self.given.setObjectName("chequeGiven")
        self.given.setDate(min(session.ctx.today(), contract.end_date))
        self.note = NormalizingLineEdit(self)
        self.add_row("شماره چک:", "number", self.number)
        self.add_row("مبلغ (ریال):", "amount_rials", self.amount)
        self.add_row("تاریخ تحویل به بهزیستی:", "given_on", self.given)
        self.add_row("توضیح:", "note", self.note)
        self.finish()

    def state(self) -> Any:
        return (self.number.text(), self.amount.value(), self.given.line_edit.text(), self.note.text())

    def submit(self) -> Any:
        from app.services.cheques import ChequeInput, add_cheque
        return add_cheque(self.session.ctx, ChequeInput(self.contract.id, self.number.text(), self.amount.value(),
                                                        self.given.date(), self.note.text()))


class ReturnChequeDialog(_ChequeDialog):
    """The office gave the cheque back."""

    def __init__(self, session: Any, cheque: Any, parent: QWidget | None = None):
        super().__init__(session, "عودت چک ضمانت", cheque_title(cheque), parent)
        self.cheque = cheque
        self.date = JalaliDateEdit(self, field="returned_on")
        self.date.setObjectName("chequeReturned")
        self.date.setDate(session.ctx.today())
        self.add_row("تاریخ عودت:", "returned_on", self.date)
        self.finish()

    def state(self) -> Any:
        return self.date.line_edit.text()

    def submit(self) -> Any:
        from app.services.cheques import return_cheque
        return return_cheque(self.session.ctx, self.cheque.id, self.date.date())


class CorrectChequeDialog(_ChequeDialog):
    """A mistake corrected by another recorded action: a wrong return is undone, a wrong entry voided."""

    def __init__(self, session: Any, cheque: Any, parent: QWidget | None = None):
        self.undo_return = cheque.returned_on is not None
        what = ("عودت ثبت‌شده در " + jalali_text(cheque.returned_on) + " برداشته می‌شود و چک دوباره نزد بهزیستی "
                "به شمار می‌آید." if self.undo_return else
                "این ردیف باطل می‌شود (ثبت نادرست) اما پاک نمی‌شود؛ اگر لازم است چک درست را تازه ثبت کنید.")
        super().__init__(session, "اصلاح ثبت چک ضمانت", f"{cheque_title(cheque)}\n{what}", parent)
        self.cheque = cheque
        self.reason = NormalizingLineEdit(self)
        self.reason.setObjectName("chequeReason")
        self.add_row("دلیل اصلاح:", "reason", self.reason)
        self.finish()

    def state(self) -> Any:
        return self.reason.text()

    def submit(self) -> Any:
        from app.services.cheques import undo_cheque_return, void_cheque
        action = undo_cheque_return if self.undo_return else void_cheque
        return action(self.session.ctx, self.cheque.id, self.reason.text())
