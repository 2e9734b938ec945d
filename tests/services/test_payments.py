"""Money owed: invoices as debts, payments, reversals, overpayment, days outstanding, cheques."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, PermissionDenied, ValidationError
from app.models import AuditEntry, InvoiceAccount, Payment, PaymentAllocation, ReportRecord
from app.persian import from_jalali
from app.services import payments as pay
from app.services.contracts import ContractInput, create_contract, update_contract
from app.services.receivables import export_xlsx, generate_receivables_letter, month_bars, receivables
from tests.conftest import NOW, as_actor

FEE = 1_200_000


def at(day: dt.date):
    """A clock standing at noon UTC (15:30 Tehran) on `day`: the same calendar day everywhere."""
    return lambda: dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.timezone.utc)


def make_invoice(ctx, contract_id: int, year: int, month: int, amount: int, *, delivered=None,
                 issued=None) -> int:
    """A signed invoice's debt, as generate_invoice leaves it (the signing itself is tested once below)."""
    report_id = f"INV-{year}{month:02d}-{contract_id}"
    with ctx.db.transaction() as session:
        session.add(ReportRecord(id=report_id, kind="invoice", contract_id=contract_id, year=year, month=month,
                                 digest="0" * 64, signed=True, signed_at=NOW, created_at=NOW))
        session.flush()
        invoice = pay.open_invoice(session, ctx, report_id=report_id, contract_id=contract_id, year=year,
                                   month=month, amount_rials=amount,
                                   issued_on=issued or from_jalali(year, month, 1) + dt.timedelta(days=31))
        invoice_id = invoice.id
    if delivered:
        pay.record_delivery(ctx, invoice_id, delivered, "حضوری")
    return invoice_id


def payment(contract_id, amount, day="1405/09/01", **kw):
    return pay.PaymentInput(contract_id=contract_id, paid_on=day, amount_rials=amount, bank_reference="ref-1", **kw)


@pytest.fixture
def three(ctx, contract):
    """Mehr, Aban, Azar... no: Tir, Mordad, Shahrivar 1405, delivered in that order."""
    return [make_invoice(ctx, contract.id, 1405, 4, 10_000_000, delivered="1405/05/05"),
            make_invoice(ctx, contract.id, 1405, 5, 20_000_000, delivered="1405/06/04"),
            make_invoice(ctx, contract.id, 1405, 6, 30_000_000, delivered="1405/07/03")]


def statuses(ctx, contract_id):
    return [(i.status, i.paid_rials, i.outstanding_rials) for i in pay.list_invoices(ctx, contract_id=contract_id)]


def test_payment_settles_oldest_invoice_first_and_partly(ctx, contract, three):
    pay.add_payment(ctx, payment(contract.id, 15_000_000))
    assert statuses(ctx, contract.id) == [("paid", 10_000_000, 0), ("partly_paid", 5_000_000, 15_000_000),
                                          ("open", 0, 30_000_000)]
    labels = [i.status_label for i in pay.list_invoices(ctx, contract_id=contract.id)]
    assert labels == ["پرداخت‌شده", "پرداخت جزئی", "پرداخت‌نشده"]


def test_payment_split_named_by_the_person(ctx, contract, three):
    row = pay.add_payment(ctx, payment(contract.id, "۷٬۰۰۰٬۰۰۰", allocations=[(three[2], 4_000_000),
                                                                           (three[1], "3000000")]))
    assert row.amount_rials == 7_000_000
    assert {(a.invoice_id, a.amount_rials) for a in row.allocations} == {(three[2], 4_000_000),
                                                                       (three[1], 3_000_000)}
    assert statuses(ctx, contract.id)[0] == ("open", 0, 10_000_000)


def test_an_invoice_never_takes_more_than_it_owes(ctx, contract, three):
    with pytest.raises(ValidationError) as error:
        pay.add_payment(ctx, payment(contract.id, 12_000_000, allocations=[(three[0], 12_000_000)]))
    assert error.value.field == "allocations" and "مانده" in error.value.message
    with pytest.raises(ValidationError):  # the split is more than the payment
        pay.add_payment(ctx, payment(contract.id, 1_000_000, allocations=[(three[0], 2_000_000)]))
    with pytest.raises(ValidationError):  # the same invoice twice
        pay.add_payment(ctx, payment(contract.id, 2_000_000, allocations=[(three[0], 1), (three[0], 1)]))
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0  # nothing half-saved


