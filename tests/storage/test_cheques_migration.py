"""Revision 0011 on databases that hold data: each contract's one cheque becomes a cheque record,
and invoices signed before revision 0010 (which made signed invoices debts) become debts too.

The old databases are made by applying the old revisions and writing rows with plain SQL against
their schema (not today's models, which follow the newest revision)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from app.domain.enums import Role
from app.persian import from_jalali
from app.services import cheques as ch, payments as pay
from app.services.context import ServiceContext
from app.services.receivables import receivables
from app.storage.database import APPLICATION_ID, Database, sqlite_url
from app.storage.migrate import alembic_config, current_revision, head_revision, integrity_problems, upgrade
from tests.conftest import NOW, signed_in

AT = "2026-06-01 08:30:00.000000"
STAMP = dict(created_at=AT, updated_at=AT)
FEE = 1_200_000


def at_revision(path: Path, revision: str) -> Database:
    db = Database(sqlite_url(path))
    cfg = alembic_config()
    with db.write_engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return db


def insert(conn: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    """Rows as that revision's table takes them (columns it does not have yet are left out)."""
    have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    for row in rows:
        row = {k: v for k, v in row.items() if k in have}
        conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def contract(id, number, cheque=("", None, None, None), **extra):
    number_, amount, given, returned = cheque
    return dict(id=id, office_name="اداره بهزیستی شهرستان ری", programme="طرح توسعه", number=number,
                start_date=extra.pop("start", "2025-03-21"), end_date=extra.pop("end", "2026-03-20"),
                fee_per_case_month_rials=FEE, capacity=50, supervisor_name="", supervisor_contact="",
                cheque_number=number_, cheque_amount_rials=amount, cheque_given_on=given, cheque_returned_on=returned,
                notes="", **STAMP, **extra)


def invoice_record(id, contract_id, year, month, *, signed=True, total=None, summary="", replaces=None,
                   signed_at="2026-05-02 06:00:00.000000"):
    data = json.dumps({"kind": "invoice", "total_rials": total}) if total is not None else ""
    return dict(id=id, kind="invoice", contract_id=contract_id, year=year, month=month, case_id=None,
                digest="0" * 64, signed=int(signed), signed_at=signed_at if signed else None,
                signer_name="مینا مدیری" if signed else "", correction_number=1 if replaces else 0,
                replaces_id=replaces, created_at=AT, created_by=None, file_name=f"{id}.pdf", data_json=data,
                reason="", cites_id=None, summary=summary)


OLD_CONTRACTS = [
    contract(1, "1404-3", ("778899", 500_000_000, "2025-03-25", None)),                # held, past due
    contract(2, "1404-4", ("۵۵۶۶", 300_000_000, "2025-03-26", "2026-04-10")),          # returned
    contract(3, "1405-1", start="2026-03-21", end="2027-03-20"),                       # no cheque
    contract(4, "1404-5", ("", 200_000_000, None, None)),                              # an amount only
]
OLD_INVOICES = [
    invoice_record("INV-14040115-00000001", 1, 1404, 1, total=60_000_000),
    invoice_record("INV-14040215-00000002", 1, 1404, 2, total=61_000_000),         # replaced by …0003
    invoice_record("INV-14040301-00000003", 1, 1404, 2, total=62_400_000, replaces="INV-14040215-00000002",
                   signed_at="2026-05-21 21:00:00.000000"),                         # 00:30 on the 22nd in Tehran
    invoice_record("INV-14040315-00000004", 1, 1404, 3, signed=False, total=70_000_000),   # a draft: no debt
    invoice_record("INV-14040415-00000005", 2, 1404, 4, summary="invoice 1404/04 contract 1404-4 case-months 40 "
                                                                 "total 48000000 report MR-1"),
    invoice_record("INV-14040515-00000006", 2, 1404, 5),                            # before 0007: no amount kept
]


