"""Printed documents: the signed monthly report, the invoice, a child's file summary, the review form.

Each generated document is recorded (ID, month, contract, digest, who, when) so the QR code on a
printed copy can be checked against the clinic's records."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import io
import json
import uuid
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from sqlalchemy import LargeBinary, Text, bindparam, cast, func, select
from sqlalchemy.orm import Session

from app.errors import AuthError, NotFound, ValidationError
from app.models import CaseFile, Contract, ReportRecord, Setting, Staff
from app.persian import format_jalali, format_month, iran_date, iran_time, month_bounds, to_jalali
from app.printing import data as pd
from app.printing.documents.case_summary import render_case_summary
from app.printing.documents.invoice import render_invoice
from app.printing.documents.monthly_report import render_monthly_report
from app.printing.documents.review_form import render_review_form
from app.printing.documents.signature_stamp import render_signature_stamp
from app.printing.layout import SIGNATURE_BOX
from app.printing.embed import JSON_MIME, XLSX_MIME, embed_files
from app.printing.export import (document_json, monthly_report_json, monthly_report_xlsx, payable_case_months,
                                 reported_content)
# Signing and verifying (pyHanko, and aiohttp behind it: ~1 s to import) are imported by the
# functions that sign or verify, so an unsigned report never loads them (issue 17).
from app.services import audit, keybox, report_data as rd, validation as v
from app.services.accounts import password_matches
from app.services.context import ServiceContext
from app.services.permissions import case_scope, require_manager
from app.domain.settings import SIGNING_CERTIFICATE, SIGNING_FINGERPRINT, SIGNING_IDENTITY, SIGNING_SUBJECT
from app.domain.documents import DOCUMENT_KINDS, document_file_name, document_title
from app.services.policy import Action, Kind, helper, rule
from app.services.signed_months import (MonthMark, month_needs_correction, months_needing_correction,  # noqa: F401
                                        signed_monthly_report)

if TYPE_CHECKING:
    from app.printing.verify import VerificationResult

Progress = Callable[[int, int], None]
KEY_SETTING, FINGERPRINT_SETTING, SUBJECT_SETTING = SIGNING_IDENTITY.key, SIGNING_FINGERPRINT.key, SIGNING_SUBJECT.key
CERTIFICATE_SETTING = SIGNING_CERTIFICATE.key  # the public certificate (DER, base64), exported without the password

# Each kind of document: (Persian title, file name's stem); the table itself is app.domain.documents.
KINDS = {key: (kind.title, kind.stem) for key, kind in DOCUMENT_KINDS.items()}


@dataclass(frozen=True)
class GeneratedDocument:
    report_id: str
    pdf: bytes
    digest: str
    signed: bool
    correction_number: int = 0
    replaces_id: Optional[str] = None
    xlsx: Optional[bytes] = None
    kind: str = ""
    file_name: str = ""  # names the kind, the month and the ID: what to save it as
    data_json: bytes = b""  # the data embedded in the PDF


class UnfinishedMonth(ValidationError):
    """Signing a month that has not ended: the caller must confirm, knowing which days are missing."""

    def __init__(self, message: str, missing_from: dt.date, missing_to: dt.date):
        super().__init__(message, field="confirm_unfinished")
        self.missing_from, self.missing_to = missing_from, missing_to


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
    summary: str = ""  # the QR code's human part: kind, month, contract, main totals
    reason: str = ""
    cites_id: Optional[str] = None
    file_name: str = ""

    @property
    def kind_label(self) -> str:
        return document_title(self.kind)


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
    kind: str = ""  # monthly | invoice | case | review, from the registry (or the embedded data)

    @property
    def ok(self) -> bool:
        return self.verification.ok and self.record_found and self.digest_matches

    @property
    def accepted(self) -> bool:
        """Intact, nothing after the signature, signed by this clinic's certificate, and on record."""
        return self.ok and self.verification.accepted


# -- the signing key ---------------------------------------------------------------------------------

def _manager_password_ok(ctx: ServiceContext, password: str) -> None:
    """The key is kept under the manager's own sign-in password. Checked before the call's own
    transaction, so a wrong one can be counted toward the lockout (guessing here is guessing at sign-in)."""
    with ctx.db.read() as session:
        staff = session.get(Staff, ctx.actor.staff_id) if ctx.actor.staff_id else None
        wrong = staff is not None and not password_matches(staff.password_hash, password)
    if wrong:
        from app.services.accounts import count_wrong_password
        count_wrong_password(ctx.db, ctx.actor.staff_id, ctx.now())
        raise AuthError("رمز عبور مدیر نادرست است.", field="password")


