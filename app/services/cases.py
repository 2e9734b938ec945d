"""Case files: create, change, open, close, and the family that comes with them."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Optional, Sequence

import jdatetime
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationError
from app.models import CaseFile, Contract, FamilyMember, Staff
from app.domain.enums import CaseStatus, LivingArrangement, Relation, Role, Sex
from app.persian import collation_key, search_key, to_persian_digits, validate_national_code
from app.services import audit, concurrency, validation as v
from app.services.context import ServiceContext
from app.services.signed_months import require_reason_in_signed_month
from app.services.permissions import can_see_case, require_case_access, require_manager, require_service_writer
from app.services.views import CaseDetail, FamilyMemberView, SaveResult
from app.services.policy import Action, Kind, helper, require, rule

CASELOAD_LIMIT = 200  # clients one clinic social worker follows (seed 003)

# Who works a file: only the manager decides (policy: Kind.ASSIGNMENT). How urgent it is: whoever may
# close or return it (Kind.CASE_STATUS: the manager, the file's social worker; never a clerk).
ASSIGNMENT_FIELDS = ("social_worker_id", "psychologist_id")
PRIORITY_FIELDS = ("priority", "priority_reason")

CASE_FIELDS = (
    "behzisti_file_number", "clinic_file_number", "first_name", "last_name", "father_name",
    "national_code", "sex", "birth_date", "living_arrangement", "discharge_date", "received_on",
    "early_transfer_reason", "contract_id", "priority", "priority_reason", "social_worker_id",
    "psychologist_id", "behzisti_summary", "address", "phones",
)


@dataclass
class FamilyInput:
    name: str
    relation: str
    birth_year: Optional[int | str] = None
    occupation: str = ""
    phone: str = ""
    lives_with_child: bool = True
    id: Optional[int] = None


@dataclass
class CaseInput:
    behzisti_file_number: str
    first_name: str
    last_name: str
    sex: str
    living_arrangement: str
    received_on: dt.date | str | None = None
    clinic_file_number: str = ""
    father_name: str = ""
    national_code: str = ""
    birth_date: dt.date | str | None = None
    discharge_date: dt.date | str | None = None
    early_transfer_reason: str = ""
    contract_id: Optional[int] = None
    priority: bool = False
    priority_reason: str = ""
    social_worker_id: Optional[int] = None
    psychologist_id: Optional[int] = None
    behzisti_summary: str = ""
    address: str = ""
    phones: str = ""
    family: Sequence[FamilyInput] = field(default_factory=tuple)
    amend_reason: str = ""  # needed when a date inside a signed month moves
    version: Optional[int] = None  # the version the screen read; None: no check (import, command line)


def one_year_after(d: dt.date) -> dt.date:
    """The same Jalali day a year later (Esfand 30 of a leap year falls to Esfand 29)."""
    j = jdatetime.date.fromgregorian(date=d)
    try:
        return jdatetime.date(j.year + 1, j.month, j.day).togregorian()
    except ValueError:
        return jdatetime.date(j.year + 1, j.month, j.day - 1).togregorian()


def _apply(session: Session, ctx: ServiceContext, case: CaseFile, data: CaseInput) -> None:
    today = ctx.today()
    case.behzisti_file_number = v.identifier(data.behzisti_file_number, "behzisti_file_number",
                                             "شماره پرونده بهزیستی", required=True)
    case.clinic_file_number = v.identifier(data.clinic_file_number, "clinic_file_number", "شماره پرونده کلینیک")
    case.first_name = v.text(data.first_name, "first_name", "نام", required=True, max_len=100)
    case.last_name = v.text(data.last_name, "last_name", "نام خانوادگی", required=True, max_len=100)
    case.father_name = v.text(data.father_name, "father_name", "نام پدر", max_len=100)
    code = v.identifier(data.national_code, "national_code", "کد ملی")
    case.national_code = validate_national_code(code, "national_code") if code else None
    case.sex = v.choice(Sex, data.sex, "sex", "جنسیت").value
    case.living_arrangement = v.choice(LivingArrangement, data.living_arrangement, "living_arrangement",
                                       "وضعیت زندگی").value
    case.birth_date = v.date(data.birth_date, "birth_date", "تاریخ تولد", not_after=today)
    case.received_on = v.date(data.received_on if data.received_on is not None else today, "received_on",
                              "تاریخ دریافت پرونده", required=True, not_after=today)
    case.discharge_date = v.date(data.discharge_date, "discharge_date", "تاریخ ترخیص", not_after=today)
    case.early_transfer_reason = v.text(data.early_transfer_reason, "early_transfer_reason",
                                        "دلیل پذیرش زودتر از یک سال", max_len=2000, multiline=True)
    _check_dates(case)
    case.priority = v.flag(data.priority)
    case.priority_reason = v.text(data.priority_reason, "priority_reason", "دلیل اولویت", max_len=2000,
                                  multiline=True)
    if case.priority and not case.priority_reason:
        raise ValidationError("برای پرونده دارای اولویت، دلیل اولویت را بنویسید.", field="priority_reason")
    case.contract_id = _contract_id(session, data.contract_id)
    case.social_worker_id = _staff_id(session, data.social_worker_id, "social_worker_id",
                                      (Role.SOCIAL_WORKER, Role.MANAGER), "مددکار")
    case.psychologist_id = _staff_id(session, data.psychologist_id, "psychologist_id",
                                     (Role.PSYCHOLOGIST,), "روانشناس")
    case.behzisti_summary = v.text(data.behzisti_summary, "behzisti_summary", "خلاصه پرونده بهزیستی",
                                   max_len=20000, multiline=True)
    case.address = v.text(data.address, "address", "نشانی", max_len=1000, multiline=True)
    case.phones = v.identifier(data.phones, "phones", "تلفن", max_len=200)
    case.name_key = v.fit(search_key(f"{case.first_name} {case.last_name}"), CaseFile.name_key)
    case.last_name_key = v.fit(collation_key(case.last_name), CaseFile.last_name_key)
    case.first_name_key = v.fit(collation_key(case.first_name), CaseFile.first_name_key)


def check_case_entry(data: CaseInput, today: dt.date) -> list[ValidationError]:
    """Every field error of the identity and placement as typed, at once and without the
    database (the form calls it before saving; the save checks again, with the records)."""

    def national_code() -> None:
        code = v.identifier(data.national_code, "national_code", "کد ملی")
        if code:
            validate_national_code(code, "national_code")

    return v.collect((
        lambda: v.identifier(data.behzisti_file_number, "behzisti_file_number", "شماره پرونده بهزیستی",
                             required=True),
        lambda: v.identifier(data.clinic_file_number, "clinic_file_number", "شماره پرونده کلینیک"),
        lambda: v.text(data.first_name, "first_name", "نام", required=True, max_len=100),
        lambda: v.text(data.last_name, "last_name", "نام خانوادگی", required=True, max_len=100),
        lambda: v.text(data.father_name, "father_name", "نام پدر", max_len=100),
        national_code,
        lambda: v.choice(Sex, data.sex, "sex", "جنسیت"),
        lambda: v.date(data.birth_date, "birth_date", "تاریخ تولد", not_after=today),
        lambda: v.choice(LivingArrangement, data.living_arrangement, "living_arrangement", "وضعیت زندگی"),
        lambda: v.date(data.discharge_date, "discharge_date", "تاریخ ترخیص", not_after=today),
        lambda: v.date(data.received_on, "received_on", "تاریخ دریافت پرونده", required=True, not_after=today),
        lambda: v.identifier(data.phones, "phones", "تلفن", max_len=200),
    ))


def _check_dates(case: CaseFile) -> None:
    if case.birth_date and case.discharge_date and case.discharge_date < case.birth_date:
        raise ValidationError("تاریخ ترخیص نمی‌تواند پیش از تاریخ تولد باشد.", field="discharge_date")
    if case.discharge_date and case.discharge_date > case.received_on:
        raise ValidationError("تاریخ ترخیص نمی‌تواند بعد از تاریخ دریافت پرونده باشد.", field="discharge_date")
    if case.discharge_date and case.received_on < one_year_after(case.discharge_date) \
            and not case.early_transfer_reason:
        # Seed 004: a file is transferred only when a year has passed since discharge.
        raise ValidationError(
            "از ترخیص این فرزند هنوز یک سال نگذشته است؛ دلیل پذیرش پرونده را بنویسید.",
            field="early_transfer_reason")


def _contract_id(session: Session, contract_id: object) -> Optional[int]:
    if contract_id in (None, ""):
        return None
    contract = v.lookup(session, Contract, contract_id)
    if contract is None:
        raise ValidationError("قرارداد را از فهرست انتخاب کنید.", field="contract_id")
    return contract.id


def _staff_id(session: Session, staff_id: object, field_name: str, roles: tuple[Role, ...],
              label: str) -> Optional[int]:
    if staff_id in (None, ""):
        return None
    staff = v.lookup(session, Staff, staff_id)
    if staff is None or not staff.active or Role(staff.role) not in roles:
        raise ValidationError(f"{label} را از فهرست کارکنان فعال انتخاب کنید.", field=field_name)
    return staff.id


def _apply_family(case: CaseFile, members: Sequence[FamilyInput]) -> None:
    existing = {m.id: m for m in case.family}
    keep: list[FamilyMember] = []
    for index, data in enumerate(members or ()):
        member = existing.get(data.id) if data.id else None
        member = member or FamilyMember()
        prefix = f"family.{index}."
        member.name = v.text(data.name, prefix + "name", "نام عضو خانواده", required=True)
        member.relation = v.choice(Relation, data.relation, prefix + "relation", "نسبت").value
        member.birth_year = v.integer(data.birth_year, prefix + "birth_year", "سال تولد",
                                      minimum=1300, maximum=1500, required=False)
        member.occupation = v.text(data.occupation, prefix + "occupation", "شغل")
        member.phone = v.identifier(data.phone, prefix + "phone", "تلفن")
        member.lives_with_child = v.flag(data.lives_with_child)
        keep.append(member)
    case.family[:] = keep


def _next_clinic_number(session: Session) -> str:
    n = (session.scalar(select(func.count()).select_from(CaseFile)) or 0) + 1
    while session.scalar(select(CaseFile.id).where(CaseFile.clinic_file_number == str(n))):
        n += 1
    return str(n)


def free_clinic_numbers(session: Session, also_taken: set[str] = frozenset()) -> Iterator[str]:
    """Clinic file numbers for many new files at once, as _next_clinic_number would give them one by one."""
    taken = set(session.scalars(select(CaseFile.clinic_file_number)))
    n = len(taken)
    taken |= set(also_taken)
    while True:
        n += 1
        if str(n) not in taken:
            yield str(n)


def flush_unique(session: Session) -> None:
    _flush_unique(session)


def file_label(case: CaseFile) -> str:
    """How a file is named to someone allowed to see it: name, father, clinic and Behzisti numbers."""
    father = f" فرزند {case.father_name}" if case.father_name else ""
    return (f"{case.first_name} {case.last_name}{father} — پرونده کلینیک {to_persian_digits(case.clinic_file_number)}"
            f"، بهزیستی {to_persian_digits(case.behzisti_file_number)}")


def _refuse_same_national_code(session: Session, ctx: ServiceContext, case: CaseFile) -> None:
    """One file per child: a national code already on file is refused, naming that file only to
    someone who may see it (to others a name would tell whose child is in the clinic)."""
    if not case.national_code:
        return
    query = select(CaseFile).where(CaseFile.national_code == case.national_code)
    if case.id is not None:
        query = query.where(CaseFile.id != case.id)
    existing = session.scalars(query.limit(1)).first()
    if existing is None:
        return
    if can_see_case(ctx.actor, existing):
        raise Conflict(f"این کد ملی پیش‌تر در پرونده «{file_label(existing)}» ثبت شده است.",
                       field="national_code")
    raise Conflict("این کد ملی پیش‌تر در پرونده‌ای ثبت شده است.", field="national_code")


@dataclass(frozen=True)
class SimilarCase:
    """A file with the same name, father's name and birth date; id is None (and the text says
    nothing about it) when the file is not the caller's to see."""

    id: Optional[int]
    text: str


