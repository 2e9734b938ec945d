from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


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

    __table_args__ = (
        # "Is this month's report signed?" is asked on every change to a service.
        Index("ix_report_month", "contract_id", "year", "month"),
    )
