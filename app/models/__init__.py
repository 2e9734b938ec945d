"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from app.models.acknowledgement import AbuseAcknowledgement
from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.case import (
    Attachment,
    CaseFile,
    FamilyMember,
    Problem,
    ProblemStep,
    Referral,
    Review,
    Service,
)
from app.models.clinic import Clinic, Setting, Staff, StaffTraining
from app.models.contract import Contract
from app.models.money import GuaranteeCheque, InvoiceAccount, Payment, PaymentAllocation
from app.models.presence import DbMeta, DbSession
from app.models import versioning  # noqa: F401  (registers the version counting)
from app.models.report import ReportRecord, SignedMonthChange

__all__ = [
    "AbuseAcknowledgement", "AuditEntry", "Attachment", "Base", "CaseFile", "Clinic", "Contract", "DbMeta", "DbSession",
    "FamilyMember", "GuaranteeCheque", "InvoiceAccount", "Payment", "PaymentAllocation",
    "Problem", "ProblemStep", "Referral", "ReportRecord", "Review", "Service", "Setting", "SignedMonthChange", "Staff",
    "StaffTraining",
]