def _store_key(session: Session, ctx: ServiceContext, blob: bytes, password: str) -> SigningKeyInfo:
    from app.printing.signing import certificate_der, identity_info
    info = identity_info(blob, password)
    certificate = base64.b64encode(certificate_der(blob, password)).decode()
    for key, value in ((KEY_SETTING, keybox.seal(blob, password)), (FINGERPRINT_SETTING, info.fingerprint_sha256),
                       (SUBJECT_SETTING, info.common_name), (CERTIFICATE_SETTING, certificate)):
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    audit.record(session, ctx, "signing_key", "setting", None, changes={"fingerprint": info.fingerprint_sha256})
    return SigningKeyInfo(info.common_name, info.fingerprint_sha256)


@rule(Kind.SIGNING_KEY, Action.CREATE)
def create_signing_key(ctx: ServiceContext, password: str) -> SigningKeyInfo:
    """A new certificate in the clinic's name, encrypted under the manager's password."""
    from app.printing.signing import create_clinic_identity
    require_manager(ctx.actor)
    _manager_password_ok(ctx, password)
    with ctx.db.transaction() as session:
        clinic = rd.clinic_info(session)
        blob = create_clinic_identity(clinic.name, clinic.licence_number, password, now=ctx.now())
        return _store_key(session, ctx, blob, password)


@rule(Kind.SIGNING_KEY, Action.CREATE)
def import_signing_key(ctx: ServiceContext, pkcs12: bytes, pkcs12_password: str, password: str) -> SigningKeyInfo:
    from app.printing.signing import import_pkcs12
    require_manager(ctx.actor)
    _manager_password_ok(ctx, password)
    with ctx.db.transaction() as session:
        blob = import_pkcs12(pkcs12, pkcs12_password, password, now=ctx.now())
        return _store_key(session, ctx, blob, password)


@rule(Kind.CLINIC, Action.READ, before_sign_in=True)
def signing_key_info(ctx: ServiceContext) -> Optional[SigningKeyInfo]:
    with ctx.db.read() as session:
        fingerprint = session.get(Setting, FINGERPRINT_SETTING)
        subject = session.get(Setting, SUBJECT_SETTING)
        if fingerprint is None:
            return None
        return SigningKeyInfo(subject.value if subject else "", fingerprint.value)


@rule(Kind.SIGNING_KEY, Action.READ)
def check_signing_password(ctx: ServiceContext, password: str) -> SigningKeyInfo:
    """Does this password open the clinic's signing key? Asked before a long report is built,
    so a mistyped password is found at once rather than after the whole document."""
    from app.printing.signing import identity_info
    require_manager(ctx.actor)
    _manager_password_ok(ctx, password)
    info = identity_info(unlocked_key(ctx, password), password)
    return SigningKeyInfo(info.common_name, info.fingerprint_sha256)


@rule(Kind.SIGNING_KEY, Action.READ)
def clinic_certificate(ctx: ServiceContext, password: Optional[str] = None) -> bytes:
    """The clinic's public certificate (DER) for the county office. Keys made before it was kept
    beside them need the manager's password once, to read it out of the encrypted key."""
    with ctx.db.read() as session:
        row = session.get(Setting, CERTIFICATE_SETTING)
        if row is not None:
            return base64.b64decode(row.value)
    if password is None:
        raise AuthError("برای خواندن گواهی از کلید امضا، رمز عبور مدیر لازم است.", field="password")
    from app.printing.signing import certificate_der
    return certificate_der(unlocked_key(ctx, password), password)


@rule(Kind.SIGNING_KEY, Action.READ)
def unlocked_key(ctx: ServiceContext, password: str) -> bytes:
    """The PKCS#12 container, opened with the signing password; a wrong one counts toward the
    account's lockout (committed on its own, since the refused call itself writes nothing).
    Public: the county office's demo signs its sample invoices with it."""
    from app.services.accounts import count_wrong_password
    with ctx.db.read() as session:
        row = session.get(Setting, KEY_SETTING)
        if row is None:
            raise ValidationError("کلید امضای کلینیک هنوز ساخته نشده است (تنظیمات ← کلید امضا).", field="password")
        stored = row.value
    from app.printing.signing import identity_info
    try:
        blob = keybox.unseal(stored, password)
        identity_info(blob, password)  # a container of an older version checks the password here
    except AuthError:
        count_wrong_password(ctx.db, ctx.actor.staff_id, ctx.now())
        raise AuthError(keybox.WRONG, field="password") from None
    return blob


# -- months ------------------------------------------------------------------------------------------

def new_document_id(prefix: str, ctx: "ServiceContext | dt.date") -> str:
    """«MR-14050902-1A2B3C4D»: the Iran calendar day of ctx.now(), the same day the document prints.
    A plain date is still taken (the office's demo passes ctx.today(), which is Iran's day too)."""
    day = ctx if isinstance(ctx, dt.date) else iran_date(ctx.now())
    y, m, d = to_jalali(day)
    return f"{prefix}-{y}{m:02d}{d:02d}-{uuid.uuid4().hex[:8].upper()}"