def test_no_overpayment_without_a_warning(ctx, contract, three):
    with pytest.raises(pay.OverpaymentWarning) as warning:
        pay.add_payment(ctx, payment(contract.id, 61_000_000))
    assert warning.value.field == "amount_rials" and "۱٬۰۰۰٬۰۰۰" in warning.value.message
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0
    row = pay.add_payment(ctx, payment(contract.id, 61_000_000), accept_overpayment=True)
    assert sum(a.amount_rials for a in row.allocations) == 60_000_000
    view = receivables(ctx)
    assert (view.total.outstanding_rials, view.total.credit_rials, view.total.received_rials) == (
        0, 1_000_000, 61_000_000)
    # Exactly what is owed is no overpayment; a contract with nothing owed warns at once.
    other = create_contract(ctx, ContractInput(office_name="اداره بهزیستی شهرستان شمیرانات", number="1405-9",
                                               start_date="1405/01/01", end_date="1405/12/29",
                                               fee_per_case_month_rials=FEE, capacity=10))
    with pytest.raises(pay.OverpaymentWarning):
        pay.add_payment(ctx, payment(other.id, 1))


def test_a_payment_of_exactly_the_debt_needs_no_warning(ctx, contract, three):
    pay.add_payment(ctx, payment(contract.id, 60_000_000))
    assert all(s == "paid" for s, _, _ in statuses(ctx, contract.id))


def test_reversal_undoes_a_payment_and_keeps_both(ctx, contract, three):
    first = pay.add_payment(ctx, payment(contract.id, 15_000_000))
    undo = pay.reverse_payment(ctx, first.id, "مبلغ اشتباه وارد شده بود")
    assert undo.amount_rials == -15_000_000 and undo.reverses_id == first.id
    assert statuses(ctx, contract.id) == [("open", 0, 10_000_000), ("open", 0, 20_000_000), ("open", 0, 30_000_000)]
    rows = pay.list_payments(ctx, contract_id=contract.id)
    assert {r.id for r in rows} == {first.id, undo.id}  # nothing deleted
    original = next(r for r in rows if r.id == first.id)
    assert original.reversed_by_id == undo.id and original.kind_label == "پرداخت (برگشت‌خورده)"
    assert receivables(ctx).total.received_rials == 0
    with ctx.db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reverse")).one()
        assert "مبلغ اشتباه" in entry.changes and entry.entity_id == undo.id
    # Twice, or the reversal itself: refused.
    with pytest.raises(Conflict):
        pay.reverse_payment(ctx, first.id, "دوباره")
    with pytest.raises(ValidationError):
        pay.reverse_payment(ctx, undo.id, "برگشتِ برگشت")
    with pytest.raises(ValidationError) as error:
        pay.reverse_payment(ctx, pay.add_payment(ctx, payment(contract.id, 1_000)).id, "  ")
    assert error.value.field == "reason"


def test_payment_is_audited_with_its_split(ctx, contract, three):
    pay.add_payment(ctx, payment(contract.id, 12_000_000))
    with ctx.db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "payment")).one()
    assert f"INV-140504-{contract.id}\": 10000000" in entry.changes and "12000000" in entry.changes


def test_payment_input_is_checked_field_by_field(ctx, contract, three):
    cases = [(dict(amount_rials=0), "amount_rials"), (dict(amount_rials="ده"), "amount_rials"),
             (dict(paid_on=None), "paid_on"), (dict(paid_on="1405/13/01"), "paid_on"),
             (dict(paid_on="1405/09/03"), "paid_on"),  # after today (1405/09/02)
             (dict(bank_reference="x" * 101), "bank_reference")]
    for change, field in cases:
        data = payment(contract.id, 1_000)
        for key, value in change.items():
            setattr(data, key, value)
        with pytest.raises(ValidationError) as error:
            pay.add_payment(ctx, data)
        assert error.value.field == field, change


