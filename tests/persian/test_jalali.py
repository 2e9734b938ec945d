import datetime as dt

import pytest

from app.errors import ValidationError
from app.persian import (
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

AZAR_FIRST_1405 = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    "typed",
    ["1405/09/01", "۱۴۰۵/۰۹/۰۱", "١٤٠٥-٩-١", "1405-9-1", "  1405/9/01 ", "1405.09.01",
     "۱۴۰۵٫۰۹٫۰۱", "14050901", "1405 / 09 / 01",
     "۱۴۰۵\u200f/۰۹\u200f/۰۱"],  # right-to-left marks, as the date widget shows it
)
def test_parse_jalali_accepts_common_forms(typed):
    assert parse_jalali(typed) == AZAR_FIRST_1405


def test_parse_jalali_passes_dates_through():
    assert parse_jalali(AZAR_FIRST_1405) == AZAR_FIRST_1405
    assert parse_jalali(dt.datetime(2026, 11, 22, 9, 0)) == AZAR_FIRST_1405


def test_leap_years():
    # 1403 is leap (Esfand has 30 days); 1404 is not.
    assert parse_jalali("1403/12/30") == dt.date(2025, 3, 20)
    assert days_in_month(1403, 12) == 30
    assert days_in_month(1404, 12) == 29
    assert parse_jalali("1404/12/29") == dt.date(2026, 3, 20)
    assert parse_jalali("1405/01/01") == dt.date(2026, 3, 21)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1404/12/30", "تاریخ ۱۴۰۴/۱۲/۳۰ وجود ندارد: سال ۱۴۰۴ کبیسه نیست و اسفند آن ۲۹ روز دارد"),
        ("1405/07/31", "تاریخ ۱۴۰۵/۰۷/۳۱ وجود ندارد: مهر ۳۰ روز دارد"),
        ("1405/13/01", "ماه باید بین ۱ و ۱۲ باشد"),
        ("1405/00/10", "ماه باید بین ۱ و ۱۲ باشد"),
        ("1405/01/32", "روز باید بین ۱ و ۳۱ باشد"),
        ("1405/01/00", "روز باید بین ۱ و ۳۱ باشد"),
        ("1299/01/01", "سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد"),
        ("1501/01/01", "سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد"),
        ("", "تاریخ را وارد کنید"),
        ("   ", "تاریخ را وارد کنید"),
        (None, "تاریخ را وارد کنید"),
        ("فردا", "تاریخ را به شکل سال/ماه/روز بنویسید، مثل ۱۴۰۵/۰۹/۰۱"),
        ("1405/09", "تاریخ را به شکل سال/ماه/روز بنویسید، مثل ۱۴۰۵/۰۹/۰۱"),
        ("1405/09/01/02", "تاریخ را به شکل سال/ماه/روز بنویسید، مثل ۱۴۰۵/۰۹/۰۱"),
    ],
)
def test_parse_jalali_rejections_name_the_problem(typed, message):
    with pytest.raises(ValidationError) as error:
        parse_jalali(typed, field="visit_date")
    assert error.value.message == message
    assert error.value.field == "visit_date"


def test_gregorian_input_gets_a_hint():
    with pytest.raises(ValidationError) as error:
        parse_jalali("2026-11-22")
    assert error.value.message.startswith("سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد")
    assert "میلادی" in error.value.message


def test_parse_optional_jalali():
    assert parse_optional_jalali("") is None
    assert parse_optional_jalali(None) is None
    assert parse_optional_jalali("۱۴۰۵/۰۹/۰۱") == AZAR_FIRST_1405
    with pytest.raises(ValidationError):
        parse_optional_jalali("1404/12/30")


def test_format_jalali():
    assert format_jalali(AZAR_FIRST_1405) == "۱۴۰۵/۰۹/۰۱"
    assert format_jalali(AZAR_FIRST_1405, persian_digits=False) == "1405/09/01"
    assert format_jalali(dt.datetime(2026, 11, 22, 23, 59)) == "۱۴۰۵/۰۹/۰۱"
    assert format_jalali(None) == ""