def fill(path: Path, revision: str, with_accounts: bool = False) -> None:
    conn = sqlite3.connect(path)
    with conn:
        insert(conn, "contract", OLD_CONTRACTS)
        insert(conn, "report_record", OLD_INVOICES)
        if with_accounts:  # an invoice signed after 0010 already has its debt (and a payment against it)
            insert(conn, "report_record", [invoice_record("INV-14050115-00000007", 3, 1405, 1, total=10_000_000)])
            insert(conn, "invoice_account", [dict(id=1, report_id="INV-14050115-00000007", contract_id=3, year=1405,
                                                  month=1, amount_rials=10_000_000, issued_on="2026-05-02",
                                                  delivered_on="2026-05-03", delivery_method="پست", delivery_note="",
                                                  created_at=AT)])
            insert(conn, "payment", [dict(id=1, contract_id=3, paid_on="2026-06-01", amount_rials=4_000_000,
                                          bank_reference="r1", note="", reverses_id=None, created_at=AT,
                                          created_by=None)])
            insert(conn, "payment_allocation", [dict(id=1, payment_id=1, invoice_id=1, amount_rials=4_000_000)])
            # Revision 0010 kept a debt for an invoice and for the correction that replaced it.
            insert(conn, "report_record", [
                invoice_record("INV-14050215-00000008", 3, 1405, 2, total=9_000_000),
                invoice_record("INV-14050220-00000009", 3, 1405, 2, total=8_000_000, replaces="INV-14050215-00000008")])
            insert(conn, "invoice_account", [
                dict(id=2, report_id="INV-14050215-00000008", contract_id=3, year=1405, month=2, amount_rials=9_000_000,
                     issued_on="2026-05-02", delivered_on=None, delivery_method="", delivery_note="", created_at=AT),
                dict(id=3, report_id="INV-14050220-00000009", contract_id=3, year=1405, month=2, amount_rials=8_000_000,
                     issued_on="2026-05-03", delivered_on=None, delivery_method="", delivery_note="", created_at=AT)])
            insert(conn, "payment", [dict(id=2, contract_id=3, paid_on="2026-06-02", amount_rials=9_000_000,
                                          bank_reference="r9", note="", reverses_id=None, created_at=AT,
                                          created_by=None)])
            insert(conn, "payment_allocation", [dict(id=2, payment_id=2, invoice_id=2, amount_rials=9_000_000)])
    conn.close()


def manager_ctx(db: Database) -> ServiceContext:
    return ServiceContext(db, signed_in(1, "مینا مدیری", Role.MANAGER), clock=lambda: NOW)


@pytest.fixture
def staff_row():
    return dict(id=1, first_name="مینا", last_name="مدیری", sort_key="مینا", national_code=None, role="manager",
                degree="master", field_of_study="", phone="", active=1, left_on=None, username="boss",
                password_hash=None, failed_logins=0, locked_until=None, password_changed_at=None, **STAMP)


@pytest.mark.parametrize("revision", ["0010"])
def test_cheques_carried_over_and_old_signed_invoices_become_debts(tmp_path, revision, staff_row):
    path = tmp_path / "old.sqlite3"
    db = at_revision(path, revision)
    db.dispose()
    conn = sqlite3.connect(path)
    with conn:
        insert(conn, "staff", [staff_row])
    conn.close()
    fill(path, revision, with_accounts=revision == "0010")
    db = Database(sqlite_url(path))
    try:
        assert upgrade(db) and current_revision(db) == head_revision()
        assert integrity_problems(db) == []
        ctx = manager_ctx(db)
        cheques = {c.contract_number: c for c in ch.list_cheques(ctx)}
        assert set(cheques) == {"1404-3", "1404-4", "1404-5"}
        held = cheques["1404-3"]
        assert (held.cheque_number, held.amount_rials, held.given_on, held.returned_on) == (
            "778899", 500_000_000, dt.date(2025, 3, 25), None)
        assert held.due_back == dt.date(2026, 3, 20) + dt.timedelta(days=30) and held.days_overdue > 0
        assert cheques["1404-4"].cheque_number == "۵۵۶۶" and cheques["1404-4"].returned_on == dt.date(2026, 4, 10)
        assert cheques["1404-5"].given_on is None and cheques["1404-5"].amount_rials == 200_000_000
        assert {c.contract_number for c in ch.overdue_cheques(ctx)} == {"1404-3", "1404-5"}
        with sqlite3.connect(path) as conn:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(contract)")}
        assert not columns & {"cheque_number", "cheque_amount_rials", "cheque_given_on", "cheque_returned_on"}
        assert "cheque_return_days" in columns

        invoices = {i.report_id: i for i in pay.list_invoices(ctx)}
        expected = {"INV-14040115-00000001": 60_000_000, "INV-14040301-00000003": 62_400_000,
                    "INV-14040415-00000005": 48_000_000}
        # …0006 kept no amount and contract 1404-4 held no files that month: nothing is owed for it.
        if revision == "0010":
            expected["INV-14050115-00000007"] = 10_000_000
            expected["INV-14050220-00000009"] = 8_000_000  # the correction only; the 9,000,000 paid settles it
        assert {k: v.amount_rials for k, v in invoices.items()} == expected
        if revision == "0010":
            assert invoices["INV-14050220-00000009"].status == "paid"
            assert pay.find_invoice(ctx, "INV-14050215-00000008").paid_rials == 0
        corrected = invoices["INV-14040301-00000003"]
        assert corrected.issued_on == dt.date(2026, 5, 22)  # the day in Tehran it was signed
        assert corrected.status == "open" and corrected.delivered_on is None
        view = receivables(ctx)
        assert {i.report_id for i in view.open_invoices} == set(expected) - {"INV-14050220-00000009"}
        assert view.total.outstanding_rials == sum(expected.values()) - (12_000_000 if revision == "0010" else 0)
        if revision == "0010":
            assert view.total.credit_rials == 1_000_000  # paid 9,000,000 against a corrected 8,000,000
        # The old debts take payments like any other.
        pay.record_delivery(ctx, invoices["INV-14040115-00000001"].id, "1405/03/01")
        pay.add_payment(ctx, pay.PaymentInput(1, "1405/09/01", 60_000_000, "r2"))
        assert pay.find_invoice(ctx, "INV-14040115-00000001").status == "paid"
    finally:
        db.dispose()


