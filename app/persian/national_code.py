"""The Iranian national code (کد ملی): ten digits, the last a check digit.

Codes of 8 or 9 digits are accepted and padded with zeros on the left: spreadsheets and old
systems drop the leading zeros of codes issued in Tehran (which start with 00), and the check
digit still has to be right after padding.
"""

from __future__ import annotations

from app.errors import ValidationError
from app.persian.text import normalize_identifier

_MIN_DIGITS = 8
_LENGTH = 10


def _check_digit(first9: str) -> int:
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first9)) % 11
    return remainder if remainder < 2 else 11 - remainder


def validate_national_code(s: str | None, field: str = "national_code") -> str:
    """Return the code as 10 ASCII digits, or raise ValidationError with a Persian message.

    Accepts Persian and Arabic-Indic digits, spaces and dashes.
    """
    code = normalize_identifier(s).replace("-", "")
    if not code:
        raise ValidationError("کد ملی را وارد کنید", field=field)
    if not code.isascii() or not code.isdigit():
        raise ValidationError("کد ملی فقط از رقم تشکیل می‌شود", field=field)
    if not _MIN_DIGITS <= len(code) <= _LENGTH:
        raise ValidationError("کد ملی باید ۱۰ رقم باشد", field=field)
    code = code.zfill(_LENGTH)
    if len(set(code)) == 1:
        raise ValidationError("کد ملی با ارقام یکسان معتبر نیست", field=field)
    if int(code[9]) != _check_digit(code[:9]):
        raise ValidationError("رقم کنترل کد ملی درست نیست", field=field)
    return code


def is_valid_national_code(s: str | None) -> bool:
    try:
        validate_national_code(s)
    except ValidationError:
        return False
    return True


def make_national_code(prefix9: str) -> str:
    """The nine given digits followed by their check digit (for demo data and tests)."""
    prefix = normalize_identifier(prefix9)
    if len(prefix) != 9 or not prefix.isascii() or not prefix.isdigit():
        raise ValidationError("برای ساختن کد ملی ۹ رقم لازم است", field="national_code")
    code = prefix + str(_check_digit(prefix))
    if len(set(code)) == 1:
        raise ValidationError("کد ملی با ارقام یکسان معتبر نیست", field="national_code")
    return code