def test_a_split_cannot_reach_another_contracts_invoice(ctx, contract, three):
    other = create_contract(ctx, ContractInput(office_name="اداره بهزیستی شهرستان شمیرانات", number="1405-9",
                                               start_date="1405/01/01", end_date="1405/12/29",
                                               fee_per_case_month_rials=FEE, capacity=10))
    make_invoice(ctx, other.id, 1405, 6, 5_000_000)
    with pytest.raises(ValidationError):
        pay.add_payment(ctx, payment(other.id, 1_000_000, allocations=[(three[0], 1_000_000)]))


def test_only_the_manager_sees_or_records_money(ctx, contract, three, make_staff):
    for role in ("social_worker", "psychologist", "clerk"):
        staff = make_staff(role)
        other = as_actor(ctx, staff.id, role)
        for call in (lambda: pay.add_payment(other, payment(contract.id, 1_000)),
                     lambda: pay.list_payments(other), lambda: pay.list_invoices(other),
                     lambda: pay.record_delivery(other, three[0], "1405/08/01"),
                     lambda: receivables(other), lambda: pay.list_cheques(other),
                     lambda: pay.find_invoice(other, f"INV-140504-{contract.id}"),
                     lambda: pay.reverse_payment(other, 1, "x"),
                     lambda: generate_receivables_letter(other, "اداره بهزیستی شهرستان ری"),
                     lambda: export_xlsx(other, io.BytesIO()), lambda: pay.overdue_cheques(other)):
            with pytest.raises(PermissionDenied):
                call()


# -- days outstanding -------------------------------------------------------------------------------

@pytest.mark.parametrize("delivered, today, days", [
    ("1404/12/25", "1405/01/05", 9),    # across the end of 1404 (Esfand 1404 has 29 days)
    ("1403/12/25", "1404/01/05", 10),   # 1403 is a leap year: 1403/12/30 exists
    ("1405/06/29", "1405/07/02", 4),    # Shahrivar has 31 days
    ("1405/07/29", "1405/08/02", 3),    # Mehr has 30
    ("1405/09/02", "1405/09/02", 0),
])
def test_days_outstanding_across_jalali_month_and_year_ends(ctx, contract, delivered, today, days):
    clock_day = from_jalali(*map(int, today.split("/")))
    ctx = ctx.acting_as(ctx.actor)
    ctx.clock = at(clock_day)
    invoice = make_invoice(ctx, contract.id, 1404, 11, 1_000, issued=from_jalali(1403, 1, 1),
                           delivered=delivered)
    row = pay.list_invoices(ctx)[0]
    assert row.id == invoice and row.days_outstanding == days
    assert receivables(ctx).total.oldest_days == days


def test_days_stop_when_paid_and_undelivered_invoices_come_last(ctx, contract):
    late = make_invoice(ctx, contract.id, 1405, 5, 1_000, delivered="1405/06/10")
    fresh = make_invoice(ctx, contract.id, 1405, 7, 1_000)
    early = make_invoice(ctx, contract.id, 1405, 4, 1_000, delivered="1405/05/10")
    assert [i.id for i in pay.list_invoices(ctx)] == [early, late, fresh]
    assert pay.list_invoices(ctx)[2].days_outstanding is None  # not delivered: its clock has not started
    pay.add_payment(ctx, payment(contract.id, 1_000))
    rows = pay.list_invoices(ctx)
    assert rows[0].status == "paid" and rows[0].days_outstanding is None
    assert [i.id for i in pay.list_invoices(ctx, open_only=True)] == [late, fresh]


def test_delivery_date_is_checked_and_audited(ctx, contract):
    invoice = make_invoice(ctx, contract.id, 1405, 7, 1_000, issued=from_jalali(1405, 8, 3))
    with pytest.raises(ValidationError) as error:
        pay.record_delivery(ctx, invoice, "1405/08/01")  # before it was issued
    assert error.value.field == "delivered_on"
    with pytest.raises(ValidationError):
        pay.record_delivery(ctx, invoice, "1405/09/05")  # after today
    row = pay.record_delivery(ctx, invoice, "۱۴۰۵/۰۸/۰۴", "پست", "بسته سفارشی")
    assert row.delivered_on == from_jalali(1405, 8, 4) and row.days_outstanding == 28
    with ctx.db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "deliver")).one()
    assert "2026-10-26" in entry.changes and "پست" in entry.changes


