"""What the county offices owe the clinic: signed invoices as debts and payments against them
(the guarantee cheques the offices hold: app.services.cheques).

Rules (each has a test in tests/services/test_payments.py):
- Only the manager sees or records money.
- A payment is split over the invoices it settles; without a split it settles the oldest first.
  An invoice never takes more than it still owes; what is left of a payment stays as the
  contract's credit (بستانکاری).
- A payment larger than everything still owed on its contract is refused with a warning until
  the person confirms it (`accept_overpayment`).
- Nothing is deleted or edited: a wrong payment is undone by a reversing entry that names it
  and gives a reason; both stay in the ledger and in the audit trail.
- An invoice is open, partly paid or paid, from what its allocations add up to.
- Days outstanding count from the day the signed invoice was delivered, in days (a Jalali month
  or year end changes nothing), on the clinic's clock (ctx.today()).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from typing import Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationError
from app.models import Contract, InvoiceAccount, Payment, PaymentAllocation, Staff
from app.persian import format_month, format_number, to_jalali
from app.services import audit, validation as v
from app.services.policy import Action, Kind, rule
from app.services.context import ServiceContext
from app.services.permissions import require_manager

MAX_RIALS = 10**15
DELIVERY_METHODS = ("حضوری", "پست", "نامه اداری", "سامانه / رایانامه")


class InvoiceStatus(str, Enum):
    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"

    @property
    def label(self) -> str:
        return {"open": "پرداخت‌نشده", "partly_paid": "پرداخت جزئی", "paid": "پرداخت‌شده"}[self.value]


class OverpaymentWarning(ValidationError):
    """The payment is more than the contract still owes: saved only once the person confirms."""


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    report_id: str
    contract_id: int
    contract_number: str
    office_name: str
    year: int
    month: int
    month_label: str
    amount_rials: int
    paid_rials: int
    outstanding_rials: int
    status: str
    status_label: str
    issued_on: dt.date
    delivered_on: Optional[dt.date]
    delivery_method: str
    days_outstanding: Optional[int]  # from delivery to today, while anything is owed


@dataclass(frozen=True)
class AllocationRow:
    invoice_id: int
    report_id: str
    amount_rials: int


@dataclass(frozen=True)
class PaymentRow:
    id: int
    contract_id: int
    contract_number: str
    office_name: str
    paid_on: dt.date
    amount_rials: int
    bank_reference: str
    note: str
    reverses_id: Optional[int]
    reversed_by_id: Optional[int]
    allocations: tuple[AllocationRow, ...]
    recorded_by: str
    created_at: dt.datetime

    @property
    def kind_label(self) -> str:
        if self.reverses_id:
            return "برگشت پرداخت"
        return "پرداخت (برگشت‌خورده)" if self.reversed_by_id else "پرداخت"


@dataclass
class PaymentInput:
    contract_id: int
    paid_on: dt.date | str | None
    amount_rials: int | str | None
    bank_reference: str = ""
    note: str = ""
    # (invoice id, amount) pairs; None settles the oldest open invoices first.
    allocations: Optional[Sequence[tuple[int, int | str]]] = None


# -- invoices ----------------------------------------------------------------------------------------

def open_invoice(session: Session, ctx: ServiceContext, *, report_id: str, contract_id: int, year: int,
                 month: int, amount_rials: int, issued_on: dt.date, replaces: Optional[str] = None) -> InvoiceAccount:
    """A signed invoice becomes a debt, in the transaction that records the signed document. A
    signed correction takes the place of the invoice it replaces: that one is no longer owed, and
    what was paid against it now settles the correction (any excess stays the contract's credit)."""
    invoice = InvoiceAccount(report_id=report_id, contract_id=contract_id, year=year, month=month,
                             amount_rials=amount_rials, issued_on=issued_on, created_at=ctx.now())
    session.add(invoice)
    session.flush()
    audit.record(session, ctx, "create", "invoice_account", invoice.id,
                 changes={"report_id": report_id, "amount_rials": amount_rials, "year": year, "month": month,
                          "replaces": replaces})
    if replaces:
        _carry_over(session, ctx, replaces, invoice)
    return invoice


def _carry_over(session: Session, ctx: ServiceContext, replaced_id: str, new: InvoiceAccount) -> None:
    """New allocation rows (nothing edited): each payment's part on the old invoice is taken off it
    and set against the correction, up to what the correction bills."""
    old = session.scalar(select(InvoiceAccount).where(InvoiceAccount.report_id == replaced_id,
                                                      InvoiceAccount.replaced_by.is_(None)))
    if old is None:
        return
    old.replaced_by = new.report_id
    parts = session.execute(select(PaymentAllocation.payment_id, func.sum(PaymentAllocation.amount_rials))
                            .where(PaymentAllocation.invoice_id == old.id)
                            .group_by(PaymentAllocation.payment_id).order_by(PaymentAllocation.payment_id)).all()
    room, moved = new.amount_rials, {}
    for payment_id, amount in parts:
        if amount <= 0:
            continue
        session.add(PaymentAllocation(payment_id=payment_id, invoice_id=old.id, amount_rials=-amount))
        take = min(amount, room)
        if take > 0:
            session.add(PaymentAllocation(payment_id=payment_id, invoice_id=new.id, amount_rials=take))
            room -= take
        moved[payment_id] = take
    session.flush()
    audit.record(session, ctx, "replace", "invoice_account", old.id,
                 changes={"replaced_by": new.report_id, "payments_carried_over": moved})


@rule(Kind.MONEY, Action.CHANGE)
def record_delivery(ctx: ServiceContext, invoice_id: int, delivered_on: dt.date | str | None,
                    method: str = "", note: str = "") -> InvoiceRow:
    """When (and how) the signed invoice was handed over or sent: the day its debt starts to age."""
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        invoice = _invoice(session, invoice_id)
        day = v.date(delivered_on, "delivered_on", "تاریخ تحویل صورتحساب", required=True, not_after=ctx.today())
        if day < invoice.issued_on:
            raise ValidationError("تاریخ تحویل نمی‌تواند پیش از تاریخ صدور صورتحساب باشد.", field="delivered_on")
        fields = ("delivered_on", "delivery_method", "delivery_note")
        before = audit.snapshot(invoice, fields)
        invoice.delivered_on = day
        invoice.delivery_method = v.text(method, "delivery_method", "شیوه تحویل", max_len=100)
        invoice.delivery_note = v.text(note, "delivery_note", "توضیح تحویل", max_len=500)
        audit.record(session, ctx, "deliver", "invoice_account", invoice.id,
                     changes=audit.diff(before, audit.snapshot(invoice, fields)))
        session.flush()
        return _invoice_rows(session, ctx.today(), [invoice])[0]


@rule(Kind.MONEY, Action.READ)
def list_invoices(ctx: ServiceContext, *, contract_id: Optional[int] = None, office_name: Optional[str] = None,
                  open_only: bool = False) -> list[InvoiceRow]:
    """Invoices oldest first (by delivery, then issue, the undelivered after the delivered)."""
    require_manager(ctx.actor)
    with ctx.db.read() as session:
        query = (select(InvoiceAccount).join(Contract, Contract.id == InvoiceAccount.contract_id)
                 .where(InvoiceAccount.replaced_by.is_(None)))
        if contract_id is not None:
            query = query.where(InvoiceAccount.contract_id == contract_id)
        if office_name:
            query = query.where(Contract.office_name == office_name)
        rows = _invoice_rows(session, ctx.today(), list(session.scalars(query)))
    if open_only:
        rows = [r for r in rows if r.outstanding_rials > 0]
    return sorted(rows, key=_age_order)


@rule(Kind.MONEY, Action.READ)
def find_invoice(ctx: ServiceContext, report_id: str) -> InvoiceRow:
    """An invoice by the number printed on it (INV-…)."""
    require_manager(ctx.actor)
    wanted = v.identifier(report_id, "invoice", "شماره صورتحساب", required=True).upper()
    with ctx.db.read() as session:
        invoice = session.scalar(select(InvoiceAccount).where(InvoiceAccount.report_id == wanted))
        if invoice is None:
            raise NotFound(f"صورتحساب امضاشده‌ای با شماره {wanted} پیدا نشد.", field="invoice")
        return _invoice_rows(session, ctx.today(), [invoice])[0]


def _age_order(row: InvoiceRow) -> tuple:
    return (row.delivered_on is None, row.delivered_on or row.issued_on, row.year, row.month, row.id)


def _invoice(session: Session, invoice_id: object) -> InvoiceAccount:
    invoice = v.lookup(session, InvoiceAccount, invoice_id)
    if invoice is None:
        raise NotFound("صورتحساب پیدا نشد.", field="invoice")
    return invoice


def _paid_by_invoice(session: Session, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(session.execute(select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount_rials))
                                .where(PaymentAllocation.invoice_id.in_(ids))
                                .group_by(PaymentAllocation.invoice_id)).all())


