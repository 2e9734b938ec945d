"""Jalali (هجری شمسی) dates: parsing what people type, and formatting for screen and paper.

jdatetime does every conversion: its leap years follow the official calendar (Qt's differ in
some years). Dates are kept as Python `datetime.date` everywhere else in the program.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import jdatetime

from app.domain.enums import PERSIAN_MONTHS
from app.errors import ValidationError
from app.persian.text import normalize_identifier, search_key, to_persian_digits

MIN_YEAR = 1300
MAX_YEAR = 1500
ESFAND = 12

_SEPARATORS = r"[/.\-\u066b]"  # ٫ is what a Persian keyboard gives for the decimal key
# Bounded lengths also keep int() away from absurdly long digit runs.
_DATE = re.compile(rf"([0-9]{{1,6}}){_SEPARATORS}([0-9]{{1,2}}){_SEPARATORS}([0-9]{{1,2}})")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_MONTH = re.compile(rf"([0-9]{{1,6}}){_SEPARATORS}([0-9]{{1,2}})")
_COMPACT_MONTH = re.compile(r"([0-9]{4})([0-9]{2})")


def _month_names() -> tuple[str, ...]:
    return PERSIAN_MONTHS


@functools.cache
def _month_keys() -> dict[str, int]:
    keys = {search_key(name): i for i, name in enumerate(_month_names(), start=1)}
    keys[search_key("امرداد")] = 5  # the older spelling is still in use
    return keys


def _fa(value: object) -> str:
    return to_persian_digits(value)


def _fa_date(year: int, month: int, day: int) -> str:
    return _fa(f"{year:04d}/{month:02d}/{day:02d}")


def _is_leap(year: int) -> bool:
    return jdatetime.date(year, 1, 1).isleap()


def _check_year(year: int, field: str) -> None:
    if MIN_YEAR <= year <= MAX_YEAR:
        return
    message = f"سال باید بین {_fa(MIN_YEAR)} و {_fa(MAX_YEAR)} باشد"
    if 1900 <= year <= 2200:
        message += "؛ تاریخ را شمسی بنویسید، نه میلادی"
    raise ValidationError(message, field=field)


def _check_month(month: int, field: str) -> None:
    if not 1 <= month <= 12:
        raise ValidationError("ماه باید بین ۱ و ۱۲ باشد", field=field)


def days_in_month(year: int, month: int) -> int:
    """Number of days of a Jalali month (Esfand has 30 in leap years)."""
    _check_year(_as_int(year, "month"), "month")
    _check_month(_as_int(month, "month"), "month")
    if month == ESFAND and _is_leap(year):
        return 30
    return jdatetime.j_days_in_month[month - 1]


def _check_day(year: int, month: int, day: int, field: str) -> None:
    if not 1 <= day <= 31:
        raise ValidationError("روز باید بین ۱ و ۳۱ باشد", field=field)
    length = days_in_month(year, month)
    if day <= length:
        return
    reason = f"{month_name(month)} {_fa(length)} روز دارد"
    if month == ESFAND:
        reason = f"سال {_fa(year)} کبیسه نیست و اسفند آن {_fa(length)} روز دارد"
    raise ValidationError(f"تاریخ {_fa_date(year, month, day)} وجود ندارد: {reason}", field=field)


def _as_int(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("تاریخ باید از عدد ساخته شود", field=field)
    return value


def _from_jalali(year: int, month: int, day: int, field: str) -> dt.date:
    year, month, day = (_as_int(v, field) for v in (year, month, day))
    _check_year(year, field)
    _check_month(month, field)
    _check_day(year, month, day, field)
    return jdatetime.date(year, month, day).togregorian()


def from_jalali(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Jalali date; ValidationError if that date does not exist."""
    return _from_jalali(year, month, day, "date")


