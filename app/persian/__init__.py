"""Persian text, digits, sort keys, national codes and Jalali dates. Pure functions, no I/O."""

from app.persian.collation import collation_key
from app.persian.jalali import (
    age_in_years,
    age_text,
    days_in_month,
    format_jalali,
    format_jalali_datetime,
    format_month,
    from_jalali,
    half_year_bounds,
    half_year_of,
    month_bounds,
    month_name,
    parse_jalali,
    parse_jalali_month,
    parse_optional_jalali,
    to_jalali,
)
from app.persian.national_code import (
    is_valid_national_code,
    make_national_code,
    validate_national_code,
)
from app.persian.text import (
    format_number,
    format_rials,
    normalize_digits,
    normalize_identifier,
    normalize_letters,
    normalize_note,
    normalize_text,
    search_key,
    to_persian_digits,
)
from app.persian.words import number_to_words

__all__ = [
    "age_in_years",
    "age_text",
    "collation_key",
    "days_in_month",
    "format_jalali",
    "format_jalali_datetime",
    "format_month",
    "format_number",
    "format_rials",
    "from_jalali",
    "half_year_bounds",
    "half_year_of",
    "is_valid_national_code",
    "make_national_code",
    "month_bounds",
    "month_name",
    "normalize_digits",
    "normalize_identifier",
    "normalize_letters",
    "normalize_note",
    "normalize_text",
    "number_to_words",
    "parse_jalali",
    "parse_jalali_month",
    "parse_optional_jalali",
    "search_key",
    "to_jalali",
    "to_persian_digits",
    "validate_national_code",
]