def invoice_status(amount: int, paid: int) -> InvoiceStatus:
    if paid <= 0:
        return InvoiceStatus.OPEN
    return InvoiceStatus.PAID if paid >= amount else InvoiceStatus.PARTLY_PAID


def days_outstanding(delivered_on: Optional[dt.date], today: dt.date, outstanding: int) -> Optional[int]:
    if delivered_on is None or outstanding <= 0:
        return None
    return max((today - delivered_on).days, 0)


def _invoice_rows(session: Session, today: dt.date, invoices: list[InvoiceAccount]) -> list[InvoiceRow]:
    paid = _paid_by_invoice(session, [i.id for i in invoices])
    contracts = {c.id: c for c in session.scalars(select(Contract).where(
        Contract.id.in_({i.contract_id for i in invoices})))} if invoices else {}
    rows = []
    for i in invoices:
        got = int(paid.get(i.id) or 0)
        owed = i.amount_rials - got
        status = invoice_status(i.amount_rials, got)
        contract = contracts[i.contract_id]
        rows.append(InvoiceRow(
            i.id, i.report_id, i.contract_id, contract.number, contract.office_name, i.year, i.month,
            format_month(i.year, i.month), i.amount_rials, got, owed, status.value, status.label, i.issued_on,
            i.delivered_on, i.delivery_method, days_outstanding(i.delivered_on, today, owed)))
    return rows


