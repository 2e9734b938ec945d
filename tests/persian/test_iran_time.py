"""Iran time from the zone database: no fixed offset, naive database values taken as UTC."""

import datetime as dt

from app.persian import IRAN, format_iran_datetime, iran_date, iran_time

UTC = dt.timezone.utc


def test_offset_comes_from_the_zone_database_with_the_old_summer_time():
    summer_1400 = dt.datetime(2021, 6, 1, 12, 0, tzinfo=UTC)  # Iran still kept summer time (+04:30)
    summer_1405 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # no summer time since 1401 (+03:30)
    assert iran_time(summer_1400).utcoffset() == dt.timedelta(hours=4, minutes=30)
    assert iran_time(summer_1405).utcoffset() == dt.timedelta(hours=3, minutes=30)
    assert str(IRAN) == "Asia/Tehran"


def test_naive_values_are_utc_and_the_day_follows_tehran():
    late = dt.datetime(2026, 11, 23, 20, 45)  # naive, as the database returns it
    assert iran_time(late).hour == 0 and iran_time(late).minute == 15
    assert iran_date(late) == dt.date(2026, 11, 24)
    assert format_iran_datetime(late) == "۱۴۰۵/۰۹/۰۳ ساعت ۰۰:۱۵"
    assert format_iran_datetime(late, say_zone=True).endswith("به وقت ایران")
    assert format_iran_datetime(None) == ""


def test_service_context_today_is_iran_day():
    from app.services.context import ServiceContext
    ctx = ServiceContext(None, None, clock=lambda: dt.datetime(2026, 11, 23, 20, 45, tzinfo=UTC))
    assert ctx.today() == dt.date(2026, 11, 24)
