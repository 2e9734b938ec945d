"""Guarantee cheques the clinic gives a county office for a contract (one contract may need several).

Rules (each has a test in tests/services/test_cheques.py):
- Only the manager sees or records cheques (they are money).
- A cheque is given on a day inside or before its contract, and is due back the contract's agreed
  number of days (`cheque_return_days`) after the contract ends; held after that it is overdue.
- Returned on a day not before it was given, and not after today; a cheque is returned once.
- Nothing is deleted: a cheque entered by mistake is voided with a reason, a return recorded by
  mistake is undone with a reason; each is an audited action of its own and the row stays.
- Days overdue count calendar days on the clinic's clock (ctx.today()): a Jalali month or year end
  changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationError
from app.models import Contract, GuaranteeCheque
from app.services import audit, validation as v
from app.services.context import ServiceContext
from app.services.permissions import require_manager
from app.services.policy import Action, Kind, rule

MAX_CHEQUE_RIALS = 10**14
FIELDS = ("contract_id", "number", "amount_rials", "given_on", "returned_on", "note")


@dataclass(frozen=True)
class ChequeRow:
    contract_id: int
    contract_number: str
    office_name: str
    cheque_number: str
    amount_rials: Optional[int]
    given_on: Optional[dt.date]
    contract_end: dt.date
    return_days: int
    due_back: dt.date
    returned_on: Optional[dt.date]
    days_overdue: int  # 0 unless held past its due day
    id: int = 0
    note: str = ""
    voided: bool = False
    void_reason: str = ""

    @property
    def status_label(self) -> str:
        if self.voided:
            return "باطل (ثبت نادرست)"
        if self.returned_on:
            return "عودت شده"
        return "عودت‌نشده — دیرکرد" if self.days_overdue > 0 else "نزد بهزیستی"

    @property
    def held(self) -> bool:
        """Still with the office (not returned, not a voided entry)."""
        return not self.voided and self.returned_on is None


@dataclass
class ChequeInput:
    contract_id: int
    number: str
    amount_rials: int | str | None
    given_on: dt.date | str | None
    note: str = ""


def cheque_due_back(contract_end: dt.date, return_days: int) -> dt.date:
    return contract_end + dt.timedelta(days=return_days)


def days_overdue(due_back: dt.date, returned_on: Optional[dt.date], today: dt.date, voided: bool = False) -> int:
    if voided or returned_on is not None or today <= due_back:
        return 0
    return (today - due_back).days


def _row(c: GuaranteeCheque, contract: Contract, today: dt.date) -> ChequeRow:
    due = cheque_due_back(contract.end_date, contract.cheque_return_days)
    voided = c.voided_at is not None
    return ChequeRow(contract.id, contract.number, contract.office_name, c.number, c.amount_rials, c.given_on,
                     contract.end_date, contract.cheque_return_days, due, c.returned_on,
                     days_overdue(due, c.returned_on, today, voided), c.id, c.note, voided, c.void_reason)


def _order(r: ChequeRow) -> tuple:
    return (r.voided, -r.days_overdue, r.returned_on is not None, r.due_back, r.contract_number, r.id)


@rule(Kind.MONEY, Action.READ)
def list_cheques(ctx: ServiceContext, *, overdue_only: bool = False, contract_id: Optional[int] = None,
                 include_voided: bool = False) -> list[ChequeRow]:
    """Every guarantee cheque given; the overdue ones first (longest past due first), then those
    held, then the returned; voided entries only when asked for (last)."""
    require_manager(ctx.actor)
    today = ctx.today()
    with ctx.db.read() as session:
        query = select(GuaranteeCheque, Contract).join(Contract, Contract.id == GuaranteeCheque.contract_id)
        if contract_id is not None:
            query = query.where(GuaranteeCheque.contract_id == contract_id)
        if not include_voided:
            query = query.where(GuaranteeCheque.voided_at.is_(None))
        rows = [_row(c, k, today) for c, k in session.execute(query)]
    if overdue_only:
        rows = [r for r in rows if r.days_overdue > 0]
    return sorted(rows, key=_order)


@rule(Kind.MONEY, Action.READ)
def overdue_cheques(ctx: ServiceContext) -> list[ChequeRow]:
    """For the dashboard: every cheque an office holds past its due day."""
    if not ctx.actor.is_manager:
        return []
    return list_cheques(ctx, overdue_only=True)


@rule(Kind.MONEY, Action.CREATE)
def add_cheque(ctx: ServiceContext, data: ChequeInput) -> ChequeRow:
    """Record a guarantee cheque given to the contract's county office."""
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        contract = _contract(session, data.contract_id)
        number = v.identifier(data.number, "number", "شماره چک ضمانت", required=True)
        amount = v.integer(data.amount_rials, "amount_rials", "مبلغ چک ضمانت (ریال)", minimum=1,
                           maximum=MAX_CHEQUE_RIALS)
        given = v.date(data.given_on, "given_on", "تاریخ تحویل چک", required=True, not_after=ctx.today())
        if given > contract.end_date:
            raise ValidationError("تاریخ تحویل چک ضمانت نمی‌تواند بعد از پایان قرارداد باشد.", field="given_on")
        note = v.text(data.note, "note", "توضیح", max_len=500)
        same = session.scalar(select(GuaranteeCheque.id).where(
            GuaranteeCheque.contract_id == contract.id, GuaranteeCheque.number == number,
            GuaranteeCheque.voided_at.is_(None)))
        if same is not None:
            raise Conflict(f"چک ضمانت شماره {number} برای این قرارداد پیش‌تر ثبت شده است.", field="number")
        cheque = GuaranteeCheque(contract_id=contract.id, number=number, amount_rials=amount, given_on=given,
                                 note=note, void_reason="", created_at=ctx.now(), created_by=ctx.actor.staff_id)
        session.add(cheque)
        session.flush()
        audit.record(session, ctx, "create", "guarantee_cheque", cheque.id,
                     changes={**audit.snapshot(cheque, FIELDS), "contract": contract.number})
        return _row(cheque, contract, ctx.today())


