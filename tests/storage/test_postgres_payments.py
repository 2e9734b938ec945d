"""Payments, reversals and the receivables view on PostgreSQL (row locks, sums of BIGINT, sequences)."""

from sqlalchemy import text

from app.services import payments as pay
from app.services.clinic import ClinicInput, set_up_clinic
from app.services.accounts import StaffInput
from app.services.context import ServiceContext
from app.services.contracts import ContractInput, create_contract
from app.services.receivables import receivables
from app.storage.migrate import upgrade
from tests.conftest import NOW
from tests.services.test_payments import make_invoice, payment

import pytest


def test_the_ledger_on_postgresql(pg):  # noqa: F811
    upgrade(pg)
    manager = set_up_clinic(pg, ClinicInput("کلینیک", "1", "مدیر"),
                            StaffInput("مینا", "مدیری", "manager", username="boss", password="password-1"), now=NOW)
    ctx = ServiceContext(pg, manager, clock=lambda: NOW)
    contract = create_contract(ctx, ContractInput(office_name="اداره بهزیستی شهرستان ری", number="1405-7",
                                                  start_date="1405/01/01", end_date="1405/12/29",
                                                  fee_per_case_month_rials=1, capacity=5))
    first = make_invoice(ctx, contract.id, 1405, 6, 9_000_000_000, delivered="1405/07/03")  # beyond 32 bits
    make_invoice(ctx, contract.id, 1405, 7, 3_000_000_000, delivered="1405/08/03")
    with pytest.raises(pay.OverpaymentWarning):
        pay.add_payment(ctx, payment(contract.id, 12_000_000_001))
    paid = pay.add_payment(ctx, payment(contract.id, 10_000_000_000))
    rows = pay.list_invoices(ctx)
    assert [(r.id, r.status, r.outstanding_rials) for r in rows][0] == (first, "paid", 0)
    assert rows[1].outstanding_rials == 2_000_000_000
    pay.reverse_payment(ctx, paid.id, "اشتباه")
    view = receivables(ctx)
    assert view.total.outstanding_rials == 12_000_000_000 and view.total.received_rials == 0
    with pg.read() as s:
        assert s.execute(text("SELECT count(*) FROM payment")).scalar() == 2