def test_format_jalali_datetime():
    moment = dt.datetime(2026, 11, 22, 14, 30, 59)
    assert format_jalali_datetime(moment) == "۱۴۰۵/۰۹/۰۱ ساعت ۱۴:۳۰"
    assert format_jalali_datetime(moment, persian_digits=False) == "1405/09/01 ساعت 14:30"
    assert format_jalali_datetime(dt.datetime(2026, 3, 21, 8, 5)) == "۱۴۰۵/۰۱/۰۱ ساعت ۰۸:۰۵"
    assert format_jalali_datetime(AZAR_FIRST_1405) == "۱۴۰۵/۰۹/۰۱"
    assert format_jalali_datetime(None) == ""


def test_to_and_from_jalali():
    assert to_jalali(AZAR_FIRST_1405) == (1405, 9, 1)
    assert from_jalali(1405, 9, 1) == AZAR_FIRST_1405
    with pytest.raises(ValidationError):
        from_jalali(1404, 12, 30)
    with pytest.raises(ValidationError):
        from_jalali(1405, 13, 1)


def test_format_date_outside_the_jalali_calendar_is_a_validation_error():
    with pytest.raises(ValidationError):
        format_jalali(dt.date(1, 1, 1))


def test_month_names():
    assert month_name(1) == "فروردین"
    assert month_name(8) == "آبان"
    assert month_name(12) == "اسفند"
    for bad in (0, 13, -1):
        with pytest.raises(ValidationError):
            month_name(bad)


@pytest.mark.parametrize(
    "typed",
    ["1405/08", "۱۴۰۵-۸", "١٤٠٥/٠٨", " 1405/8 ", "140508", "آبان ۱۴۰۵", "۱۴۰۵ آبان", "آبان 1405",
     "۱۴۰۵\u200f/۰۸"],
)
def test_parse_jalali_month(typed):
    assert parse_jalali_month(typed) == (1405, 8)


def test_parse_jalali_month_knows_the_old_spelling_of_mordad():
    assert parse_jalali_month("امرداد ۱۴۰۵") == (1405, 5)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "ماه را وارد کنید"),
        (None, "ماه را وارد کنید"),
        ("1405/13", "ماه باید بین ۱ و ۱۲ باشد"),
        ("1299/01", "سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد"),
        ("آبانماه", "ماه را به شکل سال/ماه بنویسید، مثل ۱۴۰۵/۰۸"),
        ("1405/08/01", "ماه را به شکل سال/ماه بنویسید، مثل ۱۴۰۵/۰۸"),
    ],
)
def test_parse_jalali_month_rejections(typed, message):
    with pytest.raises(ValidationError) as error:
        parse_jalali_month(typed)
    assert error.value.message == message
    assert error.value.field == "month"


def test_format_month_round_trips():
    assert format_month(1405, 8) == "آبان ۱۴۰۵"
    assert parse_jalali_month(format_month(1405, 8)) == (1405, 8)


@pytest.mark.parametrize(
    ("year", "month", "first", "last"),
    [
        (1403, 12, dt.date(2025, 2, 19), dt.date(2025, 3, 20)),  # leap: 30 days
        (1404, 12, dt.date(2026, 2, 20), dt.date(2026, 3, 20)),  # not leap: 29 days
        (1405, 1, dt.date(2026, 3, 21), dt.date(2026, 4, 20)),
        (1405, 7, dt.date(2026, 9, 23), dt.date(2026, 10, 22)),
        (1405, 9, AZAR_FIRST_1405, dt.date(2026, 12, 21)),
    ],
)
def test_month_bounds(year, month, first, last):
    assert month_bounds(year, month) == (first, last)


def test_months_of_a_year_follow_one_another():
    for year in (1403, 1404, 1405):
        for month in range(1, 12):
            _, last = month_bounds(year, month)
            first_of_next, _ = month_bounds(year, month + 1)
            assert first_of_next - last == dt.timedelta(days=1)


def test_half_years():
    assert half_year_of(dt.date(2026, 9, 22)) == (1405, 1)  # 1405/06/31
    assert half_year_of(dt.date(2026, 9, 23)) == (1405, 2)  # 1405/07/01
    assert half_year_of(dt.date(2026, 3, 20)) == (1404, 2)  # 1404/12/29
    assert half_year_bounds(1405, 1) == (dt.date(2026, 3, 21), dt.date(2026, 9, 22))
    assert half_year_bounds(1403, 2) == (dt.date(2024, 9, 22), dt.date(2025, 3, 20))
    for bad in (0, 3):
        with pytest.raises(ValidationError):
            half_year_bounds(1405, bad)
