"""Printed documents: the signed monthly report, the invoice, a child's file summary, the review form.

Each generated document is recorded (ID, month, contract, digest, who, when) so the QR code on a
printed copy can be checked against the clinic's records."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import AuthError, NotFound, ValidationError
from app.models import CaseFile, Contract, ReportRecord, Setting, Staff
from app.persian import month_bounds, to_jalali
from app.printing import data as pd
from app.printing.documents.case_summary import render_case_summary
from app.printing.documents.invoice import render_invoice
from app.printing.documents.monthly_report import render_monthly_report
from app.printing.documents.review_form import render_review_form
from app.printing.documents.signature_stamp import render_signature_stamp
from app.printing.layout import SIGNATURE_BOX
from app.printing.embed import JSON_MIME, XLSX_MIME, embed_files
from app.printing.export import monthly_report_json, monthly_report_xlsx
# Signing and verifying (pyHanko, and aiohttp behind it: ~1 s to import) are imported by the
# functions that sign or verify, so an unsigned report never loads them (issue 17).
from app.services import audit, report_data as rd, validation as v
from app.services.accounts import password_matches
from app.services.context import ServiceContext
from app.services.permissions import require_manager
from app.services.visits import register_signed_month_check

if TYPE_CHECKING:
    from app.printing.verify import VerificationResult

Progress = Callable[[int, int], None]
KEY_SETTING, FINGERPRINT_SETTING, SUBJECT_SETTING = "signing.identity", "signing.fingerprint", "signing.subject"


@dataclass(frozen=True)
class GeneratedDocument:
    report_id: str
    pdf: bytes
    digest: str
    signed: bool
    correction_number: int = 0
    replaces_id: Optional[str] = None
    xlsx: Optional[bytes] = None


@dataclass(frozen=True)
class ReportView:
    id: str
    kind: str
    contract_id: Optional[int]
    year: Optional[int]
    month: Optional[int]
    case_id: Optional[int]
    digest: str
    signed: bool
    signed_at: Optional[dt.datetime]
    signer_name: str
    correction_number: int
    replaces_id: Optional[str]
    created_at: dt.datetime


@dataclass(frozen=True)
class SigningKeyInfo:
    subject: str
    fingerprint: str


@dataclass(frozen=True)
class ReportCheck:
    verification: VerificationResult
    report_id: Optional[str]
    record_found: bool
    digest_matches: bool

    @property
    def ok(self) -> bool:
        return self.verification.ok and self.record_found and self.digest_matches


# -- the signing key ---------------------------------------------------------------------------------

def _manager_password_ok(session: Session, ctx: ServiceContext, password: str) -> None:
    """The key is kept under the manager's own sign-in password."""
    staff = session.get(Staff, ctx.actor.staff_id) if ctx.actor.staff_id else None
    if staff is not None and not password_matches(staff.password_hash, password):
        raise AuthError("رمز عبور مدیر نادرست است.", field="password")


def _store_key(session: Session, ctx: ServiceContext, blob: bytes, password: str) -> SigningKeyInfo:
    from app.printing.signing import identity_info
    info = identity_info(blob, password)
    for key, value in ((KEY_SETTING, base64.b64encode(blob).decode()), (FINGERPRINT_SETTING, info.fingerprint_sha256),
                       (SUBJECT_SETTING, info.common_name)):
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    audit.record(session, ctx, "signing_key", "setting", None, changes={"fingerprint": info.fingerprint_sha256})
    return SigningKeyInfo(info.common_name, info.fingerprint_sha256)


def create_signing_key(ctx: ServiceContext, password: str) -> SigningKeyInfo:
    """A new certificate in the clinic's name, encrypted under the manager's password."""
    from app.printing.signing import create_clinic_identity
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        _manager_password_ok(session, ctx, password)
        clinic = rd.clinic_info(session)
        blob = create_clinic_identity(clinic.name, clinic.licence_number, password, now=ctx.now())
        return _store_key(session, ctx, blob, password)


def import_signing_key(ctx: ServiceContext, pkcs12: bytes, pkcs12_password: str, password: str) -> SigningKeyInfo:
    from app.printing.signing import import_pkcs12
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        _manager_password_ok(session, ctx, password)
        blob = import_pkcs12(pkcs12, pkcs12_password, password, now=ctx.now())
        return _store_key(session, ctx, blob, password)