# -- the summary -------------------------------------------------------------------------------------

def test_totals_per_contract_and_office(ctx, contract, three):
    other = create_contract(ctx, ContractInput(office_name="اداره بهزیستی شهرستان شمیرانات", number="1405-9",
                                               start_date="1405/01/01", end_date="1405/12/29",
                                               fee_per_case_month_rials=FEE, capacity=10))
    make_invoice(ctx, other.id, 1405, 6, 5_000_000, delivered="1405/07/20")
    pay.add_payment(ctx, payment(contract.id, 15_000_000))
    view = receivables(ctx)
    by_number = {c.name: c for c in view.contracts}
    assert (by_number["1405-7"].invoiced_rials, by_number["1405-7"].received_rials,
            by_number["1405-7"].outstanding_rials, by_number["1405-7"].open_invoices) == (
        60_000_000, 15_000_000, 45_000_000, 2)
    assert by_number["1405-9"].outstanding_rials == 5_000_000
    assert [o.name for o in view.offices] == ["اداره بهزیستی شهرستان ری", "اداره بهزیستی شهرستان شمیرانات"]
    assert view.total.invoiced_rials == 65_000_000 and view.total.outstanding_rials == 50_000_000
    # Oldest first: Mordad's invoice (delivered 1405/06/04) is the oldest still open.
    assert [i.report_id for i in view.open_invoices][:1] == [f"INV-140505-{contract.id}"]
    assert view.total.oldest_days == (from_jalali(1405, 9, 2) - from_jalali(1405, 6, 4)).days


def test_month_bars_cross_the_year_and_count_reversals_in_their_month():
    class I:  # noqa: E701 — the two fields month_bars reads
        def __init__(self, y, m, a):
            self.year, self.month, self.amount_rials = y, m, a
    bars = month_bars([I(1404, 12, 100), I(1405, 1, 50)],
                      [(from_jalali(1405, 1, 10), 70), (from_jalali(1405, 2, 1), -20)], from_jalali(1405, 2, 15), 3)
    assert [(b.year, b.month, b.invoiced_rials, b.paid_rials) for b in bars] == [
        (1404, 12, 100, 0), (1405, 1, 50, 70), (1405, 2, 0, -20)]


def test_a_signed_correction_takes_the_place_of_the_invoice_it_replaces(ctx, contract):
    first = make_invoice(ctx, contract.id, 1405, 7, 30_000_000, delivered="1405/08/05")
    paid = pay.add_payment(ctx, payment(contract.id, 20_000_000))
    with ctx.db.transaction() as session:
        session.add(ReportRecord(id="INV-CORR-1", kind="invoice", contract_id=contract.id, year=1405, month=7,
                                 digest="1" * 64, signed=True, signed_at=NOW, created_at=NOW,
                                 replaces_id=f"INV-140507-{contract.id}", correction_number=1))
        session.flush()
        pay.open_invoice(session, ctx, report_id="INV-CORR-1", contract_id=contract.id, year=1405, month=7,
                         amount_rials=12_000_000, issued_on=from_jalali(1405, 8, 20),
                         replaces=f"INV-140507-{contract.id}")
    rows = pay.list_invoices(ctx)
    assert [(r.report_id, r.amount_rials, r.paid_rials, r.status) for r in rows] == [
        ("INV-CORR-1", 12_000_000, 12_000_000, "paid")]  # the replaced one is owed no longer
    assert pay.find_invoice(ctx, f"INV-140507-{contract.id}").paid_rials == 0
    view = receivables(ctx)
    assert view.total.outstanding_rials == 0 and view.total.credit_rials == 8_000_000
    with ctx.db.read() as session:  # nothing was edited: the old rows stand, new ones were added
        assert session.scalar(select(func.count()).select_from(PaymentAllocation)) == 3
        assert session.scalar(select(func.count()).select_from(PaymentAllocation).where(
            PaymentAllocation.invoice_id == first)) == 2
    # Reversing the payment undoes it everywhere it went.
    pay.reverse_payment(ctx, paid.id, "برگشت بانک")
    assert [(r.paid_rials, r.status) for r in pay.list_invoices(ctx)] == [(0, "open")]
    assert receivables(ctx).total.credit_rials == 0