@rule(Kind.REPORT, Action.CREATE)
def check_month_can_be_signed(ctx: ServiceContext, year: int, month: int, confirm_unfinished: bool = False) -> None:
    """A future month is refused; a month that has not ended needs `confirm_unfinished`, and the
    refusal says which days are still to come. Any month may be previewed unsigned."""
    start, end = month_bounds(year, month)
    today = ctx.today()
    if start > today:
        raise ValidationError(f"ماه {format_month(year, month)} هنوز نیامده است؛ سند ماه آینده امضا نمی‌شود.",
                              field="month")
    if end >= today and not confirm_unfinished:
        raise UnfinishedMonth(
            f"ماه {format_month(year, month)} هنوز تمام نشده است: روزهای {format_jalali(today)} تا "
            f"{format_jalali(end)} هنوز نگذشته‌اند و خدمات آن‌ها در این سند نیست. "
            "برای امضای ماه ناتمام، آن را صریحاً تأیید کنید.", today, end)


def _last_signed(session: Session, kind: str, contract_id: int, year: int, month: int) -> Optional[ReportRecord]:
    return session.scalar(select(ReportRecord).where(
        ReportRecord.kind == kind, ReportRecord.contract_id == contract_id, ReportRecord.year == year,
        ReportRecord.month == month, ReportRecord.signed.is_(True))
        .order_by(ReportRecord.correction_number.desc(), ReportRecord.created_at.desc()).limit(1))


def _correction_of(previous: Optional[ReportView], previous_json: str, new_json: bytes,
                   reason: str) -> tuple[int, str]:
    """Signing again a month (or invoice) already signed: only as a numbered correction, with a
    reason, and only if what it reports has changed. Returns (number, reason)."""
    if previous is None:
        return 0, ""
    if previous_json and reported_content(json.loads(previous_json)) == reported_content(json.loads(new_json)):
        raise ValidationError(f"{document_title(previous.kind)} این ماه با شناسه {previous.id} امضا شده است و از آن پس "
                              "چیزی تغییر نکرده است؛ امضای دوباره لازم نیست.", field="month")
    why = v.text(reason, "correction_reason", "دلیل اصلاح", max_len=2000, multiline=True)
    if not why:
        raise ValidationError(f"{document_title(previous.kind)} این ماه پیش‌تر امضا شده است ({previous.id})؛ "
                              "سند تازه اصلاحیه آن است: دلیل اصلاح را بنویسید.", field="correction_reason")
    return previous.correction_number + 1, why


# -- the monthly report ------------------------------------------------------------------------------

@rule(Kind.REPORT, Action.CREATE)
def monthly_data(ctx: ServiceContext, contract_id: int, year: int, month: int,
                 progress: Optional[Progress] = None) -> pd.MonthlyReportData:
    """The month's figures as they stand now: a preview (a draft). A correction's number, reason and
    table of changes are added only when it is signed (generate_monthly)."""
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
        return pd.MonthlyReportData(
            report_id=new_document_id("MR", ctx), clinic=rd.clinic_info(session), contract=rd.contract_info(contract),
            year=year, month=month, generated_at=iran_time(ctx.now()), generated_by=ctx.actor.name,
            summary=summary, clients=clients, signers=rd.signers_for(session, workers, names), draft=True)


@rule(Kind.REPORT, Action.CREATE)
def generate_monthly(ctx: ServiceContext, contract_id: int, year: int, month: int, *,
                     sign_password: Optional[str] = None, progress: Optional[Progress] = None,
                     correction_reason: str = "", confirm_unfinished: bool = False) -> GeneratedDocument:
    """The monthly report as PDF (with its data as JSON and xlsx inside). Unsigned, it is a draft;
    signed, it locks the month, and signing the month again makes a numbered correction."""
    signing = sign_password is not None
    if signing:
        check_signing_password(ctx, sign_password)
        check_month_can_be_signed(ctx, year, month, confirm_unfinished)
    data = monthly_data(ctx, contract_id, year, month, progress)
    previous = None
    if signing:
        with ctx.db.read() as session:
            record = _last_signed(session, "monthly", contract_id, year, month)
            previous, previous_json = (_report_view(record), record.data_json) if record else (None, "")
        data = dataclasses.replace(data, draft=False)
        number, why = _correction_of(previous, previous_json, monthly_report_json(data), correction_reason)
        if number:
            data = dataclasses.replace(
                data, correction_number=number, replaces_report_id=previous.id, correction_reason=why,
                changes=monthly_changes(json.loads(previous_json or "{}"), json.loads(monthly_report_json(data))))
    table = monthly_report_json(data)
    # The QR's digest is the embedded JSON's SHA-256: anyone can recompute it from the file itself.
    digest = hashlib.sha256(table).hexdigest()
    summary = monthly_summary_text(data)
    data = dataclasses.replace(data, qr_payload=qr_code_text(data.report_id, digest, summary))
    pdf = _Kept()
    render_monthly_report(data, pdf, progress)
    xlsx = _Kept()
    monthly_report_xlsx(data, xlsx, tmpdir=_workbook_folder(ctx, data))
    report_id, correction, replaces, reason = (data.report_id, data.correction_number or 0,
                                               data.replaces_report_id, data.correction_reason)
    del data  # a long month's rows are no longer needed: let them go before the file is finished
    workbook = xlsx.getvalue()
    pdf_bytes = embed_files(pdf.getvalue(), [(f"{report_id}.json", table, JSON_MIME),
                                             (f"{report_id}.xlsx", workbook, XLSX_MIME),
                                             _audit_head_file(ctx, report_id)])
    del pdf, xlsx
    return finish_document(ctx, report_id, "monthly", pdf_bytes, table, sign_password,
                   contract_id=contract_id, year=year, month=month, summary=summary,
                   correction=correction, replaces=replaces,
                   reason=reason, expected_previous=previous.id if previous else None,
                   xlsx=workbook)


