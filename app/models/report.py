from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Id, utcnow


class ReportRecord(Base):
    """A printed report kept on record: which PDF was produced, its digest, and whether it is signed.

    The id is the report ID printed on the paper (text, not a counter), so the county office can
    quote it back. A correction is a new record that names the one it replaces.
    """

    __tablename__ = "report_record"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # monthly | invoice | case | review
    contract_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contract.id"))
    year: Mapped[Optional[int]]
    month: Mapped[Optional[int]]
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case_file.id"), index=True)
    # sha256 hex of the document's data (a monthly report: its embedded JSON), also printed in the QR code.
    digest: Mapped[str] = mapped_column(String(64))
    signed: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[Optional[dt.datetime]]
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    correction_number: Mapped[int] = mapped_column(default=0)
    replaces_id: Mapped[Optional[str]] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    file_name: Mapped[str] = mapped_column(String(300), default="")
    # The document's data exactly as embedded in its PDF (JSON): what a correction is compared
    # with, and what an invoice is checked against. Empty for records made before revision 0007.
    data_json: Mapped[str] = mapped_column(Text, default="")
    # Why a correction was made (printed on it); the monthly report an invoice cites.
    reason: Mapped[str] = mapped_column(Text, default="")
    cites_id: Mapped[Optional[str]] = mapped_column(String(32))
    # The human half of the QR code (kind, month, contract, main totals), to compare paper with registry by eye.
    summary: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        # "Is this month's report signed?" is asked on every change to a service.
        Index("ix_report_month", "contract_id", "year", "month"),
        # "The signed monthly report (or invoice) of this contract and month".
        Index("ix_report_kind_month", "kind", "contract_id", "year", "month", "signed"),
    )


class SignedMonthChange(Base):
    """A change dated inside a month whose report was already signed: who, what, why.

    The month's signed report then needs a correction until a newer one is signed: a change
    names the signed report it was made against (`report_id`)."""

    __tablename__ = "signed_month_change"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[str] = mapped_column(String(32), index=True)
    contract_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contract.id"))
    year: Mapped[int]
    month: Mapped[int]
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case_file.id"))
    record_kind: Mapped[str] = mapped_column(String(30))  # service | case_file | review | referral | problem | family
    record_id: Mapped[Optional[int]] = mapped_column(Id)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