def signing_key_info(ctx: ServiceContext) -> Optional[SigningKeyInfo]:
    with ctx.db.read() as session:
        fingerprint = session.get(Setting, FINGERPRINT_SETTING)
        subject = session.get(Setting, SUBJECT_SETTING)
        if fingerprint is None:
            return None
        return SigningKeyInfo(subject.value if subject else "", fingerprint.value)


def check_signing_password(ctx: ServiceContext, password: str) -> SigningKeyInfo:
    """Does this password open the clinic's signing key? Asked before a long report is built,
    so a mistyped password is found at once rather than after the whole document."""
    from app.printing.signing import identity_info
    require_manager(ctx.actor)
    with ctx.db.read() as session:
        _manager_password_ok(session, ctx, password)
        blob = _key_blob(session)
    try:
        info = identity_info(blob, password)
    except AuthError as exc:
        raise AuthError(exc.message, field="password") from None
    return SigningKeyInfo(info.common_name, info.fingerprint_sha256)


def _key_blob(session: Session) -> bytes:
    row = session.get(Setting, KEY_SETTING)
    if row is None:
        raise ValidationError("کلید امضای کلینیک هنوز ساخته نشده است (تنظیمات ← کلید امضا).", field="password")
    return base64.b64decode(row.value)


# -- the monthly report ------------------------------------------------------------------------------

def _new_id(prefix: str, when: dt.date) -> str:
    y, m, d = to_jalali(when)
    return f"{prefix}-{y}{m:02d}{d:02d}-{uuid.uuid4().hex[:8].upper()}"


def _correction(session: Session, contract_id: int, year: int, month: int) -> tuple[int, Optional[str]]:
    """After a month's report was signed, the next one is a numbered correction naming the last."""
    last = session.scalar(select(ReportRecord).where(
        ReportRecord.kind == "monthly", ReportRecord.contract_id == contract_id, ReportRecord.year == year,
        ReportRecord.month == month, ReportRecord.signed.is_(True))
        .order_by(ReportRecord.correction_number.desc(), ReportRecord.created_at.desc()).limit(1))
    if last is None:
        return 0, None
    return last.correction_number + 1, last.id


def monthly_data(ctx: ServiceContext, contract_id: int, year: int, month: int,
                 progress: Optional[Progress] = None) -> pd.MonthlyReportData:
    require_manager(ctx.actor)
    start, end = month_bounds(year, month)
    with ctx.db.read() as session:
        contract = v.lookup(session, Contract, contract_id)
        if contract is None:
            raise NotFound("قرارداد پیدا نشد.", field="contract")
        if end < contract.start_date or start > contract.end_date:
            raise ValidationError("این ماه در دوره قرارداد نیست.", field="month")
        names = rd._staff_names(session)
        services = rd.month_services(session, contract.id, start, end)
        clients = rd.client_rows(session, contract.id, start, end, services, names, True, progress)
        summary = rd.monthly_summary(session, contract.id, start, end, services)
        workers = session.scalars(select(CaseFile.social_worker_id).where(
            CaseFile.contract_id == contract.id, rd._active_during(start, end),
            CaseFile.social_worker_id.is_not(None)).distinct())
        correction, replaces = _correction(session, contract.id, year, month)
        return pd.MonthlyReportData(
            report_id=_new_id("MR", ctx.today()), clinic=rd.clinic_info(session), contract=rd.contract_info(contract),
            year=year, month=month, generated_at=ctx.now(), generated_by=ctx.actor.name, summary=summary,
            clients=clients, signers=rd.signers_for(session, workers, names),
            correction_number=correction or None, replaces_report_id=replaces)


def generate_monthly(ctx: ServiceContext, contract_id: int, year: int, month: int, *,
                     sign_password: Optional[str] = None, progress: Optional[Progress] = None) -> GeneratedDocument:
    data = monthly_data(ctx, contract_id, year, month, progress)
    table = monthly_report_json(data)
    # The QR's digest is the embedded JSON's SHA-256: anyone can recompute it from the file itself.
    digest = hashlib.sha256(table).hexdigest()
    data = dataclasses.replace(data, qr_payload=f"PARVANDEH:{data.report_id}:{digest}")
    pdf = io.BytesIO()
    render_monthly_report(data, pdf, progress)
    xlsx = io.BytesIO()
    monthly_report_xlsx(data, xlsx)
    pdf_bytes = embed_files(pdf.getvalue(), [(f"{data.report_id}.json", table, JSON_MIME),
                                             (f"{data.report_id}.xlsx", xlsx.getvalue(), XLSX_MIME)])
    return _finish(ctx, data.report_id, "monthly", pdf_bytes, digest, sign_password,
                   contract_id=contract_id, year=year, month=month,
                   correction=data.correction_number or 0, replaces=data.replaces_report_id, xlsx=xlsx.getvalue())