# Rows above which the workbook streams through temporary files in the data folder. Below it the
# cells are held in memory (a few MB): the temporary files cost 1.5-4 s of a 1,000-client month's
# wall time on a busy disk, for memory only a long month needs (issue 17).
WORKBOOK_STREAM_ROWS = 5000


def _workbook_folder(ctx: ServiceContext, data: pd.MonthlyReportData) -> Optional[Path]:
    if not ctx.data_dir or not Path(ctx.data_dir).is_dir():
        return None
    rows = sum(len(client.services) or 1 for client in data.clients)
    return Path(ctx.data_dir) if rows > WORKBOOK_STREAM_ROWS else None


class _Kept:
    """A file that keeps the bytes written to it as they are. reportlab writes a finished PDF in
    one call; a BytesIO copied it (7 MB more at a 1,350-page month's peak, issue 17)."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)  # one part: that very object, no copy


AUDIT_HEAD_SUFFIX = "-audit-head.json"


def _audit_head_json(ctx: ServiceContext) -> bytes:
    """The audit chain's head when the document was made: a signed copy of it lives with the county
    office, where no edit of the clinic's database reaches (`parvandeh check --against FILE.pdf`)."""
    with ctx.db.read() as session:
        head = audit.current_head(session)
    return json.dumps({"audit_head": audit.head_dict(head)}, ensure_ascii=False).encode()


def _audit_head_file(ctx: ServiceContext, document_id: str) -> tuple[str, bytes, str]:
    """The embedded file every document carries beside its data."""
    return f"{document_id}{AUDIT_HEAD_SUFFIX}", _audit_head_json(ctx), JSON_MIME


def embedded_audit_head(pdf: bytes) -> Optional[audit.ChainHead]:
    """The audit head a document carries (None when it has none: made before it was embedded)."""
    from app.printing.embed import list_embedded_files
    try:
        files = list_embedded_files(pdf)
    except Exception:  # a damaged file: its verification says why
        return None
    raw = next((data for name, data in files.items() if name.endswith(AUDIT_HEAD_SUFFIX)), None)
    try:
        return audit.head_from_dict(json.loads(raw)["audit_head"]) if raw else None
    except (ValueError, TypeError, KeyError):
        return None


def _data_table(files: dict) -> tuple[Optional[str], Optional[bytes]]:
    """The document's own data (`<id>.json`), never the audit head beside it."""
    for name, data in files.items():
        if name.endswith(".json") and not name.endswith(AUDIT_HEAD_SUFFIX):
            return name[:-5], data
    return None, None


def qr_code_text(document_id: str, digest: str, summary: str) -> str:
    """«PARVANDEH:<id>:<DIGEST>:<SUMMARY>» in capitals: then the whole code fits the QR's
    alphanumeric mode, a smaller code with bigger modules than the same text in lower case."""
    return f"PARVANDEH:{document_id}:{digest.upper()}:{summary.upper()}"


def monthly_summary_text(data: pd.MonthlyReportData) -> str:
    """The QR code's human part for a monthly report (ASCII, short, so the code stays readable)."""
    s = data.summary
    return (f"monthly {data.year}/{data.month:02d} contract {data.contract.number} files {len(data.clients)} "
            f"services {s.total_services} minutes {s.total_minutes} payable {payable_case_months(data)}")


