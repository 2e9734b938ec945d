"""Iran time (Asia/Tehran) from the zone database, not a fixed +03:30.

Iran has kept no daylight saving since 1401, but older moments did; the zone database knows
both. On Windows Python ships no zone database: the `tzdata` package supplies it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from app.persian.jalali import format_jalali_datetime

IRAN = ZoneInfo("Asia/Tehran")


def iran_time(moment: dt.datetime) -> dt.datetime:
    """The same instant in Iran time. A naive value is taken as UTC: that is how the database keeps times."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(IRAN)


def iran_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Iran at that instant (what a document's number and text must both say)."""
    return iran_time(moment).date()


def format_iran_datetime(moment: dt.datetime | None, *, say_zone: bool = False,
                         persian_digits: bool = True) -> str:
    """'۱۴۰۵/۰۹/۰۲ ساعت ۱۳:۳۰' in Iran time; with say_zone, followed by «به وقت ایران»."""
    if moment is None:
        return ""
    text = format_jalali_datetime(iran_time(moment), persian_digits)
    return f"{text} به وقت ایران" if say_zone else text