def test_downgrade_gives_each_contract_its_first_cheque_back(tmp_path, staff_row):
    path = tmp_path / "old.sqlite3"
    at_revision(path, "0010").dispose()
    conn = sqlite3.connect(path)
    with conn:
        insert(conn, "staff", [staff_row])
    conn.close()
    fill(path, "0010")
    db = Database(sqlite_url(path))
    try:
        upgrade(db)
        ctx = manager_ctx(db)
        wrong = ch.add_cheque(ctx, ch.ChequeInput(3, "1", 5, "1405/01/05"))
        ch.void_cheque(ctx, wrong.id, "اشتباه")
        ch.add_cheque(ctx, ch.ChequeInput(3, "9090", 700_000_000, from_jalali(1405, 1, 6)))
        cfg = alembic_config()
        with db.write_engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
    finally:
        db.dispose()
    with sqlite3.connect(path) as conn:
        rows = dict((r[0], r[1:]) for r in conn.execute(
            "SELECT number, cheque_number, cheque_amount_rials, cheque_returned_on FROM contract"))
    assert rows["1404-3"] == ("778899", 500_000_000, None)
    assert rows["1404-4"] == ("۵۵۶۶", 300_000_000, "2026-04-10")
    assert rows["1405-1"] == ("9090", 700_000_000, None)  # the voided entry is not the contract's cheque


def test_invoices_signed_at_revision_0009_or_earlier_are_owed_at_what_they_billed(tmp_path):
    """A clinic from revision 0001 (the shipped fixture) that signed invoices before revisions 0007
    and 0010: the records keep no amount, so it is billed again from the files, as the invoice did."""
    import shutil

    from app.persian import month_bounds
    from app.services import report_data as rd
    from app.storage.migrate import MIGRATIONS_DIR  # noqa: F401  (the shipped revisions)
    path = tmp_path / "old.sqlite3"
    shutil.copy(Path(__file__).resolve().parent / "fixtures" / "revision_0001.sqlite3", path)
    at_revision(path, "0009").dispose()
    conn = sqlite3.connect(path)
    with conn:
        insert(conn, "report_record", [
            invoice_record("INV-14050310-0000000A", 1, 1405, 2),
            invoice_record("INV-14050410-0000000B", 1, 1405, 3),
            invoice_record("INV-14050415-0000000C", 1, 1405, 3, replaces="INV-14050410-0000000B"),
            invoice_record("INV-14050420-0000000D", 1, 1405, 4, signed=False)])
    conn.close()
    db = Database(sqlite_url(path))
    try:
        assert upgrade(db) and current_revision(db) == head_revision()
        ctx = ServiceContext(db, signed_in(1, "مینا مدیری", Role.MANAGER), clock=lambda: NOW)
        with db.read() as session:
            billed = {m: rd.payable_case_months(session, 1, *month_bounds(1405, m)) * FEE for m in (2, 3)}
        assert all(billed.values())
        view = receivables(ctx)
        assert {i.report_id: i.amount_rials for i in view.open_invoices} == {
            "INV-14050310-0000000A": billed[2], "INV-14050415-0000000C": billed[3]}
        assert view.total.outstanding_rials == billed[2] + billed[3]
        assert [c.cheque_number for c in ch.list_cheques(ctx)] == ["778899"]
        with db.read() as session:
            from sqlalchemy import select

            from app.models import InvoiceAccount
            notes = set(session.scalars(select(InvoiceAccount.delivery_note)))
        assert len(notes) == 1 and "دوباره حساب شد" in notes.pop()  # the manager is told to check the paper
    finally:
        db.dispose()
