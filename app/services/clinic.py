"""The clinic itself and the first set-up of a new data folder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from app.domain.settings import OPTIONS, SIGNING_PREFIX, Option, kept_by_program
from app.errors import Conflict, NotFound, ValidationError
from app.models import Clinic, Setting
from app.domain.enums import Role
from app.services import audit, concurrency, validation as v
from app.services.accounts import StaffInput, add_staff_in
from app.services.context import Actor, ServiceContext, _issue
from app.services.permissions import require_manager
from app.services.views import ClinicView
from app.storage.database import Database
from app.services.policy import Action, Kind, require, rule

FIELDS = ("name", "licence_number", "licence_province", "licence_expiry", "address", "phones", "manager_name",
          "logo_path")


@dataclass
class ClinicInput:
    name: str
    licence_number: str
    manager_name: str
    licence_province: str = ""
    licence_expiry: dt.date | str | None = None
    address: str = ""
    phones: str = ""
    logo_path: Optional[str] = None
    version: Optional[int] = None  # the version the screen read; None: no check (import, command line)


def _apply(c: Clinic, data: ClinicInput) -> None:
    c.name = v.text(data.name, "name", "نام کلینیک", required=True)
    c.licence_number = v.identifier(data.licence_number, "licence_number", "شماره پروانه فعالیت", required=True)
    c.licence_province = v.text(data.licence_province, "licence_province", "استان صادرکننده پروانه", max_len=100)
    c.licence_expiry = v.date(data.licence_expiry, "licence_expiry", "تاریخ اعتبار پروانه")
    c.address = v.text(data.address, "address", "نشانی", max_len=1000, multiline=True)
    c.phones = v.identifier(data.phones, "phones", "تلفن", max_len=200)
    c.manager_name = v.text(data.manager_name, "manager_name", "نام مدیر", required=True)
    c.logo_path = _logo_path(data.logo_path)


def _logo_path(value: object) -> Optional[str]:
    """A path from the file dialog, kept exactly as given: normalising its letters would break it."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or v.printable(value) != value or len(value) > 500:
        raise ValidationError("مسیر فایل نشان کلینیک درست نیست.", field="logo_path")
    return value


def check_clinic_input(data: ClinicInput) -> None:
    """Raise the ValidationError set_up_clinic would raise for these details, saving nothing
    (the first-run wizard checks its first page before moving on)."""
    _apply(Clinic(), data)


def is_set_up(db: Database) -> bool:
    with db.read() as session:
        return bool(session.scalar(select(func.count()).select_from(Clinic)))


def set_up_clinic(db: Database, clinic: ClinicInput, manager: StaffInput, *,
                  now: Optional[dt.datetime] = None) -> Actor:
    """First run: the clinic and its first manager account, in one transaction."""
    ctx = ServiceContext(db, Actor.system())
    if now is not None:
        ctx.clock = lambda: now
    manager.role = Role.MANAGER.value
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Clinic)):
            raise Conflict("این پوشه داده پیش‌تر راه‌اندازی شده است.")
        row = Clinic()
        _apply(row, clinic)
        session.add(row)
        session.flush()
        audit.record(session, ctx, "create", "clinic", row.id, changes=audit.snapshot(row, FIELDS))
        staff = add_staff_in(session, ctx, manager)
        return _issue(staff.id, staff.full_name, Role.MANAGER)


@rule(Kind.CLINIC, Action.READ, before_sign_in=True)
def get_clinic(ctx: ServiceContext) -> ClinicView:
    with ctx.db.read() as session:
        row = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
        if row is None:
            raise NotFound("کلینیک هنوز راه‌اندازی نشده است.")
        return ClinicView(id=row.id, version=row.version, **{f: getattr(row, f) for f in FIELDS})


@rule(Kind.CLINIC, Action.CHANGE)
def update_clinic(ctx: ServiceContext, data: ClinicInput) -> ClinicView:
    require_manager(ctx.actor)
    with ctx.db.transaction() as session:
        row = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
        if row is None:
            raise NotFound("کلینیک هنوز راه‌اندازی نشده است.")
        concurrency.expect(session, row, data.version)
        before = audit.snapshot(row, FIELDS)
        _apply(row, data)
        audit.record(session, ctx, "update", "clinic", row.id, changes=audit.diff(before, audit.snapshot(row, FIELDS)))
    return get_clinic(ctx)


@rule(Kind.SETTINGS, Action.READ)
def get_setting(ctx: ServiceContext, key: str, default: str = "") -> str:
    if str(key).startswith(SIGNING_PREFIX):
        require(ctx.actor, Kind.SIGNING_KEY, Action.READ)
    with ctx.db.read() as session:
        row = session.get(Setting, key)
        return row.value if row else default


@rule(Kind.SETTINGS, Action.CHANGE)
def set_setting(ctx: ServiceContext, key: str, value: str, version: Optional[int] = None) -> None:
    require_manager(ctx.actor)
    if kept_by_program(key):
        # Kept by their own services (the key under its password, the audit chain's anchor).
        raise ValidationError("این تنظیم را برنامه خود نگه می‌دارد و دستی تغییر نمی‌کند.", field="key")
    if key in OPTIONS:
        value = OPTIONS[key].check(value)
    with ctx.db.transaction() as session:
        row = session.get(Setting, key)
        if row is not None:
            concurrency.expect(session, row, version)
        old = row.value if row else None
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
        audit.record(session, ctx, "update", "setting", None, changes={key: [old, value]})


@rule(Kind.SETTINGS, Action.READ)
def option_value(ctx: ServiceContext, option: Option) -> int | str:
    """A declared setting as its type, within its bounds."""
    return option.parse(get_setting(ctx, option.key, None))
