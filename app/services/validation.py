"""Checks shared by the services; each raises ValidationError naming the field, in Persian."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterable, Optional, TypeVar

from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.domain.enums import LabelledEnum
from app.persian import normalize_identifier, normalize_note, normalize_text, parse_optional_jalali, to_persian_digits
from app.plaintext import _UNPRINTABLE, printable  # noqa: F401  (kept importable from here)

E = TypeVar("E", bound=LabelledEnum)
M = TypeVar("M")

_REFUSED = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str, field: str, label: str) -> str:
    """NUL and lone surrogates are refused, naming the field, rather than silently dropped: a text
    that lost characters on the way in is not the text the person gave."""
    if _REFUSED.search(value):
        raise ValidationError(f"{label} نویسه‌ای دارد که ذخیره نمی‌شود (NUL یا نیمه یک نویسه یونیکد).",
                              field=field)
    return printable(value)


def text(value: object, field: str, label: str, *, required: bool = False, max_len: int = 200,
         multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} باید متن باشد.", field=field)
    value = _storable(value, field, label)
    cleaned = normalize_note(value) if multiline else normalize_text(value)
    if required and not cleaned:
        raise ValidationError(f"{label} را وارد کنید.", field=field)
    if len(cleaned) > max_len:
        raise ValidationError(
            f"{label} بیش از {to_persian_digits(max_len)} نویسه است.", field=field)
    return cleaned


def identifier(value: object, field: str, label: str, *, required: bool = False, max_len: int = 50) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    cleaned = normalize_identifier(_storable(value, field, label))
    if required and not cleaned:
        raise ValidationError(f"{label} را وارد کنید.", field=field)
    if len(cleaned) > max_len:
        raise ValidationError(f"{label} بیش از {to_persian_digits(max_len)} نویسه است.", field=field)
    return cleaned


def date(value: object, field: str, label: str, *, required: bool = False,
         not_after: Optional[dt.date] = None) -> Optional[dt.date]:
    """A date given as a date or as Jalali text in any digits."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if value is None or isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        result = parse_optional_jalali(value, field)
    else:
        raise ValidationError(f"{label} درست نیست.", field=field)
    if result is None and required:
        raise ValidationError(f"{label} را وارد کنید.", field=field)
    if result is not None and not (dt.date(1921, 3, 21) <= result <= dt.date(2121, 3, 20)):
        raise ValidationError(f"{label} خارج از بازه مجاز است.", field=field)
    if result is not None and not_after is not None and result > not_after:
        raise ValidationError(f"{label} نمی‌تواند بعد از امروز باشد.", field=field)
    return result


def day_up_to(today: dt.date, value: object, field: str, label: str) -> dt.date:
    """The day something happened: none given means today, and a day after today is refused."""
    return date(value if value is not None else today, field, label, required=True, not_after=today)


def choice(enum: type[E], value: object, field: str, label: str) -> E:
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except (ValueError, TypeError):
        raise ValidationError(f"{label} را از فهرست انتخاب کنید.", field=field) from None


def integer(value: object, field: str, label: str, *, minimum: int, maximum: int,
            required: bool = True) -> Optional[int]:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{label} را وارد کنید.", field=field)
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label} باید عدد باشد.", field=field)
    if isinstance(value, str):
        digits = normalize_identifier(value).replace(",", "").replace("٬", "")
        try:
            value = int(digits)
        except ValueError:
            raise ValidationError(f"{label} باید عدد باشد.", field=field) from None
    if not isinstance(value, int):
        raise ValidationError(f"{label} باید عدد باشد.", field=field)
    if not minimum <= value <= maximum:
        raise ValidationError(
            f"{label} باید بین {to_persian_digits(minimum)} و {to_persian_digits(maximum)} باشد.",
            field=field)
    return value


def flag(value: object) -> bool:
    return bool(value)


def fit(key: str, column) -> str:
    """A derived key cut to its column: ligatures such as ﷺ grow many letters long under
    normalisation, and PostgreSQL refuses what its VARCHAR cannot hold. Order and search only
    look at the start of a key, so nothing a user can see changes."""
    return key[:column.type.length]


MAX_ROW_ID = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite


def row_id(value: object) -> Optional[int]:
    """A record id as the database can hold it, or None for anything else.

    True is not record 1, and 10**30 must find nothing rather than overflow the driver."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID:
        return value
    return None


def lookup(session: Session, model: type[M], value: object) -> Optional[M]:
    """The row of `model` with id `value`, or None when there is none or it cannot be an id."""
    key = row_id(value)
    return session.get(model, key) if key is not None else None


def collect(checks: Iterable[Callable[[], object]]) -> list[ValidationError]:
    """Run independent checks and return every error, the first per field, in the order given:
    a form then shows them all at once instead of one per save."""
    errors: list[ValidationError] = []
    seen: set[Optional[str]] = set()
    for check in checks:
        try:
            check()
        except ValidationError as error:
            if error.field not in seen:
                seen.add(error.field)
                errors.append(error)
    return errors
