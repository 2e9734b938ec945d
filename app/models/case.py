from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Id, Timestamps, Versioned


class CaseFile(Versioned, Timestamps, Base):
    """One child's or young person's file (پرونده مددجو)."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    behzisti_file_number: Mapped[str] = mapped_column(String(50), unique=True)
    clinic_file_number: Mapped[str] = mapped_column(String(50), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    father_name: Mapped[str] = mapped_column(String(100), default="")
    national_code: Mapped[Optional[str]] = mapped_column(String(10), unique=True)
    sex: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[Optional[dt.date]]
    living_arrangement: Mapped[str] = mapped_column(String(30))
    discharge_date: Mapped[Optional[dt.date]]
    received_on: Mapped[dt.date]
    early_transfer_reason: Mapped[str] = mapped_column(Text, default="")
    contract_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contract.id"), index=True)
    priority: Mapped[bool] = mapped_column(default=False)
    priority_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_on: Mapped[Optional[dt.date]]
    status_reason: Mapped[str] = mapped_column(Text, default="")
    social_worker_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    psychologist_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"), index=True)
    behzisti_summary: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    phones: Mapped[str] = mapped_column(String(200), default="")

    # Derived, kept by the services so worklists need no per-row subqueries.
    name_key: Mapped[str] = mapped_column(String(400))
    last_name_key: Mapped[str] = mapped_column(String(400))
    first_name_key: Mapped[str] = mapped_column(String(400))
    last_service_on: Mapped[Optional[dt.date]]
    next_follow_up: Mapped[Optional[dt.date]]
    last_review_on: Mapped[Optional[dt.date]]

    family: Mapped[list["FamilyMember"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="FamilyMember.id"
    )

    __table_args__ = (
        Index("ix_case_follow_up", "status", "next_follow_up"),
        # Contract capacity is counted on every save and every opening of a file.
        Index("ix_case_contract_status", "contract_id", "status"),
        # The dashboard's reviews due and overdue this half-year, counted on this index alone.
        Index("ix_case_review", "status", "last_review_on", "received_on"),
        # Fragments too short for the trigram index are matched by scanning this narrow index.
        Index("ix_case_name_key", "name_key", "priority", "last_name_key", "first_name_key", "id"),
    )


# Worklists: priority first, then Persian order of last and first name; the index runs in exactly that
# order so a page is read straight off it. Name search itself uses app.storage.search's own index.
Index("ix_case_order", CaseFile.status, CaseFile.priority.desc(), CaseFile.last_name_key,
      CaseFile.first_name_key, CaseFile.id)
Index("ix_case_worker_order", CaseFile.social_worker_id, CaseFile.status, CaseFile.priority.desc(),
      CaseFile.last_name_key, CaseFile.first_name_key, CaseFile.id)


class FamilyMember(Versioned, Base):
    __tablename__ = "family_member"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(30))
    birth_year: Mapped[Optional[int]]
    occupation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    lives_with_child: Mapped[bool] = mapped_column(default=True)

    case: Mapped[CaseFile] = relationship(back_populates="family")


class Service(Versioned, Timestamps, Base):
    """One service delivered to a child (خدمت), the line the monthly report is built from."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    date: Mapped[dt.date]
    kind: Mapped[str] = mapped_column(String(20))
    # Care domains as a comma-separated list of CareDomain values; a handful at most.
    domains: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    minutes: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    abuse_concern: Mapped[bool] = mapped_column(default=False)
    abuse_action: Mapped[str] = mapped_column(Text, default="")
    next_follow_up: Mapped[Optional[dt.date]]
    problem_id: Mapped[Optional[int]] = mapped_column(ForeignKey("problem.id", ondelete="SET NULL"), index=True)
    # Set when the service was changed after its month's report was signed.
    amended_reason: Mapped[str] = mapped_column(Text, default="")
    # A psychologist's note, fixed when written: it stays confidential whatever later happens to
    # its author's role.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        Index("ix_service_case_date", "case_id", "date"),
        Index("ix_service_date", "date", "case_id"),
        Index("ix_service_staff_date", "staff_id", "date"),
        # The few abuse concerns (0.4% of services), by date: an index of them alone, whose size
        # tells SQLite's planner how few they are (revision 0016).
        Index("ix_service_abuse_only", "date", sqlite_where=text("abuse_concern = 1"),
              postgresql_where=text("abuse_concern")),
    )


class Problem(Versioned, Timestamps, Base):
    """An unforeseen problem worked through study -> plan -> action -> follow-up -> resolved."""

    __tablename__ = "problem"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(20), default="study")
    opened_on: Mapped[dt.date]
    resolved_on: Mapped[Optional[dt.date]]
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    # Opened by a psychologist: title and description are theirs, fixed when written.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())

    steps: Mapped[list["ProblemStep"]] = relationship(
        back_populates="problem", cascade="all, delete-orphan", order_by="ProblemStep.id"
    )


class ProblemStep(Base):
    """One move of a problem into a stage, with its date and what was done."""

    __tablename__ = "problem_step"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    # Written by a psychologist (fixed when written, whatever later happens to their role).
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())

    problem: Mapped[Problem] = relationship(back_populates="steps")


class Review(Versioned, Timestamps, Base):
    """The twice-yearly review of a client's situation (بررسی وضعیت)."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    date: Mapped[dt.date]
    reviewer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    social_worker_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    findings: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_review_case_date", "case_id", "date"), Index("ix_review_date", "date"))


class Referral(Versioned, Timestamps, Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(index=True)
    to_body: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_on: Mapped[Optional[dt.date]]
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    # Made by a psychologist: body, reason and outcome are theirs (fixed when written).
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The outcome, when a psychologist wrote it on someone else's referral.
    outcome_confidential: Mapped[bool] = mapped_column(default=False, server_default=false())


class Attachment(Base):
    """A scanned document kept inside the data folder under its content hash."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[dt.datetime]
    added_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
