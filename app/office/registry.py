"""Setting up an office, its users, and the clinics (certificates, contracts) it receives from."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import AuthError, Conflict, NotFound, ValidationError
from app.models.base import utcnow
from app.office import access
from app.office.models import OfficeClinic, OfficeContract, OfficeInfo, OfficeUser
from app.persian import normalize_digits, normalize_identifier, normalize_text, parse_optional_jalali, to_persian_digits
from app.storage.database import Database

IRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))  # Iran has kept +03:30 all year since 1401


def iran_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Iran of an aware moment (the office's working day)."""
    try:
        from zoneinfo import ZoneInfo
        zone = ZoneInfo("Asia/Tehran")
    except Exception:  # no zone database on this PC: Iran's fixed offset is the same since 1401
        zone = IRAN
    return moment.astimezone(zone).date()


def _wall_clock() -> dt.datetime:
    return utcnow()  # looked up when called, so a test can fix this module's clock


@dataclass
class OfficeContext:
    """Who acts at the office desk, on which database and folder, at what time."""

    db: Database
    data_dir: Path
    user_name: str = ""  # shown and stored as «received by»
    clock: Callable[[], dt.datetime] = field(default_factory=lambda: _wall_clock)
    username: str = ""  # the signed-in account; empty: nobody signed in, nothing allowed
    role: str = ""  # app.office.access.ROLES

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return iran_date(self.clock())


@dataclass(frozen=True)
class ContractTerms:
    number: str
    capacity: int
    fee_rials: int
    start: Optional[str | dt.date] = None
    end: Optional[str | dt.date] = None


@dataclass(frozen=True)
class ClinicView:
    id: int
    licence: str
    name: str
    county: str
    fingerprint: str
    contracts: tuple[tuple[str, int, int], ...]  # (number, capacity, fee)


# -- the office and its users --------------------------------------------------------------------------

def office_name(db: Database) -> Optional[str]:
    with db.read() as session:
        row = session.scalar(select(OfficeInfo).limit(1))
        return row.name if row else None


def set_up_office(db: Database, name: str, username: str, password: str, *, full_name: str = "",
                  province: str = "", now: Optional[dt.datetime] = None) -> None:
    from app.services.accounts import check_new_password, hash_password
    name = normalize_text(name or "")
    if not name:
        raise ValidationError("نام اداره را بنویسید.", field="office")
    username = _username(username)
    check_new_password(password)
    now = now or utcnow()
    with db.transaction() as session:
        if session.scalar(select(OfficeInfo).limit(1)) is not None:
            raise Conflict("این پوشه داده اداره پیش‌تر راه‌اندازی شده است.", field="office")
        session.add(OfficeInfo(name=name, province=normalize_text(province or ""), created_at=now))
        session.add(OfficeUser(username=username, full_name=normalize_text(full_name or username),
                               password_hash=hash_password(password), created_at=now, role=access.ADMIN))
        session.add(_audit_row(now, username, "office_init", name))


def _username(username: str) -> str:
    username = normalize_digits(username or "").strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise ValidationError("نام کاربری باید از حروف و رقم لاتین باشد.", field="username")
    return username


@dataclass(frozen=True)
class OfficeUserView:
    username: str
    full_name: str
    role: str
    active: bool


def sign_in(db: Database, username: str, password: str, *, now: Optional[dt.datetime] = None) -> OfficeUserView:
    """The office user, when the password matches (argon2id) and the account is active and not
    locked. As at the clinic: five wrong passwords lock the account for five minutes, and an
    unknown name, a wrong password, a locked or a deactivated account all get the same answer."""
    from app.services.accounts import LOCKOUT, MAX_FAILED_SIGN_INS, SIGN_IN_REFUSED, _dummy_hash, password_matches
    now = now or _wall_clock()
    name = normalize_digits(username or "").strip().lower() if isinstance(username, str) else ""
    with db.transaction() as session:
        user = session.scalar(select(OfficeUser).where(OfficeUser.username == name))
        if user is None or not user.active:
            password_matches(_dummy_hash(), password or "")  # same cost, so timing does not tell
            raise AuthError(SIGN_IN_REFUSED, field="password")
        matches = password_matches(user.password_hash, password or "")
        locked_until = user.locked_until
        if locked_until is not None and locked_until.tzinfo is None:
            locked_until = locked_until.replace(tzinfo=dt.timezone.utc)
        if locked_until and locked_until > now:
            raise AuthError(SIGN_IN_REFUSED, field="password")
        if matches:
            user.failed_logins, user.locked_until = 0, None
            view = OfficeUserView(user.username, user.full_name, user.role, user.active)
            session.add(_audit_row(now, user.username, "sign_in"))
            return view
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_SIGN_INS:
            user.failed_logins, user.locked_until = 0, now + LOCKOUT
            session.add(_audit_row(now, user.username, "locked"))
    # Outside the block so the failure count is committed before the error is raised.
    raise AuthError(SIGN_IN_REFUSED, field="password")


