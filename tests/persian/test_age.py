"""Age in whole years, a birthday counted on its Jalali day."""

import datetime as dt

from app.persian import age_in_years, age_text, from_jalali


def test_the_birthday_counts_on_its_jalali_day():
    born = from_jalali(1394, 2, 11)
    assert age_in_years(born, from_jalali(1405, 2, 10)) == 10
    assert age_in_years(born, from_jalali(1405, 2, 11)) == 11
    assert age_text(born, from_jalali(1405, 9, 2)) == "۱۱ ساله"


def test_a_leap_day_birthday_and_the_first_year():
    born = from_jalali(1403, 12, 30)  # 1403 is leap
    assert age_in_years(born, from_jalali(1404, 12, 29)) == 0
    assert age_text(born, from_jalali(1404, 12, 29)) == "زیر یک سال"
    assert age_in_years(born, from_jalali(1405, 1, 1)) == 1


def test_unknown_or_future_birth_gives_no_age():
    assert age_in_years(None, dt.date(2026, 1, 1)) is None
    assert age_text(dt.date(2027, 1, 1), dt.date(2026, 1, 1)) == ""