_FIGURES = (
    ("active_at_start", "پرونده‌های فعال در ابتدای ماه"), ("active_at_end", "پرونده‌های فعال در پایان ماه"),
    ("new", "پرونده‌های جدید"), ("closed", "پرونده‌های مختومه"), ("returned", "پرونده‌های عودت‌شده"),
    ("total_services", "مجموع خدمات"), ("total_minutes", "مجموع زمان خدمات (دقیقه)"),
    ("home_visits", "بازدیدهای منزل"), ("reviews_done", "بررسی‌های شش‌ماهه انجام‌شده"),
    ("reviews_due", "بررسی‌های شش‌ماهه سررسیدشده"), ("referrals", "ارجاع‌ها"),
    ("problems_opened", "مشکلات جدید"), ("problems_resolved", "مشکلات رفع‌شده"),
)


def monthly_changes(before: dict, after: dict) -> list[pd.ChangeRow]:
    """What a correction changes against the signed original, from both documents' embedded data:
    figure by figure, then file by file (services and minutes)."""
    old, new = before.get("summary", {}), after.get("summary", {})
    rows = [pd.ChangeRow(label, _fa(old.get(key)), _fa(new.get(key)))
            for key, label in _FIGURES if old.get(key) != new.get(key)]
    for group, label in (("services_by_kind", "خدمت"), ("services_by_mode", "شیوه")):
        a, b = old.get(group, {}) or {}, new.get(group, {}) or {}
        rows += [pd.ChangeRow(f"{label}: {k}", _fa(a.get(k, 0)), _fa(b.get(k, 0)))
                 for k in sorted(set(a) | set(b)) if a.get(k, 0) != b.get(k, 0)]
    if before.get("payable_case_months") != after.get("payable_case_months"):
        rows.append(pd.ChangeRow("پرونده-ماه قابل پرداخت", _fa(before.get("payable_case_months")),
                                 _fa(after.get("payable_case_months"))))
    return rows + _file_changes(before.get("rows", []), after.get("rows", []))


def _file_changes(before: list, after: list) -> list[pd.ChangeRow]:
    def per_file(rows):
        files: dict[str, list] = {}
        for row in rows:
            entry = files.setdefault(row["behzisti_file_number"], [row["full_name"], 0, 0, []])
            if row.get("date"):
                entry[1] += 1
                entry[2] += int(row.get("minutes") or 0)
                entry[3].append((row["date"], row["kind"], row["mode"], row.get("minutes")))
        return files
    old, new = per_file(before), per_file(after)
    rows = []
    for number in sorted(set(old) | set(new)):
        a, b = old.get(number), new.get(number)
        name = (b or a)[0]
        if a is None:
            rows.append(pd.ChangeRow(f"پرونده {number} ({name})", "نبود", _services_text(b)))
        elif b is None:
            rows.append(pd.ChangeRow(f"پرونده {number} ({name})", _services_text(a), "حذف شد"))
        elif sorted(a[3]) != sorted(b[3]):
            rows.append(pd.ChangeRow(f"پرونده {number} ({name})", _services_text(a), _services_text(b)))
    return rows


def _services_text(entry) -> str:
    return f"{_fa(entry[1])} خدمت، {_fa(entry[2])} دقیقه"


def _fa(value) -> str:
    from app.persian import to_persian_digits
    return "—" if value is None else to_persian_digits(str(value))