def _audit_row(now: dt.datetime, username: str, action: str, subject: str = ""):
    from app.office.models import OfficeAudit
    return OfficeAudit(at=now, username=username, action=action, subject=subject)


def signed_in_context(db: Database, data_dir: Path, user: OfficeUserView,
                      clock: Optional[Callable[[], dt.datetime]] = None) -> OfficeContext:
    """The context every office action runs in: the user sign_in returned, and their role."""
    ctx = OfficeContext(db, Path(data_dir), user_name=user.full_name or user.username, username=user.username,
                        role=user.role)
    if clock is not None:
        ctx.clock = clock
    return ctx


def add_user(ctx: OfficeContext, username: str, password: str, *, full_name: str = "",
             role: str = access.CLERK) -> OfficeUserView:
    from app.services.accounts import check_new_password, hash_password
    access.require(ctx, access.USERS)
    if role not in access.ROLES:
        raise ValidationError("نقش باید یکی از admin، clerk یا viewer باشد.", field="role")
    username = _username(username)
    check_new_password(password)
    try:
        with ctx.db.transaction() as session:
            if session.scalar(select(OfficeUser.id).where(OfficeUser.username == username)) is not None:
                raise Conflict(f"کاربر {username} پیش‌تر تعریف شده است.", field="username")
            session.add(OfficeUser(username=username, full_name=normalize_text(full_name or username),
                                   password_hash=hash_password(password), created_at=ctx.now(), role=role))
            access.record(session, ctx, "user_add", f"{username} ({role})")
    except IntegrityError:
        raise Conflict(f"کاربر {username} پیش‌تر تعریف شده است.", field="username") from None
    return OfficeUserView(username, normalize_text(full_name or username), role, True)


def deactivate_user(ctx: OfficeContext, username: str) -> None:
    """A user who leaves can no longer sign in; their name stays on what they received."""
    access.require(ctx, access.USERS)
    username = _username(username)
    with ctx.db.transaction() as session:
        user = session.scalar(select(OfficeUser).where(OfficeUser.username == username))
        if user is None:
            raise NotFound(f"کاربری با نام {username} نیست.", field="username")
        if user.username == ctx.username:
            raise ValidationError("کاربر نمی‌تواند حساب خودش را غیرفعال کند.", field="username")
        if user.role == access.ADMIN and session.scalar(select(func.count()).select_from(OfficeUser).where(
                OfficeUser.role == access.ADMIN, OfficeUser.active.is_(True))) <= 1:
            raise ValidationError("اداره باید دست‌کم یک مدیر فعال داشته باشد.", field="username")
        user.active = False
        access.record(session, ctx, "user_deactivate", username)


def list_users(ctx: OfficeContext) -> list[OfficeUserView]:
    access.require(ctx, access.USERS)
    with ctx.db.read() as session:
        return [OfficeUserView(u.username, u.full_name, u.role, u.active)
                for u in session.scalars(select(OfficeUser).order_by(OfficeUser.username))]


# -- clinics and contracts -----------------------------------------------------------------------------

def read_certificate(data: bytes) -> asn1_x509.Certificate:
    """A clinic's exported certificate, DER or PEM («clinic.cer»)."""
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        cert = asn1_x509.Certificate.load(bytes(data), strict=True)
        cert.subject.native  # noqa: B018 - parse now, so junk fails here
        return cert
    except Exception:
        raise ValidationError("فایل گواهی کلینیک خوانده نشد (باید فایل cer با قالب DER یا PEM باشد).",
                              field="certificate") from None


def clean_fingerprint(text: str) -> str:
    return normalize_digits(text or "").replace(":", "").replace(" ", "").replace("-", "").lower()


def format_fingerprint(fingerprint: str) -> str:
    """In groups of four, Persian digits: how it is written into the contract papers."""
    groups = [fingerprint[i:i + 4].upper() for i in range(0, len(fingerprint), 4)]
    return to_persian_digits(" ".join(groups))