@rule(Kind.CASE, Action.READ)
def similar_cases(ctx: ServiceContext, first_name: str, last_name: str, father_name: str,
                  birth_date: dt.date | str | None, *, exclude_id: Optional[int] = None) -> list[SimilarCase]:
    """Files that may be the same child (same name + father + birth date, spelt either way)."""
    born = v.date(birth_date, "birth_date", "تاریخ تولد")
    if born is None or not (first_name or "").strip() or not (last_name or "").strip():
        return []
    first = v.text(first_name, "first_name", "نام", max_len=100)
    last = v.text(last_name, "last_name", "نام خانوادگی", max_len=100)
    father_key = search_key(v.text(father_name, "father_name", "نام پدر", max_len=100))
    name_key = search_key(f"{first} {last}")
    with ctx.db.read() as session:
        query = select(CaseFile).where(CaseFile.birth_date == born, CaseFile.name_key == v.fit(name_key, CaseFile.name_key))
        if exclude_id is not None:
            query = query.where(CaseFile.id != exclude_id)
        found = []
        for case in session.scalars(query.limit(20)):
            if search_key(case.father_name or "") != father_key:
                continue
            if can_see_case(ctx.actor, case):
                found.append(SimilarCase(case.id, file_label(case)))
            else:
                found.append(SimilarCase(None, "پرونده‌ای با همین نام، نام پدر و تاریخ تولد هست که به شما سپرده نشده؛ از مدیر بپرسید."))
        return found