@helper
def finish_document(ctx: ServiceContext, report_id: str, kind: str, pdf_bytes: bytes, table: bytes,
            sign_password: Optional[str], *, contract_id=None, year=None, month=None, case_id=None,
            correction: int = 0, replaces: Optional[str] = None, reason: str = "", cites: Optional[str] = None,
            summary: str = "", expected_previous: Optional[str] = None,
            xlsx: Optional[bytes] = None, on_record=None) -> GeneratedDocument:
    """Sign (the last write to the file) and record the document in one transaction.

    The signature's reason and the stamp name the kind of document. A monthly report or invoice
    being signed must still follow the same signed document it was built against: if another PC
    signed one in between, nothing is signed or recorded. `on_record(session, signed)` adds what
    belongs with the record (a signed invoice's debt)."""
    digest = hashlib.sha256(table).hexdigest()
    file_name = document_file_name(kind, report_id, year, month)
    key = unlocked_key(ctx, sign_password) if sign_password is not None else None
    with ctx.db.transaction() as session:
        signed_at = None
        if sign_password is not None:
            from app.printing.signing import sign_pdf
            require_manager(ctx.actor)
            if kind in ("monthly", "invoice"):
                latest = _last_signed(session, kind, contract_id, year, month)
                if (latest.id if latest else None) != expected_previous:
                    raise ValidationError(f"در همین فاصله {document_title(kind)} دیگری برای این ماه امضا شد "
                                          f"({latest.id if latest else '—'})؛ سند را دوباره بسازید.", field="month")
            clinic = rd.clinic_info(session)
            signed_at = iran_time(ctx.now())
            label = document_title(kind) + (f" — اصلاحیه {correction}" if correction else "")
            stamp = render_signature_stamp(ctx.actor.name, clinic.name, signed_at, label)
            pdf_bytes = sign_pdf(pdf_bytes, key, sign_password, signer_name=ctx.actor.name,
                                 reason=label, location=clinic.name, stamp_pdf=stamp, signing_time=signed_at,
                                 box=SIGNATURE_BOX)
        # The registry keeps instants in UTC like every other table (SQLite drops the zone); they
        # are shown in Iran time (format_iran_datetime), the same instant as the stamp's.
        session.add(ReportRecord(
            id=report_id, kind=kind, contract_id=contract_id, year=year, month=month, case_id=case_id,
            digest=digest, signed=signed_at is not None, signed_at=ctx.now() if signed_at else None,
            signer_name=ctx.actor.name if signed_at else "", correction_number=correction if signed_at else 0,
            replaces_id=replaces if signed_at else None, created_at=ctx.now(), created_by=ctx.actor.staff_id,
            file_name=file_name, data_json=_stored_text(session, table), reason=reason, cites_id=cites,
            summary=summary))
        if on_record is not None:
            session.flush()  # the record first: what on_record adds refers to it
            on_record(session, signed_at is not None)
        audit.record(session, ctx, "report", "report_record", None, case_id=case_id,
                     changes={"id": report_id, "kind": kind, "signed": signed_at is not None, "digest": digest,
                              "correction": correction or None, "replaces": replaces, "reason": reason or None})
    return GeneratedDocument(report_id, pdf_bytes, digest, signed_at is not None, correction, replaces, xlsx,
                             kind, file_name, table)


def _stored_text(session: Session, data: bytes):
    """The UTF-8 JSON as the text column's value. On SQLite the bytes are bound as they are and
    CAST to TEXT there (the same stored text, byte for byte): decoding them to a Python str, which
    the driver then encodes again, held two more copies of a long month's 13 MB JSON at the peak
    of the report's memory (issue 17). PostgreSQL is given the str (its CAST would write hex)."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(bindparam(None, data, type_=LargeBinary), Text)
    return data.decode("utf-8")


# -- the invoice, a child's file, the review form ---------------------------------------------------

@rule(Kind.REPORT, Action.CREATE)
def generate_invoice(ctx: ServiceContext, contract_id: int, year: int, month: int, *,
                     sign_password: Optional[str] = None, correction_reason: str = "",
                     confirm_unfinished: bool = False) -> GeneratedDocument:
    """The month's invoice. Signed, it must cite the month's signed monthly report and bill exactly
    the case-months that report shows; one signed invoice per contract and month (a second only as a
    numbered correction)."""
    require_manager(ctx.actor)
    signing = sign_password is not None
    if signing:
        check_signing_password(ctx, sign_password)
        check_month_can_be_signed(ctx, year, month, confirm_unfinished)
    start, end = month_bounds(year, month)
    with ctx.db.read() as session:
        contract = v.lookup(session, Contract, contract_id)
        if contract is None:
            raise NotFound("قرارداد پیدا نشد.", field="contract")
        report = signed_monthly_report(session, contract.id, year, month)
        payable = rd.payable_case_months(session, contract.id, start, end)
        if signing:
            _invoice_follows_report(session, contract, year, month, report, payable)
        previous = _last_signed(session, "invoice", contract.id, year, month) if signing else None
        previous_json = previous.data_json if previous else ""
        previous_view = _report_view(previous) if previous else None
        names = rd._staff_names(session)
        data = pd.InvoiceData(
            invoice_id=new_document_id("INV", ctx), clinic=rd.clinic_info(session),
            contract=rd.contract_info(contract), year=year, month=month, payable_case_months=payable,
            report_id=report.id if report else "", issued_at=iran_time(ctx.now()), generated_by=ctx.actor.name,
            signers=rd.signers_for(session, [], names), draft=not signing)
    table = _invoice_json(data)
    if previous_view is not None:
        number, why = _correction_of(previous_view, previous_json, table, correction_reason)
        data = dataclasses.replace(data, correction_number=number, replaces_id=previous_view.id,
                                   correction_reason=why, changes=_invoice_changes(json.loads(previous_json or "{}"),
                                                                                   json.loads(table)))
        table = _invoice_json(data)
    summary = (f"invoice {year}/{month:02d} contract {data.contract.number} case-months {payable} "
               f"total {data.total_rials} report {data.report_id or '-'}")

    def open_debt(session: Session, signed: bool) -> None:
        if signed:  # only a signed invoice is owed (app.services.payments)
            from app.services.payments import open_invoice
            open_invoice(session, ctx, report_id=data.invoice_id, contract_id=contract_id, year=year, month=month,
                         amount_rials=data.total_rials, issued_on=ctx.today(), replaces=data.replaces_id)

    return _render_and_finish(ctx, data, data.invoice_id, render_invoice, "invoice", sign_password, table,
                              summary=summary, contract_id=contract_id, year=year, month=month,
                              correction=data.correction_number or 0, replaces=data.replaces_id,
                              reason=data.correction_reason, cites=data.report_id or None,
                              expected_previous=previous_view.id if previous_view else None, on_record=open_debt)


def _invoice_follows_report(session: Session, contract: Contract, year: int, month: int,
                            report: Optional[ReportRecord], payable: int) -> None:
    """A signed invoice rests on the month's signed report, unchanged since, with the same case-months."""
    name = format_month(year, month)
    if report is None:
        raise ValidationError(f"گزارش عملکرد ماهانه {name} هنوز امضا نشده است؛ صورتحساب امضاشده باید به "
                              "گزارش امضاشده همان ماه مستند باشد. نخست گزارش ماه را امضا کنید.", field="month")
    if month_needs_correction(session, contract.id, year, month):
        raise ValidationError(f"پس از امضای گزارش {name} ({report.id}) سوابق آن ماه تغییر کرده است؛ نخست "
                              "اصلاحیه گزارش را امضا کنید، سپس صورتحساب.", field="month")
    if not report.data_json:
        raise ValidationError(f"گزارش امضاشده {report.id} داده پیوست ندارد (ساخته نسخه پیشین برنامه)؛ "
                              "اصلاحیه گزارش را امضا کنید تا صورتحساب به آن مستند شود.", field="month")
    reported = json.loads(report.data_json).get("payable_case_months")
    if reported != payable:
        raise ValidationError(
            f"تعداد پرونده-ماه صورتحساب ({_fa(payable)}) با گزارش امضاشده {report.id} ({_fa(reported)}) "
            "نمی‌خواند؛ نخست اصلاحیه گزارش ماه را امضا کنید.", field="month")


