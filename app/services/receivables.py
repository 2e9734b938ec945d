"""The manager's receivables view: what each contract and county office has been invoiced, has paid
and still owes, the open invoices oldest first, months invoiced against paid, and the signed
«صورت وضعیت مطالبات» letter that asks an office for it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from app.errors import NotFound, ValidationError
from app.models import Contract, InvoiceAccount, Payment, PaymentAllocation
from app.persian import format_month, to_jalali
from app.printing.documents.receivables_letter import (
    LetterCheque,
    LetterInvoice,
    ReceivablesLetterData,
    TITLE,
    render_receivables_letter,
)
from app.printing.embed import JSON_MIME, XLSX_MIME, embed_files
from app.printing.receivables_export import letter_json, receivables_xlsx
from app.services import report_data as rd
from app.services.policy import Action, Kind, rule
from app.services.context import ServiceContext
from app.services.payments import ChequeRow, InvoiceRow, PaymentRow, list_cheques, list_invoices, list_payments
from app.services.permissions import require_manager


@dataclass(frozen=True)
class AccountTotals:
    """One contract, one county office, or (name «جمع کل») everything."""

    name: str
    office_name: str
    contract_id: Optional[int]
    invoiced_rials: int
    received_rials: int
    outstanding_rials: int
    credit_rials: int  # received but not set against any invoice (an overpayment or advance)
    open_invoices: int
    oldest_days: Optional[int]


@dataclass(frozen=True)
class MonthBar:
    year: int
    month: int
    label: str
    invoiced_rials: int
    paid_rials: int


@dataclass(frozen=True)
class Receivables:
    today: dt.date
    invoices: list[InvoiceRow]  # every invoice, oldest first; the open ones are those with outstanding > 0
    contracts: list[AccountTotals]
    offices: list[AccountTotals]
    total: AccountTotals
    months: list[MonthBar]
    cheques: list[ChequeRow]
    payments: list[PaymentRow] = dataclasses.field(default_factory=list)

    @property
    def open_invoices(self) -> list[InvoiceRow]:
        return [i for i in self.invoices if i.outstanding_rials > 0]


@rule(Kind.MONEY, Action.READ)
def receivables(ctx: ServiceContext, *, months: int = 12) -> Receivables:
    require_manager(ctx.actor)
    today = ctx.today()
    invoices = list_invoices(ctx)
    with ctx.db.read() as session:
        contracts = list(session.scalars(select(Contract).order_by(Contract.office_name, Contract.number)))
        received = dict(session.execute(select(Payment.contract_id, func.sum(Payment.amount_rials))
                                        .group_by(Payment.contract_id)).all())
        allocated = dict(session.execute(
            select(InvoiceAccount.contract_id, func.sum(PaymentAllocation.amount_rials))
            .join(InvoiceAccount, InvoiceAccount.id == PaymentAllocation.invoice_id)
            .group_by(InvoiceAccount.contract_id)).all())
        paid_days = list(session.execute(select(Payment.paid_on, Payment.amount_rials)).all())
    per_contract = []
    for c in contracts:
        mine = [i for i in invoices if i.contract_id == c.id]
        got = int(received.get(c.id) or 0)
        if not mine and not got:
            continue
        per_contract.append(_totals(c.number, c.office_name, c.id, mine, got, int(allocated.get(c.id) or 0)))
    offices = _by_office(per_contract, invoices)
    total = _sum("جمع کل", "", per_contract, invoices)
    return Receivables(today, invoices, per_contract, offices, total,
                       month_bars(invoices, paid_days, today, months), list_cheques(ctx), list_payments(ctx))


def _totals(name: str, office: str, contract_id: Optional[int], invoices: list[InvoiceRow], received: int,
            allocated: int) -> AccountTotals:
    owing = [i for i in invoices if i.outstanding_rials > 0]
    ages = [i.days_outstanding for i in owing if i.days_outstanding is not None]
    return AccountTotals(name, office, contract_id, sum(i.amount_rials for i in invoices), received,
                         sum(i.outstanding_rials for i in owing), received - allocated, len(owing),
                         max(ages) if ages else None)


def _sum(name: str, office: str, parts: list[AccountTotals], invoices: list[InvoiceRow]) -> AccountTotals:
    ages = [i.days_outstanding for i in invoices if i.days_outstanding is not None]
    return AccountTotals(name, office, None, sum(p.invoiced_rials for p in parts),
                         sum(p.received_rials for p in parts), sum(p.outstanding_rials for p in parts),
                         sum(p.credit_rials for p in parts), sum(p.open_invoices for p in parts),
                         max(ages) if ages else None)


def _by_office(per_contract: list[AccountTotals], invoices: list[InvoiceRow]) -> list[AccountTotals]:
    groups: dict[str, list[AccountTotals]] = defaultdict(list)
    for row in per_contract:
        groups[row.office_name].append(row)
    rows = [_sum(office, office, parts, [i for i in invoices if i.office_name == office])
            for office, parts in groups.items()]
    return sorted(rows, key=lambda r: (-r.outstanding_rials, r.name))


def month_bars(invoices: list[InvoiceRow], payments: list[tuple[dt.date, int]], today: dt.date,
               count: int = 12) -> list[MonthBar]:
    """The last `count` Jalali months up to today's: invoiced (by the month served) and paid (by the
    day the money arrived; a reversal counts against its own month)."""
    year, month, _ = to_jalali(today)
    keys = []
    for _ in range(count):
        keys.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    keys.reverse()
    invoiced: dict[tuple[int, int], int] = defaultdict(int)
    paid: dict[tuple[int, int], int] = defaultdict(int)
    for i in invoices:
        invoiced[(i.year, i.month)] += i.amount_rials
    for day, amount in payments:
        y, m, _ = to_jalali(day)
        paid[(y, m)] += amount
    return [MonthBar(y, m, format_month(y, m), invoiced[(y, m)], paid[(y, m)]) for y, m in keys]


@rule(Kind.MONEY, Action.READ)
def office_names(ctx: ServiceContext) -> list[str]:
    require_manager(ctx.actor)
    with ctx.db.read() as session:
        return list(session.scalars(select(Contract.office_name).distinct().order_by(Contract.office_name)))


# -- the letter --------------------------------------------------------------------------------------

@rule(Kind.MONEY, Action.READ)
def letter_data(ctx: ServiceContext, office_name: str) -> ReceivablesLetterData:
    from app.services.reports import new_document_id
    require_manager(ctx.actor)
    if office_name not in office_names(ctx):
        raise NotFound("اداره‌ای با این نام در قراردادها نیست.", field="office")
    invoices = list_invoices(ctx, office_name=office_name, open_only=True)
    cheques = [c for c in list_cheques(ctx) if c.office_name == office_name and c.returned_on is None
               and c.due_back < ctx.today()]
    if not invoices and not cheques:
        raise ValidationError("این اداره صورتحساب باز یا چک ضمانت عودت‌نشده‌ای ندارد.", field="office")
    with ctx.db.read() as session:
        clinic = rd.clinic_info(session)
        signers = rd.signers_for(session, [], rd._staff_names(session))
    return ReceivablesLetterData(
        document_id=new_document_id("RC", ctx.today()), clinic=clinic, office_name=office_name, as_of=ctx.today(),
        generated_at=ctx.now(), generated_by=ctx.actor.name,
        invoices=tuple(LetterInvoice(i.report_id, i.contract_number, i.year, i.month, i.amount_rials, i.paid_rials,
                                     i.outstanding_rials, i.issued_on, i.delivered_on, i.days_outstanding)
                       for i in invoices),
        cheques=tuple(LetterCheque(c.contract_number, c.cheque_number, c.amount_rials, c.given_on, c.contract_end,
                                   c.due_back, c.days_overdue) for c in cheques),
        signers=tuple(signers))


@rule(Kind.MONEY, Action.CREATE)
def generate_receivables_letter(ctx: ServiceContext, office_name: str, *,
                                sign_password: Optional[str] = None):
    """The letter as a PDF with its rows attached (JSON and xlsx), signed and kept on record like
    the monthly report: the QR's digest is the embedded JSON's SHA-256."""
    from app.services.reports import _audit_head_file, finish_document
    data = letter_data(ctx, office_name)
    table = letter_json(data)
    digest = hashlib.sha256(table).hexdigest()
    data = dataclasses.replace(data, qr_payload=f"PARVANDEH:{data.document_id}:{digest}")
    pdf = io.BytesIO()
    render_receivables_letter(data, pdf)
    xlsx = io.BytesIO()
    receivables_xlsx(data_for_export(data), xlsx)
    pdf_bytes = embed_files(pdf.getvalue(), [(f"{data.document_id}.json", table, JSON_MIME),
                                             (f"{data.document_id}.xlsx", xlsx.getvalue(), XLSX_MIME),
                                             _audit_head_file(ctx, data.document_id)])
    return finish_document(ctx, data.document_id, "receivables", pdf_bytes, table, sign_password,
                   xlsx=xlsx.getvalue())


def data_for_export(letter: ReceivablesLetterData):
    """The letter's rows in the shape the Excel export takes (one office's open invoices and cheques)."""
    from app.printing.receivables_export import ExportTable
    return ExportTable.from_letter(letter)


@rule(Kind.MONEY, Action.READ)
def export_xlsx(ctx: ServiceContext, out) -> None:
    """The receivables view as an Excel file: open invoices, contracts, offices, cheques."""
    from app.printing.receivables_export import ExportTable
    data = receivables(ctx)
    receivables_xlsx(ExportTable.from_view(data), out)
