"""Hostile input on every payment entry point: refused with a Persian message and nothing changed,
or saved within the columns' limits (the same property test as tests/services/test_bad_input.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.services import payments as pay
from tests.services.test_bad_input import (  # noqa: F401 — fixtures
    DATE, IDENT, JUNK, NUMBER, SETTINGS, TEXTISH, attempt, ids, outcomes, overrides, postgres_limits,
)
from tests.services.test_payments import make_invoice

ALLOCATIONS = st.one_of(st.none(), st.lists(st.tuples(st.one_of(st.integers(-2, 5), JUNK),
                                                      st.one_of(NUMBER, JUNK)), max_size=3))
PAYMENT_FIELDS = dict(contract_id=st.one_of(st.integers(-2, 5), JUNK), paid_on=DATE,
                      amount_rials=st.one_of(NUMBER, JUNK), bank_reference=IDENT, note=TEXTISH,
                      allocations=ALLOCATIONS)


def test_add_payment_delivery_and_reversal(ctx, contract, outcomes):  # noqa: F811
    invoice = make_invoice(ctx, contract.id, 1405, 6, 10**12, delivered="1405/07/03")
    good = pay.add_payment(ctx, pay.PaymentInput(contract.id, "1405/08/01", 1000))

    @SETTINGS
    @given(overrides(**PAYMENT_FIELDS), st.booleans(), ids(invoice), st.one_of(st.just("1405/07/10"), DATE),
           st.one_of(st.just("پست"), TEXTISH), TEXTISH, ids(good.id), TEXTISH)
    def check(bad, accept, invoice_id, day, method, note, payment_id, reason):
        values = dict(contract_id=contract.id, paid_on="1405/08/01", amount_rials=1000) | bad
        attempt(ctx.db, pay.add_payment, ctx, pay.PaymentInput(**values), accept_overpayment=accept)
        attempt(ctx.db, pay.record_delivery, ctx, invoice_id, day, method, note)
        attempt(ctx.db, pay.reverse_payment, ctx, payment_id, reason)

    check()