def add_clinic(ctx: OfficeContext, certificate: bytes, licence: str, *, name: str = "", county: str = "",
               fingerprint: str = "", contracts: tuple[ContractTerms, ...] = ()) -> ClinicView:
    """Register a clinic by its certificate. A fingerprint copied from the contract papers, when
    given, must match the certificate: that comparison is what makes the certificate trustworthy."""
    access.require(ctx, access.CLINICS)
    cert = read_certificate(certificate)
    actual = cert.sha256.hex()
    if fingerprint and clean_fingerprint(fingerprint) != actual:
        raise ValidationError("اثر انگشت گواهی با اثر انگشت نوشته‌شده در قرارداد یکی نیست؛ گواهی پذیرفته نشد.",
                              field="fingerprint")
    licence = normalize_identifier(licence or "")
    if not licence:
        raise ValidationError("شماره پروانه کلینیک را بنویسید.", field="licence")
    cert_name = cert.subject.native.get("common_name") or ""
    name = normalize_text(name or "") or cert_name
    try:
        with ctx.db.transaction() as session:
            if session.scalar(select(OfficeClinic.id).where(OfficeClinic.licence == licence)) is not None:
                raise Conflict(f"کلینیکی با پروانه {licence} پیش‌تر ثبت شده است.", field="licence")
            if session.scalar(select(OfficeClinic.id).where(OfficeClinic.fingerprint == actual)) is not None:
                raise Conflict("این گواهی پیش‌تر برای کلینیک دیگری ثبت شده است.", field="certificate")
            clinic = OfficeClinic(licence=licence, name=name, county=normalize_text(county or ""),
                                  certificate_der=cert.dump(), fingerprint=actual, certificate_name=cert_name,
                                  registered_at=ctx.now())
            session.add(clinic)
            session.flush()
            for terms in contracts:
                session.add(_contract_row(clinic.id, terms))
            clinic_id = clinic.id
            access.record(session, ctx, "clinic_add", f"{licence} {name} SHA-256 {actual}")
    except IntegrityError:
        raise Conflict("این کلینیک یا قرارداد پیش‌تر ثبت شده است.") from None
    return clinic_view(ctx, clinic_id)


def add_contract(ctx: OfficeContext, licence: str, terms: ContractTerms) -> ClinicView:
    access.require(ctx, access.CLINICS)
    licence = normalize_identifier(licence or "")
    try:
        with ctx.db.transaction() as session:
            clinic_id = session.scalar(select(OfficeClinic.id).where(OfficeClinic.licence == licence))
            if clinic_id is None:
                raise NotFound(f"کلینیکی با پروانه {licence} ثبت نشده است.", field="licence")
            session.add(_contract_row(clinic_id, terms))
            access.record(session, ctx, "contract_add", f"{licence} {terms.number}")
    except IntegrityError:
        raise Conflict(f"قرارداد {terms.number} برای این کلینیک پیش‌تر ثبت شده است.", field="contract") from None
    return clinic_view(ctx, clinic_id)


def _contract_row(clinic_id: int, terms: ContractTerms) -> OfficeContract:
    number = normalize_identifier(terms.number or "")
    if not number:
        raise ValidationError("شماره قرارداد را بنویسید.", field="contract")
    capacity = _positive(terms.capacity, "ظرفیت قرارداد", "capacity")
    fee = _positive(terms.fee_rials, "مبلغ هر پرونده در ماه (ریال)", "fee")
    start = parse_optional_jalali(terms.start, "start")
    end = parse_optional_jalali(terms.end, "end")
    if start and end and end < start:
        raise ValidationError("پایان قرارداد پیش از شروع آن است.", field="end")
    return OfficeContract(clinic_id=clinic_id, number=number, capacity=capacity, fee_rials=fee,
                          start_date=start, end_date=end)


def _positive(value, label: str, field: str) -> int:
    try:
        number = int(normalize_digits(str(value)).replace(",", "").replace("٬", ""))
    except ValueError:
        raise ValidationError(f"{label} باید عدد باشد.", field=field) from None
    if number <= 0 or number > 10**13:
        raise ValidationError(f"{label} باید عددی مثبت باشد.", field=field)
    return number


def clinic_view(ctx: OfficeContext, clinic_id: int) -> ClinicView:
    with ctx.db.read() as session:
        clinic = session.get(OfficeClinic, clinic_id)
        contracts = session.scalars(select(OfficeContract).where(OfficeContract.clinic_id == clinic_id)
                                    .order_by(OfficeContract.number)).all()
        return ClinicView(clinic.id, clinic.licence, clinic.name, clinic.county, clinic.fingerprint,
                          tuple((c.number, c.capacity, c.fee_rials) for c in contracts))


def list_clinics(ctx: OfficeContext) -> list[ClinicView]:
    access.require(ctx, access.READ)
    with ctx.db.read() as session:
        ids = session.scalars(select(OfficeClinic.id).order_by(OfficeClinic.county, OfficeClinic.name)).all()
    return [clinic_view(ctx, i) for i in ids]


def certificate_fingerprint(data: bytes) -> str:
    return hashlib.sha256(read_certificate(data).dump()).hexdigest()
