"""The office's own tables: its users, the clinics it contracts with, and the documents received.

A separate DeclarativeBase and metadata from the clinic's (app.models), and table names that all
begin with «office_», so an office and a clinic can even share one PostgreSQL database."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.models.base import NAMING

Id = BigInteger().with_variant(Integer(), "sqlite")


class OfficeBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: DateTime(timezone=True)}


class OfficeInfo(OfficeBase):
    __tablename__ = "office_info"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime]


class OfficeUser(OfficeBase):
    __tablename__ = "office_user"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    role: Mapped[str] = mapped_column(String(16), default="admin")  # admin | clerk | viewer (app.office.access)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Optional[dt.datetime]]


class OfficeAudit(OfficeBase):
    """Who did what at the office desk, and when: every command and screen action of a signed-in user."""

    __tablename__ = "office_audit"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(500), default="")


class OfficeClinic(OfficeBase):
    __tablename__ = "office_clinic"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    licence: Mapped[str] = mapped_column(String(64), unique=True)  # normalised (ASCII digits)
    name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(200), default="")
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the certificate
    certificate_name: Mapped[str] = mapped_column(String(200), default="")
    registered_at: Mapped[dt.datetime]


class OfficeContract(OfficeBase):
    __tablename__ = "office_contract"
    __table_args__ = (UniqueConstraint("clinic_id", "number", name="uq_office_contract_clinic_number"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("office_clinic.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    fee_rials: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)


class OfficeDocument(OfficeBase):
    """A received, accepted report or invoice. A correction points back at the one it replaced
    (replaces_id) and the replaced one is kept, marked `current = False`: the history stays."""

    __tablename__ = "office_document"
    __table_args__ = (Index("ix_office_document_month", "year", "month", "kind", "current"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    document_id: Mapped[str] = mapped_column(String(64), unique=True)  # the clinic's ID (MR-..., INV-...)
    kind: Mapped[str] = mapped_column(String(16))  # monthly | invoice
    clinic_id: Mapped[int] = mapped_column(ForeignKey("office_clinic.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("office_contract.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    correction_number: Mapped[int] = mapped_column(Integer, default=0)
    replaces_id: Mapped[Optional[int]] = mapped_column(ForeignKey("office_document.id"))
    replaces_document_id: Mapped[str] = mapped_column(String(64), default="")  # as the file cites it
    cites_report_id: Mapped[str] = mapped_column(String(64), default="")  # an invoice's monthly report
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    stored_path: Mapped[str] = mapped_column(String(500))
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[Optional[dt.datetime]]
    received_at: Mapped[dt.datetime]
    received_by: Mapped[str] = mapped_column(String(200), default="")
    # Figures of a monthly report (zero for an invoice), kept as columns so months add up in SQL.
    clients: Mapped[int] = mapped_column(Integer, default=0)
    active_at_start: Mapped[int] = mapped_column(Integer, default=0)
    active_at_end: Mapped[int] = mapped_column(Integer, default=0)
    new_files: Mapped[int] = mapped_column(Integer, default=0)
    closed_files: Mapped[int] = mapped_column(Integer, default=0)
    returned_files: Mapped[int] = mapped_column(Integer, default=0)
    total_services: Mapped[int] = mapped_column(Integer, default=0)
    home_visits: Mapped[int] = mapped_column(Integer, default=0)
    reviews_done: Mapped[int] = mapped_column(Integer, default=0)
    reviews_due: Mapped[int] = mapped_column(Integer, default=0)
    abuse_concerns: Mapped[int] = mapped_column(Integer, default=0)
    referrals: Mapped[int] = mapped_column(Integer, default=0)
    # An invoice's figures (for a monthly report: what its invoice must bill).
    payable_case_months: Mapped[int] = mapped_column(Integer, default=0)
    fee_rials: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_rials: Mapped[int] = mapped_column(BigInteger, default=0)
    # services by kind and by mode ({label: count}), the report's contract and clinic as it states them.
    details_json: Mapped[str] = mapped_column(Text, default="{}")


class OfficeRefusal(OfficeBase):
    __tablename__ = "office_refusal"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    kept_path: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[dt.datetime]
    received_by: Mapped[str] = mapped_column(String(200), default="")