# -- guarantee cheques: tests/services/test_cheques.py ------------------------------------------------

def test_return_days_are_checked(ctx):
    with pytest.raises(ValidationError) as error:
        create_contract(ctx, ContractInput(office_name="اداره", number="X-1", start_date="1405/01/01",
                                           end_date="1405/12/29", fee_per_case_month_rials=1, capacity=1,
                                           cheque_return_days=-1))
    assert error.value.field == "cheque_return_days"


# -- the real path: a signed invoice becomes a debt --------------------------------------------------

def test_a_signed_invoice_becomes_a_debt_and_an_unsigned_one_does_not(ctx, contract, make_case):
    from app.services import reports
    from tests.conftest import PASSWORD
    make_case(received_on="1405/01/15")
    reports.create_signing_key(ctx, PASSWORD)
    draft = reports.generate_invoice(ctx, contract.id, 1405, 8)
    reports.generate_monthly(ctx, contract.id, 1405, 8, sign_password=PASSWORD)  # an invoice rests on it
    signed = reports.generate_invoice(ctx, contract.id, 1405, 8, sign_password=PASSWORD)
    rows = pay.list_invoices(ctx)
    assert [r.report_id for r in rows] == [signed.report_id] and draft.report_id != signed.report_id
    assert rows[0].amount_rials == FEE and rows[0].status == "open" and rows[0].issued_on == dt.date(2026, 11, 23)
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(InvoiceAccount)) == 1
        assert session.scalar(select(func.count()).select_from(PaymentAllocation)) == 0


# -- the signed letter -------------------------------------------------------------------------------

def test_signed_letter_verifies_is_recorded_and_carries_its_rows(ctx, contract, three):
    import subprocess

    from app.printing.embed import list_embedded_files
    from app.printing.verify import verify_pdf
    from app.services import reports
    from app.services.receivables import generate_receivables_letter
    from tests.conftest import PASSWORD
    from tests.printing.pdf_helpers import has_words, pdf_text
    from app.services.cheques import ChequeInput, add_cheque
    old = create_contract(ctx, ContractInput(office_name="اداره بهزیستی شهرستان ری", number="1403-2",
                                             start_date="1403/01/01", end_date="1403/12/29",
                                             fee_per_case_month_rials=FEE, capacity=10))
    add_cheque(ctx, ChequeInput(old.id, "445566", 900_000_000, "1403/01/05"))
    pay.add_payment(ctx, payment(contract.id, 15_000_000))
    reports.create_signing_key(ctx, PASSWORD)
    doc = generate_receivables_letter(ctx, "اداره بهزیستی شهرستان ری", sign_password=PASSWORD)
    assert doc.signed and verify_pdf(doc.pdf).ok
    check = reports.check_report(ctx, doc.pdf)
    assert check.ok and check.verification.trusted and check.report_id == doc.report_id
    record = next(r for r in reports.list_reports(ctx) if r.id == doc.report_id)
    assert record.kind == "receivables" and record.signed and record.digest == doc.digest
    table = json.loads(list_embedded_files(doc.pdf)[f"{doc.report_id}.json"])
    assert [r["outstanding_rials"] for r in table["invoices"]] == [15_000_000, 30_000_000]
    assert [c["cheque_number"] for c in table["cheques"]] == ["445566"]
    text = pdf_text(doc.pdf)
    assert has_words(text, "صورت وضعیت مطالبات") and f"INV-140505-{contract.id}" in text
    assert f"INV-140504-{contract.id}" not in text  # paid: not asked for again
    # An independent verifier agrees; bytes appended after signing are refused.
    result = subprocess.run(["pdfsig", "-"], input=doc.pdf, capture_output=True)
    if result.returncode != 0 or not result.stdout:  # older poppler reads only files
        import tempfile
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(doc.pdf)
            f.flush()
            result = subprocess.run(["pdfsig", f.name], capture_output=True)
    assert b"Signature is Valid" in result.stdout, result.stdout
    assert not reports.check_report(ctx, doc.pdf + b"\n%changed\n").ok