def _finish(ctx: ServiceContext, report_id: str, kind: str, pdf_bytes: bytes, digest: str,
            sign_password: Optional[str], *, contract_id=None, year=None, month=None, case_id=None,
            correction: int = 0, replaces: Optional[str] = None, xlsx: Optional[bytes] = None) -> GeneratedDocument:
    """Sign (the last write to the file) and record the document in one transaction."""
    with ctx.db.transaction() as session:
        signed_at = None
        if sign_password is not None:
            from app.printing.signing import sign_pdf
            require_manager(ctx.actor)
            clinic = rd.clinic_info(session)
            signed_at = ctx.now()
            stamp = render_signature_stamp(ctx.actor.name, clinic.name, signed_at, "گزارش عملکرد ماهانه")
            pdf_bytes = sign_pdf(pdf_bytes, _key_blob(session), sign_password, signer_name=ctx.actor.name,
                                 location=clinic.name, stamp_pdf=stamp, signing_time=signed_at,
                                 box=SIGNATURE_BOX)
        session.add(ReportRecord(
            id=report_id, kind=kind, contract_id=contract_id, year=year, month=month, case_id=case_id,
            digest=digest, signed=signed_at is not None, signed_at=signed_at,
            signer_name=ctx.actor.name if signed_at else "", correction_number=correction, replaces_id=replaces,
            created_at=ctx.now(), created_by=ctx.actor.staff_id, file_name=f"{report_id}.pdf"))
        audit.record(session, ctx, "report", "report_record", None, case_id=case_id,
                     changes={"id": report_id, "kind": kind, "signed": signed_at is not None, "digest": digest})
    return GeneratedDocument(report_id, pdf_bytes, digest, signed_at is not None, correction, replaces, xlsx)


def month_is_signed(session: Session, case_id: int, day: dt.date) -> bool:
    contract_id = session.scalar(select(CaseFile.contract_id).where(CaseFile.id == case_id))
    if contract_id is None:
        return False
    year, month, _ = to_jalali(day)
    return bool(session.scalar(select(func.count()).select_from(ReportRecord).where(
        ReportRecord.kind == "monthly", ReportRecord.contract_id == contract_id, ReportRecord.year == year,
        ReportRecord.month == month, ReportRecord.signed.is_(True))))


register_signed_month_check(month_is_signed)


# -- the invoice, a child's file, the review form ---------------------------------------------------

def generate_invoice(ctx: ServiceContext, contract_id: int, year: int, month: int, *,
                     sign_password: Optional[str] = None) -> GeneratedDocument:
    require_manager(ctx.actor)
    start, end = month_bounds(year, month)
    with ctx.db.read() as session:
        contract = v.lookup(session, Contract, contract_id)
        if contract is None:
            raise NotFound("قرارداد پیدا نشد.", field="contract")
        report = session.scalar(select(ReportRecord.id).where(
            ReportRecord.kind == "monthly", ReportRecord.contract_id == contract.id, ReportRecord.year == year,
            ReportRecord.month == month).order_by(ReportRecord.correction_number.desc(),
                                                   ReportRecord.created_at.desc()).limit(1))
        names = rd._staff_names(session)
        manager = rd.signers_for(session, [], names)
        data = pd.InvoiceData(
            invoice_id=_new_id("INV", ctx.today()), clinic=rd.clinic_info(session),
            contract=rd.contract_info(contract), year=year, month=month,
            payable_case_months=rd.payable_case_months(session, contract.id, start, end),
            report_id=report or "", issued_at=ctx.now(), generated_by=ctx.actor.name, signers=manager)
    return _render_and_finish(ctx, data, data.invoice_id, render_invoice, "invoice", sign_password,
                              contract_id=contract_id, year=year, month=month)


def generate_case_summary(ctx: ServiceContext, case_id: int, purpose: str = "بازدید کارشناس ناظر", *,
                          sign_password: Optional[str] = None) -> GeneratedDocument:
    with ctx.db.read() as session:
        parts = rd.case_summary_parts(ctx, session, case_id)
        data = pd.CaseSummaryData(document_id=_new_id("CS", ctx.today()), clinic=rd.clinic_info(session),
                                  purpose=purpose, generated_at=ctx.now(), generated_by=ctx.actor.name, **parts)
    return _render_and_finish(ctx, data, data.document_id, render_case_summary, "case", sign_password,
                              case_id=case_id)