# -- payments ----------------------------------------------------------------------------------------

@rule(Kind.MONEY, Action.CREATE)
def add_payment(ctx: ServiceContext, data: PaymentInput, *, accept_overpayment: bool = False) -> PaymentRow:
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        contract = v.lookup(session, Contract, data.contract_id)
        if contract is None:
            raise NotFound("قرارداد پیدا نشد.", field="contract")
        paid_on = v.date(data.paid_on, "paid_on", "تاریخ پرداخت", required=True, not_after=ctx.today())
        amount = v.integer(data.amount_rials, "amount_rials", "مبلغ پرداخت (ریال)", minimum=1, maximum=MAX_RIALS)
        reference = v.identifier(data.bank_reference, "bank_reference", "شماره پیگیری بانک", max_len=100)
        note = v.text(data.note, "note", "توضیح", max_len=1000, multiline=True)
        open_invoices = _open_invoices(session, contract.id)
        owed = sum(left for _, left in open_invoices)
        if amount > owed and not accept_overpayment:
            raise OverpaymentWarning(
                f"مبلغ پرداخت ({format_number(amount)} ریال) از مانده مطالبات این قرارداد "
                f"({format_number(owed)} ریال) بیشتر است؛ مازاد {format_number(amount - owed)} ریال "
                "بستانکاری قرارداد می‌ماند. اگر درست است، تأیید کنید.", field="amount_rials")
        split = (_oldest_first(open_invoices, amount) if data.allocations is None
                 else _checked_split(open_invoices, data.allocations, amount))
        payment = Payment(contract_id=contract.id, paid_on=paid_on, amount_rials=amount, bank_reference=reference,
                          note=note, created_at=ctx.now(), created_by=ctx.actor.staff_id)
        session.add(payment)
        session.flush()
        for invoice, part in split:
            session.add(PaymentAllocation(payment_id=payment.id, invoice_id=invoice.id, amount_rials=part))
        session.flush()
        audit.record(session, ctx, "create", "payment", payment.id, changes={
            "contract": contract.number, "paid_on": paid_on, "amount_rials": amount, "bank_reference": reference,
            "note": note, "allocations": {inv.report_id: part for inv, part in split},
            "overpayment_accepted": amount > owed})
        return _payment_rows(session, [payment])[0]


