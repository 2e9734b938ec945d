"""Generated money for the demo clinic: signed invoices handed to the county offices, payments that
arrive late, one partly, one entered twice and reversed; guarantee cheques, two on one contract, and
of last year's two one given back and one never returned. Written through the payment services, so the demo obeys the same rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from sqlalchemy import insert, select

from app.models import Contract, ReportRecord
from app.persian import from_jalali, month_bounds, to_jalali
from app.services import cheques, payments as pay
from app.services.context import Actor, ServiceContext
from app.storage.database import Database


def add_receivables(db: Database, manager: Actor, rng: random.Random, now: dt.datetime) -> None:
    ctx = ServiceContext(db, manager, clock=lambda: now)
    today = ctx.today()
    with db.read() as session:
        contracts = list(session.scalars(select(Contract).order_by(Contract.id)))
    if not contracts:
        return
    last_year = _last_years_contract(db, contracts[0], rng, now, today)
    _cheques(ctx, contracts, last_year, rng, today)
    for contract in [last_year, *contracts]:
        monthly = max(contract.capacity // 2, 20) * contract.fee_per_case_month_rials
        for year, month in _months_invoiced(contract, today):
            amount = monthly + rng.randrange(-6, 7) * contract.fee_per_case_month_rials
            invoice_id, delivered = _invoice(ctx, contract, year, month, amount, rng, today)
            if contract is last_year and month == 12:
                continue  # the ended contract's last month: never paid, the oldest debt of all
            _settle(ctx, contract.id, invoice_id, amount, delivered, today, rng)
    _a_mistake_reversed(ctx, today)


def _last_years_contract(db: Database, current: Contract, rng: random.Random, now: dt.datetime,
                         today: dt.date) -> Contract:
    """The same office's contract for the year before: ended, its cheque still held past its due day."""
    year = to_jalali(current.start_date)[0] - 1
    end = current.start_date - dt.timedelta(days=1)
    return_days = min(30, (today - end).days - 1)  # due back before today, whatever day the demo is made
    with db.transaction() as session:
        session.execute(insert(Contract), [dict(
            office_name=current.office_name, programme=current.programme, number=f"{year}-{rng.randrange(50, 99)}",
            start_date=from_jalali(year, 1, 1), end_date=end,
            fee_per_case_month_rials=1_000_000, capacity=current.capacity, supervisor_name=current.supervisor_name,
            supervisor_contact=current.supervisor_contact, cheque_return_days=max(return_days, 0), notes="قرارداد سال گذشته", created_at=now, updated_at=now)])
        return session.scalars(select(Contract).order_by(Contract.id.desc()).limit(1)).one()


def _cheques(ctx: ServiceContext, contracts: list[Contract], last_year: Contract, rng: random.Random,
             today: dt.date) -> None:
    """Every contract's cheque; the first one a second for the capacity added later; last year's
    contract two, one given back after it ended and one still held past its due day."""
    def give(contract: Contract, amount: int, on: dt.date, note: str = "") -> int:
        number = f"{rng.randrange(10**6):06d}/{rng.randrange(10, 99)}"
        return cheques.add_cheque(ctx, cheques.ChequeInput(contract.id, number, amount, min(on, today), note)).id

    for index, contract in enumerate(contracts):
        give(contract, 500_000_000, contract.start_date + dt.timedelta(days=5))
        if index == 0:
            give(contract, 200_000_000, contract.start_date + dt.timedelta(days=70), "افزایش ظرفیت قرارداد")
    start = last_year.start_date + dt.timedelta(days=9)
    returned = give(last_year, 300_000_000, start)
    give(last_year, 400_000_000, start)
    cheques.return_cheque(ctx, returned, min(last_year.end_date + dt.timedelta(days=12), today))


def _months_invoiced(contract: Contract, today: dt.date) -> list[tuple[int, int]]:
    """Every month of the contract before last month: last month's report and invoice are the
    month-end work the clinic does itself (and a made-up signed invoice would stand in its way)."""
    months = []
    this_year, this_month, _ = to_jalali(today)
    last_month = (this_year, this_month - 1) if this_month > 1 else (this_year - 1, 12)
    last_month_start = month_bounds(*last_month)[0]
    year, month, _ = to_jalali(contract.start_date)
    while True:
        start, end = month_bounds(year, month)
        if start > contract.end_date or end >= last_month_start:
            return months
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _invoice(ctx: ServiceContext, contract: Contract, year: int, month: int, amount: int, rng: random.Random,
             today: dt.date) -> tuple[int, dt.date]:
    issued = min(month_bounds(year, month)[1] + dt.timedelta(days=rng.randrange(2, 7)), today)
    y, m, d = to_jalali(issued)
    report_id = f"INV-{y}{m:02d}{d:02d}-{rng.randrange(16**8):08X}"  # as reports.new_document_id names them
    signed_at = dt.datetime.combine(issued, dt.time(7, 30), tzinfo=dt.timezone.utc)
    with ctx.db.transaction() as session:
        session.add(ReportRecord(id=report_id, kind="invoice", contract_id=contract.id, year=year, month=month,
                                 digest=hashlib.sha256(report_id.encode()).hexdigest(), signed=True,
                                 signed_at=signed_at, signer_name=ctx.actor.name, created_at=signed_at,
                                 created_by=ctx.actor.staff_id, file_name=f"{report_id}.pdf"))
        session.flush()
        invoice_id = pay.open_invoice(session, ctx, report_id=report_id, contract_id=contract.id, year=year,
                                      month=month, amount_rials=amount, issued_on=issued).id
    delivered = min(issued + dt.timedelta(days=rng.randrange(1, 9)), today)
    pay.record_delivery(ctx, invoice_id, delivered, rng.choice(pay.DELIVERY_METHODS))
    return invoice_id, delivered


def _settle(ctx: ServiceContext, contract_id: int, invoice_id: int, amount: int, delivered: dt.date,
            today: dt.date, rng: random.Random) -> None:
    """Offices pay two to four months late; the last few months are still open, one only in part."""
    age = (today - delivered).days
    if age > 100:
        day = delivered + dt.timedelta(days=rng.randrange(55, min(age, 120)))
        pay.add_payment(ctx, pay.PaymentInput(contract_id, day, amount, _reference(rng), "واریز بهزیستی",
                                              [(invoice_id, amount)]))
    elif age > 60:
        part = amount // 2 // 1_000_000 * 1_000_000
        day = delivered + dt.timedelta(days=rng.randrange(30, age))
        pay.add_payment(ctx, pay.PaymentInput(contract_id, day, part, _reference(rng), "علی‌الحساب",
                                              [(invoice_id, part)]))


def _a_mistake_reversed(ctx: ServiceContext, today: dt.date) -> None:
    """A payment entered twice by mistake and reversed the same day: both lines stay in the ledger."""
    open_rows = pay.list_invoices(ctx, open_only=True)
    if not open_rows:
        return
    row = open_rows[-1]
    if row.outstanding_rials < 10_000_000:
        return
    wrong = pay.add_payment(ctx, pay.PaymentInput(row.contract_id, today - dt.timedelta(days=3), 10_000_000,
                                                  "DUP-0001", "ثبت تکراری", [(row.id, 10_000_000)]))
    pay.reverse_payment(ctx, wrong.id, "پرداخت دو بار ثبت شده بود", on=today - dt.timedelta(days=3))


def _reference(rng: random.Random) -> str:
    return f"{rng.randrange(10**11, 10**12)}"