def _invoice_json(data: pd.InvoiceData) -> bytes:
    return document_json("invoice", data.invoice_id, data, cites_report_id=data.report_id or None,
                         fee_rials=data.fee_rials, total_rials=data.total_rials, total_in_words=data.total_in_words)


def _invoice_changes(before: dict, after: dict) -> list[pd.ChangeRow]:
    labels = (("payable_case_months", "تعداد پرونده-ماه"), ("fee_rials", "تعرفه (ریال)"),
              ("total_rials", "مبلغ (ریال)"), ("cites_report_id", "گزارش ماهانه مستند"))
    return [pd.ChangeRow(label, _fa(before.get(key)), _fa(after.get(key)))
            for key, label in labels if before.get(key) != after.get(key)]


@rule(Kind.CASE_DOCUMENT, Action.CREATE)
def generate_case_summary(ctx: ServiceContext, case_id: int, purpose: str = "بازدید کارشناس ناظر", *,
                          sign_password: Optional[str] = None) -> GeneratedDocument:
    if sign_password is not None:
        check_signing_password(ctx, sign_password)
    with ctx.db.read() as session:
        parts = rd.case_summary_parts(ctx, session, case_id)
        data = pd.CaseSummaryData(document_id=new_document_id("CS", ctx), clinic=rd.clinic_info(session),
                                  purpose=purpose, generated_at=iran_time(ctx.now()), generated_by=ctx.actor.name,
                                  draft=sign_password is None, **parts)
    table = document_json("case", data.document_id, data)
    summary = f"case {data.child.behzisti_file_number} services {len(data.services)}"
    return _render_and_finish(ctx, data, data.document_id, render_case_summary, "case", sign_password, table,
                              summary=summary, case_id=case_id)


@rule(Kind.CASE_DOCUMENT, Action.CREATE)
def generate_review_form(ctx: ServiceContext, review_id: int) -> GeneratedDocument:
    """The twice-yearly review as a paper form, signed in ink by those present (never digitally,
    so it carries no «پیش‌نویس» mark)."""
    with ctx.db.read() as session:
        parts = rd.review_parts(ctx, session, review_id)
        case_id = session.scalar(select(CaseFile.id).where(
            CaseFile.behzisti_file_number == parts["child"].behzisti_file_number))
        data = pd.ReviewFormData(document_id=new_document_id("RV", ctx), clinic=rd.clinic_info(session),
                                 generated_at=iran_time(ctx.now()), generated_by=ctx.actor.name, **parts)
    table = document_json("review", data.document_id, data)
    summary = f"review {data.child.behzisti_file_number} {data.review_date.isoformat()}"
    return _render_and_finish(ctx, data, data.document_id, render_review_form, "review", None, table,
                              summary=summary, case_id=case_id)