def _as_gregorian(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


def _jalali(d: dt.date, field: str = "date") -> jdatetime.date:
    if isinstance(d, jdatetime.date):
        return d
    if not isinstance(d, dt.date):
        raise ValidationError("تاریخ درست نیست", field=field)
    try:
        return jdatetime.date.fromgregorian(date=_as_gregorian(d))
    except ValueError:
        raise ValidationError("این تاریخ بیرون از بازهٔ تقویم شمسی است", field=field) from None


def to_jalali(d: dt.date) -> tuple[int, int, int]:
    j = _jalali(d)
    return j.year, j.month, j.day


def parse_optional_jalali(s: str | dt.date | None, field: str = "date") -> dt.date | None:
    """Like parse_jalali, but an empty field gives None."""
    if isinstance(s, dt.date):
        return _as_gregorian(s)
    text = normalize_identifier(s)
    if not text:
        return None
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        raise ValidationError("تاریخ را به شکل سال/ماه/روز بنویسید، مثل ۱۴۰۵/۰۹/۰۱", field=field)
    year, month, day = (int(part) for part in match.groups())
    return _from_jalali(year, month, day, field)


def parse_jalali(s: str | dt.date | None, field: str = "date") -> dt.date:
    """'1405/09/01', '۱۴۰۵/۰۹/۰۱', '١٤٠٥-٩-١', '14050901' → date(2026, 11, 22).

    A date object passes through, so a form may hand over either.
    """
    parsed = parse_optional_jalali(s, field)
    if parsed is None:
        raise ValidationError("تاریخ را وارد کنید", field=field)
    return parsed


def format_jalali(d: dt.date | None, persian_digits: bool = True) -> str:
    """date(2026, 11, 22) → '۱۴۰۵/۰۹/۰۱'; None → ''."""
    if d is None:
        return ""
    j = _jalali(d)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return _fa(text) if persian_digits else text


def format_jalali_datetime(moment: dt.datetime | None, persian_digits: bool = True) -> str:
    """'۱۴۰۵/۰۹/۰۱ ساعت ۱۴:۳۰'; a plain date gives only the date; None → ''."""
    if not isinstance(moment, dt.datetime):
        return format_jalali(moment, persian_digits)
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    clock = _fa(clock) if persian_digits else clock
    return f"{format_jalali(moment, persian_digits)} ساعت {clock}"


def month_name(m: int) -> str:
    """1 → 'فروردین' … 12 → 'اسفند'."""
    _check_month(_as_int(m, "month"), "month")
    return _month_names()[m - 1]


def _month_from_words(text: str) -> tuple[int, int] | None:
    """'آبان ۱۴۰۵' or '۱۴۰۵ آبان', the form format_month writes."""
    words = text.split()
    if len(words) != 2:
        return None
    for name, year in (words, reversed(words)):
        month = _month_keys().get(search_key(name))
        year = normalize_identifier(year)
        if month and year.isascii() and year.isdigit() and len(year) <= 6:
            return int(year), month
    return None


def parse_jalali_month(s: str | None, field: str = "month") -> tuple[int, int]:
    """'1405/08', '۱۴۰۵-۸', '140508' or 'آبان ۱۴۰۵' → (1405, 8)."""
    text = normalize_identifier(s)
    if not text:
        raise ValidationError("ماه را وارد کنید", field=field)
    match = _MONTH.fullmatch(text) or _COMPACT_MONTH.fullmatch(text)
    if match:
        year, month = (int(part) for part in match.groups())
    else:
        words = _month_from_words(str(s))
        if words is None:
            raise ValidationError("ماه را به شکل سال/ماه بنویسید، مثل ۱۴۰۵/۰۸", field=field)
        year, month = words
    _check_year(year, field)
    _check_month(month, field)
    return year, month


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian dates of a Jalali month."""
    first = _from_jalali(year, month, 1, "month")
    return first, _from_jalali(year, month, days_in_month(year, month), "month")


def half_year_of(d: dt.date) -> tuple[int, int]:
    """(Jalali year, half): half 1 is Farvardin–Shahrivar, half 2 is Mehr–Esfand."""
    year, month, _ = to_jalali(d)
    return year, 1 if month <= 6 else 2


def half_year_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    if half not in (1, 2) or isinstance(half, bool):
        raise ValidationError("نیمهٔ سال باید ۱ یا ۲ باشد", field="half")
    first_month = 1 if half == 1 else 7
    first, _ = month_bounds(year, first_month)
    _, last = month_bounds(year, first_month + 5)
    return first, last


def format_month(year: int, month: int) -> str:
    """(1405, 8) → 'آبان ۱۴۰۵'."""
    return f"{month_name(month)} {_fa(year)}"


def age_in_years(birth: dt.date | None, on: dt.date) -> int | None:
    """Whole years from birth to `on`, a birthday counted on its Jalali day (None if unknown
    or not born yet)."""
    if birth is None or birth > on:
        return None
    (by, bm, bd), (oy, om, od) = to_jalali(birth), to_jalali(on)
    return oy - by - (1 if (om, od) < (bm, bd) else 0)


def age_text(birth: dt.date | None, on: dt.date) -> str:
    """'۱۰ ساله' ('' when the birth date is unknown); under a year: 'زیر یک سال'."""
    years = age_in_years(birth, on)
    if years is None:
        return ""
    return "زیر یک سال" if years == 0 else f"{_fa(years)} ساله"
