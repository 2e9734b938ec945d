"""Importing the case files Behzisti hands over, from an Excel (.xlsx) or CSV list.

At the start of a contract a clinic receives a list of a few hundred children. Typing each
file by hand takes days; this reads the list, checks every row with the same rules as the
case form, and saves all of it, or nothing: a list with one bad row is
reported row by row (line, column, the form's own Persian message) and not half imported.
Files already in the program (same Behzisti file number) are skipped and said so, so the
same list, or a longer one, can be imported again.

Columns are found by their Persian headers in the first row, in any order; letters and
digits may be Arabic or Persian. No Qt here: the desktop runs this in a worker thread.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import select

from app.errors import Conflict, DomainError, ValidationError
from app.models import CaseFile
from app.domain.enums import LivingArrangement, Sex
from app.persian import normalize_identifier, normalize_text, to_persian_digits
from app.services import audit, cases
from app.services.context import ServiceContext
from app.services.permissions import require_manager
from app.services.policy import Action, Kind, rule

MAX_ROWS = 20000
MAX_FILE_BYTES = 20 * 1024 * 1024

# field -> the headers it is found under (the first is the one the template writes)
HEADERS: dict[str, tuple[str, ...]] = {
    "behzisti_file_number": ("شماره پرونده بهزیستی", "پرونده بهزیستی", "شماره پرونده"),
    "first_name": ("نام",),
    "last_name": ("نام خانوادگی",),
    "father_name": ("نام پدر",),
    "national_code": ("کد ملی",),
    "sex": ("جنسیت",),
    "birth_date": ("تاریخ تولد",),
    "living_arrangement": ("وضعیت زندگی",),
    "discharge_date": ("تاریخ ترخیص",),
    "received_on": ("تاریخ دریافت", "تاریخ دریافت پرونده"),
    "early_transfer_reason": ("دلیل پذیرش زودتر از یک سال", "دلیل پذیرش زودهنگام"),
    "clinic_file_number": ("شماره پرونده کلینیک", "پرونده کلینیک"),
    "priority_reason": ("دلیل اولویت",),
    "behzisti_summary": ("خلاصه پرونده بهزیستی", "خلاصه پرونده"),
    "address": ("نشانی", "آدرس"),
    "phones": ("تلفن",),
}
REQUIRED = ("behzisti_file_number", "first_name", "last_name", "sex", "living_arrangement")
LABELS = {name: headers[0] for name, headers in HEADERS.items()}

_SEX_WORDS = {"دختر": Sex.FEMALE, "زن": Sex.FEMALE, "مونث": Sex.FEMALE, "مؤنث": Sex.FEMALE,
              "پسر": Sex.MALE, "مرد": Sex.MALE, "مذکر": Sex.MALE}
_LIVING_WORDS = {"خانوادهجایگزین": LivingArrangement.SUBSTITUTE_FAMILY,
                 "فرزندپذیر": LivingArrangement.SUBSTITUTE_FAMILY,
                 "فرزندخوانده": LivingArrangement.SUBSTITUTE_FAMILY,
                 "مستقل": LivingArrangement.INDEPENDENT,
                 "خانوادهخود": LivingArrangement.OWN_FAMILY}

MSG_NO_FILE = "فایل پیدا نشد یا خوانده نمی‌شود."
MSG_TOO_BIG = "فایل بزرگ‌تر از آن است که فهرست پرونده‌ها باشد."
MSG_KIND = "فقط فایل اکسل (.xlsx) یا CSV را می‌توان وارد کرد."
MSG_EMPTY = "در این فایل هیچ ردیفی نیست."
MSG_TOO_MANY = "این فایل بیش از {n} ردیف دارد؛ آن را در چند فایل وارد کنید."
MSG_MISSING = "ستون‌های لازم در سطر اول فایل پیدا نشد: {names}."
MSG_UNREADABLE = "این فایل خوانده نشد؛ آیا فایل اکسل یا CSV سالم است؟"


@dataclass(frozen=True)
class ImportRow:
    line: int  # the row's number in the sheet, as Excel shows it
    values: dict[str, Any]


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str  # the Persian header of the column at fault ("" when the row as a whole)
    message: str


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int  # 0 on a check, or when there were problems: nothing is half imported
    ready: int  # rows that would be (or were) created
    already_present: tuple[int, ...]  # lines skipped: their Behzisti file number is in the program
    problems: tuple[ImportProblem, ...]
    checked_only: bool

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportCancelled(DomainError):
    """The person cancelled; nothing was saved."""


# ------------------------------------------------------------------------------- reading


def read_rows(path: Path | str) -> list[ImportRow]:
    """The data rows of an .xlsx or .csv file, keyed by field; ValidationError(field='file')
    with a Persian message for a file that is missing, too big, of another kind, or whose
    first row lacks a required header."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise ValidationError(MSG_NO_FILE, field="file") from None
    if size > MAX_FILE_BYTES:
        raise ValidationError(MSG_TOO_BIG, field="file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_rows(path)
    elif suffix == ".csv":
        table = _csv_rows(path)
    else:
        raise ValidationError(MSG_KIND, field="file")
    return _keyed(table)


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import zipfile

    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise ValidationError(MSG_UNREADABLE, field="file") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _csv_rows(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    # Excel on a Persian Windows saves CSV in the Arabic code page, not UTF-8.
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(MSG_UNREADABLE, field="file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(text.splitlines(), dialect)]


def _header_key(text: Any) -> str:
    return "".join(normalize_text(str(text or "")).replace("\u200c", "").split())


_FIELD_OF = {_header_key(h): name for name, headers in HEADERS.items() for h in headers}


def _keyed(table: list[list[Any]]) -> list[ImportRow]:
    if not table:
        raise ValidationError(MSG_EMPTY, field="file")
    columns = {index: _FIELD_OF.get(_header_key(cell)) for index, cell in enumerate(table[0])}
    found = {name for name in columns.values() if name}
    missing = [LABELS[name] for name in REQUIRED if name not in found]
    if missing:
        raise ValidationError(MSG_MISSING.format(names="، ".join(f"«{m}»" for m in missing)), field="file")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {columns[i]: cell for i, cell in enumerate(cells) if columns.get(i) and _text(cell)}
        if values:
            rows.append(ImportRow(number, values))
    if not rows:
        raise ValidationError(MSG_EMPTY, field="file")
    if len(rows) > MAX_ROWS:
        raise ValidationError(MSG_TOO_MANY.format(n=MAX_ROWS), field="file")
    return rows


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# ------------------------------------------------------------------------------- checking and saving


def case_input(row: ImportRow, *, contract_id: Optional[int], social_worker_id: Optional[int]) -> cases.CaseInput:
    """The row as the case form's input (the same rules then apply to it)."""
    v = row.values
    national = normalize_identifier(_text(v.get("national_code")))
    if national.isdigit() and len(national) < 10:
        national = national.zfill(10)  # a spreadsheet keeps codes as numbers and drops leading zeros
    reason = _text(v.get("priority_reason"))
    return cases.CaseInput(
        behzisti_file_number=_text(v.get("behzisti_file_number")), first_name=_text(v.get("first_name")),
        last_name=_text(v.get("last_name")), father_name=_text(v.get("father_name")), national_code=national,
        sex=_choice(v.get("sex"), Sex, _SEX_WORDS),
        living_arrangement=_choice(v.get("living_arrangement"), LivingArrangement, _LIVING_WORDS),
        birth_date=_date(v.get("birth_date")), discharge_date=_date(v.get("discharge_date")),
        received_on=_date(v.get("received_on")),
        early_transfer_reason=_text(v.get("early_transfer_reason")),
        clinic_file_number=_text(v.get("clinic_file_number")), priority=bool(reason), priority_reason=reason,
        behzisti_summary=_text(v.get("behzisti_summary")), address=_text(v.get("address")),
        phones=_text(v.get("phones")), contract_id=contract_id, social_worker_id=social_worker_id)


def _choice(cell: Any, enum, words: dict) -> str:
    """An enum value from its value, its Persian label or a common word for it; the text as
    it was otherwise (the form's rule then names the column)."""
    text = _text(cell)
    key = _header_key(text)
    for member in enum:
        if key in (_header_key(member.label), member.value):
            return member.value
    for word, member in words.items():
        if _header_key(word) in key:
            return member.value
    return text


def _date(cell: Any) -> Optional[dt.date | str]:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    return text or None


CHUNK_ROWS = 500  # rows checked per read transaction: short, so nothing holds the database for long


@rule(Kind.ASSIGNMENT, Action.CREATE)
def import_cases(ctx: ServiceContext, rows: Sequence[ImportRow], *, contract_id: Optional[int],
                 social_worker_id: Optional[int] = None, check_only: bool = False,
                 progress: Optional[Callable[[int, int], None]] = None,
                 cancel: Optional[Callable[[], bool]] = None) -> ImportResult:
    """Check every row and, unless check_only or a row has a problem, save them all, or nothing.
    The manager only: a list of files is the clinic's, not one worker's.

    Rows are checked in short read transactions into a staging list (another PC's save never
    waits behind an import), then published in one short write transaction."""
    require_manager(ctx.actor)
    staging = _Staging()
    total = len(rows)
    for start in range(0, total, CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        with ctx.db.read() as session:
            staging.known_in(session, chunk)
            for done, row in enumerate(chunk, start):
                if cancel and cancel():
                    raise ImportCancelled("ورود پرونده‌ها لغو شد؛ چیزی ثبت نشد.")
                if progress:
                    progress(done, total)
                staging.check(session, ctx, row, contract_id, social_worker_id)
            session.expunge_all()
    created = len(staging.ready)
    if not (staging.problems or check_only) and staging.ready:
        if cancel and cancel():
            raise ImportCancelled("ورود پرونده‌ها لغو شد؛ چیزی ثبت نشد.")
        with ctx.db.transaction() as session:
            _publish(session, ctx, staging.ready)
    if progress:
        progress(total, total)
    saved = created if not (staging.problems or check_only) else 0
    return ImportResult(rows=total, created=saved, ready=created, already_present=tuple(staging.present),
                        problems=tuple(staging.problems), checked_only=check_only)


class _Staging:
    """Rows checked so far: the files ready to publish, the problems, the files already present."""

    def __init__(self) -> None:
        self.ready: list[CaseFile] = []
        self.problems: list[ImportProblem] = []
        self.present: list[int] = []
        self.known: set[str] = set()
        self.known_codes: set[str] = set()
        self.known_clinic: set[str] = set()
        self.seen: dict[str, int] = {}
        self.seen_codes: dict[str, int] = {}
        self.seen_clinic: dict[str, int] = {}

    def known_in(self, session, rows: Sequence[ImportRow]) -> None:
        self.known |= _existing(session, CaseFile.behzisti_file_number, rows, "behzisti_file_number")
        self.known_codes |= _existing(session, CaseFile.national_code, rows, "national_code")
        self.known_clinic |= _existing(session, CaseFile.clinic_file_number, rows, "clinic_file_number")

    def check(self, session, ctx: ServiceContext, row: ImportRow, contract_id: Optional[int],
              social_worker_id: Optional[int]) -> None:
        problem = self._check(session, ctx, row, contract_id, social_worker_id)
        if problem:
            self.problems.append(problem)

    def _check(self, session, ctx, row, contract_id, social_worker_id) -> Optional[ImportProblem]:
        data = case_input(row, contract_id=contract_id, social_worker_id=social_worker_id)
        number = normalize_identifier(data.behzisti_file_number)
        if number in self.known:
            self.present.append(row.line)
            return None
        if number in self.seen:
            return ImportProblem(row.line, LABELS["behzisti_file_number"],
                                 f"این شماره پرونده در ردیف {to_persian_digits(self.seen[number])} همین فایل هم آمده است.")
        if number:
            self.seen[number] = row.line
        try:
            case = cases.new_case_checked(session, ctx, data)
        except DomainError as error:
            return ImportProblem(row.line, LABELS.get(error.field or "", ""), error.message)
        for value, known, seen, field, text in (
                (case.national_code, self.known_codes, self.seen_codes, "national_code",
                 "پرونده‌ای با این کد ملی پیش‌تر ثبت شده است."),
                (case.clinic_file_number, self.known_clinic, self.seen_clinic, "clinic_file_number",
                 "این شماره پرونده کلینیک پیش‌تر ثبت شده است.")):
            if value and value in known:
                return ImportProblem(row.line, LABELS[field], text)
            if value and value in seen:
                return ImportProblem(row.line, LABELS[field],
                                     f"این مقدار در ردیف {to_persian_digits(seen[value])} همین فایل هم آمده است.")
            if value:
                seen[value] = row.line
        self.ready.append(case)
        return None


def _existing(session, column, rows: Sequence[ImportRow], field: str) -> set[str]:
    values = {normalize_identifier(_text(r.values.get(field))) for r in rows}
    values.discard("")
    found: set[str] = set()
    listed = sorted(values)
    for start in range(0, len(listed), 500):  # under SQLite's limit of bound values
        found.update(session.scalars(select(column).where(column.in_(listed[start:start + 500]))))
    return found


def _publish(session, ctx: ServiceContext, ready: list[CaseFile]) -> None:
    """The checked files in one short transaction; if another PC added one of them meanwhile, nothing."""
    numbers = [c.behzisti_file_number for c in ready]
    for start in range(0, len(numbers), 500):
        clash = session.scalar(select(CaseFile.behzisti_file_number).where(
            CaseFile.behzisti_file_number.in_(numbers[start:start + 500])).limit(1))
        if clash:
            raise Conflict(f"پرونده {clash} هم‌زمان در رایانه دیگری ثبت شد؛ چیزی از این فایل ثبت نشد. "
                           "فایل را دوباره وارد کنید: پرونده‌های موجود کنار گذاشته می‌شوند.")
    free = cases.free_clinic_numbers(session, {c.clinic_file_number for c in ready if c.clinic_file_number})
    for case in ready:
        if not case.clinic_file_number:
            case.clinic_file_number = next(free)
    session.add_all(ready)
    cases.flush_unique(session)
    audit.record_many(session, ctx, "create", "case_file",
                      ((case.id, case.id, audit.snapshot(case, cases.CASE_FIELDS)) for case in ready))


def write_template(path: Path | str) -> Path:
    """An empty list with every column's header, to fill in and import."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "پرونده‌ها"
    sheet.sheet_view.rightToLeft = True
    sheet.append([LABELS[name] for name in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    book.save(path)
    return Path(path)