def _render_and_finish(ctx: ServiceContext, data, document_id: str, render, kind: str,
                       sign_password: Optional[str], table: bytes, *, summary: str, **record) -> GeneratedDocument:
    """Print with a QR code carrying ID, digest and summary; attach the data (JSON); sign and record."""
    digest = hashlib.sha256(table).hexdigest()
    data = dataclasses.replace(data, qr_payload=qr_code_text(document_id, digest, summary))
    out = io.BytesIO()
    render(data, out)
    pdf_bytes = embed_files(out.getvalue(), [(f"{document_id}.json", table, JSON_MIME),
                                             _audit_head_file(ctx, document_id)])
    return finish_document(ctx, document_id, kind, pdf_bytes, table, sign_password, summary=summary, **record)


@rule(Kind.CASE, Action.READ)
def find_case_id(ctx: ServiceContext, file_number: str) -> int:
    from app.persian import normalize_identifier
    number = normalize_identifier(file_number)
    with ctx.db.read() as session:
        visible = case_scope(ctx.actor)  # another worker's file is "not found", never its id
        case_id = session.scalar(select(CaseFile.id).where(
            (CaseFile.behzisti_file_number == number) | (CaseFile.clinic_file_number == number),
            *([visible] if visible is not None else [])))
    if case_id is None:
        raise NotFound(f"پرونده‌ای با شماره {number} پیدا نشد.", field="file")
    return case_id


# -- checking a document -----------------------------------------------------------------------------

@rule(Kind.REPORT, Action.READ, before_sign_in=True)
def check_report(ctx: ServiceContext, pdf: bytes, also_trusted: Optional[list] = None) -> ReportCheck:
    """Signature intact, nothing after it, signed by this clinic's own certificate (or one in
    `also_trusted`), and the embedded data matching our record."""
    from app.printing.embed import list_embedded_files
    from app.printing.verify import TrustedCert, verify_pdf
    key = signing_key_info(ctx)
    trusted = list(also_trusted or [])
    if key is not None:
        trusted.append(TrustedCert(key.fingerprint, key.subject, "این کلینیک"))
    result = verify_pdf(pdf, trusted_certs=trusted if (key is not None or also_trusted) else None)
    try:
        files = list_embedded_files(pdf)
    except Exception:  # a damaged file has no readable attachments; the verification says why
        files = {}
    report_id, table = _data_table(files)
    with ctx.db.read() as session:
        record = session.get(ReportRecord, report_id) if report_id else None
        kind = record.kind if record else _embedded_kind(table)
    digest_ok = bool(record and table and hashlib.sha256(table).hexdigest() == record.digest)
    return ReportCheck(result, report_id, record is not None, digest_ok, kind)


def _embedded_kind(table: Optional[bytes]) -> str:
    try:
        return str(json.loads(table).get("kind", "")) if table else ""
    except (ValueError, AttributeError):
        return ""


@rule(Kind.REPORT, Action.READ, before_sign_in=True)
def check_printed_code(ctx: ServiceContext, code: str) -> tuple[Optional[ReportView], bool]:
    """The QR code of a paper copy («PARVANDEH:<id>:<digest>», since revision 0007 followed by
    «:<summary>») against the clinic's records: the record it names (or None) and whether the
    digest (and the summary, when printed) matches it."""
    parts = (code or "").strip().split(":", 3)
    if len(parts) < 3 or parts[0] != "PARVANDEH":
        raise ValidationError("این کد، کد گزارش پرونده نیست.", field="code")
    report_id, digest = parts[1], parts[2]
    matches = [r for r in _reports_where(ctx, ReportRecord.id == report_id)]
    if not matches:
        return None, False
    record = matches[0]
    summary_ok = len(parts) == 3 or not record.summary or parts[3].strip().upper() == record.summary.upper()
    return record, record.digest == digest.lower() and summary_ok


def _reports_where(ctx: ServiceContext, *where) -> list[ReportView]:
    with ctx.db.read() as session:
        rows = session.scalars(select(ReportRecord).where(*where))
        return [_report_view(r) for r in rows]


def _report_view(r: ReportRecord) -> ReportView:
    return ReportView(r.id, r.kind, r.contract_id, r.year, r.month, r.case_id, r.digest, r.signed, r.signed_at,
                      r.signer_name, r.correction_number, r.replaces_id, r.created_at, r.summary or "",
                      r.reason or "", r.cites_id, r.file_name or "")


@rule(Kind.REPORT, Action.READ)
def list_reports(ctx: ServiceContext, limit: int = 200) -> list[ReportView]:
    """The documents on record, newest first (what the QR code on a paper copy is checked against)."""
    with ctx.db.read() as session:
        rows = session.scalars(select(ReportRecord).order_by(ReportRecord.created_at.desc()).limit(limit))
        return [_report_view(r) for r in rows]