def test_letter_refuses_unknown_office_and_nothing_to_ask(ctx, contract):
    from app.errors import NotFound
    from app.services.receivables import generate_receivables_letter
    with pytest.raises(NotFound):
        generate_receivables_letter(ctx, "اداره‌ای که نیست")
    with pytest.raises(ValidationError):
        generate_receivables_letter(ctx, "اداره بهزیستی شهرستان ری")


def test_receivables_excel_from_the_view(ctx, contract, three, tmp_path):
    from openpyxl import load_workbook

    from app.services.receivables import export_xlsx
    pay.add_payment(ctx, pay.PaymentInput(contract_id=contract.id, paid_on="1405/09/01", amount_rials=15_000_000,
                                          bank_reference="=1+2"))
    export_xlsx(ctx, tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["صورتحساب‌های باز", "قراردادها", "ادارات", "چک‌های ضمانت", "ماه به ماه", "پرداخت‌ها"]
    reference = book["پرداخت‌ها"]["E2"]
    assert reference.value == "=1+2" and reference.data_type == "s"  # a typed «formula» stays text
    open_sheet = book["صورتحساب‌های باز"]
    assert [open_sheet.cell(row=r, column=7).value for r in (2, 3)] == [15_000_000, 30_000_000]
    assert book["قراردادها"]["A3"].value == "جمع کل" and book["قراردادها"]["E3"].value == 45_000_000


# -- demo data ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("today", [dt.date(2026, 11, 23), dt.date(2026, 3, 22)])  # late in a year; its 2nd day
def test_demo_holds_paid_late_and_partly_paid_invoices_and_one_overdue_cheque(tmp_path, today):
    from app.domain.enums import Role
    from app.services.context import Actor, ServiceContext
    from app.services.demo import build_demo
    from app.storage.database import Database, sqlite_url
    from app.storage.migrate import upgrade
    db = Database(sqlite_url(tmp_path / "demo.sqlite3"))
    upgrade(db)
    try:
        build_demo(db, 30, seed=5, today=today, password="demo-pass-1")
        from tests.conftest import signed_in
        ctx = ServiceContext(db, signed_in(1, "مدیر", Role.MANAGER), clock=at(today))
        view = receivables(ctx)
        kinds = {i.status for i in view.invoices}
        assert kinds == {"paid", "partly_paid", "open"} or (today.month == 3 and kinds >= {"paid", "open"})
        assert max(i.days_outstanding or 0 for i in view.invoices) > 60  # something is late
        overdue = pay.overdue_cheques(ctx)
        assert len(overdue) == 1
        # That contract gave two cheques: the other one came back.
        theirs = pay.list_cheques(ctx, contract_id=overdue[0].contract_id)
        assert len(theirs) == 2 and sum(1 for c in theirs if c.returned_on) == 1
        assert any(len(pay.list_cheques(ctx, contract_id=c.contract_id)) == 2 and c.contract_id != overdue[0].contract_id
                   for c in view.cheques)  # and a current contract with two, both held
        rows = pay.list_payments(ctx)
        assert any(r.reverses_id for r in rows) and all(r.paid_on <= today for r in rows)
        assert all(i.delivered_on and i.issued_on <= i.delivered_on <= today for i in view.invoices)
        assert view.total.outstanding_rials == sum(i.outstanding_rials for i in view.invoices) > 0
    finally:
        db.dispose()


def test_two_pcs_cannot_both_reverse_one_payment(ctx, contract, three, monkeypatch):
    """The check before the insert can race with another PC; the unique reverses_id settles it."""
    first = pay.add_payment(ctx, payment(contract.id, 1_000))
    pay.reverse_payment(ctx, first.id, "از رایانه دیگر")
    real_scalar = __import__("sqlalchemy.orm", fromlist=["Session"]).Session.scalar

    def blind(self, statement, *args, **kwargs):  # this PC read before the other one wrote
        if "reverses_id" in str(statement):
            return None
        return real_scalar(self, statement, *args, **kwargs)
    monkeypatch.setattr("sqlalchemy.orm.Session.scalar", blind)
    with pytest.raises(Conflict):
        pay.reverse_payment(ctx, first.id, "از این رایانه")
    monkeypatch.undo()
    assert len([p for p in pay.list_payments(ctx) if p.reverses_id == first.id]) == 1
