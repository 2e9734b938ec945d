"""Guarantee cheques become records of their own (a contract may need several), carrying over each
contract's cheque; invoices signed before revision 0010 become debts like the ones signed since, and a signed
correction takes the place of the invoice it replaces

Create Date: 2026-12-03 13:50:00
"""
from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
from app.storage.migrations.columns import ID


revision = '0011'
down_revision = '0010'

IRAN = ZoneInfo("Asia/Tehran")
OLD_CHEQUE_COLUMNS = ('cheque_number', 'cheque_amount_rials', 'cheque_given_on', 'cheque_returned_on')

contract = sa.table(
    'contract', sa.column('id', ID), sa.column('capacity', sa.Integer()),
    sa.column('fee_per_case_month_rials', sa.BigInteger()), sa.column('cheque_number', sa.String()),
    sa.column('cheque_amount_rials', sa.BigInteger()), sa.column('cheque_given_on', sa.Date()),
    sa.column('cheque_returned_on', sa.Date()))
cheque = sa.table(
    'guarantee_cheque', sa.column('id', ID), sa.column('contract_id', ID), sa.column('number', sa.String()),
    sa.column('amount_rials', sa.BigInteger()), sa.column('given_on', sa.Date()),
    sa.column('returned_on', sa.Date()), sa.column('note', sa.String()), sa.column('voided_at', sa.DateTime()),
    sa.column('void_reason', sa.String()), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('created_by', ID))
report = sa.table(
    'report_record', sa.column('id', sa.String()), sa.column('kind', sa.String()), sa.column('contract_id', ID),
    sa.column('year', sa.Integer()), sa.column('month', sa.Integer()), sa.column('signed', sa.Boolean()),
    sa.column('signed_at', sa.DateTime()), sa.column('created_at', sa.DateTime()),
    sa.column('replaces_id', sa.String()), sa.column('data_json', sa.Text()), sa.column('summary', sa.String()))
case_file = sa.table(
    'case_file', sa.column('contract_id', ID), sa.column('received_on', sa.Date()), sa.column('status', sa.String()),
    sa.column('status_on', sa.Date()))
invoice = sa.table(
    'invoice_account', sa.column('id', ID), sa.column('report_id', sa.String()), sa.column('contract_id', ID),
    sa.column('year', sa.Integer()), sa.column('month', sa.Integer()), sa.column('amount_rials', sa.BigInteger()),
    sa.column('issued_on', sa.Date()), sa.column('delivered_on', sa.Date()),
    sa.column('delivery_method', sa.String()), sa.column('delivery_note', sa.String()),
    sa.column('created_at', sa.DateTime(timezone=True)), sa.column('replaced_by', sa.String()))
allocation = sa.table(
    'payment_allocation', sa.column('id', ID), sa.column('payment_id', ID), sa.column('invoice_id', ID),
    sa.column('amount_rials', sa.BigInteger()))