@rule(Kind.MONEY, Action.CREATE)
def reverse_payment(ctx: ServiceContext, payment_id: int, reason: str, *,
                    on: dt.date | str | None = None) -> PaymentRow:
    """Undo a wrong payment with an entry of the opposite sign that names it; both are kept."""
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        original = v.lookup(session, Payment, payment_id)
        if original is None:
            raise NotFound("پرداخت پیدا نشد.", field="payment")
        why = v.text(reason, "reason", "دلیل برگشت", required=True, max_len=1000, multiline=True)
        if original.reverses_id is not None:
            raise ValidationError("این ردیف خودش برگشت یک پرداخت است و برگشت‌زدنی نیست.", field="payment")
        if session.scalar(select(Payment.id).where(Payment.reverses_id == original.id)) is not None:
            raise Conflict("این پرداخت پیش‌تر برگشت خورده است.", field="payment")
        day = v.date(on, "paid_on", "تاریخ برگشت", not_after=ctx.today()) or ctx.today()
        reversal = Payment(contract_id=original.contract_id, paid_on=day, amount_rials=-original.amount_rials,
                           bank_reference=original.bank_reference, note=why, reverses_id=original.id,
                           created_at=ctx.now(), created_by=ctx.actor.staff_id)
        session.add(reversal)
        try:
            session.flush()
        except IntegrityError:  # another PC reversed it a moment ago (payment.reverses_id is unique)
            raise Conflict("این پرداخت پیش‌تر برگشت خورده است.", field="payment") from None
        for part in session.scalars(select(PaymentAllocation).where(PaymentAllocation.payment_id == original.id)):
            session.add(PaymentAllocation(payment_id=reversal.id, invoice_id=part.invoice_id,
                                          amount_rials=-part.amount_rials))
        session.flush()
        audit.record(session, ctx, "reverse", "payment", reversal.id, changes={
            "reverses": original.id, "amount_rials": reversal.amount_rials, "reason": why})
        return _payment_rows(session, [reversal])[0]


@rule(Kind.MONEY, Action.READ)
def list_payments(ctx: ServiceContext, *, contract_id: Optional[int] = None) -> list[PaymentRow]:
    """Newest first, reversals beside what they undo."""
    require_manager(ctx.actor)
    with ctx.db.read() as session:
        query = select(Payment).order_by(Payment.paid_on.desc(), Payment.id.desc())
        if contract_id is not None:
            query = query.where(Payment.contract_id == contract_id)
        return _payment_rows(session, list(session.scalars(query)))


