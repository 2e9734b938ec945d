from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Id, Timestamps, Versioned


class Contract(Versioned, Timestamps, Base):
    """An annual cooperation contract with a county office (قرارداد همکاری سالیانه)."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    office_name: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(300))
    number: Mapped[str] = mapped_column(String(50), unique=True)
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    fee_per_case_month_rials: Mapped[int] = mapped_column(BigInteger)
    capacity: Mapped[int]
    supervisor_name: Mapped[str] = mapped_column(String(200), default="")
    supervisor_contact: Mapped[str] = mapped_column(String(200), default="")
    # Days after the contract's end by which the office agreed to give its guarantee cheques back
    # (the cheques themselves: app.models.money.GuaranteeCheque, since revision 0011).
    cheque_return_days: Mapped[int] = mapped_column(default=30, server_default="30")
    notes: Mapped[str] = mapped_column(Text, default="")