def _flush_unique(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        message = str(exc.orig).lower()
        for column, text in (("national_code", "پرونده‌ای با این کد ملی پیش‌تر ثبت شده است."),
                             ("behzisti_file_number", "این شماره پرونده بهزیستی پیش‌تر ثبت شده است."),
                             ("clinic_file_number", "این شماره پرونده کلینیک پیش‌تر ثبت شده است.")):
            if column in message:
                raise Conflict(text, field=column) from None
        raise Conflict("این پرونده با پرونده دیگری تکرار می‌شود.") from None


def load_warnings(session: Session, case: CaseFile) -> tuple[str, ...]:
    """Caseload and contract capacity: told to the user, never blocking the save."""
    warnings = []
    if case.social_worker_id and case.status == CaseStatus.ACTIVE.value:
        load = session.scalar(select(func.count()).select_from(CaseFile).where(
            CaseFile.social_worker_id == case.social_worker_id, CaseFile.status == CaseStatus.ACTIVE.value))
        if load > CASELOAD_LIMIT:
            warnings.append(f"این مددکار اکنون {to_persian_digits(load)} پرونده فعال دارد؛ بیش از "
                            f"{to_persian_digits(CASELOAD_LIMIT)} پرونده برای هر مددکار است.")
    if case.contract_id and case.status == CaseStatus.ACTIVE.value:
        contract = session.get(Contract, case.contract_id)
        used = session.scalar(select(func.count()).select_from(CaseFile).where(
            CaseFile.contract_id == case.contract_id, CaseFile.status == CaseStatus.ACTIVE.value))
        if contract and used > contract.capacity:
            warnings.append(f"پرونده‌های فعال قرارداد {contract.number} ({to_persian_digits(used)}) از ظرفیت آن "
                            f"({to_persian_digits(contract.capacity)}) بیشتر شده است.")
    return tuple(warnings)


@rule(Kind.CASE, Action.CREATE)
def create_case(ctx: ServiceContext, data: CaseInput) -> SaveResult:
    with ctx.db.transaction() as session:
        case = add_case(session, ctx, data)
        require_reason_in_signed_month(session, ctx, case.id, [case.received_on], data.amend_reason,
                                       record_kind="case_file", record_id=case.id, action="create")
        return SaveResult(case.id, load_warnings(session, case))


def new_case_checked(session: Session, ctx: ServiceContext, data: CaseInput) -> CaseFile:
    """A new file checked by the form's rules but not added to any session (an import's staging)."""
    case = CaseFile(status=CaseStatus.ACTIVE.value)
    _apply(session, ctx, case, data)
    if case.social_worker_id is None and ctx.actor.role is Role.SOCIAL_WORKER:
        case.social_worker_id = ctx.actor.staff_id
    require_case_access(ctx.actor, case)
    _apply_family(case, data.family)
    return case


def add_case(session: Session, ctx: ServiceContext, data: CaseInput) -> CaseFile:
    """A new active file inside the caller's transaction (the form's save, or an import)."""
    case = CaseFile(status=CaseStatus.ACTIVE.value)
    with session.no_autoflush:
        _apply(session, ctx, case, data)
    if not case.clinic_file_number:
        case.clinic_file_number = _next_clinic_number(session)
    if case.social_worker_id is None and ctx.actor.role is Role.SOCIAL_WORKER:
        case.social_worker_id = ctx.actor.staff_id
    if case.psychologist_id or case.social_worker_id not in (None, ctx.actor.staff_id):
        require(ctx.actor, Kind.ASSIGNMENT, Action.CREATE)
    if case.priority:
        require(ctx.actor, Kind.CASE_STATUS, Action.CHANGE)
    require_case_access(ctx.actor, case)
    _refuse_same_national_code(session, ctx, case)
    _apply_family(case, data.family)
    session.add(case)
    _flush_unique(session)
    audit.record(session, ctx, "create", "case_file", case.id, case_id=case.id,
                 changes=audit.snapshot(case, CASE_FIELDS))
    return case


@rule(Kind.CASE, Action.CHANGE)
def update_case(ctx: ServiceContext, case_id: int, data: CaseInput) -> SaveResult:
    with ctx.db.transaction() as session:
        case = get_case_row(session, ctx, case_id, data.version)
        before = audit.snapshot(case, CASE_FIELDS)
        family_before = len(case.family)
        with session.no_autoflush:  # the code is checked against other files before it is written
            _apply(session, ctx, case, data)
            _refuse_same_national_code(session, ctx, case)
            require_reason_in_signed_month(session, ctx, case.id,
                                           _moved({before["received_on"]}, {case.received_on}),
                                           data.amend_reason, record_kind="case_file", record_id=case.id)
            case.clinic_file_number = case.clinic_file_number or before["clinic_file_number"]
            if any(getattr(case, f) != before[f] for f in ASSIGNMENT_FIELDS):
                require(ctx.actor, Kind.ASSIGNMENT, Action.CHANGE)
            if any(getattr(case, f) != before[f] for f in PRIORITY_FIELDS):
                require(ctx.actor, Kind.CASE_STATUS, Action.CHANGE)
            _apply_family(case, data.family)
        _flush_unique(session)
        changes = audit.diff(before, audit.snapshot(case, CASE_FIELDS))
        if len(case.family) != family_before or data.family:
            changes["family"] = [family_before, len(case.family)]
            concurrency.touch(session, case)
        audit.record(session, ctx, "update", "case_file", case.id, case_id=case.id, changes=changes)
        session.flush()
        return SaveResult(case.id, load_warnings(session, case), case.version)


@rule(Kind.CASE_STATUS, Action.CHANGE)
def change_status(ctx: ServiceContext, case_id: int, status: str, *, on: dt.date | str | None = None,
                  reason: str = "", version: Optional[int] = None, amend_reason: str = "") -> SaveResult:
    """Close a file, return it to Behzisti, or reopen it; leaving 'active' needs a reason."""
    with ctx.db.transaction() as session:
        case = get_case_row(session, ctx, case_id, version)
        new = v.choice(CaseStatus, status, "status", "وضعیت پرونده")
        why = v.text(reason, "status_reason", "دلیل", max_len=2000, multiline=True)
        if new is not CaseStatus.ACTIVE and not why:
            raise ValidationError("دلیل بستن یا عودت پرونده را بنویسید.", field="status_reason")
        when = v.day_up_to(ctx.today(), on, "status_on", "تاریخ")
        if when < case.received_on:
            raise ValidationError("این تاریخ پیش از دریافت پرونده است.", field="status_on")
        require_reason_in_signed_month(session, ctx, case.id, [case.status_on, when], amend_reason,
                                       record_kind="case_file", record_id=case.id, action="status")
        before = audit.snapshot(case, ("status", "status_on", "status_reason"))
        case.status, case.status_on, case.status_reason = new.value, when, why
        audit.record(session, ctx, "status", "case_file", case.id, case_id=case.id,
                     changes=audit.diff(before, audit.snapshot(case, ("status", "status_on", "status_reason"))))
        return SaveResult(case.id, load_warnings(session, case))


def _moved(old: set, new: set) -> set:
    """Dates that an edit moved: both the old and the new one count, unchanged ones do not."""
    return old ^ new


def get_case_row(session: Session, ctx: ServiceContext, case_id: int, version: Optional[int] = None) -> CaseFile:
    """The file, if the actor may see it; with `version`, only as the screen read it (app.services.concurrency)."""
    case = v.lookup(session, CaseFile, case_id)
    if case is None:
        raise concurrency.gone(session, "case_file", case_id, version) if version is not None \
            else NotFound("پرونده پیدا نشد.")
    require_case_access(ctx.actor, case)
    concurrency.expect(session, case, version)
    return case


@helper
@contextmanager
def adding_to_case(ctx: ServiceContext, case_id: int) -> Iterator[tuple[Session, CaseFile]]:
    """The transaction in which a service writer adds a record to one case (a visit, a review, a
    problem, a referral), the case looked up first and refused if the actor may not see it."""
    require_service_writer(ctx.actor)
    with ctx.db.transaction() as session:
        yield session, get_case_row(session, ctx, case_id)


@rule(Kind.CASE, Action.READ)
def open_case(ctx: ServiceContext, case_id: int) -> CaseDetail:
    """Everything on a file's first tab; the opening itself goes into the audit trail."""
    with ctx.db.transaction() as session:
        case = get_case_row(session, ctx, case_id)
        audit.record(session, ctx, "open", "case_file", case.id, case_id=case.id)
        return _detail(session, case)


@rule(Kind.CASE, Action.READ)
def case_detail(ctx: ServiceContext, case_id: int) -> CaseDetail:
    """What open_case returns, without recording another opening: for refreshing a file that
    is already open on the screen after an edit."""
    with ctx.db.read() as session:
        return _detail(session, get_case_row(session, ctx, case_id))


def _detail(session: Session, case: CaseFile) -> CaseDetail:
    names = _staff_names(session, {case.social_worker_id, case.psychologist_id})
    contract = session.get(Contract, case.contract_id) if case.contract_id else None
    values = {f: getattr(case, f) for f in CASE_FIELDS}
    return CaseDetail(
        id=case.id, status=case.status, status_on=case.status_on, status_reason=case.status_reason,
        contract_number=contract.number if contract else "",
        social_worker_name=names.get(case.social_worker_id, ""),
        psychologist_name=names.get(case.psychologist_id, ""),
        next_follow_up=case.next_follow_up, last_review_on=case.last_review_on,
        family=tuple(FamilyMemberView(
            id=m.id, name=m.name, relation=m.relation, relation_label=Relation(m.relation).label,
            birth_year=m.birth_year, occupation=m.occupation, phone=m.phone,
            lives_with_child=m.lives_with_child, version=m.version) for m in case.family),
        warnings=load_warnings(session, case), version=case.version,
        **values,
    )


def _staff_names(session: Session, ids: set[Optional[int]]) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.execute(select(Staff.id, Staff.first_name, Staff.last_name).where(Staff.id.in_(ids)))
    return {i: f"{first} {last}" for i, first, last in rows}