def _open_invoices(session: Session, contract_id: int) -> list[tuple[InvoiceAccount, int]]:
    """(invoice, still owed) for the contract's invoices that owe anything, oldest first.
    Locked for the rest of the transaction on PostgreSQL, so two PCs cannot both settle them."""
    query = select(InvoiceAccount).where(InvoiceAccount.contract_id == contract_id,
                                         InvoiceAccount.replaced_by.is_(None))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    invoices = list(session.scalars(query))
    paid = _paid_by_invoice(session, [i.id for i in invoices])
    owing = [(i, i.amount_rials - int(paid.get(i.id) or 0)) for i in invoices]
    owing = [(i, left) for i, left in owing if left > 0]
    return sorted(owing, key=lambda p: (p[0].delivered_on or p[0].issued_on, p[0].year, p[0].month, p[0].id))


def _oldest_first(open_invoices, amount: int) -> list[tuple[InvoiceAccount, int]]:
    split, left = [], amount
    for invoice, owed in open_invoices:
        if left <= 0:
            break
        part = min(owed, left)
        split.append((invoice, part))
        left -= part
    return split


def _checked_split(open_invoices, allocations, amount: int) -> list[tuple[InvoiceAccount, int]]:
    owing = {invoice.id: (invoice, left) for invoice, left in open_invoices}
    split, seen = [], set()
    for invoice_id, part in allocations:
        part = v.integer(part, "allocations", "مبلغ تسویه صورتحساب", minimum=1, maximum=MAX_RIALS)
        if invoice_id in seen:
            raise ValidationError("یک صورتحساب دو بار در تقسیم پرداخت آمده است.", field="allocations")
        seen.add(invoice_id)
        if invoice_id not in owing:
            raise ValidationError("این صورتحساب از این قرارداد نیست یا بدهی ندارد.", field="allocations")
        invoice, left = owing[invoice_id]
        if part > left:
            raise ValidationError(
                f"مبلغ تسویه صورتحساب {invoice.report_id} ({format_number(part)} ریال) از مانده آن "
                f"({format_number(left)} ریال) بیشتر است.", field="allocations")
        split.append((invoice, part))
    if sum(part for _, part in split) > amount:
        raise ValidationError("جمع مبالغ تسویه از مبلغ پرداخت بیشتر است.", field="allocations")
    return split


def _payment_rows(session: Session, payments: list[Payment]) -> list[PaymentRow]:
    if not payments:
        return []
    ids = [p.id for p in payments]
    parts: dict[int, list[AllocationRow]] = defaultdict(list)
    for payment_id, invoice_id, report_id, amount in session.execute(
            select(PaymentAllocation.payment_id, PaymentAllocation.invoice_id, InvoiceAccount.report_id,
                   PaymentAllocation.amount_rials).join(InvoiceAccount)
            .where(PaymentAllocation.payment_id.in_(ids)).order_by(PaymentAllocation.id)):
        parts[payment_id].append(AllocationRow(invoice_id, report_id, amount))
    reversed_by = dict(session.execute(select(Payment.reverses_id, Payment.id)
                                       .where(Payment.reverses_id.in_(ids))).all())
    contracts = {c.id: c for c in session.scalars(select(Contract).where(
        Contract.id.in_({p.contract_id for p in payments})))}
    names = {sid: f"{first} {last}" for sid, first, last in session.execute(
        select(Staff.id, Staff.first_name, Staff.last_name).where(
            Staff.id.in_({p.created_by for p in payments if p.created_by})))}
    rows = []
    for p in payments:
        c = contracts[p.contract_id]
        rows.append(PaymentRow(p.id, p.contract_id, c.number, c.office_name, p.paid_on, p.amount_rials,
                               p.bank_reference, p.note, p.reverses_id, reversed_by.get(p.id),
                               tuple(parts.get(p.id, ())), names.get(p.created_by, "") if p.created_by else "سیستم",
                               p.created_at))
    return rows


# -- guarantee cheques: app.services.cheques (named here too, where callers found them first) --------

from app.services.cheques import ChequeRow, cheque_due_back, list_cheques, overdue_cheques  # noqa: E402,F401


def jalali_month_of(day: dt.date) -> tuple[int, int]:
    y, m, _ = to_jalali(day)
    return y, m