def generate_review_form(ctx: ServiceContext, review_id: int) -> GeneratedDocument:
    with ctx.db.read() as session:
        parts = rd.review_parts(ctx, session, review_id)
        case_id = session.scalar(select(CaseFile.id).where(
            CaseFile.behzisti_file_number == parts["child"].behzisti_file_number))
        data = pd.ReviewFormData(document_id=_new_id("RV", ctx.today()), clinic=rd.clinic_info(session),
                                 generated_at=ctx.now(), generated_by=ctx.actor.name, **parts)
    return _render_and_finish(ctx, data, data.document_id, render_review_form, "review", None, case_id=case_id)


def _render_and_finish(ctx: ServiceContext, data, document_id: str, render, kind: str,
                       sign_password: Optional[str], **record) -> GeneratedDocument:
    """Digest the document's data, print it with a QR code carrying ID and digest, sign and record it."""
    digest = hashlib.sha256(repr(data).encode()).hexdigest()
    data = dataclasses.replace(data, qr_payload=f"PARVANDEH:{document_id}:{digest}")
    out = io.BytesIO()
    render(data, out)
    return _finish(ctx, document_id, kind, out.getvalue(), digest, sign_password, **record)


def find_case_id(ctx: ServiceContext, file_number: str) -> int:
    from app.persian import normalize_identifier
    number = normalize_identifier(file_number)
    with ctx.db.read() as session:
        case_id = session.scalar(select(CaseFile.id).where(
            (CaseFile.behzisti_file_number == number) | (CaseFile.clinic_file_number == number)))
    if case_id is None:
        raise NotFound(f"پرونده‌ای با شماره {number} پیدا نشد.", field="file")
    return case_id


# -- checking a document -----------------------------------------------------------------------------

def check_report(ctx: ServiceContext, pdf: bytes) -> ReportCheck:
    """Signature intact and covering the whole file, and the embedded data matching our record."""
    from app.printing.embed import list_embedded_files
    from app.printing.verify import verify_pdf
    trusted = signing_key_info(ctx)
    result = verify_pdf(pdf, trusted_certs=[trusted.fingerprint] if trusted else None)
    try:
        files = list_embedded_files(pdf)
    except Exception:  # a damaged file has no readable attachments; the verification says why
        files = {}
    table = next((data for name, data in files.items() if name.endswith(".json")), None)
    report_id = next((name[:-5] for name in files if name.endswith(".json")), None)
    with ctx.db.read() as session:
        record = session.get(ReportRecord, report_id) if report_id else None
    digest_ok = bool(record and table and hashlib.sha256(table).hexdigest() == record.digest)
    return ReportCheck(result, report_id, record is not None, digest_ok)


def check_printed_code(ctx: ServiceContext, code: str) -> tuple[Optional[ReportView], bool]:
    """The QR code of a paper copy («PARVANDEH:<id>:<digest>») against the clinic's records:
    the record it names (or None) and whether the digest matches it."""
    parts = (code or "").strip().split(":")
    if len(parts) != 3 or parts[0] != "PARVANDEH":
        raise ValidationError("این کد، کد گزارش پرونده نیست.", field="code")
    _, report_id, digest = parts
    matches = [r for r in _reports_where(ctx, ReportRecord.id == report_id)]
    if not matches:
        return None, False
    return matches[0], matches[0].digest == digest.lower()


def _reports_where(ctx: ServiceContext, *where) -> list[ReportView]:
    with ctx.db.read() as session:
        rows = session.scalars(select(ReportRecord).where(*where))
        return [_report_view(r) for r in rows]


def _report_view(r: ReportRecord) -> ReportView:
    return ReportView(r.id, r.kind, r.contract_id, r.year, r.month, r.case_id, r.digest, r.signed, r.signed_at,
                      r.signer_name, r.correction_number, r.replaces_id, r.created_at)


def list_reports(ctx: ServiceContext, limit: int = 200) -> list[ReportView]:
    """The documents on record, newest first (what the QR code on a paper copy is checked against)."""
    with ctx.db.read() as session:
        rows = session.scalars(select(ReportRecord).order_by(ReportRecord.created_at.desc()).limit(limit))
        return [_report_view(r) for r in rows]
