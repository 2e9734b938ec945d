"""Guarantee cheques as records of their own: several per contract, due back the agreed days after
the contract's end, returned once, nothing deleted (a mistake is voided or undone, audited)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.models import AuditEntry, GuaranteeCheque
from app.domain.enums import Role
from app.persian import from_jalali
from app.services import cheques as ch
from app.services.contracts import ContractInput, create_contract, update_contract
from app.services.receivables import letter_data, receivables
from tests.conftest import as_actor


def at(day: dt.date):
    return lambda: dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.timezone.utc)


def on(ctx, day: dt.date):
    moved = ctx.acting_as(ctx.actor)
    moved.clock = at(day)
    return moved


LAST_YEAR = ContractInput(office_name="اداره بهزیستی شهرستان ری", number="1404-3", start_date="1404/01/01",
                          end_date="1404/12/29", fee_per_case_month_rials=1_000_000, capacity=10,
                          cheque_return_days=45)


def give(ctx, contract_id, number, amount=500_000_000, day="1404/01/10", note=""):
    return ch.add_cheque(ctx, ch.ChequeInput(contract_id, number, amount, day, note))


def audit_actions(ctx, entity_id):
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "guarantee_cheque", AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)))


def test_a_contract_holds_two_cheques_each_due_back_the_agreed_days_after_its_end(ctx, contract):
    old = create_contract(ctx, LAST_YEAR)
    first = give(ctx, old.id, "778899")
    second = give(ctx, old.id, "۱۱۲۲۳۳", 300_000_000, "1404/03/01", "افزایش ظرفیت")  # Persian digits accepted
    give(ctx, contract.id, "445566", day="1405/01/05")  # this year's: not due yet
    due = from_jalali(1404, 12, 29) + dt.timedelta(days=45)
    rows = ch.list_cheques(ctx, contract_id=old.id)
    assert {r.cheque_number for r in rows} == {"778899", "112233"}
    assert all(r.due_back == due and r.days_overdue == (from_jalali(1405, 9, 2) - due).days > 0 for r in rows)
    assert [r.id for r in ch.overdue_cheques(ctx)] == sorted([first.id, second.id])
    assert second.note == "افزایش ظرفیت" and second.status_label == "عودت‌نشده — دیرکرد"
    # The day it falls due it is not yet overdue; the next day it is, by one day.
    assert ch.overdue_cheques(on(ctx, due)) == []
    assert {r.days_overdue for r in ch.overdue_cheques(on(ctx, due + dt.timedelta(days=1)))} == {1}
    # Returning one leaves the other overdue.
    ch.return_cheque(ctx, first.id, "1405/09/01")
    assert [r.id for r in ch.overdue_cheques(ctx)] == [second.id]
    # The agreed days are the contract's: changing them moves every cheque's due day.
    update_contract(ctx, old.id, dataclasses.replace(LAST_YEAR, cheque_return_days=10))
    assert {r.due_back for r in ch.list_cheques(ctx, contract_id=old.id)} == {from_jalali(1404, 12, 29) +
                                                                               dt.timedelta(days=10)}


def test_days_overdue_count_calendar_days_across_jalali_month_and_year_ends(ctx):
    # Ends on the last day of Esfand 1403 (a leap year: 30 days); due back 0 days later.
    c = create_contract(ctx, dataclasses.replace(LAST_YEAR, number="1403-1", start_date="1403/01/01",
                                                 end_date="1403/12/30", cheque_return_days=0))
    cheque = give(ctx, c.id, "5001", day="1403/01/10")
    for day, expected in ((from_jalali(1404, 1, 1), 1),    # over the year end
                          (from_jalali(1404, 2, 1), 32),   # Farvardin has 31 days
                          (from_jalali(1404, 7, 1), 187)):  # six 31-day months, then Mehr 1
        row = next(r for r in ch.list_cheques(on(ctx, day)) if r.id == cheque.id)
        assert row.days_overdue == (day - from_jalali(1403, 12, 30)).days == expected


def test_bad_input_is_named_by_field_and_nothing_is_saved(ctx, contract):
    cases = [(dict(number=""), "number"), (dict(amount=0), "amount_rials"), (dict(amount="abc"), "amount_rials"),
             (dict(day="1405/13/01"), "given_on"), (dict(day=None), "given_on"),
             (dict(day="1405/09/03"), "given_on"),            # tomorrow
             (dict(day="1406/01/05"), "given_on")]            # after the contract's end (and in the future)
    for change, field in cases:
        args = dict(number="9001", amount=500_000_000, day="1405/01/05") | change
        with pytest.raises(ValidationError) as error:
            give(ctx, contract.id, args["number"], args["amount"], args["day"])
        assert error.value.field == field, change
        assert error.value.message  # Persian, naming the field
    with pytest.raises(NotFound):
        give(ctx, 999_999, "9001", day="1405/01/05")
    give(ctx, contract.id, "9001", day="1405/01/05")
    with pytest.raises(Conflict):  # the same cheque twice on one contract
        give(ctx, contract.id, "۹۰۰۱", day="1405/01/05")
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(GuaranteeCheque)) == 1


def test_returned_once_not_before_given_nor_in_the_future(ctx, contract):
    cheque = give(ctx, contract.id, "7001", day="1405/02/01")
    with pytest.raises(ValidationError) as error:
        ch.return_cheque(ctx, cheque.id, "1405/01/20")
    assert error.value.field == "returned_on"
    with pytest.raises(ValidationError):
        ch.return_cheque(ctx, cheque.id, "1405/09/03")  # tomorrow
    returned = ch.return_cheque(ctx, cheque.id, "1405/09/01")
    assert returned.returned_on == from_jalali(1405, 9, 1) and returned.status_label == "عودت شده"
    with pytest.raises(Conflict):
        ch.return_cheque(ctx, cheque.id, "1405/09/02")
    with pytest.raises(NotFound):
        ch.return_cheque(ctx, "not-a-number", "1405/09/02")


def test_a_wrong_return_is_undone_and_a_wrong_entry_voided_both_kept_and_audited(ctx, contract):
    old = create_contract(ctx, LAST_YEAR)
    cheque = give(ctx, old.id, "8001")
    ch.return_cheque(ctx, cheque.id, "1405/08/01")
    assert ch.overdue_cheques(ctx) == []
    with pytest.raises(ValidationError) as error:
        ch.undo_cheque_return(ctx, cheque.id, "  ")
    assert error.value.field == "reason"
    again = ch.undo_cheque_return(ctx, cheque.id, "چک دیگری عودت شده بود")
    assert again.returned_on is None and [r.id for r in ch.overdue_cheques(ctx)] == [cheque.id]
    with pytest.raises(ValidationError):
        ch.undo_cheque_return(ctx, cheque.id, "دوباره")  # nothing to undo

    wrong = give(ctx, old.id, "8002")
    voided = ch.void_cheque(ctx, wrong.id, "شماره اشتباه وارد شد")
    assert voided.voided and voided.status_label == "باطل (ثبت نادرست)" and voided.days_overdue == 0
    assert wrong.id not in [r.id for r in ch.list_cheques(ctx)]
    assert [r.id for r in ch.list_cheques(ctx, include_voided=True) if r.voided] == [wrong.id]
    for action in (lambda: ch.return_cheque(ctx, wrong.id, "1405/09/01"),
                   lambda: ch.void_cheque(ctx, wrong.id, "دوباره")):
        with pytest.raises(Conflict):
            action()
    give(ctx, old.id, "8002")  # the right one can be entered again once the wrong one is void
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(GuaranteeCheque)) == 3  # nothing deleted
    assert audit_actions(ctx, cheque.id) == ["create", "cheque_returned", "cheque_return_undone"]
    assert audit_actions(ctx, wrong.id) == ["create", "void"]


def test_only_the_manager_sees_or_touches_cheques(ctx, contract, make_staff):
    cheque = give(ctx, contract.id, "6001", day="1405/01/05")
    for role in (Role.SOCIAL_WORKER, Role.PSYCHOLOGIST, Role.CLERK):
        other = as_actor(ctx, make_staff(role.value, "آزمون", role.value).id, role)
        for call in (lambda: ch.list_cheques(other), lambda: ch.overdue_cheques(other),
                     lambda: give(other, contract.id, "6002", day="1405/01/05"),
                     lambda: ch.return_cheque(other, cheque.id, "1405/09/01"),
                     lambda: ch.undo_cheque_return(other, cheque.id, "x"),
                     lambda: ch.void_cheque(other, cheque.id, "x"), lambda: ch.held_by_contract(other)):
            with pytest.raises(PermissionDenied):
                call()
    assert [r.id for r in ch.list_cheques(ctx)] == [cheque.id] and ch.list_cheques(ctx)[0].returned_on is None


def test_receivables_view_and_letter_carry_every_overdue_cheque(ctx, contract):
    old = create_contract(ctx, LAST_YEAR)
    a, b = give(ctx, old.id, "3001"), give(ctx, old.id, "3002", 250_000_000)
    give(ctx, contract.id, "3003", day="1405/01/05")  # held, not yet due: not asked for
    view = receivables(ctx)
    assert {c.id for c in view.cheques} == {a.id, b.id} | {c.id for c in view.cheques if c.contract_id == contract.id}
    letter = letter_data(ctx, "اداره بهزیستی شهرستان ری")
    assert sorted(c.cheque_number for c in letter.cheques) == ["3001", "3002"]
    assert letter.total_cheques == 750_000_000
    ch.return_cheque(ctx, a.id, "1405/09/01")
    assert [c.cheque_number for c in letter_data(ctx, "اداره بهزیستی شهرستان ری").cheques] == ["3002"]
    held = ch.held_by_contract(ctx)
    assert held[old.id] == (1, 250_000_000, b.days_overdue) and held[contract.id][0] == 1
