from decimal import Decimal

import pytest

from app.errors import ValidationError
from app.persian import (
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

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),
        ("كاظم", "کاظم"),
        ("يك", "یک"),
        ("رئیس", "رئیس"),  # ئ is a letter of its own and stays
        ("علـــی", "علی"),  # tatweel only stretches the word
        ("می" + ZWNJ + "شود", "می" + ZWNJ + "شود"),
        ("۱۲۳", "۱۲۳"),
        ("", ""),
    ],
)
def test_normalize_letters(raw, expected):
    assert normalize_letters(raw) == expected


def test_normalize_digits():
    assert normalize_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalize_digits("پلاک ۱۲ و ٣٤") == "پلاک 12 و 34"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("   ", ""),
        ("  علي   رضا  ", "علی رضا"),
        ("علی\tرضا\nکاظمی", "علی رضا کاظمی"),
        ("علی\u00a0رضا", "علی رضا"),
        ("می" + ZWNJ * 3 + "روم", "می" + ZWNJ + "روم"),
        ("علی " + ZWNJ + "رضا", "علی رضا"),
        ("علی" + ZWNJ + " رضا", "علی رضا"),
        (ZWNJ + "علی" + ZWNJ, "علی"),
        ("علی " + ZWNJ + " " + ZWNJ + " رضا", "علی رضا"),
        ("\u200fعلی\u200e", "علی"),  # direction marks pasted from the web
        ("پلاک ۱۲", "پلاک ۱۲"),  # digits stay as typed in free text
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_note_keeps_line_breaks():
    note = "  بازدید   از منزل \r\n\r\n\r\n\r\nمادر  حضور داشت \n"
    assert normalize_note(note) == "بازدید از منزل\n\nمادر حضور داشت"
    assert normalize_note(None) == ""
    assert normalize_note("يك\nدو") == "یک\nدو"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        (" ۰۹۱۲ ۳۴۵ ۶۷۸۹ ", "09123456789"),
        ("٠٩١٢-٣٤٥", "0912-345"),
        ("۱۴۰۵/۱۲ – ك", "1405/12-ک"),
        ("ABC 12", "ABC12"),
    ],
)
def test_normalize_identifier(raw, expected):
    assert normalize_identifier(raw) == expected


@pytest.mark.parametrize(
    "variant",
    ["علی‌رضا", "علی رضا", "علیرضا", "علي‌رضا", "علي رضا", " عَلیرِضا ", "علـیرضا", "علی-رضا"],
)
def test_search_key_variants_of_one_name_are_equal(variant):
    assert search_key(variant) == search_key("علیرضا") == "علیرضا"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("آرش", "ارش"),
        ("رئیسی", "رییسی"),
        ("مؤمنی", "مومنی"),
        ("مأمون", "مامون"),
        ("إسلامی", "اسلامی"),
        ("خانهٔ امید", "خانه امید"),
        ("خانۀ امید", "خانه امید"),
        ("علاءالدین", "علاالدین"),
        ("ﻋﻠﻰ", "علی"),  # presentation forms, as copied out of a PDF
        ("Ali Rezaei", "alirezaei"),
        ("۱۲۳", "123"),
        ("١٢٣", "123"),
    ],
)
def test_search_key_folds_what_users_type_for_one_another(one, other):
    assert search_key(one) == search_key(other)


def test_search_key_query_matches_as_substring():
    name = search_key("محمد علی‌رضایی")
    assert search_key("علی رضایی") in name
    assert search_key("رضايي") in name
    assert search_key("حسین") not in name


def test_search_key_keeps_distinct_letters_distinct():
    assert search_key("کاظم") != search_key("قاسم")
    assert search_key("پری") != search_key("بری")
    assert search_key(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("کد 123", "کد ۱۲۳"),
        ("٤٥", "۴۵"),
        (2026, "۲۰۲۶"),
        (-7, "-۷"),
        (Decimal("12.50"), "۱۲.۵۰"),
        (Decimal("1E+3"), "۱۰۰۰"),
        (None, ""),
    ],
)
def test_to_persian_digits(value, expected):
    assert to_persian_digits(value) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "۰"),
        (999, "۹۹۹"),
        (1000, "۱٬۰۰۰"),
        (1250000, "۱٬۲۵۰٬۰۰۰"),
        (-1234, "−۱٬۲۳۴"),
    ],
)
def test_format_number(n, expected):
    assert format_number(n) == expected


def test_format_number_without_grouping_and_rials():
    assert format_number(1250000, grouping=False) == "۱۲۵۰۰۰۰"
    assert format_rials(120000) == "۱۲۰٬۰۰۰ ریال"


@pytest.mark.parametrize("bad", [1.5, "12", None, True, Decimal("3")])
def test_format_number_rejects_non_integers(bad):
    with pytest.raises(ValidationError):
        format_number(bad)