@rule(Kind.MONEY, Action.CHANGE)
def return_cheque(ctx: ServiceContext, cheque_id: int, returned_on: dt.date | str | None) -> ChequeRow:
    """The office gave the cheque back on this day."""
    def change(cheque: GuaranteeCheque) -> tuple[str, dict]:
        if cheque.returned_on is not None:
            raise Conflict("عودت این چک پیش‌تر ثبت شده است.", field="returned_on")
        day = v.date(returned_on, "returned_on", "تاریخ عودت چک", required=True, not_after=ctx.today())
        if cheque.given_on is not None and day < cheque.given_on:
            raise ValidationError("تاریخ عودت چک باید بعد از تاریخ تحویل آن باشد.", field="returned_on")
        cheque.returned_on = day
        return "cheque_returned", {"returned_on": [None, day.isoformat()]}
    return _change_cheque(ctx, cheque_id, change)


@rule(Kind.MONEY, Action.CHANGE)
def undo_cheque_return(ctx: ServiceContext, cheque_id: int, reason: str) -> ChequeRow:
    """A return recorded by mistake: the cheque is held again; the wrong day stays in the audit trail."""
    def change(cheque: GuaranteeCheque) -> tuple[str, dict]:
        why = v.text(reason, "reason", "دلیل اصلاح", required=True, max_len=1000)
        if cheque.returned_on is None:
            raise ValidationError("عودتی برای این چک ثبت نشده است که اصلاح شود.", field="returned_on")
        before = cheque.returned_on
        cheque.returned_on = None
        return "cheque_return_undone", {"returned_on": [before.isoformat(), None], "reason": why}
    return _change_cheque(ctx, cheque_id, change)


@rule(Kind.MONEY, Action.CHANGE)
def void_cheque(ctx: ServiceContext, cheque_id: int, reason: str) -> ChequeRow:
    """A cheque entered by mistake: kept, marked void with the reason, no longer counted as held."""
    def change(cheque: GuaranteeCheque) -> tuple[str, dict]:
        why = v.text(reason, "reason", "دلیل ابطال", required=True, max_len=1000)
        cheque.voided_at = ctx.now()
        cheque.void_reason = why
        return "void", {"reason": why}
    return _change_cheque(ctx, cheque_id, change)


def _change_cheque(ctx: ServiceContext, cheque_id: int,
                   change: Callable[[GuaranteeCheque], tuple[str, dict]]) -> ChequeRow:
    """One change to a recorded cheque in its own transaction, by the manager: `change(cheque)`
    checks and makes it, and names the audit action and what changed (the contract and the
    cheque's number are added to every such record)."""
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        cheque, contract = _cheque(session, cheque_id)
        action, changes = change(cheque)
        audit.record(session, ctx, action, "guarantee_cheque", cheque.id,
                     changes={**changes, "contract": contract.number, "number": cheque.number})
        return _row(cheque, contract, ctx.today())


def _contract(session: Session, contract_id: object) -> Contract:
    contract = v.lookup(session, Contract, contract_id)
    if contract is None:
        raise NotFound("قرارداد پیدا نشد.", field="contract")
    return contract


def _cheque(session: Session, cheque_id: object) -> tuple[GuaranteeCheque, Contract]:
    """The cheque (locked on PostgreSQL for the rest of the transaction, so two PCs cannot both
    return it) and its contract; a voided entry is refused."""
    key = v.row_id(cheque_id)
    if key is None:
        raise NotFound("چک ضمانت پیدا نشد.", field="cheque")
    query = select(GuaranteeCheque).where(GuaranteeCheque.id == key)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    cheque = session.scalar(query)
    if cheque is None:
        raise NotFound("چک ضمانت پیدا نشد.", field="cheque")
    if cheque.voided_at is not None:
        raise Conflict("این ردیف چک باطل شده است (ثبت نادرست) و تغییر نمی‌کند.", field="cheque")
    return cheque, session.get(Contract, cheque.contract_id)


@rule(Kind.MONEY, Action.READ)
def held_by_contract(ctx: ServiceContext) -> dict[int, tuple[int, int, int]]:
    """{contract id: (cheques held, their rials, most days overdue)} for the contracts list."""
    out: dict[int, tuple[int, int, int]] = {}
    for r in list_cheques(ctx):
        if r.held:
            count, rials, late = out.get(r.contract_id, (0, 0, 0))
            out[r.contract_id] = (count + 1, rials + (r.amount_rials or 0), max(late, r.days_overdue))
    return out
