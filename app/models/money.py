"""Money owed to the clinic: the signed invoices handed to a county office, and the payments
received against them.

Nothing here is ever deleted or rewritten: a wrong payment is undone by a reversing payment
(negative amount, `reverses_id` set) with its own allocations, so the ledger keeps both."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Id, utcnow


class InvoiceAccount(Base):
    """A signed invoice as a debt: its amount, and when it was handed over or sent."""

    __tablename__ = "invoice_account"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report_record.id"), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    year: Mapped[int]
    month: Mapped[int]
    amount_rials: Mapped[int] = mapped_column(BigInteger)
    issued_on: Mapped[dt.date]
    delivered_on: Mapped[Optional[dt.date]]
    delivery_method: Mapped[str] = mapped_column(String(100), default="")
    delivery_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The signed correction (its INV-… number) owed in this invoice's place; what was paid against
    # this one was carried over to it (revision 0011).
    replaced_by: Mapped[Optional[str]] = mapped_column(String(32))


class Payment(Base):
    """Money received from a county office (or, with `reverses_id`, the undoing of such an entry)."""

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    paid_on: Mapped[dt.date]
    amount_rials: Mapped[int] = mapped_column(BigInteger)
    bank_reference: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(1000), default="")
    reverses_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))


class PaymentAllocation(Base):
    """The part of a payment that settles one invoice."""

    __tablename__ = "payment_allocation"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice_account.id"), index=True)
    amount_rials: Mapped[int] = mapped_column(BigInteger)


class GuaranteeCheque(Base):
    """A guarantee cheque the clinic gave a county office for a contract (a contract may need several).

    Due back `contract.cheque_return_days` after the contract's end. Never deleted: a wrong entry
    is voided (with its reason) and a wrong return undone, each an audited action of its own."""

    __tablename__ = "guarantee_cheque"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    number: Mapped[str] = mapped_column(String(50), default="")
    amount_rials: Mapped[Optional[int]] = mapped_column(BigInteger)
    # Empty only for a cheque carried over from a contract that never said when it was given.
    given_on: Mapped[Optional[dt.date]]
    returned_on: Mapped[Optional[dt.date]]
    note: Mapped[str] = mapped_column(String(500), default="")
    voided_at: Mapped[Optional[dt.datetime]]
    void_reason: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
