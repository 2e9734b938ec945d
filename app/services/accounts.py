"""Staff members, their sign-in accounts, and sign-in itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.domain.settings import SIGNING_IDENTITY
from app.errors import AuthError, Conflict, NotFound, ValidationError
from app.models import Staff, StaffTraining
from app.domain.enums import Degree, Role
from app.persian import collation_key, validate_national_code
from app.services import audit, concurrency, validation as v
from app.services.context import Actor, ServiceContext, _issue
from app.services.permissions import require_manager
from app.services.views import StaffView
from app.storage.database import Database
from app.services.policy import Action, Kind, rule

MAX_FAILED_SIGN_INS = 5
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
# One answer for an unknown name, a wrong password and a locked account: none tells which names exist.
SIGN_IN_REFUSED = "نام کاربری یا رمز عبور نادرست است، یا حساب پس از چند ورود نادرست تا پنج دقیقه قفل است."

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 0.1 s on an office PC,
# where argon2-cffi's default (64 MiB, 3 passes, 4 lanes) takes most of a second on two cores.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: Optional[str], password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    except (TypeError, UnicodeError):  # not text, or text UTF-8 cannot hold: matches nothing
        return False


def check_new_password(password: object, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("رمز عبور باید دست‌کم ۸ نویسه باشد.", field=field)
    if len(password) > 256:
        raise ValidationError("رمز عبور بیش از حد طولانی است.", field=field)
    if v.printable(password) != password:
        # Control characters and broken Unicode cannot be typed again at the sign-in box.
        raise ValidationError("رمز عبور نویسه‌ای دارد که با صفحه‌کلید نوشته نمی‌شود.", field=field)
    return password


@dataclass
class StaffInput:
    first_name: str
    last_name: str
    role: str
    national_code: Optional[str] = None
    degree: str = ""
    field_of_study: str = ""
    phone: str = ""
    username: Optional[str] = None
    password: Optional[str] = None
    trainings: Sequence[tuple[str, Optional[dt.date], Optional[int]]] = field(default_factory=tuple)
    version: Optional[int] = None  # the version the screen read; None: no check (import, command line)


def _username(value: object) -> Optional[str]:
    name = v.identifier(value, "username", "نام کاربری", max_len=50).lower()
    if not name:
        return None
    if not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in name):
        raise ValidationError("نام کاربری فقط با حروف و ارقام لاتین، نقطه، خط تیره و زیرخط نوشته می‌شود.",
                              field="username")
    return name


def _national_code(value: object) -> Optional[str]:
    code = v.identifier(value, "national_code", "کد ملی")
    return validate_national_code(code, "national_code") if code else None


def _staff_checks(data: StaffInput) -> list[tuple[str, Callable[[], Any]]]:
    """Each field's own check, returning the value to store (the save runs them in turn,
    check_staff_entry all at once)."""
    return [
        ("first_name", lambda: v.text(data.first_name, "first_name", "نام", required=True, max_len=100)),
        ("last_name", lambda: v.text(data.last_name, "last_name", "نام خانوادگی", required=True, max_len=100)),
        ("role", lambda: v.choice(Role, data.role, "role", "سمت").value),
        ("national_code", lambda: _national_code(data.national_code)),
        ("degree", lambda: v.choice(Degree, data.degree, "degree", "مدرک").value if data.degree else ""),
        ("field_of_study", lambda: v.text(data.field_of_study, "field_of_study", "رشته تحصیلی")),
        ("phone", lambda: v.identifier(data.phone, "phone", "تلفن")),
    ]


def check_staff_entry(data: StaffInput) -> list[ValidationError]:
    """Every field error of a staff member as typed (with the new account's name and password,
    if a name is given), at once and without the database; the save applies the same checks."""
    checks: list[Callable[[], Any]] = [check for _name, check in _staff_checks(data)]
    if data.username:
        checks.append(lambda: _username(data.username))
        checks.append(lambda: check_new_password(data.password))
    return v.collect(checks)


def _apply(staff: Staff, data: StaffInput) -> None:
    for name, check in _staff_checks(data):
        setattr(staff, name, check())
    staff.sort_key = v.fit(collation_key(f"{staff.last_name} {staff.first_name}"), Staff.sort_key)


def staff_view(s: Staff) -> StaffView:
    return StaffView(
        id=s.id, first_name=s.first_name, last_name=s.last_name, full_name=s.full_name,
        national_code=s.national_code, role=s.role, role_label=Role(s.role).label, degree=s.degree,
        field_of_study=s.field_of_study, phone=s.phone, active=s.active, username=s.username,
        trainings=tuple((t.title, t.attended_on, t.hours) for t in s.trainings), version=s.version,
    )


def add_staff_in(session: Session, ctx: ServiceContext, data: StaffInput) -> Staff:
    """Create a staff member inside an open transaction (used by set-up and by add_staff)."""
    staff = Staff()
    _apply(staff, data)
    staff.username = _username(data.username)
    if staff.username:
        staff.password_hash = hash_password(check_new_password(data.password))
        staff.password_changed_at = ctx.now()
    staff.trainings.extend(_training_rows(data.trainings or ()))
    session.add(staff)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("این کد ملی یا نام کاربری پیش‌تر ثبت شده است.", field="username") from None
    audit.record(session, ctx, "create", "staff", staff.id,
                 changes={"name": staff.full_name, "role": staff.role, "username": staff.username})
    return staff


@rule(Kind.STAFF, Action.CREATE)
def add_staff(ctx: ServiceContext, data: StaffInput) -> StaffView:
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        return staff_view(add_staff_in(session, ctx, data))


@rule(Kind.STAFF, Action.CHANGE)
def update_staff(ctx: ServiceContext, staff_id: int, data: StaffInput,
                 trainings: Optional[Sequence[tuple[str, Optional[dt.date], Optional[int]]]] = None) -> StaffView:
    """Save the edited details; with `trainings` the course list is replaced in the same
    transaction, so a refused course never leaves the details saved without it."""
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        staff = _get(session, staff_id)
        concurrency.expect(session, staff, data.version)
        new_trainings = _training_rows(trainings) if trainings is not None else None  # checked before any change
        fields = ("first_name", "last_name", "role", "national_code", "degree", "field_of_study", "phone")
        before = audit.snapshot(staff, fields)
        _apply(staff, data)
        if before["role"] == Role.MANAGER.value and staff.role != Role.MANAGER.value:
            _keep_a_manager(session, staff)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("این کد ملی پیش‌تر ثبت شده است.", field="national_code") from None
        audit.record(session, ctx, "update", "staff", staff.id, changes=audit.diff(before, audit.snapshot(staff, fields)))
        if new_trainings is not None:
            _replace_trainings(session, ctx, staff, new_trainings)
        return staff_view(staff)


def _training_rows(trainings: Sequence[tuple[str, Optional[dt.date], Optional[int]]]) -> list[StaffTraining]:
    rows = []
    for title, attended_on, hours in trainings:
        rows.append(StaffTraining(
            title=v.text(title, "trainings", "عنوان دوره", required=True, max_len=300),
            attended_on=v.date(attended_on, "trainings", "تاریخ دوره"),
            hours=v.integer(hours, "trainings", "ساعت دوره", minimum=0, maximum=10_000, required=False)))
    return rows


@rule(Kind.STAFF, Action.CHANGE)
def set_staff_trainings(ctx: ServiceContext, staff_id: int,
                        trainings: Sequence[tuple[str, Optional[dt.date], Optional[int]]]) -> StaffView:
    """Replace the list of Behzisti training courses a staff member attended."""
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        staff = _get(session, staff_id)
        _replace_trainings(session, ctx, staff, _training_rows(trainings))  # all checked before anything changes
        return staff_view(staff)


def _replace_trainings(session: Session, ctx: ServiceContext, staff: Staff, rows: list[StaffTraining]) -> None:
    before = [t.title for t in staff.trainings]
    staff.trainings.clear()
    staff.trainings.extend(rows)
    session.flush()
    audit.record(session, ctx, "update", "staff", staff.id, changes={"trainings": [before, [t.title for t in rows]]})


@rule(Kind.STAFF, Action.CHANGE)
def set_staff_active(ctx: ServiceContext, staff_id: int, active: bool, left_on: Optional[dt.date] = None) -> None:
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        staff = _get(session, staff_id)
        if not active and staff.active and staff.role == Role.MANAGER.value:
            _keep_a_manager(session, staff)
        staff.active = active
        staff.left_on = None if active else (left_on or ctx.today())
        audit.record(session, ctx, "update", "staff", staff.id, changes={"active": [not active, active]})


@rule(Kind.STAFF, Action.READ)
def list_staff(ctx: ServiceContext, *, role: Optional[Role] = None, active_only: bool = True) -> list[StaffView]:
    with ctx.db.read() as session:
        # Trainings in one extra query, not one per person (1,000 staff took a second).
        query = select(Staff).options(selectinload(Staff.trainings)).order_by(Staff.sort_key)
        if role is not None:
            query = query.where(Staff.role == role.value)
        if active_only:
            query = query.where(Staff.active.is_(True))
        return [staff_view(s) for s in session.scalars(query)]


def _keep_a_manager(session: Session, leaving: Staff) -> None:
    """The clinic is never left without an active manager (nobody could then manage accounts)."""
    others = session.scalar(select(func.count()).select_from(Staff).where(
        Staff.role == Role.MANAGER.value, Staff.active.is_(True), Staff.id != leaving.id)) or 0
    if not others:
        raise ValidationError("این تنها مدیر فعال کلینیک است؛ ابتدا مدیر دیگری تعیین کنید.", field="role")


def _get(session: Session, staff_id: int) -> Staff:
    staff = v.lookup(session, Staff, staff_id)
    if staff is None:
        raise NotFound("کارمند پیدا نشد.")
    return staff


def sign_in(db: Database, username: str, password: str, *, now: Optional[dt.datetime] = None) -> Actor:
    """Check a user name and password; five failures lock the account for five minutes."""
    now = now or dt.datetime.now(dt.timezone.utc)
    # Whatever was typed becomes a plain lookup; text the database cannot bind finds nobody.
    name = v.printable(username).strip().lower() if isinstance(username, str) else ""
    with db.transaction() as session:
        staff = session.scalar(select(Staff).where(Staff.username == name))
        if staff is None or not staff.active:
            password_matches(_dummy_hash(), password or "")  # same cost, so timing does not tell
            raise AuthError(SIGN_IN_REFUSED, field="password")
        locked_until = _aware(staff.locked_until)
        # The hash is checked even when locked, so a locked account answers as slowly as any other.
        matches = password_matches(staff.password_hash, password or "")
        if locked_until and locked_until > now:
            raise AuthError(SIGN_IN_REFUSED, field="password")
        if not matches:
            _count_failure(staff, now)
        else:
            staff.failed_logins = 0
            staff.locked_until = None
            actor = _issue(staff.id, staff.full_name, Role(staff.role))
            audit.record(session, _system_ctx(db, actor, now), "sign_in", "staff", staff.id)
            return actor
    # Outside the block so the failure count is committed before the error is raised.
    raise AuthError(SIGN_IN_REFUSED, field="password")


def count_wrong_password(db: Database, staff_id: Optional[int], now: dt.datetime) -> None:
    """A wrong signing password counts toward the same lockout as a wrong sign-in."""
    if staff_id is None:
        return
    with db.transaction() as session:
        staff = session.get(Staff, staff_id)
        if staff is not None:
            _count_failure(staff, now)


def _count_failure(staff: Staff, now: dt.datetime) -> None:
    staff.failed_logins += 1
    if staff.failed_logins >= MAX_FAILED_SIGN_INS:
        staff.failed_logins = 0
        staff.locked_until = now + LOCKOUT


@rule(Kind.OWN_ACCOUNT, Action.CHANGE)
def change_password(ctx: ServiceContext, old_password: str, new_password: str) -> None:
    with ctx.db.transaction() as session:
        staff = _get(session, ctx.actor.staff_id or 0)
        if not password_matches(staff.password_hash, old_password):
            raise AuthError("رمز عبور فعلی نادرست است.", field="old_password")
        staff.password_hash = hash_password(check_new_password(new_password, "new_password"))
        staff.password_changed_at = ctx.now()
        if staff.role == Role.MANAGER.value:
            _rekey_signing_identity(session, old_password, new_password)
        audit.record(session, ctx, "password", "staff", staff.id)


def _rekey_signing_identity(session: Session, old_password: str, new_password: str) -> None:
    """The clinic's signing key is kept under the manager's password: it follows a change of it."""

    from app.errors import AuthError as KeyPasswordError
    from app.models import Setting
    from app.printing.signing import change_identity_password
    from app.services import keybox
    row = session.get(Setting, SIGNING_IDENTITY.key)
    if row is None:
        return
    try:
        blob = change_identity_password(keybox.unseal(row.value, old_password), old_password, new_password)
    except KeyPasswordError:
        return  # the key is under another manager's password; it stays as it was
    row.value = keybox.seal(blob, new_password)


@rule(Kind.STAFF, Action.CHANGE)
def reset_password(ctx: ServiceContext, staff_id: int, new_password: str, username: Optional[str] = None) -> None:
    """A manager sets another member's password (and user name, when giving a first account)."""
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        staff = _get(session, staff_id)
        if username:
            staff.username = _username(username)
        if not staff.username:
            raise ValidationError("نام کاربری را وارد کنید.", field="username")
        staff.password_hash = hash_password(check_new_password(new_password))
        staff.failed_logins, staff.locked_until = 0, None
        staff.password_changed_at = ctx.now()
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("این نام کاربری پیش‌تر ثبت شده است.", field="username") from None
        audit.record(session, ctx, "password_reset", "staff", staff.id)


def _aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _fa(n: int) -> str:
    from app.persian import to_persian_digits
    return to_persian_digits(n)


def _system_ctx(db: Database, actor: Actor, now: dt.datetime) -> ServiceContext:
    return ServiceContext(db, actor, clock=lambda: now)


_dummy: list[str] = []


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(hash_password("parvandeh-timing-equaliser"))
    return _dummy[0]
