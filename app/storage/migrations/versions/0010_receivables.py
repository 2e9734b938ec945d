"""Receivables: signed invoices as debts (with their delivery), payments and what they settle,
and the days after a contract's end by which its guarantee cheque is due back

Create Date: 2026-12-03 09:20:00
"""
from alembic import op
import sqlalchemy as sa
from app.storage.migrations.columns import ID


revision = '0010'
down_revision = '0008'


def upgrade() -> None:
    # New tables and one column with a default: no existing row is changed.
    with op.batch_alter_table('contract') as batch:
        batch.add_column(sa.Column('cheque_return_days', sa.Integer(), server_default='30', nullable=False))
    op.create_table('invoice_account',
    sa.Column('id', ID, nullable=False),
    sa.Column('report_id', sa.String(length=32), nullable=False),
    sa.Column('contract_id', ID, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('amount_rials', sa.BigInteger(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('delivery_method', sa.String(length=100), nullable=False),
    sa.Column('delivery_note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_invoice_account_contract_id_contract')),
    sa.ForeignKeyConstraint(['report_id'], ['report_record.id'],
                            name=op.f('fk_invoice_account_report_id_report_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_account')),
    sa.UniqueConstraint('report_id', name=op.f('uq_invoice_account_report_id'))
    )
    op.create_index(op.f('ix_invoice_account_contract_id'), 'invoice_account', ['contract_id'], unique=False)
    op.create_table('payment',
    sa.Column('id', ID, nullable=False),
    sa.Column('contract_id', ID, nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_rials', sa.BigInteger(), nullable=False),
    sa.Column('bank_reference', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('reverses_id', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_payment_contract_id_contract')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_payment_created_by_staff')),
    sa.ForeignKeyConstraint(['reverses_id'], ['payment.id'], name=op.f('fk_payment_reverses_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_payment_reverses_id'))
    )
    op.create_index(op.f('ix_payment_contract_id'), 'payment', ['contract_id'], unique=False)
    op.create_table('payment_allocation',
    sa.Column('id', ID, nullable=False),
    sa.Column('payment_id', ID, nullable=False),
    sa.Column('invoice_id', ID, nullable=False),
    sa.Column('amount_rials', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice_account.id'],
                            name=op.f('fk_payment_allocation_invoice_id_invoice_account')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_payment_allocation_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocation'))
    )
    op.create_index(op.f('ix_payment_allocation_invoice_id'), 'payment_allocation', ['invoice_id'], unique=False)
    op.create_index(op.f('ix_payment_allocation_payment_id'), 'payment_allocation', ['payment_id'], unique=False)


def downgrade() -> None:
    op.drop_table('payment_allocation')
    op.drop_table('payment')
    op.drop_table('invoice_account')
    with op.batch_alter_table('contract') as batch:
        batch.drop_column('cheque_return_days')