def upgrade() -> None:
    op.create_table('guarantee_cheque',
    sa.Column('id', ID, nullable=False),
    sa.Column('contract_id', ID, nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('amount_rials', sa.BigInteger(), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('void_reason', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_guarantee_cheque_contract_id_contract')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_guarantee_cheque_created_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantee_cheque'))
    )
    op.create_index(op.f('ix_guarantee_cheque_contract_id'), 'guarantee_cheque', ['contract_id'], unique=False)
    conn = op.get_bind()
    now = dt.datetime.now(dt.timezone.utc)
    _carry_cheques_over(conn, now)
    _drop_columns(conn, 'contract', OLD_CHEQUE_COLUMNS)
    with op.batch_alter_table('invoice_account') as batch:
        batch.add_column(sa.Column('replaced_by', sa.String(length=32), nullable=True))
    _invoices_signed_before_0010(conn, now)
    _corrections_take_the_place_of_what_they_replace(conn)


def _drop_columns(conn, table: str, names) -> None:
    """SQLite drops a plain column in place (3.35 and later): rebuilding a table, as batch mode
    would, is refused while other tables' foreign keys point at it."""
    if conn.dialect.name == 'sqlite':
        import sqlite3
        if sqlite3.sqlite_version_info < (3, 35):
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is too old for this upgrade (3.35 or later needed).")
        for name in names:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {name}')
    else:
        for name in names:
            op.drop_column(table, name)


def _carry_cheques_over(conn, now: dt.datetime) -> None:
    """Every contract that named a cheque (a number, an amount or a day given) keeps it, as it was."""
    rows = conn.execute(sa.select(contract).where(sa.or_(
        contract.c.cheque_number != '', contract.c.cheque_amount_rials.is_not(None),
        contract.c.cheque_given_on.is_not(None))).order_by(contract.c.id)).all()
    if rows:
        conn.execute(cheque.insert(), [dict(
            contract_id=r.id, number=r.cheque_number or '', amount_rials=r.cheque_amount_rials,
            given_on=r.cheque_given_on, returned_on=r.cheque_returned_on, note='', voided_at=None, void_reason='',
            created_at=now, created_by=None) for r in rows])


def invoice_amount(data_json: str, summary: str):
    """The billed amount as the signed invoice itself recorded it (its embedded data, or failing that
    the QR summary); None when the record keeps neither (made before revision 0007)."""
    try:
        total = json.loads(data_json or '{}').get('total_rials')
    except (ValueError, AttributeError):
        total = None
    if isinstance(total, int) and not isinstance(total, bool):
        return total
    found = re.search(r'\btotal (\d+)\b', summary or '')
    return int(found.group(1)) if found else None


RECOMPUTED = "مبلغ از سوابق پرونده‌ها دوباره حساب شد (صورتحساب پیش از نسخه ۷)؛ با نسخه کاغذی بسنجید."


def _recomputed(conn, contract_id: int, year: int, month: int):
    """An invoice signed before revision 0007 kept no amount: bill it as generate_invoice did, the
    files held under the contract during the month (capped by its capacity) times its fee."""
    from app.persian import month_bounds  # pure calendar arithmetic, no models
    terms = conn.execute(sa.select(contract.c.capacity, contract.c.fee_per_case_month_rials)
                         .where(contract.c.id == contract_id)).first()
    if terms is None:
        return None
    start, end = month_bounds(year, month)
    held = conn.execute(sa.select(sa.func.count()).select_from(case_file).where(
        case_file.c.contract_id == contract_id, case_file.c.received_on <= end,
        sa.or_(case_file.c.status == 'active', case_file.c.status_on.is_(None), case_file.c.status_on >= start))
    ).scalar() or 0
    return min(held, terms.capacity) * terms.fee_per_case_month_rials


def _invoices_signed_before_0010(conn, now: dt.datetime) -> None:
    """A signed invoice is owed from the day it was signed. Those signed before the receivables
    existed get their debt now; an invoice replaced by a signed correction is owed only through
    the correction."""
    has_account = sa.select(invoice.c.id).where(invoice.c.report_id == report.c.id).exists()
    replaced = sa.select(report.c.replaces_id).where(report.c.signed == sa.true(),
                                                      report.c.replaces_id.is_not(None)).scalar_subquery()
    rows = conn.execute(sa.select(report).where(
        report.c.kind == 'invoice', report.c.signed == sa.true(), report.c.contract_id.is_not(None),
        report.c.year.is_not(None), report.c.month.is_not(None), ~has_account,
        report.c.id.not_in(replaced)).order_by(report.c.signed_at, report.c.id)).all()
    new = []
    for r in rows:
        amount = invoice_amount(r.data_json, r.summary)
        note = ''
        if amount is None:
            amount, note = _recomputed(conn, r.contract_id, r.year, r.month), RECOMPUTED
        if amount is None or (note and amount == 0):  # billed nothing: nothing is owed
            continue
        moment = r.signed_at or r.created_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        new.append(dict(report_id=r.id, contract_id=r.contract_id, year=r.year, month=r.month, amount_rials=amount,
                        issued_on=moment.astimezone(IRAN).date(), delivered_on=None, delivery_method='',
                        delivery_note=note, created_at=now))
    if new:
        conn.execute(invoice.insert(), new)


def _corrections_take_the_place_of_what_they_replace(conn) -> None:
    """Revision 0010 opened a debt for a signed correction and kept the one for the invoice it
    replaced: the replaced one is owed no longer, and its payments now settle the correction."""
    pairs = conn.execute(sa.select(report.c.replaces_id, report.c.id).where(
        report.c.kind == 'invoice', report.c.signed == sa.true(), report.c.replaces_id.is_not(None))
        .order_by(report.c.signed_at, report.c.id)).all()
    accounts = {r.report_id: r for r in conn.execute(sa.select(invoice))}
    for old_id, new_id in pairs:
        old, new = accounts.get(old_id), accounts.get(new_id)
        if old is None or new is None or old.replaced_by is not None:
            continue
        conn.execute(invoice.update().where(invoice.c.id == old.id).values(replaced_by=new_id))
        room = new.amount_rials
        for payment_id, amount in conn.execute(
                sa.select(allocation.c.payment_id, sa.func.sum(allocation.c.amount_rials))
                .where(allocation.c.invoice_id == old.id).group_by(allocation.c.payment_id)
                .order_by(allocation.c.payment_id)).all():
            if amount <= 0:
                continue
            rows = [dict(payment_id=payment_id, invoice_id=old.id, amount_rials=-amount)]
            take = min(amount, room)
            if take > 0:
                rows.append(dict(payment_id=payment_id, invoice_id=new.id, amount_rials=take))
                room -= take
            conn.execute(allocation.insert(), rows)


def downgrade() -> None:
    # The contract keeps one cheque again: the first one entered that was not voided. The invoice
    # debts made above stay (revision 0010 has the table too).
    _drop_columns(op.get_bind(), 'invoice_account', ['replaced_by'])
    with op.batch_alter_table('contract') as batch:
        batch.add_column(sa.Column('cheque_number', sa.String(length=50), nullable=False, server_default=''))
        batch.add_column(sa.Column('cheque_amount_rials', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('cheque_given_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('cheque_returned_on', sa.Date(), nullable=True))
    conn = op.get_bind()
    first = {}
    for r in conn.execute(sa.select(cheque).where(cheque.c.voided_at.is_(None)).order_by(cheque.c.id)):
        first.setdefault(r.contract_id, r)
    for contract_id, r in first.items():
        conn.execute(contract.update().where(contract.c.id == contract_id).values(
            cheque_number=r.number, cheque_amount_rials=r.amount_rials, cheque_given_on=r.given_on,
            cheque_returned_on=r.returned_on))
    op.drop_index(op.f('ix_guarantee_cheque_contract_id'), table_name='guarantee_cheque')
    op.drop_table('guarantee_cheque')
